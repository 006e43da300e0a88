/**
 * The client-side rate of the AWS SDKs' "adaptive" retry mode, ported from its
 * documented algorithm (a token bucket whose fill rate CUBIC backs off on every
 * throttling answer and recovers smoothly on success). Two changes for vendor
 * limits that are a thousand times lower than AWS's: time is counted in units of
 * the vendor's window (`unitMs`) instead of seconds, so the constants (beta 0.7,
 * scale 0.4, smoothing 0.8) mean the same at 3 writes a minute as at 50 calls a
 * second; and the floor of the fill rate is given by the caller (AWS: 0.5/s).
 *
 * Like the SDKs' limiter the bucket is off until the first throttle: a process
 * that never meets a 429 is paced by its configured windows alone.
 */
export interface AdaptiveState {
  enabled: boolean;
  /** Tokens per unit. */
  fillRate: number;
  capacity: number;
  tokens: number;
  lastRefill: number;
  /** Smoothed rate of answers, per unit. */
  measured: number;
  lastBucket: number;
  count: number;
  lastMaxRate: number;
  lastThrottle: number;
  timeWindow: number;
}

const BETA = 0.7;
const SCALE = 0.4;
const SMOOTH = 0.8;
const MIN_CAPACITY = 1;

export class AdaptiveRate {
  readonly s: AdaptiveState;
  constructor(
    readonly unitMs: number,
    private readonly minFillRate: number,
    private readonly now: () => number = Date.now,
    /** The least sending rate a throttle is measured at (per unit): see `update`. */
    private readonly minMeasured = 1,
  ) {
    const t = this.t();
    this.s = { enabled: false, fillRate: minFillRate, capacity: MIN_CAPACITY, tokens: MIN_CAPACITY, lastRefill: t, measured: 0, lastBucket: Math.floor(t * 2) / 2, count: 0, lastMaxRate: 0, lastThrottle: t, timeWindow: 0 };
  }

  private t(): number {
    return this.now() / this.unitMs;
  }

  /** Calls per unit the bucket lets through now (Infinity while it is off). */
  get rate(): number {
    return this.s.enabled ? this.s.fillRate : Infinity;
  }

  private refill(): void {
    const t = this.t();
    this.s.tokens = Math.min(this.s.capacity, this.s.tokens + (t - this.s.lastRefill) * this.s.fillRate);
    this.s.lastRefill = t;
  }

  /**
   * The SDKs move the rate only when an answer comes; at a few calls a minute a
   * process may wait long without one, so the CUBIC curve is also followed while it
   * waits (never below what the last answer set).
   */
  private follow(): void {
    if (this.s.tokens >= 1) return;
    const t = this.t();
    const curve = SCALE * (t - this.s.lastThrottle - this.s.timeWindow) ** 3 + this.s.lastMaxRate;
    if (curve > this.s.fillRate) {
      this.refill();
      this.s.fillRate = curve;
      this.s.capacity = Math.max(curve, MIN_CAPACITY);
    }
  }

  /** Takes a token and returns 0, or returns how many ms until one is there (takes nothing). */
  take(): number {
    if (!this.s.enabled) return 0;
    this.follow();
    this.refill();
    if (this.s.tokens >= 1) {
      this.s.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.s.tokens) / this.s.fillRate) * this.unitMs);
  }

  /**
   * Caps the rate at `rate` (per unit) when the server's count shows other clients on the
   * key: as if a throttle had set it there, so it recovers along the same CUBIC curve.
   */
  cap(rate: number): void {
    const r = Math.max(rate, this.minFillRate);
    if (this.s.enabled && r >= this.s.fillRate) return;
    this.refill();
    this.s.enabled = true;
    this.s.lastMaxRate = r / BETA;
    this.s.timeWindow = Math.cbrt((this.s.lastMaxRate * (1 - BETA)) / SCALE);
    this.s.lastThrottle = this.t();
    this.s.fillRate = r;
    this.s.capacity = Math.max(r, MIN_CAPACITY);
    this.s.tokens = Math.min(this.s.tokens, this.s.capacity);
  }

  /** Gives back a token taken for a call that was never sent. */
  giveBack(): void {
    if (this.s.enabled) this.s.tokens = Math.min(this.s.capacity, this.s.tokens + 1);
  }

  private updateMeasured(): void {
    const bucket = Math.floor(this.t() * 2) / 2;
    this.s.count++;
    if (bucket > this.s.lastBucket) {
      const current = this.s.count / (bucket - this.s.lastBucket);
      this.s.measured = current * SMOOTH + this.s.measured * (1 - SMOOTH);
      this.s.count = 0;
      this.s.lastBucket = bucket;
    }
  }

  /** After every answer: `throttled` for a 429 (or the vendor's equivalent). */
  update(throttled: boolean): void {
    this.updateMeasured();
    const t = this.t();
    // A few calls a window (engine steps, not a loop) measure far below what the client may
    // send: counted as at least `minMeasured` per unit, or one 429 would drop the rate to the floor.
    const measured = Math.max(this.s.measured, this.minMeasured);
    let rate: number;
    if (throttled) {
      const use = this.s.enabled ? Math.min(measured, this.s.fillRate) : measured;
      this.s.lastMaxRate = use;
      this.s.timeWindow = Math.cbrt((this.s.lastMaxRate * (1 - BETA)) / SCALE);
      this.s.lastThrottle = t;
      rate = use * BETA;
      this.s.enabled = true;
    } else {
      this.s.timeWindow = Math.cbrt((this.s.lastMaxRate * (1 - BETA)) / SCALE);
      rate = SCALE * (t - this.s.lastThrottle - this.s.timeWindow) ** 3 + this.s.lastMaxRate;
    }
    const next = Math.min(rate, 2 * measured);
    this.refill();
    this.s.fillRate = Math.max(next, this.minFillRate);
    this.s.capacity = Math.max(next, MIN_CAPACITY);
    this.s.tokens = Math.min(this.s.tokens, this.s.capacity);
  }
}
