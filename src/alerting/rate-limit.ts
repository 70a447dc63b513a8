/**
 * Token buckets per integration key: `ratePerSecond` on average, up to `burst`
 * at once. Time is passed in. Only live keys reach it, so it holds one small
 * entry per integration.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
  ) {}

  /**
   * Takes `n` tokens (events) for `key`; when there are not enough, takes none
   * and says how long until there will be.
   *
   * @example
   * new RateLimiter(1000, 2000).take('key-id', 1, Date.now()) // { ok: true }
   */
  take(key: string, n: number, nowMs: number): { ok: true } | { ok: false; retryAfterMs: number } {
    const b = this.buckets.get(key) ?? { tokens: this.burst, at: nowMs };
    const elapsed = Math.max(0, nowMs - b.at);
    b.tokens = Math.min(this.burst, b.tokens + (elapsed * this.ratePerSecond) / 1000);
    b.at = nowMs;
    this.buckets.set(key, b);
    // A request larger than the burst can never pass whole: let it through once the bucket is full.
    const need = Math.min(n, this.burst);
    if (b.tokens >= need) {
      b.tokens -= need;
      return { ok: true };
    }
    return { ok: false, retryAfterMs: Math.ceil(((need - b.tokens) * 1000) / this.ratePerSecond) };
  }
}
