import { createHash } from "node:crypto";
import { processGlobal } from "./registry";
import { sleep } from "./idioms";
import { notice, visibleWaitMs } from "./log";
import { FileStore, MemoryStore, type BudgetStore } from "./budget-store";

export type RateClass = "read" | "write";

interface Window {
  limit: number;
  windowMs: number;
  classes: RateClass[];
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
 * Sliding-window limiter for one (vendor, endpoint, credential). Callers wait in
 * FIFO order for a slot in every window that applies to their class, so bursts of
 * parallel engine steps are paced instead of failing. The counts live in a store:
 * this process's memory, or a file every provider process of the machine shares.
 */
export class RateLimiter {
  private readonly windows: Window[];
  // FIFO per class: a write waiting out its window must not hold back reads that have budget.
  private readonly queues: Record<RateClass, Promise<void>> = { read: Promise.resolve(), write: Promise.resolve() };
  private readonly store: BudgetStore;
  readonly spec: string;

  private readonly queued: Record<RateClass, number> = { read: 0, write: 0 };
  /** Names the limiter in the lines that announce long waits. */
  label = "";

  constructor(spec: string, private readonly now: () => number = Date.now, store?: BudgetStore) {
    this.spec = spec;
    this.windows = parseRateLimits(spec);
    this.store = store ?? new MemoryStore(this.windows.length);
  }

  /** Records a call of `cls` now if every window has room; otherwise says until when to wait. */
  private take(cls: RateClass): { stamp?: number; waitUntil: number } {
    return this.store.update((s) => {
      const t = this.now();
      let waitUntil = s.blockedUntil;
      this.windows.forEach((w, i) => {
        if (!w.classes.includes(cls)) return;
        const stamps = s.stamps[i].filter((x) => x > t - w.windowMs);
        s.stamps[i] = stamps;
        if (stamps.length >= w.limit) waitUntil = Math.max(waitUntil, stamps[stamps.length - w.limit] + w.windowMs);
      });
      if (waitUntil > t) return { waitUntil };
      this.windows.forEach((w, i) => w.classes.includes(cls) && s.stamps[i].push(t));
      return { stamp: t, waitUntil: t };
    });
  }

  /**
   * Waits until a call of `cls` may start and records it. The server counts a call
   * when it arrives, a little after we start it, so `done()` moves the record to
   * when the reply came: the next window then never opens before the server's does.
   */
  acquire(cls: RateClass): Promise<Slot> {
    const started = this.now();
    let stamp = 0;
    this.queued[cls]++;
    const turn = this.queues[cls].then(async () => {
      let announced = 0;
      for (;;) {
        const r = this.take(cls);
        if (r.stamp !== undefined) {
          stamp = r.stamp;
          return;
        }
        const wait = r.waitUntil - this.now() + 1;
        if (wait >= visibleWaitMs() && this.now() - announced >= visibleWaitMs()) {
          announced = this.now();
          const limits = this.windows.filter((w) => w.classes.includes(cls)).map((w) => `${w.limit}/${w.windowMs / 1000}s`).join(", ");
          notice(`${this.label || "alert-routing"}: waiting ${Math.ceil(wait / 1000)} s for ${cls} budget (${limits}), ${this.queued[cls]} queued`);
        }
        await sleep(wait);
      }
    });
    void turn.finally(() => this.queued[cls]--).catch(() => undefined);
    this.queues[cls] = turn.catch(() => undefined);
    return turn.then(() => ({
      waitedMs: this.now() - started,
      done: () => {
        const end = this.now();
        if (end <= stamp) return;
        const from = stamp;
        stamp = end;
        this.store.update((s) => {
          this.windows.forEach((w, i) => {
            if (!w.classes.includes(cls)) return;
            const list = s.stamps[i];
            const k = list.indexOf(from);
            if (k < 0) return;
            list.splice(k, 1);
            let j = list.length;
            while (j > 0 && list[j - 1] > end) j--;
            list.splice(j, 0, end);
          });
        });
      },
    }));
  }

  /** The server said no more calls until `until` (epoch ms): everyone waits. */
  blockUntil(until: number): void {
    this.store.update((s) => void (s.blockedUntil = Math.max(s.blockedUntil, until)));
  }

  /**
   * What the server says is left of a window (X-RateLimit-Remaining / -Reset): when it
   * counts more calls than we do (another client, or an earlier command on the same
   * key), the difference is recorded as calls that expire at the server's reset.
   */
  observe(cls: RateClass, remaining: number, resetAt: number, windowMs?: number): void {
    const mine = this.windows.map((w, i) => ({ w, i })).filter(({ w }) => w.classes.includes(cls));
    // The window the header speaks of: the one of that length, or the class's only one.
    const exact = mine.filter(({ w }) => w.windowMs === windowMs);
    const target = exact.length ? exact : mine.length === 1 ? mine : [];
    if (!target.length) return;
    this.store.update((s) => {
      const t = this.now();
      for (const { w, i } of target) {
        const inWindow = s.stamps[i].filter((x) => x > t - w.windowMs);
        const missing = w.limit - remaining - inWindow.length;
        if (missing <= 0) continue;
        const at = Math.min(t, Math.max(t - w.windowMs + 1, resetAt - w.windowMs));
        s.stamps[i] = [...inWindow, ...Array.from({ length: missing }, () => at)].sort((a, b) => a - b);
      }
    });
  }
}

/** X-RateLimit-Remaining / -Reset (epoch or delta seconds) / -Limit (`1000, 1000;window=3600` or a bare number). */
export function serverBudget(headers: Record<string, string>, now = Date.now()): { remaining: number; resetAt: number; windowMs?: number } | undefined {
  const remaining = Number(headers["x-ratelimit-remaining"]);
  const reset = Number(headers["x-ratelimit-reset"]);
  if (headers["x-ratelimit-remaining"] === undefined || !Number.isFinite(remaining) || !Number.isFinite(reset) || headers["x-ratelimit-reset"] === undefined) return undefined;
  const resetAt = reset > 1e9 ? reset * 1000 : now + reset * 1000;
  const w = /window=(\d+)/.exec(headers["x-ratelimit-limit"] ?? "");
  return { remaining, resetAt, windowMs: w ? Number(w[1]) * 1000 : undefined };
}

export function credentialFingerprint(credential: string): string {
  return createHash("sha256").update(credential).digest("hex").slice(0, 16);
}

/**
 * The limiter shared by every provider copy in this process for one vendor, endpoint
 * and credential. Its counts are shared with the machine's other provider processes
 * too (ALERT_ROUTING_SHARED_BUDGET=0 keeps them per process).
 */
export function limiterFor(vendor: string, credential: string, spec: string, baseUrl = ""): RateLimiter {
  const limiters = processGlobal("rate-limiters", () => new Map<string, RateLimiter>());
  const id = createHash("sha256").update(`${vendor}\u0000${baseUrl}\u0000${credential}\u0000${spec}`).digest("hex").slice(0, 24);
  let l = limiters.get(id);
  if (!l) {
    const shared = process.env.ALERT_ROUTING_SHARED_BUDGET !== "0";
    l = new RateLimiter(spec, Date.now, shared ? new FileStore(`${vendor}-${id}`, parseRateLimits(spec).length) : undefined);
    l.label = vendor;
    limiters.set(id, l);
  }
  return l;
}
