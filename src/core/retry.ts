import { isVendorError, VendorError } from "./errors";
import { sleep } from "./idioms";

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Give up on transient faults once this much time has gone by. */
  maxElapsedMs: number;
  /** Waiting on rate limits is bounded separately: pacing alone should not fail an update. */
  maxRateLimitWaitMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 250,
  maxDelayMs: 15_000,
  maxElapsedMs: 120_000,
  maxRateLimitWaitMs: 600_000,
};

/** Exponential backoff with full jitter: uniform in [0, min(max, base * 2^attempt)]. */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.floor(random() * cap);
}

/** Milliseconds to wait from `Retry-After` (seconds or HTTP date) or `X-RateLimit-Reset`. */
export function serverWaitMs(headers: Record<string, string | undefined>, now: number = Date.now()): number | undefined {
  const ra = headers["retry-after"];
  if (ra !== undefined && ra !== "") {
    const secs = Number(ra);
    if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
    const date = Date.parse(ra);
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  const reset = headers["x-ratelimit-reset"];
  if (reset !== undefined && reset !== "") {
    const n = Number(reset);
    if (Number.isFinite(n)) {
      // Large values are epoch seconds (Rootly), small ones seconds from now.
      return n > 1e9 ? Math.max(0, n * 1000 - now) : Math.max(0, n * 1000);
    }
    // Atlassian (Jira platform, JSM Operations) sends an ISO 8601 timestamp.
    const at = Date.parse(reset);
    if (Number.isFinite(at)) return Math.max(0, at - now);
  }
  return undefined;
}


/**
 * Creates an object exactly once despite ambiguous failures: when a create may
 * have reached the server (reset, timeout, 5xx), look it up by its natural key
 * before sending it again.
 */
export async function createOnce<T>(opts: {
  attempt: () => Promise<T>;
  /** Gets the ambiguous failure: it may refuse to go on (throw), e.g. when the vendor answered 2xx. */
  lookup: (cause: VendorError) => Promise<T | undefined>;
  maxAttempts?: number;
  policy?: RetryPolicy;
}): Promise<T> {
  const policy = opts.policy ?? DEFAULT_RETRY;
  const max = opts.maxAttempts ?? 4;
  let last: unknown;
  for (let i = 0; i < max; i++) {
    try {
      return await opts.attempt();
    } catch (e) {
      last = e;
      if (!isVendorError(e) || !(e as VendorError).ambiguous) throw e;
      const found = await opts.lookup(e as VendorError);
      if (found !== undefined) return found;
      await sleep(backoffDelay(i, policy));
    }
  }
  throw last;
}
