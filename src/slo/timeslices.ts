import {
  acceptsCounts,
  DEFAULT_MINUTE_SPAN,
  MAX_FUTURE_MS,
  OBJECT_OVERHEAD_BYTES,
  TieredCounts,
} from './tiers.js';
import { type Counts, type EventSeries, MINUTE } from './types.js';

export interface TimesliceSeriesOptions {
  /** Slice length in whole minutes; slices are aligned to the epoch (so to hours when this divides 60). */
  readonly sliceMinutes: number;
  /** Ratio in (0, 1] a slice's good/total must reach to be a good slice. */
  readonly sliceTarget: number;
  /** Minutes kept at minute resolution (at least 60); default `DEFAULT_MINUTE_SPAN`. */
  readonly minuteSpan?: number;
  /** Hours kept at hour resolution, as for `BucketSeries`. */
  readonly hourSpan: number;
  readonly nowMs: number;
}

/** Tolerance for `good / total ≥ target`: 99.9 / 100 is 0.9990000000000001 in floating point. */
const RATIO_EPSILON = 1e-12;

/**
 * Good and total timeslices of one SLI, for `budgetingMethod: timeslices`.
 *
 * Fed the same raw events as a `BucketSeries`. `sum` returns good = slices whose
 * ratio reached `sliceTarget` and total = slices that saw any event: a quiet
 * slice is not an outage. A slice counts at its start time, with the same tiers
 * and rounding as `BucketSeries`, and the slice still filling counts with its
 * verdict so far. Raw counts are kept only for the last `minuteSpan` minutes of
 * slices; an event for an older slice is refused, because its verdict can no
 * longer be recomputed.
 *
 * @example
 * const s = new TimesliceSeries({ sliceMinutes: 1, sliceTarget: 0.99, hourSpan: 31 * 24, nowMs });
 * s.add(nowMs - 90_000, 100, 100); // a good minute
 * s.add(nowMs - 30_000, 98, 100); // a bad one
 * s.sum(nowMs - 5 * MINUTE, nowMs); // → { good: 1, total: 2 }
 */
export class TimesliceSeries implements EventSeries {
  private readonly tiers: TieredCounts;
  private readonly sliceMs: number;
  private readonly sliceTarget: number;
  /** Raw counts of the newest `rawGood.length` slices, in slot `slice mod length`. */
  private readonly rawGood: Float64Array;
  private readonly rawTotal: Float64Array;
  private headSlice: number;
  private now: number;

  constructor(options: TimesliceSeriesOptions) {
    const { sliceMinutes, sliceTarget } = options;
    if (!Number.isInteger(sliceMinutes) || sliceMinutes < 1) {
      throw new RangeError(`sliceMinutes must be a whole number of minutes, at least 1; got ${sliceMinutes}`);
    }
    if (!(sliceTarget > 0 && sliceTarget <= 1)) {
      throw new RangeError(`sliceTarget must be a ratio in (0, 1]; got ${sliceTarget}`);
    }
    const minuteSpan = options.minuteSpan ?? DEFAULT_MINUTE_SPAN;
    this.tiers = new TieredCounts({ minuteSpan, hourSpan: options.hourSpan }, options.nowMs);
    this.sliceMs = sliceMinutes * MINUTE;
    this.sliceTarget = sliceTarget;
    const slots = Math.ceil(minuteSpan / sliceMinutes);
    this.rawGood = new Float64Array(slots);
    this.rawTotal = new Float64Array(slots);
    this.headSlice = this.sliceOf(options.nowMs);
    this.now = options.nowMs;
  }

  get nowMs(): number {
    return this.now;
  }

  /** Start of the oldest slice whose raw counts are kept: events before it are refused. */
  get rawStartMs(): number {
    return (this.headSlice - this.rawGood.length + 1) * this.sliceMs;
  }

  /**
   * Adds raw events at `atMs` and re-judges their slice: the slice's old verdict
   * is removed from the cumulative counts and the new one added. Returns false
   * and changes nothing for invalid counts, an instant more than a minute ahead,
   * or a slice whose raw counts are gone.
   */
  add(atMs: number, good: number, total: number): boolean {
    if (!acceptsCounts(good, total) || !Number.isFinite(atMs) || atMs > this.now + MAX_FUTURE_MS)
      return false;
    const slice = this.sliceOf(atMs);
    const oldestHeld = Math.max(
      this.sliceOf(this.rawStartMs),
      Math.ceil(this.tiers.hourStartMs / this.sliceMs),
    );
    if (slice < oldestHeld) return false;
    this.moveTo(atMs);
    const slot = this.slotOf(slice);
    const before = this.verdict(this.rawGood[slot] ?? 0, this.rawTotal[slot] ?? 0);
    this.rawGood[slot] = (this.rawGood[slot] ?? 0) + good;
    this.rawTotal[slot] = (this.rawTotal[slot] ?? 0) + total;
    const after = this.verdict(this.rawGood[slot] ?? 0, this.rawTotal[slot] ?? 0);
    if (after.good !== before.good || after.total !== before.total) {
      this.tiers.record(slice * this.sliceMs, after.good - before.good, after.total - before.total);
    }
    return true;
  }

  /** Moves the series to `nowMs`; earlier times are ignored. */
  advance(nowMs: number): void {
    if (!(nowMs > this.now)) return; // also refuses NaN
    this.now = nowMs;
    this.moveTo(nowMs);
  }

  /** Good and total slices starting in [fromMs, toMs), rounded as `BucketSeries.sum`. */
  sum(fromMs: number, toMs: number): Counts {
    return this.tiers.sum(fromMs, toMs);
  }

  memoryBytes(): number {
    return (
      this.tiers.byteLength() + this.rawGood.byteLength + this.rawTotal.byteLength + OBJECT_OVERHEAD_BYTES
    );
  }

  private moveTo(atMs: number): void {
    this.tiers.advance(atMs);
    const slice = this.sliceOf(atMs);
    if (slice <= this.headSlice) return;
    // Slots of slices that fall off are reused, empty, for the new ones.
    const from = Math.max(this.headSlice + 1, slice - this.rawGood.length + 1);
    for (let s = from; s <= slice; s++) {
      const slot = this.slotOf(s);
      this.rawGood[slot] = 0;
      this.rawTotal[slot] = 0;
    }
    this.headSlice = slice;
  }

  private verdict(good: number, total: number): Counts {
    if (total === 0) return { good: 0, total: 0 };
    return { good: good / total >= this.sliceTarget - RATIO_EPSILON ? 1 : 0, total: 1 };
  }

  private sliceOf(ms: number): number {
    return Math.floor(ms / this.sliceMs);
  }

  private slotOf(slice: number): number {
    const n = this.rawGood.length;
    return ((slice % n) + n) % n;
  }
}
