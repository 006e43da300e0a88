import { createHash } from "node:crypto";
import { processGlobal } from "./registry";
import { sleep } from "./idioms";

export type RateClass = "read" | "write";

interface Window {
  limit: number;
  windowMs: number;
  classes: RateClass[];
  /** When each call inside the window counts, oldest first (see Slot.done). */
  stamps: number[];
}

/**
 * Parses "read=5/60s,write=3/60s" or "50/1s,1000/1m" (no class = every call).
 * Durations take ms, s or m.
 */
export function parseRateLimits(spec: string): { limit: number; windowMs: number; classes: RateClass[] }[] {
  const out: { limit: number; windowMs: number; classes: RateClass[] }[] = [];
  for (const raw of spec.split(/[,;]/).map((s) => s.trim()).filter(Boolean)) {
    const m = /^(?:(read|write|all)\s*=\s*)?(\d+)\s*\/\s*(\d+(?:\.\d+)?)\s*(ms|s|m)$/.exec(raw);
    if (!m) throw new Error(`invalid rate limit "${raw}": expected e.g. "write=3/60s" or "50/1s"`);
    const unit = m[4] === "ms" ? 1 : m[4] === "s" ? 1000 : 60_000;
    const classes: RateClass[] = !m[1] || m[1] === "all" ? ["read", "write"] : [m[1] as RateClass];
    out.push({ limit: Number(m[2]), windowMs: Number(m[3]) * unit, classes });
  }
  return out;
}

export interface Slot {
  waitedMs: number;
  /** Call when the reply has come (or the call failed). */
  done(): void;
}


/**
 * Sliding-window limiter for one (vendor, credential). Callers wait in FIFO order
 * for a slot in every window that applies to their class, so bursts of parallel
 * engine steps are paced instead of failing.
 */
export class RateLimiter {
  private readonly windows: Window[];
  private blockedUntil = 0;
  // FIFO per class: a write waiting out its window must not hold back reads that have budget.
  private readonly queues: Record<RateClass, Promise<void>> = { read: Promise.resolve(), write: Promise.resolve() };
  readonly spec: string;

  constructor(spec: string, private readonly now: () => number = Date.now) {
    this.spec = spec;
    this.windows = parseRateLimits(spec).map((w) => ({ ...w, stamps: [] }));
  }

  /**
   * Waits until a call of `cls` may start and records it. The server counts a call
   * when it arrives, a little after we start it, so `done()` moves the record to
   * when the reply came: the next window then never opens before the server's does.
   */
  acquire(cls: RateClass): Promise<Slot> {
    const started = this.now();
    let stamp = 0;
    const turn = this.queues[cls].then(async () => {
      for (;;) {
        const t = this.now();
        let waitUntil = this.blockedUntil;
        for (const w of this.windows) {
          if (!w.classes.includes(cls)) continue;
          while (w.stamps.length && w.stamps[0] <= t - w.windowMs) w.stamps.shift();
          if (w.stamps.length >= w.limit) waitUntil = Math.max(waitUntil, w.stamps[w.stamps.length - w.limit] + w.windowMs);
        }
        if (waitUntil <= t) break;
        await sleep(waitUntil - t + 1);
      }
      stamp = this.now();
      for (const w of this.windows) if (w.classes.includes(cls)) w.stamps.push(stamp);
    });
    this.queues[cls] = turn.catch(() => undefined);
    return turn.then(() => ({
      waitedMs: this.now() - started,
      done: () => {
        const end = this.now();
        if (end <= stamp) return;
        for (const w of this.windows) {
          if (!w.classes.includes(cls)) continue;
          const i = w.stamps.indexOf(stamp);
          if (i < 0) continue;
          w.stamps.splice(i, 1);
          let j = w.stamps.length;
          while (j > 0 && w.stamps[j - 1] > end) j--;
          w.stamps.splice(j, 0, end);
        }
        stamp = end;
      },
    }));
  }

  /** The server said no more calls until `until` (epoch ms): everyone waits. */
  blockUntil(until: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, until);
  }
}

export function credentialFingerprint(credential: string): string {
  return createHash("sha256").update(credential).digest("hex").slice(0, 16);
}

/** The limiter shared by every provider copy in this process for one vendor and credential. */
export function limiterFor(vendor: string, credential: string, spec: string): RateLimiter {
  const limiters = processGlobal("rate-limiters", () => new Map<string, RateLimiter>());
  const key = `${vendor}:${credentialFingerprint(credential)}`;
  let l = limiters.get(key);
  if (!l || l.spec !== spec) {
    l = new RateLimiter(spec);
    limiters.set(key, l);
  }
  return l;
}
