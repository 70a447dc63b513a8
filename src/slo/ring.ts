/**
 * One tier of a series: the newest `size` buckets of fixed width, stored as
 * cumulative sums so that any range of buckets sums in O(1), whatever its length.
 *
 * Boundary `b` (the start of absolute bucket `b = floor(ms / widthMs)`) holds the
 * good and total counts of every bucket before `b` since the ring was created.
 * The ring keeps boundaries `oldest .. head + 1`, that is `size + 1` values per
 * counter, in slot `b mod (size + 1)`. Counts are exact while they are integers
 * below 2^53; fractional counts pick up rounding from the differences.
 */
export class CumulativeRing {
  readonly widthMs: number;
  readonly size: number;
  /** Boundary pairs: good at 2 * slot, total at 2 * slot + 1, so one sum touches two cache lines, not four. */
  private readonly pairs: Float64Array;
  private headBucket: number;

  constructor(widthMs: number, size: number, nowMs: number) {
    if (!Number.isInteger(size) || size < 1) {
      throw new RangeError(`a ring needs at least one bucket, got ${size}`);
    }
    if (!Number.isFinite(nowMs)) throw new RangeError(`a ring needs a finite start time, got ${nowMs}`);
    this.widthMs = widthMs;
    this.size = size;
    this.pairs = new Float64Array(2 * (size + 1));
    this.headBucket = this.bucketOf(nowMs);
  }

  bucketOf(ms: number): number {
    return Math.floor(ms / this.widthMs);
  }

  /** Absolute index of the newest bucket. */
  get head(): number {
    return this.headBucket;
  }

  /** Absolute index of the oldest bucket still held. */
  get oldest(): number {
    return this.headBucket - this.size + 1;
  }

  /** Start (epoch ms) of the oldest bucket still held. */
  get oldestStartMs(): number {
    return this.oldest * this.widthMs;
  }

  holds(bucket: number): boolean {
    return bucket >= this.oldest && bucket <= this.headBucket;
  }

  /**
   * Adds (or, with negative deltas, removes) counts in a held bucket. Every later
   * boundary moves, so the cost is the distance to the head: O(1) for the current
   * bucket, O(size) at worst for a late one.
   */
  add(bucket: number, good: number, total: number): void {
    const p = this.pairs;
    for (let b = bucket + 1; b <= this.headBucket + 1; b++) {
      const i = 2 * this.slot(b);
      p[i] = (p[i] ?? 0) + good;
      p[i + 1] = (p[i + 1] ?? 0) + total;
    }
  }

  /**
   * Moves the head forward to `bucket`; older buckets fall off. New buckets are
   * empty, so their boundaries copy the last one: O(buckets moved), capped at size.
   */
  advanceTo(bucket: number): void {
    if (bucket <= this.headBucket) return;
    const p = this.pairs;
    const last = 2 * this.slot(this.headBucket + 1);
    const g = p[last] ?? 0;
    const t = p[last + 1] ?? 0;
    const from = Math.max(this.headBucket + 2, bucket + 1 - this.size);
    for (let b = from; b <= bucket + 1; b++) {
      const i = 2 * this.slot(b);
      p[i] = g;
      p[i + 1] = t;
    }
    this.headBucket = bucket;
  }

  /** Counts in buckets [from, to), clamped to the buckets held. */
  sumBuckets(from: number, to: number): { good: number; total: number } {
    const a = Math.max(from, this.oldest);
    const b = Math.min(to, this.headBucket + 1);
    if (a >= b) return { good: 0, total: 0 };
    const p = this.pairs;
    const ia = 2 * this.slot(a);
    const ib = 2 * this.slot(b);
    return {
      good: (p[ib] ?? 0) - (p[ia] ?? 0),
      total: (p[ib + 1] ?? 0) - (p[ia + 1] ?? 0),
    };
  }

  byteLength(): number {
    return this.pairs.byteLength;
  }

  private slot(boundary: number): number {
    const n = this.size + 1;
    return ((boundary % n) + n) % n;
  }
}
