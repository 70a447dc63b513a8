import type { Slo, Window } from '../catalog/model.js';
import { BucketSeries } from './series.js';
import { TimesliceSeries } from './timeslices.js';
import { BURN_WINDOWS, DAY, type EventSeries, HOUR, MINUTE } from './types.js';

/** Longest calendar period per unit, in hours, with an hour for a DST change. */
const LONGEST_PERIOD_HOURS = {
  week: 7 * 24 + 1,
  month: 31 * 24 + 1,
  quarter: 92 * 24 + 1,
  year: 366 * 24 + 1,
};

const LONGEST_BURN_MS = Math.max(...BURN_WINDOWS.map((w) => w.ms));

/**
 * Hours of history a series needs for an SLO window: the longest period (or the
 * longest burn window, if longer), plus a day of slack for hour rounding and late
 * events.
 *
 * @example
 * hourSpanFor({ type: 'rolling', durationMs: 30 * DAY, text: '30d' }); // → 744 (31 days)
 */
export function hourSpanFor(window: Window): number {
  const periodHours =
    window.type === 'rolling' ? Math.ceil(window.durationMs / HOUR) : LONGEST_PERIOD_HOURS[window.unit];
  return Math.max(periodHours, Math.ceil(LONGEST_BURN_MS / HOUR)) + DAY / HOUR;
}

/**
 * The series an SLO's evaluation reads: timeslices when its budgeting method
 * says so (slice length and target from the first objective), occurrences
 * otherwise.
 *
 * @example
 * const series = createSeries(slo, nowMs);
 * series.add(nowMs, 99, 100);
 * // `hourSpan` overrides the window's own span, for a series several SLOs share.
 * evaluateSlo({ slo, source: series, nowMs });
 * @throws RangeError for a timeslices SLO whose first objective lacks a whole-minute slice or a target.
 */
export function createSeries(
  slo: Slo,
  nowMs: number,
  options: { minuteSpan?: number; hourSpan?: number } = {},
): EventSeries {
  const base = { hourSpan: hourSpanFor(slo.window), nowMs, ...options };
  if (slo.budgetingMethod === 'occurrences') return new BucketSeries(base);
  const objective = slo.objectives[0];
  const sliceMs = objective?.timesliceWindowMs;
  const target = objective?.timesliceTarget;
  if (sliceMs === undefined || target === undefined) {
    throw new RangeError(
      `SLO '${slo.name}' budgets timeslices but has no timesliceWindow and timesliceTarget`,
    );
  }
  return new TimesliceSeries({ ...base, sliceMinutes: sliceMs / MINUTE, sliceTarget: target / 100 });
}
