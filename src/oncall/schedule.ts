/**
 * Who is on call, when: a schedule's layers expanded into shifts. Pure: every
 * instant is UTC epoch milliseconds passed in, nothing reads the clock.
 *
 * Rules are kept as wall-clock times in the schedule's zone and expanded per
 * zone (never as instant + fixed duration expanded in UTC, the root of the DST
 * gaps and overlaps other tools shipped). A wall-clock time W is reached at the
 * first instant the zone's clock shows W or later: a time in a spring-forward
 * gap is reached when the gap ends, an ambiguous fall-back time at its first
 * occurrence. That mapping never runs backwards, so turns and restriction
 * windows built from it always abut: no gap, no overlap.
 */
import { IANAZone } from 'luxon';
import type { Restriction, Schedule, ScheduleLayer } from '../catalog/model.js';

/** One person on call over [start, end), epoch ms. */
export interface Shift {
  readonly user: string;
  readonly start: number;
  readonly end: number;
  /** layer name, or 'override' */
  readonly source: string;
}

/** Puts `user` on call over [start, end), whoever the layers have there (slot-based). */
export interface Override {
  readonly id: string;
  readonly user: string;
  readonly start: number;
  readonly end: number;
}

export interface Interval {
  readonly start: number;
  readonly end: number;
}

export interface ScheduleView {
  readonly layers: { readonly name: string; readonly shifts: Shift[] }[];
  readonly final: Shift[];
}

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const UNIT_MS = { hours: HOUR, days: DAY, weeks: 7 * DAY } as const;
/** How far onCallAt and nextHandoff look. */
const HORIZON = 366 * DAY;
const FIRST_REACH = 7 * DAY;

/**
 * A layer's turns over [from, to): turn k starts when the wall clock reaches the
 * layer's `start` plus k rotations in calendar units (wall-clock hours for
 * `hours`), and belongs to `users[k mod n]`; a turn whose start and end fall in
 * the same DST gap (an hourly turn at 02:00 on the spring-forward day) lasts no
 * time and is skipped. With restrictions the layer is on only inside their
 * windows, each opening on one of its weekdays and closing the same day or, when
 * `end <= start`, the next; turns keep counting while it is off, so the user
 * after a break is whoever's turn it is then (never simply the one before it).
 * Adjacent shifts of the same user are merged.
 *
 * @example
 * // weekly, handing off Monday 09:00 Berlin: the turn over the March change lasts 167 h
 * expandLayer({ name: 'primary', users: ['ann', 'bob'], rotation: { unit: 'weeks', count: 1 },
 *   start: '2025-03-24T09:00', restrictions: [] }, 'Europe/Berlin', Date.parse('2025-03-24T08:00Z'), Date.parse('2025-04-07T07:00Z'));
 * // → [{ user: 'ann', start: …24T08:00Z, end: …31T07:00Z, … }, { user: 'bob', start: …31T07:00Z, end: …04-07T07:00Z, … }]
 * @throws RangeError when the zone, a wall-clock time or the rotation is invalid (the catalog rejects them first).
 */
export function expandLayer(layer: ScheduleLayer, timeZone: string, from: number, to: number): Shift[] {
  checkRange(from, to);
  const clock = zoneClock(timeZone);
  const rotation = rotationOf(layer, clock);
  const n = layer.users.length;
  const lo = Math.max(from, rotation.boundary(0));
  const hi = Math.min(to, layer.end === undefined ? to : clock.resolve(parseWall(layer.end)));
  if (!(lo < hi) || n === 0) return [];
  const on =
    layer.restrictions.length === 0 ? [{ start: lo, end: hi }] : windows(layer.restrictions, clock, lo, hi);
  const shifts: Shift[] = [];
  for (const w of on) {
    let k = rotation.firstTurn(w.start);
    let turnStart = rotation.boundary(k);
    while (turnStart < w.end) {
      const turnEnd = rotation.boundary(k + 1);
      const start = Math.max(turnStart, w.start);
      const end = Math.min(turnEnd, w.end);
      const user = layer.users[k % n];
      if (user !== undefined && start < end) append(shifts, { user, start, end, source: layer.name });
      k++;
      turnStart = turnEnd;
    }
  }
  return shifts;
}

/**
 * Every layer's shifts and the final schedule over [from, to): later layers
 * cover earlier ones wherever they have someone, overrides cover everything
 * (a later override beats an earlier one where they overlap). `final` is sorted
 * and contiguous runs of one user are one shift, whose `source` is that of its
 * first part; where nobody is on call there is no shift.
 *
 * @example
 * const { final } = finalSchedule(schedule, [{ id: 'o1', user: 'cem', start, end }], from, to);
 */
export function finalSchedule(
  schedule: Schedule,
  overrides: readonly Override[],
  from: number,
  to: number,
): ScheduleView {
  const { layers, pieces } = compose(schedule, overrides, from, to);
  return { layers, final: mergeRuns(pieces) };
}

/**
 * The shift of whoever is on call at `at`, or undefined when nobody is. `start`
 * and `end` are the real handoffs when within a year of `at` (else clipped to
 * that); `source` is what puts the user on call at `at` itself.
 *
 * @example
 * onCallAt(schedule, [], Date.now())?.user; // → 'ann'
 */
export function onCallAt(schedule: Schedule, overrides: readonly Override[], at: number): Shift | undefined {
  for (let reach = FIRST_REACH; ; reach = Math.min(reach * 4, HORIZON)) {
    const from = at - reach;
    const to = at + reach + 1;
    const { pieces } = compose(schedule, overrides, from, to);
    const piece = pieces.find((p) => p.start <= at && at < p.end);
    if (piece === undefined) return undefined;
    const shift = mergeRuns(pieces).find((s) => s.start <= at && at < s.end);
    if (shift === undefined) return undefined;
    if ((shift.start > from && shift.end < to) || reach === HORIZON) {
      return { ...shift, source: piece.source };
    }
  }
}

/**
 * The first instant after `at`, within a year, at which who is on call changes,
 * and who is on call from then (null: nobody). Undefined when nothing changes.
 *
 * @example
 * nextHandoff(schedule, overrides, Date.now()); // → { at: 1743404400000, user: 'bob' }
 */
export function nextHandoff(
  schedule: Schedule,
  overrides: readonly Override[],
  at: number,
): { at: number; user: string | null } | undefined {
  for (let reach = FIRST_REACH; ; reach = Math.min(reach * 4, HORIZON)) {
    const to = at + reach;
    const { final } = finalSchedule(schedule, overrides, at, to);
    const [first, second] = final;
    if (first !== undefined && first.start > at) return { at: first.start, user: first.user };
    if (first !== undefined && first.end < to) {
      return { at: first.end, user: second?.start === first.end ? second.user : null };
    }
    if (reach === HORIZON) return undefined;
  }
}

/**
 * The parts of [from, to) where none of `shifts` has anyone on call.
 *
 * @example
 * gaps(final, from, to).length === 0; // fully staffed
 */
export function gaps(shifts: readonly Interval[], from: number, to: number): Interval[] {
  const out: Interval[] = [];
  let cursor = from;
  for (const s of [...shifts].sort((a, b) => a.start - b.start)) {
    if (cursor >= to || s.start >= to) break;
    if (s.start > cursor) out.push({ start: cursor, end: s.start });
    cursor = Math.max(cursor, s.end);
  }
  if (cursor < to) out.push({ start: cursor, end: to });
  return out;
}

function compose(
  schedule: Schedule,
  overrides: readonly Override[],
  from: number,
  to: number,
): { layers: { name: string; shifts: Shift[] }[]; pieces: Shift[] } {
  const layers = schedule.layers.map((layer) => ({
    name: layer.name,
    shifts: expandLayer(layer, schedule.timeZone, from, to),
  }));
  let pieces: Shift[] = [];
  for (const layer of layers) pieces = cover(pieces, layer.shifts);
  let replaced: Shift[] = [];
  for (const o of overrides) {
    const start = Math.max(o.start, from);
    const end = Math.min(o.end, to);
    if (start < end) replaced = cover(replaced, [{ user: o.user, start, end, source: 'override' }]);
  }
  return { layers, pieces: cover(pieces, replaced) };
}

/** `base` where `top` has nobody, and `top`; both sorted and free of overlaps. */
function cover(base: readonly Shift[], top: readonly Shift[]): Shift[] {
  if (top.length === 0) return [...base];
  const rest: Shift[] = [];
  let j = 0;
  for (const s of base) {
    while ((top[j]?.end ?? Number.POSITIVE_INFINITY) <= s.start) j++;
    let start = s.start;
    for (let i = j; start < s.end; i++) {
      const t = top[i];
      if (t === undefined || t.start >= s.end) {
        rest.push({ ...s, start });
        break;
      }
      if (t.start > start) rest.push({ ...s, start, end: t.start });
      start = Math.max(start, t.end);
    }
  }
  const out: Shift[] = [];
  let a = 0;
  let b = 0;
  while (a < rest.length || b < top.length) {
    const x = rest[a];
    const y = top[b];
    if (y === undefined || (x !== undefined && x.start < y.start)) {
      if (x !== undefined) out.push(x);
      a++;
    } else {
      out.push(y);
      b++;
    }
  }
  return out;
}

function mergeRuns(shifts: readonly Shift[]): Shift[] {
  const out: Shift[] = [];
  for (const s of shifts) append(out, s);
  return out;
}

/** Pushes `s`, extending the last shift instead when the same user continues. */
function append(out: Shift[], s: Shift): void {
  const last = out[out.length - 1];
  if (last !== undefined && last.user === s.user && last.end === s.start) {
    out[out.length - 1] = { ...last, end: s.end };
  } else {
    out.push(s);
  }
}

function checkRange(from: number, to: number): void {
  if (!Number.isFinite(from) || !Number.isFinite(to)) {
    throw new RangeError(`schedule range [${from}, ${to}) must be finite`);
  }
}

interface Rotation {
  /** Instant turn k starts (k = 0 is the layer start); never decreasing in k. */
  boundary(k: number): number;
  /** A turn at or before the one running at `t`, found arithmetically however far `t` is from the start. */
  firstTurn(t: number): number;
}

function rotationOf(layer: ScheduleLayer, clock: ZoneClock): Rotation {
  const { unit, count } = layer.rotation;
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new RangeError(`layer '${layer.name}': rotation count must be a positive integer, not ${count}`);
  }
  const startWall = parseWall(layer.start);
  const period = count * UNIT_MS[unit];
  const boundary = (k: number): number => clock.resolve(startWall + k * period);
  // The clock at t never reads past the turn running, so this is never late; it is a turn
  // early inside a repeated fall-back hour, and the expansion skips turns that end before t.
  const firstTurn = (t: number): number => Math.max(0, Math.floor((clock.toLocal(t) - startWall) / period));
  return { boundary, firstTurn };
}

/** The instants inside `restrictions` within [lo, hi), sorted and merged. */
function windows(restrictions: readonly Restriction[], clock: ZoneClock, lo: number, hi: number): Interval[] {
  const parsed = restrictions.map((r) => {
    const start = parseTimeOfDay(r.start);
    let end = parseTimeOfDay(r.end);
    if (end <= start) end += DAY;
    return { days: new Set<number>(r.days), start, end };
  });
  // A window opens on its day and may last into the second day after (24:00 to 24:00).
  const firstDay = Math.floor(clock.toLocal(lo) / DAY) - 2;
  const lastDay = Math.floor(clock.toLocal(hi) / DAY) + 1;
  const found: Interval[] = [];
  for (let day = firstDay; day <= lastDay; day++) {
    const weekday = ((((day + 3) % 7) + 7) % 7) + 1; // day 0, 1970-01-01, was a Thursday
    for (const r of parsed) {
      if (!r.days.has(weekday)) continue;
      const start = Math.max(lo, clock.resolve(day * DAY + r.start));
      const end = Math.min(hi, clock.resolve(day * DAY + r.end));
      if (start < end) found.push({ start, end });
    }
  }
  found.sort((a, b) => a.start - b.start);
  const merged: Interval[] = [];
  for (const w of found) {
    const last = merged[merged.length - 1];
    if (last !== undefined && w.start <= last.end) {
      merged[merged.length - 1] = { start: last.start, end: Math.max(last.end, w.end) };
    } else {
      merged.push(w);
    }
  }
  return merged;
}

const WALL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;
const TIME_OF_DAY = /^(\d{2}):(\d{2})$/;

/** `YYYY-MM-DDTHH:mm` as milliseconds of a clock that has no zone (wall-clock arithmetic). */
function parseWall(text: string): number {
  const m = WALL.exec(text);
  if (m !== null) {
    const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
    const ms = Date.UTC(y, mo - 1, d, h, mi);
    const back = new Date(ms);
    if (back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d) {
      if (h < 24 && mi < 60) return ms;
    }
  }
  throw new RangeError(`'${text}' is not a wall-clock time YYYY-MM-DDTHH:mm`);
}

/** `HH:mm` (`24:00` allowed) as milliseconds after midnight. */
function parseTimeOfDay(text: string): number {
  const m = TIME_OF_DAY.exec(text);
  const h = Number(m?.[1]);
  const mi = Number(m?.[2]);
  if (m === null || mi >= 60 || h > 24 || (h === 24 && mi !== 0)) {
    throw new RangeError(`'${text}' is not a time of day HH:mm`);
  }
  return h * HOUR + mi * MINUTE;
}

interface ZoneClock {
  /** Wall-clock reading at instant `t`, as zone-less milliseconds. */
  toLocal(t: number): number;
  /** The first instant at which the clock shows `wall` or later. */
  resolve(wall: number): number;
}

const clocks = new Map<string, ZoneClock>();

function zoneClock(timeZone: string): ZoneClock {
  let clock = clocks.get(timeZone);
  if (clock === undefined) {
    const zone = IANAZone.create(timeZone);
    if (!zone.isValid) throw new RangeError(`'${timeZone}' is not an IANA time zone`);
    clock = cachedClock(zone);
    clocks.set(timeZone, clock);
  }
  return clock;
}

/** A UTC day's offsets: `before` until instant `at`, `after` from it (equal when none changes). */
interface DayOffsets {
  readonly before: number;
  readonly after: number;
  readonly at: number;
}

/** Days kept per zone before the cache starts over (~270 years). */
const MAX_CACHED_DAYS = 100_000;

/**
 * Offsets come from Intl through luxon at ~15 µs a call, too slow for a year of
 * hourly turns; tzdata changes a zone's offset at most once a UTC day, so each
 * day is asked about once (its two ends, and a search when they differ).
 */
function cachedClock(zone: IANAZone): ZoneClock {
  const days = new Map<number, DayOffsets>();
  const raw = (t: number): number => Math.round(zone.offset(t) * MINUTE);
  const dayOf = (index: number): DayOffsets => {
    let d = days.get(index);
    if (d === undefined) {
      let lo = index * DAY;
      let hi = lo + DAY;
      const before = raw(lo);
      const after = raw(hi);
      while (before !== after && hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (raw(mid) === before) lo = mid;
        else hi = mid;
      }
      d = { before, after, at: hi };
      if (days.size >= MAX_CACHED_DAYS) days.clear();
      days.set(index, d);
    }
    return d;
  };
  const offset = (t: number): number => {
    const d = dayOf(Math.floor(t / DAY));
    return t < d.at ? d.before : d.after;
  };
  return {
    toLocal: (t) => t + offset(t),
    resolve: (wall) => {
      // Instants whose clock can read `wall` lie within [wall - 14 h, wall + 12 h].
      const early = offset(wall - 15 * HOUR);
      const late = offset(wall + 13 * HOUR);
      let best = Number.POSITIVE_INFINITY;
      for (const o of [early, late]) {
        if (offset(wall - o) === o) best = Math.min(best, wall - o);
      }
      if (best < Number.POSITIVE_INFINITY) return best;
      // In a gap: the clock jumps from before `wall` to after it at the change.
      const d = dayOf(Math.floor((wall - early) / DAY));
      return d.before !== d.after && d.at <= wall - early ? d.at : dayOf(Math.floor((wall - late) / DAY)).at;
    },
  };
}
