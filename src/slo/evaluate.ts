import type { Slo } from '../catalog/model.js';
import { DEFAULT_MINUTE_SPAN } from './tiers.js';
import {
  BURN_WINDOWS,
  type Burn,
  type BurnWindowName,
  type CountSource,
  type Counts,
  HOUR,
  MINUTE,
  type SloStatus,
} from './types.js';
import { type WindowBounds, windowBounds } from './windows.js';

/** No events for this long means "no data" (the metric or the service may be gone). */
export const DEFAULT_NO_DATA_MS = 10 * MINUTE;

export interface EvaluateInput {
  readonly slo: Slo;
  /**
   * The SLO's counts: a `BucketSeries` for occurrences, a `TimesliceSeries` for
   * timeslices (then every "event" below is a slice and the budget is in slices).
   */
  readonly source: CountSource;
  /** The instant evaluated, UTC epoch ms. */
  readonly nowMs: number;
  /** Length of the no-data window ending at `nowMs`; default `DEFAULT_NO_DATA_MS`. */
  readonly noDataMs?: number;
}

/**
 * An SLO's budget, SLI and burn rates at `nowMs`.
 *
 * The first objective drives the budget: further objectives (OpenSLO allows
 * several) are reported elsewhere. Counts come from `source.sum`, so windows
 * reaching past the source's minute tier start on the hour (see series.ts).
 * Budgeting method needs no branch here: a `TimesliceSeries` already answers
 * in slices. Every number is finite: without traffic the SLI is undefined, burn
 * rates are 0 and the whole budget remains.
 *
 * @example
 * const status = evaluateSlo({ slo, source: series, nowMs });
 * status.budget.remainingMinutes; // 43.2 for an untouched 99.9% over 30 days
 */
export function evaluateSlo(input: EvaluateInput): SloStatus {
  const { slo, source, nowMs } = input;
  const objective = objectiveOf(slo);
  const bounds = windowBounds(slo.window, nowMs);
  const windows = windowCounts(source, nowMs, input.noDataMs ?? DEFAULT_NO_DATA_MS);
  const period = periodCounts(slo, source, bounds.startMs, nowMs);
  return statusOf(slo.name, objective, nowMs, bounds, windows, period);
}

/** Slots of a `windowCounts` array: one per burn window, then the no-data window. */
export const WINDOW_SLOTS = BURN_WINDOWS.length + 1;
/** Index of the no-data window's slot in a `windowCounts` array. */
export const NO_DATA_SLOT = BURN_WINDOWS.length;

/**
 * Counts of every window ending at `nowMs` that does not depend on the SLO's own
 * window: the burn windows in `BURN_WINDOWS` order, then the no-data window, as
 * [good, total] pairs in one flat array. SLOs reading one series share it.
 *
 * @example
 * const w = windowCounts(series, nowMs, 10 * MINUTE);
 * w[1]; // events in the last 5 minutes; w[2 * NO_DATA_SLOT + 1] === 0 means no data
 */
export function windowCounts(source: CountSource, nowMs: number, noDataMs: number): Float64Array {
  if (!(noDataMs > 0 && Number.isFinite(noDataMs))) {
    throw new RangeError(`noDataMs must be a positive number of milliseconds; got ${noDataMs}`);
  }
  const out = new Float64Array(2 * WINDOW_SLOTS);
  for (const [i, w] of BURN_WINDOWS.entries()) putCounts(out, i, source.sum(nowMs - w.ms, nowMs));
  putCounts(out, NO_DATA_SLOT, source.sum(nowMs - noDataMs, nowMs));
  return out;
}

/** Counts of the SLO's window [startMs, nowMs), started as `countedStart` explains. */
export function periodCounts(slo: Slo, source: CountSource, startMs: number, nowMs: number): Counts {
  return cleanCounts(source.sum(countedStart(slo, startMs, nowMs), nowMs));
}

/**
 * The status of an SLO from counts already summed: `windows` from `windowCounts`,
 * `period` from `periodCounts`. `evaluateSlo` is this over a count source; the
 * engine calls it only when someone reads the status.
 */
export function statusOf(
  slo: string,
  objective: number,
  nowMs: number,
  bounds: WindowBounds,
  windows: Float64Array,
  period: Counts,
): SloStatus {
  const burns: Burn[] = BURN_WINDOWS.map((w, i) =>
    burnOf(w.name, w.ms, { good: windows[2 * i] ?? 0, total: windows[2 * i + 1] ?? 0 }, objective),
  );
  burns.push(burnOf('period', nowMs - bounds.startMs, period, objective));
  return {
    slo,
    evaluatedAt: nowMs,
    windowStart: bounds.startMs,
    windowEnd: bounds.endMs,
    periodMs: bounds.periodMs,
    objective,
    good: period.good,
    total: period.total,
    sli: period.total > 0 ? period.good / period.total : undefined,
    budget: budgetOf(period, objective, bounds.periodMs),
    burns,
    noData: (windows[2 * NO_DATA_SLOT + 1] ?? 0) === 0,
  };
}

/**
 * Whether any burn window in `windows` burns strictly faster than `factor`, the
 * test every alert tier starts with; no status is built.
 */
export function anyBurnOver(windows: Float64Array, objective: number, factor: number): boolean {
  const allowed = allowedRatioOf(objective);
  for (let i = 0; i < BURN_WINDOWS.length; i++) {
    const total = windows[2 * i + 1] ?? 0;
    if (total > 0 && (total - (windows[2 * i] ?? 0)) / total / allowed > factor) return true;
  }
  return false;
}

function putCounts(out: Float64Array, slot: number, counts: Counts): void {
  const clean = cleanCounts(counts);
  out[2 * slot] = clean.good;
  out[2 * slot + 1] = clean.total;
}

/**
 * The objective of an SLO's first objective as a ratio: 99.9 → 0.999.
 *
 * @example
 * objectiveOf(slo); // 0.9990000000000001 for target 99.9 (compare with a tolerance)
 * @throws RangeError without an objective or with a target outside (0, 100), which would make the budget 0 or negative.
 */
export function objectiveOf(slo: Slo): number {
  const first = slo.objectives[0];
  if (first === undefined) throw new RangeError(`SLO '${slo.name}' has no objective`);
  if (!(first.target > 0 && first.target < 100)) {
    throw new RangeError(`SLO '${slo.name}' has target ${first.target}; it must lie in (0, 100)`);
  }
  return first.target / 100;
}

/**
 * Budget over a window's counts. `periodMs` is the whole period (see `WindowBounds`).
 *
 * @example
 * budgetOf({ good: 999_700, total: 1_000_000 }, 0.999, 30 * DAY).remainingRatio; // ≈ 0.7
 */
export function budgetOf(counts: Counts, objective: number, periodMs: number): SloStatus['budget'] {
  const allowedRatio = allowedRatioOf(objective);
  const total = allowedRatio * counts.total;
  const consumed = counts.total - counts.good;
  // objective < 1, so total > 0 exactly when there was traffic.
  const remainingRatio = total > 0 ? 1 - consumed / total : 1;
  const remainingMinutes = (Math.max(0, remainingRatio) * allowedRatio * periodMs) / MINUTE;
  return { total, consumed, remainingRatio, remainingMinutes };
}

/**
 * Burn over one window: error ratio divided by the error budget.
 *
 * @example
 * burnOf('1h', HOUR, { good: 990, total: 1000 }, 0.999).burnRate; // ≈ 10
 */
export function burnOf(
  window: BurnWindowName | 'period',
  windowMs: number,
  counts: Counts,
  objective: number,
): Burn {
  const errorRatio = counts.total > 0 ? (counts.total - counts.good) / counts.total : 0;
  return {
    window,
    windowMs,
    good: counts.good,
    total: counts.total,
    errorRatio,
    burnRate: errorRatio / allowedRatioOf(objective),
  };
}

/** The error budget as a fraction of events, 1 - objective; refuses objectives that leave none. */
function allowedRatioOf(objective: number): number {
  if (!(objective > 0 && objective < 1))
    throw new RangeError(`objective must lie in (0, 1); got ${objective}`);
  return 1 - objective;
}

/**
 * Counts safe to divide: finite, 0 ≤ good ≤ total. Cumulative sums of fractional
 * counts can differ from the truth by rounding, and a foreign source may be
 * worse; a NaN here would poison every ratio downstream.
 */
function cleanCounts(counts: Counts): Counts {
  // The common case is already clean: no new object on the evaluation hot path.
  if (counts.total >= 0 && counts.good >= 0 && counts.good <= counts.total && Number.isFinite(counts.total))
    return counts;
  const total = Number.isFinite(counts.total) ? Math.max(0, counts.total) : 0;
  const good = Number.isFinite(counts.good) ? Math.min(total, Math.max(0, counts.good)) : 0;
  return { good, total };
}

/**
 * Where the window's counts start. Past the minute tier a series rounds a start
 * down to the hour; for a calendar period that does not begin on the hour (a
 * half-hour zone, a startTime with minutes) that would count the end of the
 * previous period, so the start is rounded up instead: the period's first partial
 * hour is left out rather than another period's data let in.
 */
function countedStart(slo: Slo, startMs: number, nowMs: number): number {
  if (slo.window.type !== 'calendar' || startMs % HOUR === 0) return startMs;
  if (nowMs - startMs <= (DEFAULT_MINUTE_SPAN - 60) * MINUTE) return startMs;
  return Math.ceil(startMs / HOUR) * HOUR;
}
