import { describe, expect, it } from 'vitest';
import { MIN_RETRY_DELAY_MS, retryDelay } from './backoff.js';

/** A seeded generator (mulberry32), so a failure can be replayed. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe('retryDelay', () => {
  it('stays in [250 ms, min(max, base·2^attempt)) over many draws', () => {
    const random = seeded(42);
    for (let attempt = 0; attempt < 30; attempt++) {
      const ceiling = Math.min(300_000, 1_000 * 2 ** attempt);
      let low = Number.POSITIVE_INFINITY;
      let high = 0;
      let integers = true;
      for (let i = 0; i < 2_000; i++) {
        const d = retryDelay(attempt, {}, random);
        integers &&= Number.isInteger(d);
        low = Math.min(low, d);
        high = Math.max(high, d);
      }
      expect(integers).toBe(true);
      expect(low).toBeGreaterThanOrEqual(MIN_RETRY_DELAY_MS);
      expect(high).toBeLessThan(Math.max(ceiling, MIN_RETRY_DELAY_MS + 1));
      // Full jitter: the draws spread over the whole range.
      expect(low).toBeLessThan(MIN_RETRY_DELAY_MS + ceiling * 0.05);
      expect(high).toBeGreaterThan(ceiling * 0.95);
    }
  });

  it('takes the extremes of the random draw to the bounds', () => {
    expect(retryDelay(0, {}, () => 0)).toBe(250);
    expect(retryDelay(3, {}, () => 0.999_999_999)).toBe(7_999);
    expect(retryDelay(40, {}, () => 0.5)).toBe(150_000);
    expect(retryDelay(20, { baseMs: 500, maxMs: 60_000 }, () => 0.5)).toBe(30_000);
  });

  it('copes with odd attempts and draws', () => {
    expect(retryDelay(-1, {}, () => 0.5)).toBe(500);
    expect(retryDelay(Number.NaN, {}, () => 0.5)).toBe(500);
    expect(retryDelay(1e9, {}, () => 0.5)).toBe(150_000);
    expect(retryDelay(5, {}, () => 1)).toBeLessThan(32_000);
    expect(retryDelay(5, {}, () => Number.NaN)).toBe(250);
    expect(retryDelay(5, { maxMs: 100 }, () => 0.9)).toBe(250);
  });
});
