/**
 * Slow, obviously-correct models the property tests compare the series and
 * windows against: a plain list of events scanned on every question, and
 * calendar arithmetic done with Intl instead of luxon. Test-only.
 */
import { type Counts, DAY, HOUR, MINUTE } from './types.js';

export interface RawEvent {
  readonly atMs: number;
  readonly good: number;
  readonly total: number;
}

/** What a two-tier series holds, as a model computes it from the head instant. */
export interface TierModel {
  readonly minuteStartMs: number;
  readonly hourStartMs: number;
}

const floorTo = (ms: number, width: number): number => Math.floor(ms / width) * width;
const ceilTo = (ms: number, width: number): number => Math.ceil(ms / width) * width;

/** The tiers of a series whose newest event or time is `headMs`. */
export function tierModel(headMs: number, minuteSpan: number, hourSpan: number): TierModel {
  return {
    minuteStartMs: floorTo(headMs, MINUTE) - (minuteSpan - 1) * MINUTE,
    hourStartMs: floorTo(headMs, HOUR) - (hourSpan - 1) * HOUR,
  };
}

/**
 * The documented meaning of `sum(from, to)`, by scanning every event: buckets
 * start in [from, to) with `from` rounded down to the minute, or to the hour when
 * that minute is older than the minute tier.
 */
export function bruteSum(
  events: readonly RawEvent[],
  fromMs: number,
  toMs: number,
  tiers: TierModel,
): Counts {
  if (!(fromMs < toMs)) return { good: 0, total: 0 };
  const fromMinute = floorTo(fromMs, MINUTE);
  const switchMs = ceilTo(tiers.minuteStartMs, HOUR);
  let include: (t: number) => boolean;
  if (fromMinute >= tiers.minuteStartMs) {
    include = (t) => t >= fromMinute && floorTo(t, MINUTE) < toMs;
  } else {
    const start = Math.max(floorTo(fromMs, HOUR), tiers.hourStartMs);
    const width = toMs <= switchMs ? HOUR : MINUTE;
    include = (t) => t >= start && floorTo(t, width) < toMs;
  }
  let good = 0;
  let total = 0;
  for (const e of events) {
    if (!include(e.atMs)) continue;
    good += e.good;
    total += e.total;
  }
  return { good, total };
}

/**
 * Timeslices as points: one per slice that saw events, at the slice's start,
 * counting 1 total and 1 good when `isGood(good, total)` holds for the slice.
 */
export function bruteSlices(
  events: readonly RawEvent[],
  sliceMs: number,
  isGood: (good: number, total: number) => boolean,
): RawEvent[] {
  const slices = new Map<number, { good: number; total: number }>();
  for (const e of events) {
    const start = floorTo(e.atMs, sliceMs);
    const s = slices.get(start) ?? { good: 0, total: 0 };
    s.good += e.good;
    s.total += e.total;
    slices.set(start, s);
  }
  return [...slices]
    .filter(([, s]) => s.total > 0)
    .map(([atMs, s]) => ({ atMs, good: isGood(s.good, s.total) ? 1 : 0, total: 1 }));
}

interface LocalTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  /** 1 = Monday … 7 = Sunday. */
  readonly weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** Wall-clock time of an instant in a zone, via Intl (independent of luxon). */
export function localTime(ms: number, zone: string): LocalTime {
  let f = formatters.get(zone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(ms).map((p) => [p.type, p.value]));
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: WEEKDAYS.indexOf(parts.weekday ?? '') + 1,
  };
}

/**
 * The instant a zone's clocks show local midnight on a date (month and day may
 * overflow, as in Date.UTC). Tries the zone's offsets around that date first,
 * then scans every quarter hour of possible offsets.
 */
export function localMidnight(year: number, month: number, day: number, zone: string): number {
  const utcMidnight = Date.UTC(year, month - 1, day);
  const date = new Date(utcMidnight);
  const isMidnight = (ms: number): boolean => {
    const t = localTime(ms, zone);
    return (
      t.year === date.getUTCFullYear() &&
      t.month === date.getUTCMonth() + 1 &&
      t.day === date.getUTCDate() &&
      t.hour === 0 &&
      t.minute === 0 &&
      t.second === 0
    );
  };
  const guesses = [utcMidnight - DAY, utcMidnight, utcMidnight + DAY].map(
    (ms) => utcMidnight - offsetAt(ms, zone),
  );
  for (const ms of [...guesses].sort((a, b) => a - b)) if (isMidnight(ms)) return ms;
  for (let offset = -14 * HOUR; offset <= 14 * HOUR; offset += 15 * MINUTE) {
    if (isMidnight(utcMidnight + offset)) return utcMidnight + offset;
  }
  throw new Error(`no local midnight on ${year}-${month}-${day} in ${zone}`);
}

/** How far the zone's wall clock is ahead of UTC at an instant. */
function offsetAt(ms: number, zone: string): number {
  const t = localTime(ms, zone);
  return Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second) - Math.floor(ms / 1000) * 1000;
}
