import { CumulativeRing } from './ring.js';
import { type Counts, HOUR, MINUTE } from './types.js';

/** Minutes held exactly by default: the 6h burn window plus five minutes of slack for late events. */
export const DEFAULT_MINUTE_SPAN = 6 * 60 + 5;

/** How far past a series' current time an event may be stamped (clock skew between sources). */
export const MAX_FUTURE_MS = MINUTE;

/** Rough cost of the wrapper objects around the typed arrays (V8 headers, fields). */
export const OBJECT_OVERHEAD_BYTES = 400;

/** Counts a series accepts: finite, non-negative, good at most total. */
export function acceptsCounts(good: number, total: number): boolean {
  return Number.isFinite(good) && Number.isFinite(total) && good >= 0 && good <= total;
}

/** Sizes of the two tiers; see `BucketSeries`. */
export interface TierSpans {
  /** Minutes held at minute resolution; at least 60, so a whole hour always lies inside. */
  readonly minuteSpan: number;
  /** Hours held at hour resolution; enough to cover the minute tier, whatever minute it is. */
  readonly hourSpan: number;
}

/**
 * Counts at two resolutions with O(1) range sums: a minute ring for the recent
 * past and an hour ring reaching further back. Callers check bounds; this class
 * records whatever it is given into every tier holding the instant.
 */
export class TieredCounts {
  private readonly minutes: CumulativeRing;
  private readonly hours: CumulativeRing;

  constructor(spans: TierSpans, nowMs: number) {
    if (!Number.isInteger(spans.minuteSpan) || spans.minuteSpan < 60) {
      throw new RangeError(
        `minuteSpan must be a whole number of minutes, at least 60; got ${spans.minuteSpan}`,
      );
    }
    if (!Number.isInteger(spans.hourSpan) || spans.hourSpan < 1) {
      throw new RangeError(`hourSpan must be a whole number of hours, at least 1; got ${spans.hourSpan}`);
    }
    if ((spans.hourSpan - 1) * 60 < spans.minuteSpan - 1) {
      // Otherwise a range could start in minutes whose hours are gone, and the two tiers would disagree.
      throw new RangeError(
        `hourSpan (${spans.hourSpan}h) must reach back past the minute tier (${spans.minuteSpan}m)`,
      );
    }
    this.minutes = new CumulativeRing(MINUTE, spans.minuteSpan, nowMs);
    this.hours = new CumulativeRing(HOUR, spans.hourSpan, nowMs);
  }

  /** Start of the oldest minute bucket held: sums from here on are exact to the minute. */
  get minuteStartMs(): number {
    return this.minutes.oldestStartMs;
  }

  /** Start of the oldest hour bucket held: nothing older is kept. */
  get hourStartMs(): number {
    return this.hours.oldestStartMs;
  }

  /** Adds (or removes, with negative deltas) counts at `atMs` in each tier that holds it. */
  record(atMs: number, good: number, total: number): void {
    const minute = this.minutes.bucketOf(atMs);
    if (this.minutes.holds(minute)) this.minutes.add(minute, good, total);
    const hour = this.hours.bucketOf(atMs);
    if (this.hours.holds(hour)) this.hours.add(hour, good, total);
  }

  /** Moves both rings so their newest bucket contains `atMs`; never moves back. */
  advance(atMs: number): void {
    this.minutes.advanceTo(this.minutes.bucketOf(atMs));
    this.hours.advanceTo(this.hours.bucketOf(atMs));
  }

  /**
   * Counts of the buckets whose start lies in [fromMs, toMs), after rounding
   * `fromMs` down to its minute. When that minute is older than the minute tier,
   * the older part comes from hour buckets and `fromMs` is rounded down to its
   * hour instead; the switch happens at the first whole hour inside the minute
   * tier. A range that ends before that hour is hour-granular at both ends.
   */
  sum(fromMs: number, toMs: number): Counts {
    if (!(fromMs < toMs)) return { good: 0, total: 0 };
    const fromMinute = this.minutes.bucketOf(fromMs);
    if (fromMinute >= this.minutes.oldest) return this.minutes.sumBuckets(fromMinute, ceilDiv(toMs, MINUTE));
    const switchHour = ceilDiv(this.minutes.oldestStartMs, HOUR);
    const fromHour = this.hours.bucketOf(fromMs);
    if (toMs <= switchHour * HOUR) return this.hours.sumBuckets(fromHour, ceilDiv(toMs, HOUR));
    const old = this.hours.sumBuckets(fromHour, switchHour);
    const recent = this.minutes.sumBuckets((switchHour * HOUR) / MINUTE, ceilDiv(toMs, MINUTE));
    return { good: old.good + recent.good, total: old.total + recent.total };
  }

  byteLength(): number {
    return this.minutes.byteLength() + this.hours.byteLength();
  }
}

/** Index of the first bucket of width `width` starting at or after `ms`. */
function ceilDiv(ms: number, width: number): number {
  return Math.ceil(ms / width);
}
