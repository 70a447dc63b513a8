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
  private readonly good: Float64Array;
  private readonly total: Float64Array;
  private headBucket: number;

  constructor(widthMs: number, size: number, nowMs: number) {
    if (!Number.isInteger(size) || size < 1) {
      throw new RangeError(`a ring needs at least one bucket, got ${size}`);
    }
    if (!Number.isFinite(nowMs)) throw new RangeError(`a ring needs a finite start time, got ${nowMs}`);
    this.widthMs = widthMs;
    this.size = size;
    this.good = new Float64Array(size + 1);
    this.total = new Float64Array(size + 1);
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
    for (let b = bucket + 1; b <= this.headBucket + 1; b++) {
      const slot = this.slot(b);
      this.good[slot] = (this.good[slot] ?? 0) + good;
      this.total[slot] = (this.total[slot] ?? 0) + total;
    }
  }

  /**
   * Moves the head forward to `bucket`; older buckets fall off. New buckets are
   * empty, so their boundaries copy the last one: O(buckets moved), capped at size.
   */
  advanceTo(bucket: number): void {
    if (bucket <= this.headBucket) return;
    const last = this.slot(this.headBucket + 1);
    const g = this.good[last] ?? 0;
    const t = this.total[last] ?? 0;
    const from = Math.max(this.headBucket + 2, bucket + 1 - this.size);
    for (let b = from; b <= bucket + 1; b++) {
      const slot = this.slot(b);
      this.good[slot] = g;
      this.total[slot] = t;
    }
    this.headBucket = bucket;
  }

  /** Counts in buckets [from, to), clamped to the buckets held. */
  sumBuckets(from: number, to: number): { good: number; total: number } {
    const a = Math.max(from, this.oldest);
    const b = Math.min(to, this.headBucket + 1);
    if (a >= b) return { good: 0, total: 0 };
    const sa = this.slot(a);
    const sb = this.slot(b);
    return {
      good: (this.good[sb] ?? 0) - (this.good[sa] ?? 0),
      total: (this.total[sb] ?? 0) - (this.total[sa] ?? 0),
    };
  }

  byteLength(): number {
    return this.good.byteLength + this.total.byteLength;
  }

  private slot(boundary: number): number {
    const n = this.size + 1;
    return ((boundary % n) + n) % n;
  }
}
