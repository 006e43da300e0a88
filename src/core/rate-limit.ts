import { createHash } from "node:crypto";
import { processGlobal } from "./registry";
import { sleep } from "./idioms";
import { notice, visibleWaitMs } from "./log";
import { FileStore, MemoryStore, type BudgetStore } from "./budget-store";
import { AdaptiveRate } from "./adaptive-rate";

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

/** Thrown by `acquire` when its signal aborts while the call still waits for budget. */
export class NotSentError extends Error {
  constructor(readonly reason: unknown) {
    super("cancelled before it was sent");
    this.name = "NotSentError";
  }
}

export interface AdaptiveOptions {
  /**
   * Pace by the server's answers too, for clients that share the key without sharing
   * this store (other machines): one call of a class until the first answer says what
   * is left, a CUBIC rate per class that backs off on 429s, jittered waits for the
   * server's reset instants. Off, the limiter paces by its windows alone.
   */
  adaptive?: boolean;
  /** Uniform in [0, 1): the jitter. */
  random?: () => number;
}

/** Sleeps `ms`, or rejects with NotSentError as soon as `signal` aborts. */
function sleepUnless(ms: number, signal?: AbortSignal): Promise<void> {
  if (!signal) return sleep(ms);
  if (signal.aborted) return Promise.reject(new NotSentError(signal.reason));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new NotSentError(signal.reason));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}


/**
 * Sliding-window limiter for one (vendor, endpoint, credential). Callers wait in
 * FIFO order for a slot in every window that applies to their class, so bursts of
 * parallel engine steps are paced instead of failing. The counts live in a store:
 * this process's memory, or a file every provider process of the machine shares.
 *
 * Adaptive (see `AdaptiveOptions`), it also paces by what the server says, for the
 * clients on other machines no store can reach: they all see the same reset instant,
 * so a wait the server set (its reset, its Retry-After, its count of calls we did not
 * make) ends at a random point of the span after it instead of at the instant itself.
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

  private readonly adaptive: boolean;
  private readonly random: () => number;
  /** Per class: the CUBIC rate, and whether an answer has come yet (until then, one call at a time). */
  private readonly rates: Record<RateClass, AdaptiveRate>;
  private readonly answered: Record<RateClass, boolean> = { read: false, write: false };
  private readonly inFlight: Record<RateClass, number> = { read: 0, write: 0 };
  private readonly wakers: Record<RateClass, (() => void)[]> = { read: [], write: [] };
  /** Per class: 429s lately, less one per success (widens the jitter of server-set waits). */
  private readonly contention: Record<RateClass, number> = { read: 0, write: 0 };
  /** Per class: our smoothed part of the calls the server counts (1 alone). */
  private readonly share: Record<RateClass, number> = { read: 1, write: 1 };

  constructor(spec: string, private readonly now: () => number = Date.now, store?: BudgetStore, opts: AdaptiveOptions = {}) {
    this.spec = spec;
    this.windows = parseRateLimits(spec);
    this.store = store ?? new MemoryStore(this.windows.length);
    this.adaptive = opts.adaptive ?? false;
    this.random = opts.random ?? Math.random;
    const rate = (cls: RateClass) => {
      // The class's shortest window sets the unit of time and the floor (a twentieth of its limit):
      // with a per-second and a per-minute window (Flashduty), a rate counted in minutes would
      // recover over minutes; the minute window is kept by the windows themselves.
      const w = this.windows.filter((x) => x.classes.includes(cls)).sort((a, b) => a.windowMs - b.windowMs)[0];
      return new AdaptiveRate(w?.windowMs ?? 1000, (w?.limit ?? 1) / 20, now, Math.max(1, (w?.limit ?? 1) / 10));
    };
    this.rates = { read: rate("read"), write: rate("write") };
  }

  private tightest(cls: RateClass): Window | undefined {
    return this.windows.filter((w) => w.classes.includes(cls)).sort((a, b) => a.limit / a.windowMs - b.limit / b.windowMs)[0];
  }

  /** The length of the class's tightest window (ms). */
  windowMs(cls: RateClass): number {
    return this.tightest(cls)?.windowMs ?? 1000;
  }

  /** The span a server-set wait is spread over: one call's share of the class's tightest window. */
  spreadMs(cls: RateClass): number {
    const w = this.tightest(cls);
    return w ? w.windowMs / w.limit : 1000;
  }

  /** Records a call of `cls` now if every window has room; otherwise says until when to wait, and whether the server set that. */
  private take(cls: RateClass): { stamp?: number; waitUntil: number; server: boolean } {
    return this.store.update((s) => {
      const t = this.now();
      let waitUntil = s.blockedUntil;
      let server = s.blockedUntil > t;
      this.windows.forEach((w, i) => {
        if (!w.classes.includes(cls)) return;
        const stamps = s.stamps[i].filter((x) => x > t - w.windowMs);
        s.stamps[i] = stamps;
        if (s.foreign) s.foreign[i] = (s.foreign[i] ?? []).filter((x) => x > t - w.windowMs);
        if (stamps.length >= w.limit) {
          const binding = stamps[stamps.length - w.limit];
          const until = binding + w.windowMs;
          if (until > waitUntil) {
            waitUntil = until;
            server = s.foreign?.[i]?.includes(binding) ?? false;
          }
        }
      });
      if (waitUntil > t) return { waitUntil, server };
      this.windows.forEach((w, i) => w.classes.includes(cls) && s.stamps[i].push(t));
      return { stamp: t, waitUntil: t, server: false };
    });
  }

  private wake(cls: RateClass): void {
    for (const w of this.wakers[cls].splice(0)) w();
  }

  /**
   * Waits until a call of `cls` may start and records it. The server counts a call
   * when it arrives, a little after we start it, so `done()` moves the record to
   * when the reply came: the next window then never opens before the server's does.
   * An aborted `signal` ends the wait with NotSentError (nothing was recorded).
   */
  acquire(cls: RateClass, signal?: AbortSignal): Promise<Slot> {
    const started = this.now();
    let stamp = 0;
    this.queued[cls]++;
    const turn = this.queues[cls].then(async () => {
      let announced = 0;
      for (;;) {
        if (signal?.aborted) throw new NotSentError(signal.reason);
        // Until the server's first answer says what is left, one call at a time.
        if (this.adaptive && !this.answered[cls] && this.inFlight[cls] > 0) {
          await new Promise<void>((resolve, reject) => {
            const onAbort = () => reject(new NotSentError(signal?.reason));
            this.wakers[cls].push(() => {
              signal?.removeEventListener("abort", onAbort);
              resolve();
            });
            signal?.addEventListener("abort", onAbort, { once: true });
          });
          continue;
        }
        const rate = this.rates[cls];
        const tokenWait = this.adaptive ? rate.take() : 0;
        if (tokenWait > 0) {
          // Jitter of up to one more token's time: processes that backed off together do not come back together.
          // Short naps: the rate recovers while we wait.
          await sleepUnless(Math.min(tokenWait, this.spreadMs(cls)) * (0.5 + this.random()), signal);
          continue;
        }
        const r = this.take(cls);
        if (r.stamp !== undefined) {
          stamp = r.stamp;
          this.inFlight[cls]++;
          return;
        }
        if (this.adaptive) rate.giveBack();
        let wait = r.waitUntil - this.now() + 1;
        // Every client of the key was told the same instant: spread the wake-ups over the span after it.
        if (this.adaptive && r.server) wait += Math.floor(this.random() * this.jitterSpanMs(cls));
        if (wait >= visibleWaitMs() && this.now() - announced >= visibleWaitMs()) {
          announced = this.now();
          const limits = this.windows.filter((w) => w.classes.includes(cls)).map((w) => `${w.limit}/${w.windowMs / 1000}s`).join(", ");
          notice(`${this.label || "alert-routing"}: waiting ${Math.ceil(wait / 1000)} s for ${cls} budget (${limits}), ${this.queued[cls]} queued`);
        }
        await sleepUnless(wait, signal);
      }
    });
    void turn.finally(() => this.queued[cls]--).catch(() => undefined);
    this.queues[cls] = turn.catch(() => undefined);
    return turn.then(() => {
      let finished = false;
      return {
        waitedMs: this.now() - started,
        done: () => {
          if (!finished) {
            finished = true;
            this.inFlight[cls]--;
            this.wake(cls);
          }
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
      };
    });
  }

  /**
   * The server answered a call of `cls`: `throttled` for a 429. Moves the CUBIC rate
   * (backs off on a 429, recovers on success) and ends the one-call-at-a-time start.
   */
  answer(cls: RateClass, throttled: boolean): void {
    if (!this.adaptive) return;
    this.rates[cls].update(throttled);
    this.contention[cls] = throttled ? Math.min(this.contention[cls] + 1, 6) : Math.max(0, this.contention[cls] - 1);
    if (throttled) {
      // A 429 on a key several clients share: the other class is likely short too.
      const other: RateClass = cls === "read" ? "write" : "read";
      if (this.windows.some((w) => w.classes.includes(cls) && w.classes.includes(other))) this.rates[other].update(true);
    }
    this.answered[cls] = true;
    this.wake(cls);
  }

  /**
   * The span a wake-up at a server-set instant is spread over: one call's share of the
   * window, doubled for each recent 429 (more clients want the slot than one share
   * separates), at most two windows or eight shares.
   */
  jitterSpanMs(cls: RateClass): number {
    const w = this.tightest(cls);
    // At most two windows, or eight shares where the tightest window is long (Flashduty's minute).
    const cap = Math.min(2 * (w?.windowMs ?? 1000), 8 * this.spreadMs(cls));
    return Math.min(cap, this.spreadMs(cls) * 2 ** (this.contention[cls] ? this.contention[cls] + 1 : 0));
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
        if (this.adaptive) {
          // Our part of what the server counts: with others on the key, our rate is capped at
          // that share of the limit (smoothed), so that each client takes its part, not the whole.
          const foreign = new Set(s.foreign?.[i] ?? []);
          const own = inWindow.filter((x) => !foreign.has(x)).length;
          const counted = w.limit - remaining;
          if (counted > 0) {
            this.share[cls] = (this.share[cls] + Math.min(1, own / counted)) / 2;
            if (own < counted) this.rates[cls].cap(Math.max(1, w.limit * this.share[cls]) * (this.rates[cls].unitMs / w.windowMs));
          }
        }
        const missing = w.limit - remaining - inWindow.length;
        if (missing <= 0) continue;
        // The header times only the oldest call the server counts: the others may be as
        // recent as now. Taking them all to expire at the reset is what made every client
        // wake at that one instant and take the whole window.
        const first = Math.min(t, Math.max(t - w.windowMs + 1, resetAt - w.windowMs));
        const added = Array.from({ length: missing }, (_, k) => (k === 0 ? first : t));
        s.stamps[i] = [...inWindow, ...added].sort((a, b) => a - b);
        s.foreign ??= s.stamps.map(() => []);
        s.foreign[i] = [...(s.foreign[i] ?? []), ...added];
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
    l = new RateLimiter(spec, Date.now, shared ? new FileStore(`${vendor}-${id}`, parseRateLimits(spec).length) : undefined, { adaptive: process.env.ALERT_ROUTING_ADAPTIVE_RATE !== "0" });
    l.label = vendor;
    limiters.set(id, l);
  }
  return l;
}
