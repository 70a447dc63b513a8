import { DateTime } from 'luxon';
import type { Window } from '../catalog/model.js';

/** Where an SLO window stands at one instant. */
export interface WindowBounds {
  /** Start of the window: `now - duration` (rolling) or the current period's start (calendar). */
  readonly startMs: number;
  /** Always the instant asked about: the window is [startMs, endMs). */
  readonly endMs: number;
  /**
   * Length of the whole period the budget is spread over: the duration of a
   * rolling window, or the full length of the current calendar period (not the
   * part elapsed), so a month with a DST change is one hour shorter or longer.
   */
  readonly periodMs: number;
}

/** Used when a calendar window carries no start; the catalog fills the same default. */
const DEFAULT_START = '2024-01-01 00:00:00';
const START_FORMAT = 'yyyy-MM-dd HH:mm:ss';
const WEEK_MS = 7 * 86_400_000;

const MONTHS_PER_PERIOD = { month: 1, quarter: 3, year: 12 } as const;

type CalendarWindow = Extract<Window, { type: 'calendar' }>;

/** A whole calendar period, [startMs, endMs). */
export interface Period {
  readonly startMs: number;
  readonly endMs: number;
}

/**
 * The SLO window at `nowMs` (UTC epoch ms).
 *
 * Rolling windows end now and reach back their duration. Calendar windows run
 * from the start of the period containing `nowMs` to `nowMs`; periods are
 * aligned to the window's `startTime` (local wall-clock time in its zone) and
 * step by 7 local days (week) or by 1, 3 or 12 calendar months from it. Each
 * period start is computed from `startTime` directly (never chained from the
 * previous one), so a start on the 31st yields Feb 29, Mar 31, Apr 30, ... and
 * consecutive periods always touch: DST can make a period shorter or longer,
 * never open a gap or an overlap. A start that falls in a DST gap moves forward
 * by the gap, as luxon does.
 *
 * @example
 * windowBounds({ type: 'calendar', unit: 'month', timeZone: 'Europe/Berlin', startTime: '2024-01-01 00:00:00' },
 *   Date.parse('2024-03-15T12:00:00Z'));
 * // → { startMs: Date.parse('2024-02-29T23:00:00Z'), endMs: …, periodMs: 31 * DAY - HOUR }
 * @throws RangeError when the zone or startTime is invalid (the catalog rejects both before this).
 */
export function windowBounds(window: Window, nowMs: number): WindowBounds {
  if (window.type === 'rolling') {
    return { startMs: nowMs - window.durationMs, endMs: nowMs, periodMs: window.durationMs };
  }
  const period = calendarPeriod(window, nowMs);
  return { startMs: period.startMs, endMs: nowMs, periodMs: period.endMs - period.startMs };
}

/**
 * Length of the period the budget is spread over at `nowMs`; see `WindowBounds.periodMs`.
 *
 * @example
 * periodMs({ type: 'rolling', durationMs: 30 * DAY, text: '30d' }, Date.now()); // → 30 * DAY
 */
export function periodMs(window: Window, nowMs: number): number {
  return windowBounds(window, nowMs).periodMs;
}

/**
 * The whole calendar period containing `nowMs`: [startMs, endMs), where endMs
 * is the next period's start.
 *
 * @example
 * calendarPeriod({ type: 'calendar', unit: 'week', timeZone: 'UTC' }, Date.parse('2024-01-10T00:00:00Z'));
 * // → { startMs: Date.parse('2024-01-08T00:00:00Z'), endMs: Date.parse('2024-01-15T00:00:00Z') }
 */
export function calendarPeriod(window: CalendarWindow, nowMs: number): Period {
  // luxon costs ~0.25 ms per period; the answer only changes once a period, so keep the last one per window.
  const cached = lastPeriod.get(window);
  if (cached !== undefined && cached.startMs <= nowMs && nowMs < cached.endMs) return cached;
  const period = computePeriod(window, nowMs);
  lastPeriod.set(window, period);
  return period;
}

/** The last period computed for each window object; windows are immutable catalog values. */
const lastPeriod = new WeakMap<CalendarWindow, Period>();

function computePeriod(window: CalendarWindow, nowMs: number): Period {
  const anchor = parseStart(window);
  const startOf = (k: number): number => periodStart(anchor, window.unit, k);
  let k = estimateIndex(anchor, window.unit, nowMs);
  // The estimate ignores offsets and month lengths; it is off by at most one either way.
  while (startOf(k) > nowMs) k--;
  while (startOf(k + 1) <= nowMs) k++;
  return { startMs: startOf(k), endMs: startOf(k + 1) };
}

function parseStart(window: CalendarWindow): DateTime {
  const text = window.startTime ?? DEFAULT_START;
  const anchor = DateTime.fromFormat(text, START_FORMAT, { zone: window.timeZone });
  if (!anchor.isValid) {
    throw new RangeError(
      `calendar window '${text}' in '${window.timeZone}' is not valid: ${anchor.invalidExplanation ?? anchor.invalidReason}`,
    );
  }
  return anchor;
}

/** Start of the k-th period after (k < 0: before) the anchor, in epoch ms. */
function periodStart(anchor: DateTime, unit: CalendarWindow['unit'], k: number): number {
  if (unit === 'week') return anchor.plus({ weeks: k }).toMillis();
  return anchor.plus({ months: k * MONTHS_PER_PERIOD[unit] }).toMillis();
}

function estimateIndex(anchor: DateTime, unit: CalendarWindow['unit'], nowMs: number): number {
  if (unit === 'week') return Math.floor((nowMs - anchor.toMillis()) / WEEK_MS);
  const now = DateTime.fromMillis(nowMs, { zone: anchor.zone });
  const months = (now.year - anchor.year) * 12 + (now.month - anchor.month);
  return Math.floor(months / MONTHS_PER_PERIOD[unit]);
}
