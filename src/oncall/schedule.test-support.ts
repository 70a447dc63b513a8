/**
 * Factories and a slow, obviously-correct reference clock for the on-call
 * tests. The clock asks Intl directly (the code under test goes through luxon
 * and a per-day cache) and memoises offsets per half-hour of UTC, which is exact
 * for the zones tested: their offsets change on :00 or :30 UTC. Test-only.
 */
import type { Restriction, Schedule, ScheduleLayer } from '../catalog/model.js';
import type { Interval, Shift } from './schedule.js';

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

export const utc = (iso: string): number => Date.parse(iso);

export function buildLayer(overrides: Partial<ScheduleLayer> = {}): ScheduleLayer {
  return {
    name: 'primary',
    users: ['ann', 'bob', 'cem'],
    rotation: { unit: 'weeks', count: 1 },
    start: '2025-01-06T09:00',
    restrictions: [],
    ...overrides,
  };
}

export function buildSchedule(overrides: Partial<Schedule> = {}): Schedule {
  return {
    kind: 'Schedule',
    name: 'platform',
    labels: {},
    annotations: {},
    timeZone: 'Europe/Berlin',
    layers: [buildLayer()],
    ...overrides,
  };
}

/** `YYYY-MM-DDTHH:mm` as zone-less milliseconds. */
export const wallOf = (text: string): number => Date.parse(`${text}:00Z`);

/** Zone-less milliseconds as `YYYY-MM-DDTHH:mm`. */
export const wallText = (wall: number): string => new Date(wall).toISOString().slice(0, 16);

const HALF_HOUR = 30 * MINUTE;
const offsetTables = new Map<string, { format: Intl.DateTimeFormat; offsets: Map<number, number> }>();

function offsetAt(zone: string, t: number): number {
  let table = offsetTables.get(zone);
  if (table === undefined) {
    const format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    table = { format, offsets: new Map() };
    offsetTables.set(zone, table);
  }
  const bucket = Math.floor(t / HALF_HOUR) * HALF_HOUR;
  let offset = table.offsets.get(bucket);
  if (offset === undefined) {
    const part: Record<string, number> = {};
    for (const p of table.format.formatToParts(new Date(bucket))) part[p.type] = Number(p.value);
    const local = Date.UTC(
      part.year ?? 0,
      (part.month ?? 1) - 1,
      part.day ?? 1,
      part.hour ?? 0,
      part.minute ?? 0,
      part.second ?? 0,
    );
    offset = local - bucket;
    table.offsets.set(bucket, offset);
  }
  return offset;
}

/** What the zone's clock shows at instant `t`, as zone-less milliseconds. */
export const wallAt = (zone: string, t: number): number => t + offsetAt(zone, t);

/** The first instant at which the zone's clock shows `wall` or later. */
export function resolveWall(zone: string, wall: number): number {
  const near = [...new Set([-1, 0, 1].map((d) => offsetAt(zone, wall + d * DAY)))];
  const exact = near.map((o) => wall - o).filter((t) => wallAt(zone, t) === wall);
  if (exact.length > 0) return Math.min(...exact);
  // A spring-forward gap: find where the clock jumps over `wall`.
  let lo = wall - Math.max(...near);
  let hi = wall - Math.min(...near);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (wallAt(zone, mid) >= wall) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** The instants in [from, to) at which the zone's offset changes (sampled every 6 hours). */
export function offsetChanges(zone: string, from: number, to: number): number[] {
  const out: number[] = [];
  for (let t = from; t < to; t += 6 * HOUR) {
    if (offsetAt(zone, t) === offsetAt(zone, t + 6 * HOUR)) continue;
    let lo = t;
    let hi = t + 6 * HOUR;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (offsetAt(zone, mid) === offsetAt(zone, lo)) lo = mid;
      else hi = mid;
    }
    out.push(hi);
  }
  return out;
}

/** Whether the zone's clock never shows `wall` (it lies in a spring-forward gap). */
export const skipped = (zone: string, wall: number): boolean =>
  wallAt(zone, resolveWall(zone, wall)) !== wall;

export interface TurnModel {
  readonly zone: string;
  readonly startWall: number;
  readonly period: number;
}

export function turnModel(layer: ScheduleLayer, zone: string): TurnModel {
  const unit = { hours: HOUR, days: DAY, weeks: 7 * DAY }[layer.rotation.unit];
  return { zone, startWall: wallOf(layer.start), period: layer.rotation.count * unit };
}

export const turnStart = (m: TurnModel, k: number): number => resolveWall(m.zone, m.startWall + k * m.period);

/** The turn running at `t`: the last whose start is at or before it. */
export function turnAt(m: TurnModel, t: number): number {
  let k = Math.max(0, Math.floor((wallAt(m.zone, t) - m.startWall) / m.period));
  while (k > 0 && turnStart(m, k) > t) k--;
  while (turnStart(m, k + 1) <= t) k++;
  return k;
}

/** The instants inside any restriction window, [lo, hi), as sorted disjoint intervals. */
export function restrictionCover(
  zone: string,
  restrictions: readonly Restriction[],
  lo: number,
  hi: number,
): Interval[] {
  const minutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * HOUR + Number(hhmm.slice(3)) * MINUTE;
  const found: Interval[] = [];
  for (let day = Math.floor(wallAt(zone, lo) / DAY) - 3; day * DAY < wallAt(zone, hi) + DAY; day++) {
    const weekday = new Date(day * DAY).getUTCDay() || 7;
    for (const r of restrictions) {
      if (!r.days.includes(weekday as 1)) continue;
      const open = day * DAY + minutes(r.start);
      let close = day * DAY + minutes(r.end);
      if (close <= open) close += DAY;
      const start = Math.max(lo, resolveWall(zone, open));
      const end = Math.min(hi, resolveWall(zone, close));
      if (start < end) found.push({ start, end });
    }
  }
  return union(found);
}

/** Sorted disjoint intervals covering the same instants; touching ones are joined. */
export function union(intervals: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const i of [...intervals].sort((a, b) => a.start - b.start)) {
    const last = out[out.length - 1];
    if (last !== undefined && i.start <= last.end) {
      out[out.length - 1] = { start: last.start, end: Math.max(last.end, i.end) };
    } else {
      out.push({ start: i.start, end: i.end });
    }
  }
  return out;
}

/** Who `shifts` has on call at `t`. */
export const userAt = (shifts: readonly Shift[], t: number): string | undefined =>
  shifts.find((s) => s.start <= t && t < s.end)?.user;

/** A shift as text, for readable failures. */
export const show = (zone: string, s: Shift): string =>
  `${s.user} ${wallText(wallAt(zone, s.start))}→${wallText(wallAt(zone, s.end))} (${(s.end - s.start) / HOUR} h)`;
