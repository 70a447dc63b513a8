/**
 * Latency histograms with log-linear buckets: bucket 0 holds [0, 1] ms and bucket
 * i ≥ 1 holds (1.05^(i-1), 1.05^i] ms, up to the bucket of 1e12 ms (the largest
 * latency an event may carry), which also takes anything beyond. A quantile is
 * interpolated inside the bucket that holds its rank, so it is within 5% of the
 * exact (nearest-rank) sample quantile, or within 1 ms below 1 ms. Buckets are
 * small integers that sum across minutes, SLIs and replicas by plain addition.
 */

const GROWTH = 1.05;
const LN_GROWTH = Math.log(GROWTH);

/** The last bucket: the one of 1e12 ms. Larger latencies are counted in it too. */
export const MAX_LATENCY_BUCKET = Math.ceil(Math.log(1e12) / LN_GROWTH);

// Each upper bound computed on its own (not by repeated multiplication), so rounding does not accumulate.
const UPPER = Float64Array.from({ length: MAX_LATENCY_BUCKET + 1 }, (_, i) => GROWTH ** i);

/**
 * The bucket of a latency in milliseconds (finite, ≥ 0).
 *
 * @example
 * latencyBucket(1) // 0
 * latencyBucket(1.05) // 1
 * latencyBucket(100) // 95: (1.05^94, 1.05^95] ≈ (98.1, 103.0]
 */
export function latencyBucket(ms: number): number {
  if (!(ms >= 0)) throw new RangeError(`a latency is a number of milliseconds from 0, not ${ms}`);
  if (ms <= 1) return 0;
  if (ms >= (UPPER[MAX_LATENCY_BUCKET] as number)) return MAX_LATENCY_BUCKET;
  // The logarithm may land one off at an exact bound; the table decides.
  let i = Math.ceil(Math.log(ms) / LN_GROWTH);
  if (ms <= (UPPER[i - 1] as number)) i--;
  else if (ms > (UPPER[i] as number)) i++;
  return i;
}

/**
 * The largest latency a bucket holds, in milliseconds; its smallest is just above
 * `bucketUpper(i - 1)` (0 for bucket 0).
 *
 * @example
 * bucketUpper(0) // 1
 * bucketUpper(2) // 1.1025
 */
export function bucketUpper(bucket: number): number {
  const upper = UPPER[bucket];
  if (upper === undefined || !Number.isInteger(bucket))
    throw new RangeError(`a latency bucket is an integer from 0 to ${MAX_LATENCY_BUCKET}, not ${bucket}`);
  return upper;
}

/**
 * Counts per bucket, sparse: `buckets` strictly ascending, `counts[k]` (> 0) the
 * count of `buckets[k]`. Plain arrays, so a histogram is also its JSON.
 */
export interface LatencyHistogram {
  readonly buckets: readonly number[];
  readonly counts: readonly number[];
}

export const EMPTY_HISTOGRAM: LatencyHistogram = Object.freeze({
  buckets: Object.freeze([]),
  counts: Object.freeze([]),
});

/**
 * A histogram of latencies in milliseconds.
 *
 * @example
 * quantile(histogramOf([12, 80, 95, 140]), 0.5) // ≈ 80
 */
export function histogramOf(latenciesMs: Iterable<number>): LatencyHistogram {
  const dense = new Float64Array(MAX_LATENCY_BUCKET + 1);
  for (const ms of latenciesMs) {
    const i = latencyBucket(ms);
    dense[i] = (dense[i] as number) + 1;
  }
  const buckets: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < dense.length; i++) {
    const n = dense[i] as number;
    if (n > 0) {
      buckets.push(i);
      counts.push(n);
    }
  }
  return { buckets, counts };
}

/**
 * A histogram from (bucket, count) pairs in any order; repeated buckets add up,
 * counts of 0 are left out.
 *
 * @example
 * histogramFromBuckets([[95, 2], [0, 1], [95, 1]]) // { buckets: [0, 95], counts: [1, 3] }
 */
export function histogramFromBuckets(
  pairs: Iterable<readonly [bucket: number, count: number]>,
): LatencyHistogram {
  const sums = new Map<number, number>();
  for (const [bucket, n] of pairs) {
    bucketUpper(bucket); // validates
    if (!(n >= 0)) throw new RangeError(`a bucket count is a number from 0, not ${n}`);
    if (n > 0) sums.set(bucket, (sums.get(bucket) ?? 0) + n);
  }
  const buckets = [...sums.keys()].sort((a, b) => a - b);
  return { buckets, counts: buckets.map((b) => sums.get(b) as number) };
}

/**
 * A new histogram with `n` more latencies of `ms`.
 *
 * @example
 * addLatency(EMPTY_HISTOGRAM, 100, 3) // { buckets: [95], counts: [3] }
 */
export function addLatency(h: LatencyHistogram, ms: number, n = 1): LatencyHistogram {
  if (!(n >= 0)) throw new RangeError(`a bucket count is a number from 0, not ${n}`);
  if (n === 0) return h;
  const bucket = latencyBucket(ms);
  const k = lowerBound(h.buckets, bucket);
  if (h.buckets[k] === bucket) {
    const counts = [...h.counts];
    counts[k] = (counts[k] as number) + n;
    return { buckets: h.buckets, counts };
  }
  return {
    buckets: [...h.buckets.slice(0, k), bucket, ...h.buckets.slice(k)],
    counts: [...h.counts.slice(0, k), n, ...h.counts.slice(k)],
  };
}

/**
 * The histogram of all the latencies of the given ones (of several minutes, SLIs or windows).
 *
 * @example
 * mergeHistograms(histogramOf([1, 100]), histogramOf([100])) // { buckets: [0, 95], counts: [1, 2] }
 */
export function mergeHistograms(...hs: readonly LatencyHistogram[]): LatencyHistogram {
  return hs.reduce(mergeTwo, EMPTY_HISTOGRAM);
}

function mergeTwo(a: LatencyHistogram, b: LatencyHistogram): LatencyHistogram {
  if (b.buckets.length === 0) return a;
  if (a.buckets.length === 0) return b;
  const buckets: number[] = [];
  const counts: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.buckets.length || j < b.buckets.length) {
    const x = a.buckets[i] ?? Number.POSITIVE_INFINITY;
    const y = b.buckets[j] ?? Number.POSITIVE_INFINITY;
    if (x === y) {
      buckets.push(x);
      counts.push((a.counts[i++] as number) + (b.counts[j++] as number));
    } else if (x < y) {
      buckets.push(x);
      counts.push(a.counts[i++] as number);
    } else {
      buckets.push(y);
      counts.push(b.counts[j++] as number);
    }
  }
  return { buckets, counts };
}

/** How many latencies a histogram holds. */
export function count(h: LatencyHistogram): number {
  let n = 0;
  for (const c of h.counts) n += c;
  return n;
}

/**
 * The latency below which a share `q` (0 < q ≤ 1) of the histogram lies, in
 * milliseconds, interpolated linearly inside its bucket; undefined when empty.
 * Compared with the nearest-rank quantile of the samples (the ⌈q·n⌉-th smallest),
 * it lands in the same bucket, hence within 5% (within 1 ms under 1 ms).
 *
 * @example
 * quantile(histogramOf([10, 20, 30, 40]), 0.5) // ≈ 20
 */
export function quantile(h: LatencyHistogram, q: number): number | undefined {
  if (!(q > 0 && q <= 1)) throw new RangeError(`a quantile is a number in (0, 1], not ${q}`);
  const total = count(h);
  if (total === 0) return undefined;
  const rank = q * total;
  let below = 0;
  for (let k = 0; k < h.buckets.length; k++) {
    const n = h.counts[k] as number;
    // The last bucket takes what rounding leaves over when q is 1.
    if (below + n >= rank || k === h.buckets.length - 1) {
      const bucket = h.buckets[k] as number;
      const lower = bucket === 0 ? 0 : (UPPER[bucket - 1] as number);
      const upper = UPPER[bucket] as number;
      const share = Math.min(1, Math.max(0, (rank - below) / n));
      return lower + share * (upper - lower);
    }
    below += n;
  }
  return undefined;
}

/** The first index whose bucket is ≥ `bucket`. */
function lowerBound(buckets: readonly number[], bucket: number): number {
  let lo = 0;
  let hi = buckets.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((buckets[mid] as number) < bucket) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
