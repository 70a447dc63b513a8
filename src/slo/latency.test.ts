import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addLatency,
  bucketUpper,
  count,
  EMPTY_HISTOGRAM,
  histogramFromBuckets,
  histogramOf,
  type LatencyHistogram,
  latencyBucket,
  MAX_LATENCY_BUCKET,
  mergeHistograms,
  quantile,
} from './latency.js';

/** The ⌈q·n⌉-th smallest sample: the quantile a histogram approximates. */
function nearestRank(sorted: readonly number[], q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] as number;
}

const close = (estimate: number, exact: number) =>
  exact < 20 ? Math.abs(estimate - exact) <= 1 : Math.abs(estimate - exact) / exact <= 0.05;

describe('latency buckets', () => {
  it('puts 0 to 1 ms in bucket 0 and (1.05^(i-1), 1.05^i] in bucket i', () => {
    expect(latencyBucket(0)).toBe(0);
    expect(latencyBucket(0.5)).toBe(0);
    expect(latencyBucket(1)).toBe(0);
    expect(latencyBucket(1.000_000_1)).toBe(1);
    expect(latencyBucket(1.05)).toBe(1);
    expect(latencyBucket(1.050_000_1)).toBe(2);
    expect(latencyBucket(100)).toBe(95);
    expect(bucketUpper(0)).toBe(1);
    expect(bucketUpper(1)).toBe(1.05);
    expect(bucketUpper(2)).toBeCloseTo(1.1025, 12);
  });

  it('holds every upper bound in its own bucket and the next number above it in the next', () => {
    for (let i = 0; i < MAX_LATENCY_BUCKET; i++) {
      const upper = bucketUpper(i);
      expect(latencyBucket(upper)).toBe(i);
      expect(latencyBucket(upper * (1 + Number.EPSILON))).toBe(i + 1);
      expect(bucketUpper(i + 1) / upper).toBeCloseTo(1.05, 12);
    }
  });

  it('stops at the bucket of 1e12 ms, which also takes anything larger', () => {
    expect(MAX_LATENCY_BUCKET).toBe(567);
    expect(bucketUpper(MAX_LATENCY_BUCKET - 1)).toBeLessThan(1e12);
    expect(bucketUpper(MAX_LATENCY_BUCKET)).toBeGreaterThanOrEqual(1e12);
    expect(latencyBucket(1e12)).toBe(MAX_LATENCY_BUCKET);
    expect(latencyBucket(1e15)).toBe(MAX_LATENCY_BUCKET);
    expect(latencyBucket(Number.POSITIVE_INFINITY)).toBe(MAX_LATENCY_BUCKET);
  });

  it('refuses negative latencies, NaN and buckets that do not exist', () => {
    expect(() => latencyBucket(-1)).toThrow(RangeError);
    expect(() => latencyBucket(Number.NaN)).toThrow(RangeError);
    expect(() => bucketUpper(-1)).toThrow(RangeError);
    expect(() => bucketUpper(1.5)).toThrow(RangeError);
    expect(() => bucketUpper(MAX_LATENCY_BUCKET + 1)).toThrow(RangeError);
  });
});

describe('latency histograms', () => {
  it('adds, merges and counts without changing their inputs', () => {
    const a = addLatency(addLatency(EMPTY_HISTOGRAM, 100, 3), 0.2);
    expect(a).toEqual({ buckets: [0, 95], counts: [1, 3] });
    const b = addLatency(a, 101);
    expect(b).toEqual({ buckets: [0, 95], counts: [1, 4] });
    expect(a.counts).toEqual([1, 3]);
    expect(addLatency(a, 5, 0)).toBe(a);
    const merged = mergeHistograms(a, histogramOf([2, 100, 2_000]), EMPTY_HISTOGRAM);
    expect(merged.buckets).toEqual([0, 15, 95, latencyBucket(2_000)]);
    expect(merged.counts).toEqual([1, 1, 4, 1]);
    expect(count(merged)).toBe(7);
    expect(mergeHistograms()).toEqual(EMPTY_HISTOGRAM);
  });

  it('builds from (bucket, count) pairs in any order', () => {
    expect(
      histogramFromBuckets([
        [95, 2],
        [0, 1],
        [95, 1],
        [3, 0],
      ]),
    ).toEqual({ buckets: [0, 95], counts: [1, 3] });
    expect(() => histogramFromBuckets([[MAX_LATENCY_BUCKET + 1, 1]])).toThrow(RangeError);
  });

  it('has no quantile when empty and refuses q outside (0, 1]', () => {
    expect(quantile(EMPTY_HISTOGRAM, 0.5)).toBeUndefined();
    const h = histogramOf([10]);
    expect(() => quantile(h, 0)).toThrow(RangeError);
    expect(() => quantile(h, 1.01)).toThrow(RangeError);
    expect(() => quantile(h, Number.NaN)).toThrow(RangeError);
  });

  it('interpolates inside the bucket that holds the rank', () => {
    // Four latencies of 100 ms in (98.13…, 103.04…]: the median is halfway through the bucket.
    const h = histogramOf([100, 100, 100, 100]);
    const lower = bucketUpper(94);
    const upper = bucketUpper(95);
    expect(quantile(h, 0.5)).toBeCloseTo((lower + upper) / 2, 9);
    expect(quantile(h, 1)).toBeCloseTo(upper, 9);
    expect(quantile(h, 0.25)).toBeCloseTo(lower + (upper - lower) / 4, 9);
    expect(quantile(histogramOf([0, 0]), 0.5)).toBe(0.5);
    // The rank falls exactly at the end of a bucket: its upper bound, not the next bucket.
    expect(quantile(histogramOf([10, 1_000]), 0.5)).toBeCloseTo(bucketUpper(latencyBucket(10)), 9);
  });

  it('stays within 5% of the exact quantile (1 ms below 20 ms) on random samples', () => {
    const latency = fc.oneof(
      fc.double({ min: 0, max: 50, noNaN: true }),
      fc.double({ min: 0, max: 10_000, noNaN: true }),
      fc.double({ min: 0, max: 1e11, noNaN: true }),
      fc.integer({ min: 0, max: 3_000 }),
    );
    fc.assert(
      fc.property(
        fc.array(latency, { minLength: 1, maxLength: 400 }),
        fc.constantFrom(0.5, 0.9, 0.95, 0.99, 1),
        fc.double({ min: 0.001, max: 1, noNaN: true }),
        (samples, q, anyQ) => {
          const sorted = [...samples].sort((a, b) => a - b);
          const h = histogramOf(samples);
          expect(count(h)).toBe(samples.length);
          for (const p of [q, anyQ]) {
            const estimate = quantile(h, p) as number;
            const exact = nearestRank(sorted, p);
            expect(close(estimate, exact), `q=${p}: ${estimate} vs ${exact}`).toBe(true);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('gives the same quantiles however the samples are split and merged', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: 0, max: 100_000 }), { maxLength: 50 }), { minLength: 1 }),
        (parts) => {
          const whole = histogramOf(parts.flat());
          const merged: LatencyHistogram = mergeHistograms(...parts.map((p) => histogramOf(p)));
          expect(merged).toEqual(whole);
          const added = parts.flat().reduce((h, ms) => addLatency(h, ms), EMPTY_HISTOGRAM);
          expect(added).toEqual(whole);
        },
      ),
    );
  });
});
