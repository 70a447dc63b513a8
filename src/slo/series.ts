import {
  acceptsCounts,
  DEFAULT_MINUTE_SPAN,
  MAX_FUTURE_MS,
  OBJECT_OVERHEAD_BYTES,
  TieredCounts,
} from './tiers.js';
import type { Counts, EventSeries } from './types.js';

export { DEFAULT_MINUTE_SPAN, MAX_FUTURE_MS } from './tiers.js';

export interface BucketSeriesOptions {
  /** Minutes kept at minute resolution (at least 60); default `DEFAULT_MINUTE_SPAN`. */
  readonly minuteSpan?: number;
  /** Hours kept at hour resolution; at least the SLO period plus a day (see `hourSpanFor`). */
  readonly hourSpan: number;
  /** The series' current time, UTC epoch ms. */
  readonly nowMs: number;
}

/**
 * In-memory good/total counts of one SLI, summed over any window in O(1).
 *
 * Two tiers of cumulative sums: minute buckets for the recent past and hour
 * buckets for the rest of the SLO period. `sum(from, to)` counts the buckets
 * whose start lies in [from, to) with `from` rounded down to its minute, so it
 * is exact to the minute while that minute is inside the minute tier. Further
 * back, the part before the minute tier comes from hour buckets and `from` is
 * rounded DOWN to its hour: a 1d burn window can include up to an hour of extra
 * history. About 18 KB with the default minute tier and 31 days of hours.
 *
 * @example
 * const s = new BucketSeries({ hourSpan: 31 * 24, nowMs });
 * s.add(nowMs - 30_000, 99, 100);
 * s.sum(nowMs - 5 * MINUTE, nowMs); // → { good: 99, total: 100 }
 */
export class BucketSeries implements EventSeries {
  private readonly tiers: TieredCounts;
  private now: number;

  constructor(options: BucketSeriesOptions) {
    this.tiers = new TieredCounts(
      { minuteSpan: options.minuteSpan ?? DEFAULT_MINUTE_SPAN, hourSpan: options.hourSpan },
      options.nowMs,
    );
    this.now = options.nowMs;
  }

  /** The latest time given to the constructor or `advance`. */
  get nowMs(): number {
    return this.now;
  }

  /** Oldest instant whose minute `sum` still resolves exactly. */
  get minuteStartMs(): number {
    return this.tiers.minuteStartMs;
  }

  /** Oldest instant held at all: events before it are refused and sums clamp to it. */
  get hourStartMs(): number {
    return this.tiers.hourStartMs;
  }

  /**
   * Adds `good` of `total` events at `atMs` to its minute and hour buckets. Late
   * events are welcome while their hour is held (they update the cumulative sums
   * from their bucket on). Returns false and changes nothing when `atMs` is
   * before the hour tier, more than a minute ahead of the series' time, or the
   * counts are not finite with 0 ≤ good ≤ total: one bad sample must not poison
   * every later sum.
   */
  add(atMs: number, good: number, total: number): boolean {
    if (!acceptsCounts(good, total) || !this.accepts(atMs)) return false;
    this.tiers.advance(atMs); // an event slightly ahead opens its bucket now
    this.tiers.record(atMs, good, total);
    return true;
  }

  /** Moves the series to `nowMs`, dropping expired buckets; earlier times are ignored. Cheap: O(minutes moved). */
  advance(nowMs: number): void {
    if (!(nowMs > this.now)) return; // also refuses NaN
    this.now = nowMs;
    this.tiers.advance(nowMs);
  }

  /** Events in [fromMs, toMs), rounded as described on the class. */
  sum(fromMs: number, toMs: number): Counts {
    return this.tiers.sum(fromMs, toMs);
  }

  /** Approximate heap size in bytes: the typed arrays plus a small object overhead. */
  memoryBytes(): number {
    return this.tiers.byteLength() + OBJECT_OVERHEAD_BYTES;
  }

  private accepts(atMs: number): boolean {
    return Number.isFinite(atMs) && atMs >= this.tiers.hourStartMs && atMs <= this.now + MAX_FUTURE_MS;
  }
}

export { TimesliceSeries, type TimesliceSeriesOptions } from './timeslices.js';
