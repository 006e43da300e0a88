import { AsyncLocalStorage } from "node:async_hooks";
import { existsSync, readFileSync } from "node:fs";
import { isVendorError } from "./errors";
import { processGlobal } from "./registry";

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The value, or undefined when the vendor said the object does not exist. */
export async function ignoreNotFound<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (e) {
    if (isVendorError(e, "not_found")) return undefined;
    throw e;
  }
}

/** A process-wide FIFO lock per key (shared by every deserialized provider copy). */
export function keyedLock(name: string): <T>(key: string, fn: () => Promise<T>) => Promise<T> {
  const tails = processGlobal(`keyed-lock:${name}`, () => new Map<string, Promise<unknown>>());
  return async <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const prev = tails.get(key) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    tails.set(key, tail);
    try {
      return await run;
    } finally {
      if (tails.get(key) === tail) tails.delete(key);
    }
  };
}

const background = () => processGlobal("background-calls.v1", () => new AsyncLocalStorage<true>());

/**
 * Runs `fn` with its vendor calls marked as checks that may be skipped (preflight lists):
 * they do not retry a 429 and do not wait for rate budget longer than `VendorClient` allows,
 * so the budget goes to the writes; the caller says it skipped the check.
 */
export function asBackground<T>(fn: () => Promise<T>): Promise<T> {
  return background().run(true, fn);
}

export function inBackground(): boolean {
  return background().getStore() === true;
}

/**
 * A process-wide cache of one promise per key that forgets failures (and, optionally, empty
 * results). The load runs outside any background check: a create that joins a load a
 * preflight check started must get the retries and patience of a normal call.
 */
export function onceCache<T>(name: string, opts: { keepEmpty?: boolean } = {}): (key: string, load: () => Promise<T>) => Promise<T> {
  const cache = processGlobal(`once-cache:${name}`, () => new Map<string, Promise<T>>());
  return (key, load) => {
    let p = cache.get(key);
    if (!p) {
      p = background().exit(load);
      cache.set(key, p);
      p.then(
        (v) => {
          if (!opts.keepEmpty && (v === undefined || v === null)) cache.delete(key);
        },
        () => cache.delete(key),
      );
    }
    return p;
  };
}

/**
 * A read that reports "gone" only when it is sure. One 404 is not proof (a proxy, a
 * lagging replica, a momentary fault answer it too): read again, then look for the
 * object in its parent collection. `listed` returns the object when the collection
 * has it, undefined when it does not.
 */
export async function readConfirmed<T>(opts: {
  read: () => Promise<T | undefined>;
  listed: () => Promise<T | undefined>;
  /** Pause before the second read. */
  retryDelayMs?: number;
}): Promise<T | undefined> {
  const first = await opts.read();
  if (first !== undefined) return first;
  await sleep(opts.retryDelayMs ?? Number(process.env.ALERT_ROUTING_GONE_RETRY_MS ?? 1000));
  const second = await opts.read();
  if (second !== undefined) return second;
  return opts.listed();
}

/**
 * True while process `pid` runs (EPERM: it exists, owned by someone else). A zombie
 * has exited: its parent has not reaped it yet, which an init that never waits (a
 * container's PID 1) may never do, and `kill(pid, 0)` still succeeds on it.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch (e) {
    // Without /proc (macOS) the signal is all we have; with it, ENOENT means it just exited.
    return (e as NodeJS.ErrnoException).code !== "ENOENT" || !existsSync("/proc/self/stat");
  }
}
