import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Restriction, ScheduleLayer, Weekday } from '../catalog/model.js';
import {
  expandLayer,
  finalSchedule,
  gaps,
  nextHandoff,
  type Override,
  onCallAt,
  type Shift,
} from './schedule.js';
import {
  buildLayer,
  buildSchedule,
  DAY,
  HOUR,
  MINUTE,
  offsetChanges,
  resolveWall,
  restrictionCover,
  show,
  skipped,
  turnAt,
  turnModel,
  turnStart,
  union,
  userAt,
  utc,
  wallAt,
  wallOf,
  wallText,
} from './schedule.test-support.js';

const BERLIN = 'Europe/Berlin';
const NEW_YORK = 'America/New_York';
const LORD_HOWE = 'Australia/Lord_Howe';

const hours = (s: Shift): number => (s.end - s.start) / HOUR;
const local = (zone: string, t: number): string => wallText(wallAt(zone, t));
const brief = (shifts: readonly Shift[]): [string, string, string][] =>
  shifts.map((s) => [s.user, new Date(s.start).toISOString(), new Date(s.end).toISOString()]);
const override = (user: string, start: string, end: string, id = `o-${user}`): Override => ({
  id,
  user,
  start: utc(start),
  end: utc(end),
});
const WEEKDAYS: Weekday[] = [1, 2, 3, 4, 5];
const ALL_DAYS: Weekday[] = [1, 2, 3, 4, 5, 6, 7];

describe('expandLayer: rotations keep their wall-clock handoff across DST', () => {
  it('a weekly Monday 09:00 Berlin rotation hands off at 09:00 all year; the DST turns last 167 h and 169 h', () => {
    const layer = buildLayer({ users: ['ann', 'bob', 'cem'], start: '2025-01-06T09:00' });
    const shifts = expandLayer(layer, BERLIN, utc('2025-01-06T08:00Z'), utc('2026-01-05T08:00Z'));
    expect(shifts).toHaveLength(52);
    for (const [i, s] of shifts.entries()) {
      expect(new Date(wallAt(BERLIN, s.start)).getUTCDay()).toBe(1);
      expect(local(BERLIN, s.start).slice(11)).toBe('09:00');
      expect(s.user).toBe(['ann', 'bob', 'cem'][i % 3]);
    }
    const lengths = shifts.map(hours);
    expect(lengths.filter((h) => h === 168)).toHaveLength(50);
    const spring = shifts.find(
      (s) => s.start <= utc('2025-03-30T01:00Z') && utc('2025-03-30T01:00Z') < s.end,
    );
    const autumn = shifts.find(
      (s) => s.start <= utc('2025-10-26T01:00Z') && utc('2025-10-26T01:00Z') < s.end,
    );
    expect(spring && [new Date(spring.start).toISOString(), hours(spring)]).toEqual([
      '2025-03-24T08:00:00.000Z',
      167,
    ]);
    expect(autumn && [new Date(autumn.start).toISOString(), hours(autumn)]).toEqual([
      '2025-10-20T07:00:00.000Z',
      169,
    ]);
  });

  it('a daily 08:00 New York rotation has a 23 h turn in March and a 25 h turn in November', () => {
    const layer = buildLayer({
      users: ['ann', 'bob'],
      rotation: { unit: 'days', count: 1 },
      start: '2025-03-07T08:00',
    });
    const march = expandLayer(layer, NEW_YORK, utc('2025-03-08T00:00Z'), utc('2025-03-11T00:00Z'));
    expect(brief(march)).toEqual([
      ['ann', '2025-03-08T00:00:00.000Z', '2025-03-08T13:00:00.000Z'],
      ['bob', '2025-03-08T13:00:00.000Z', '2025-03-09T12:00:00.000Z'],
      ['ann', '2025-03-09T12:00:00.000Z', '2025-03-10T12:00:00.000Z'],
      ['bob', '2025-03-10T12:00:00.000Z', '2025-03-11T00:00:00.000Z'],
    ]);
    const november = expandLayer(layer, NEW_YORK, utc('2025-11-01T12:00Z'), utc('2025-11-02T13:00Z'));
    expect(november.map(hours)).toEqual([25]);
    expect(local(NEW_YORK, november[0]?.end ?? 0)).toBe('2025-11-02T08:00');
  });

  it('a 12-hour rotation keeps 09:00 and 21:00 handoffs; the turn over a DST change is 11 h or 13 h', () => {
    const layer = buildLayer({
      users: ['ann', 'bob'],
      rotation: { unit: 'hours', count: 12 },
      start: '2025-03-01T09:00',
    });
    const spring = expandLayer(layer, BERLIN, utc('2025-03-29T08:00Z'), utc('2025-03-31T07:00Z'));
    expect(spring.map((s) => [local(BERLIN, s.start), hours(s)])).toEqual([
      ['2025-03-29T09:00', 12],
      ['2025-03-29T21:00', 11],
      ['2025-03-30T09:00', 12],
      ['2025-03-30T21:00', 12],
    ]);
    const autumn = expandLayer(layer, BERLIN, utc('2025-10-25T07:00Z'), utc('2025-10-27T08:00Z'));
    expect(autumn.map((s) => [local(BERLIN, s.start), hours(s)])).toEqual([
      ['2025-10-25T09:00', 12],
      ['2025-10-25T21:00', 13],
      ['2025-10-26T09:00', 12],
      ['2025-10-26T21:00', 12],
    ]);
  });

  it('a custom 3-day rotation hands off every third day at the start time (71 h over the spring change)', () => {
    const layer = buildLayer({
      users: ['ann', 'bob', 'cem'],
      rotation: { unit: 'days', count: 3 },
      start: '2025-03-22T12:00',
    });
    const shifts = expandLayer(layer, BERLIN, utc('2025-03-22T11:00Z'), utc('2025-04-03T10:00Z'));
    expect(shifts.map((s) => [s.user, local(BERLIN, s.start), hours(s)])).toEqual([
      ['ann', '2025-03-22T12:00', 72],
      ['bob', '2025-03-25T12:00', 72],
      ['cem', '2025-03-28T12:00', 71],
      ['ann', '2025-03-31T12:00', 72],
    ]);
  });

  it('a handoff at a nonexistent time (02:30 on the New York spring-forward day) happens at 03:00, when the gap ends', () => {
    const layer = buildLayer({
      users: ['ann', 'bob'],
      rotation: { unit: 'days', count: 1 },
      start: '2025-03-08T02:30',
    });
    const shifts = expandLayer(layer, NEW_YORK, utc('2025-03-08T07:30Z'), utc('2025-03-10T06:30Z'));
    expect(brief(shifts)).toEqual([
      ['ann', '2025-03-08T07:30:00.000Z', '2025-03-09T07:00:00.000Z'],
      ['bob', '2025-03-09T07:00:00.000Z', '2025-03-10T06:30:00.000Z'],
    ]);
    expect(local(NEW_YORK, utc('2025-03-09T07:00Z'))).toBe('2025-03-09T03:00');
  });

  it('a handoff at an ambiguous time (01:30 on the New York fall-back day) happens at its first occurrence', () => {
    const layer = buildLayer({
      users: ['ann', 'bob'],
      rotation: { unit: 'days', count: 1 },
      start: '2025-11-01T01:30',
    });
    const shifts = expandLayer(layer, NEW_YORK, utc('2025-11-01T05:30Z'), utc('2025-11-03T06:30Z'));
    expect(brief(shifts)).toEqual([
      ['ann', '2025-11-01T05:30:00.000Z', '2025-11-02T05:30:00.000Z'],
      ['bob', '2025-11-02T05:30:00.000Z', '2025-11-03T06:30:00.000Z'],
    ]);
  });

  it('an hourly rotation skips the turn whose hour does not exist and gives 2 h to the repeated one', () => {
    const layer = buildLayer({
      users: ['ann', 'bob', 'cem'],
      rotation: { unit: 'hours', count: 1 },
      start: '2025-03-09T00:00',
    });
    const spring = expandLayer(layer, NEW_YORK, utc('2025-03-09T05:00Z'), utc('2025-03-09T09:00Z'));
    // 00:00 ann, 01:00 bob, 02:00 cem (no such hour), 03:00 ann, 04:00 bob
    expect(brief(spring)).toEqual([
      ['ann', '2025-03-09T05:00:00.000Z', '2025-03-09T06:00:00.000Z'],
      ['bob', '2025-03-09T06:00:00.000Z', '2025-03-09T07:00:00.000Z'],
      ['ann', '2025-03-09T07:00:00.000Z', '2025-03-09T08:00:00.000Z'],
      ['bob', '2025-03-09T08:00:00.000Z', '2025-03-09T09:00:00.000Z'],
    ]);
    const autumn = expandLayer(
      buildLayer({ ...layer, start: '2025-11-02T00:00' }),
      NEW_YORK,
      utc('2025-11-02T04:00Z'),
      utc('2025-11-02T08:00Z'),
    );
    expect(autumn.map((s) => [s.user, local(NEW_YORK, s.start), hours(s)])).toEqual([
      ['ann', '2025-11-02T00:00', 1],
      ['bob', '2025-11-02T01:00', 2],
      ['cem', '2025-11-02T02:00', 1],
    ]);
  });

  it('Lord Howe (30-minute DST): a 02:00 handoff moves to 02:30 on the day 02:00 does not exist', () => {
    const layer = buildLayer({
      users: ['ann', 'bob'],
      rotation: { unit: 'days', count: 1 },
      start: '2025-10-01T02:00',
    });
    const shifts = expandLayer(layer, LORD_HOWE, utc('2025-10-03T15:30Z'), utc('2025-10-06T15:00Z'));
    expect(shifts.map((s) => [s.user, local(LORD_HOWE, s.start), hours(s)])).toEqual([
      ['bob', '2025-10-04T02:00', 24],
      ['ann', '2025-10-05T02:30', 23.5],
      ['bob', '2025-10-06T02:00', 24],
    ]);
  });

  it('Lord Howe: an ambiguous 01:45 handoff is taken at its first occurrence, and that turn lasts 24.5 h', () => {
    const layer = buildLayer({
      users: ['ann', 'bob'],
      rotation: { unit: 'days', count: 1 },
      start: '2025-04-04T01:45',
    });
    const shifts = expandLayer(layer, LORD_HOWE, utc('2025-04-03T14:45Z'), utc('2025-04-07T15:15Z'));
    expect(brief(shifts).map(([user, start]) => [user, start])).toEqual([
      ['ann', '2025-04-03T14:45:00.000Z'],
      ['bob', '2025-04-04T14:45:00.000Z'],
      ['ann', '2025-04-05T14:45:00.000Z'],
      ['bob', '2025-04-06T15:15:00.000Z'],
    ]);
    expect(shifts.map(hours)).toEqual([24, 24, 24.5, 24]);
  });

  it('nobody is on call before the layer starts or from its end', () => {
    const layer = buildLayer({ start: '2025-01-06T09:00', end: '2025-01-22T12:00' });
    const shifts = expandLayer(layer, BERLIN, utc('2025-01-01T00:00Z'), utc('2025-02-01T00:00Z'));
    expect(brief(shifts)).toEqual([
      ['ann', '2025-01-06T08:00:00.000Z', '2025-01-13T08:00:00.000Z'],
      ['bob', '2025-01-13T08:00:00.000Z', '2025-01-20T08:00:00.000Z'],
      ['cem', '2025-01-20T08:00:00.000Z', '2025-01-22T11:00:00.000Z'],
    ]);
    expect(expandLayer(layer, BERLIN, utc('2025-01-22T11:00Z'), utc('2026-01-01T00:00Z'))).toEqual([]);
    expect(expandLayer(layer, BERLIN, utc('2024-01-01T00:00Z'), utc('2025-01-06T08:00Z'))).toEqual([]);
  });

  it('expanding from inside the repeated fall-back hour finds the turn that began at the first occurrence', () => {
    const layer = buildLayer({
      users: ['ann', 'bob'],
      rotation: { unit: 'hours', count: 1 },
      start: '2025-10-26T00:30',
    });
    // 02:30 CEST (00:30Z) starts ann's turn, 03:30 CET (02:30Z) bob's; 01:10Z reads 02:10 CET.
    expect(brief(expandLayer(layer, BERLIN, utc('2025-10-26T01:10Z'), utc('2025-10-26T03:00Z')))).toEqual([
      ['ann', '2025-10-26T01:10:00.000Z', '2025-10-26T02:30:00.000Z'],
      ['bob', '2025-10-26T02:30:00.000Z', '2025-10-26T03:00:00.000Z'],
    ]);
  });

  it('a single user is one shift, however many turns pass', () => {
    const layer = buildLayer({ users: ['ann'], rotation: { unit: 'hours', count: 1 } });
    expect(expandLayer(layer, BERLIN, utc('2025-02-01T00:00Z'), utc('2025-12-01T00:00Z'))).toEqual([
      { user: 'ann', start: utc('2025-02-01T00:00Z'), end: utc('2025-12-01T00:00Z'), source: 'primary' },
    ]);
  });

  it('a year of an hourly rotation that started years earlier expands in milliseconds', () => {
    const layer = buildLayer({
      users: ['ann', 'bob', 'cem'],
      rotation: { unit: 'hours', count: 1 },
      start: '2020-01-01T00:00',
    });
    const from = utc('2031-01-01T00:00Z');
    const to = utc('2032-01-01T00:00Z');
    const started = performance.now();
    const shifts = expandLayer(layer, NEW_YORK, from, to);
    const ms = performance.now() - started;
    expect(shifts[0]?.start).toBe(from);
    expect(shifts.at(-1)?.end).toBe(to);
    expect(shifts.length).toBeGreaterThan(8700);
    expect(ms).toBeLessThan(500);
  });

  it('rejects an unknown zone, a malformed start and a rotation that is not a positive integer', () => {
    const range = [utc('2025-01-01T00:00Z'), utc('2025-02-01T00:00Z')] as const;
    expect(() => expandLayer(buildLayer(), 'Mars/Olympus', ...range)).toThrow(RangeError);
    expect(() => expandLayer(buildLayer({ start: '2025-02-30T09:00' }), BERLIN, ...range)).toThrow(
      RangeError,
    );
    expect(() => expandLayer(buildLayer({ start: '2025-01-06 09:00' }), BERLIN, ...range)).toThrow(
      RangeError,
    );
    expect(() => expandLayer(buildLayer({ rotation: { unit: 'days', count: 0 } }), BERLIN, ...range)).toThrow(
      RangeError,
    );
    const bad: Restriction = { days: [1], start: '09:00', end: '24:30' };
    expect(() => expandLayer(buildLayer({ restrictions: [bad] }), BERLIN, ...range)).toThrow(RangeError);
  });
});

describe('expandLayer: restrictions', () => {
  const businessHours: Restriction = { days: WEEKDAYS, start: '09:00', end: '17:00' };

  it("a Mon–Fri 09:00–17:00 daily rotation keeps counting over the weekend: Friday's user does not come back on Monday (OneUptime #2413)", () => {
    const layer = buildLayer({
      users: ['ann', 'bob', 'cem', 'dan'],
      rotation: { unit: 'days', count: 1 },
      start: '2025-06-02T09:00', // a Monday
      restrictions: [businessHours],
    });
    const shifts = expandLayer(layer, BERLIN, utc('2025-06-02T00:00Z'), utc('2025-06-10T00:00Z'));
    expect(shifts.map((s) => [s.user, local(BERLIN, s.start), local(BERLIN, s.end)])).toEqual([
      ['ann', '2025-06-02T09:00', '2025-06-02T17:00'],
      ['bob', '2025-06-03T09:00', '2025-06-03T17:00'],
      ['cem', '2025-06-04T09:00', '2025-06-04T17:00'],
      ['dan', '2025-06-05T09:00', '2025-06-05T17:00'],
      ['ann', '2025-06-06T09:00', '2025-06-06T17:00'],
      ['dan', '2025-06-09T09:00', '2025-06-09T17:00'],
    ]);
  });

  it('a weekly Mon–Fri rotation moves to the next user on Monday', () => {
    const layer = buildLayer({
      users: ['ann', 'bob'],
      start: '2025-06-02T09:00',
      restrictions: [businessHours],
    });
    const shifts = expandLayer(layer, BERLIN, utc('2025-06-06T00:00Z'), utc('2025-06-10T00:00Z'));
    expect(shifts.map((s) => [s.user, local(BERLIN, s.start)])).toEqual([
      ['ann', '2025-06-06T09:00'],
      ['bob', '2025-06-09T09:00'],
    ]);
  });

  it('an overnight 22:00–06:00 window runs past midnight and is 7 h on the spring-forward night', () => {
    const layer = buildLayer({
      users: ['ann'],
      rotation: { unit: 'weeks', count: 1 },
      start: '2025-03-03T09:00',
      restrictions: [{ days: ALL_DAYS, start: '22:00', end: '06:00' }],
    });
    const shifts = expandLayer(layer, NEW_YORK, utc('2025-03-08T00:00Z'), utc('2025-03-10T12:00Z'));
    expect(shifts.map((s) => [local(NEW_YORK, s.start), local(NEW_YORK, s.end), hours(s)])).toEqual([
      ['2025-03-07T22:00', '2025-03-08T06:00', 8],
      ['2025-03-08T22:00', '2025-03-09T06:00', 7],
      ['2025-03-09T22:00', '2025-03-10T06:00', 8],
    ]);
  });

  it('an overnight window belongs to the day it opens: Friday 22:00–06:00 ends Saturday morning', () => {
    const layer = buildLayer({
      users: ['ann'],
      start: '2025-06-02T09:00',
      restrictions: [{ days: [5], start: '22:00', end: '06:00' }],
    });
    const shifts = expandLayer(layer, BERLIN, utc('2025-06-02T00:00Z'), utc('2025-06-16T00:00Z'));
    expect(shifts.map((s) => [local(BERLIN, s.start), local(BERLIN, s.end)])).toEqual([
      ['2025-06-06T22:00', '2025-06-07T06:00'],
      ['2025-06-13T22:00', '2025-06-14T06:00'],
    ]);
  });

  it('24:00 is midnight, and windows that touch join into one shift', () => {
    const layer = buildLayer({
      users: ['ann'],
      start: '2025-06-02T00:00',
      restrictions: [
        { days: [6], start: '00:00', end: '24:00' },
        { days: [7], start: '00:00', end: '12:00' },
      ],
    });
    const shifts = expandLayer(layer, BERLIN, utc('2025-06-02T00:00Z'), utc('2025-06-09T00:00Z'));
    expect(shifts.map((s) => [local(BERLIN, s.start), local(BERLIN, s.end)])).toEqual([
      ['2025-06-07T00:00', '2025-06-08T12:00'],
    ]);
  });

  it('a handoff inside a window splits it between the two users', () => {
    const layer = buildLayer({
      users: ['ann', 'bob'],
      rotation: { unit: 'days', count: 1 },
      start: '2025-06-02T12:00',
      restrictions: [businessHours],
    });
    const shifts = expandLayer(layer, BERLIN, utc('2025-06-03T00:00Z'), utc('2025-06-04T00:00Z'));
    expect(shifts.map((s) => [s.user, local(BERLIN, s.start), local(BERLIN, s.end)])).toEqual([
      ['ann', '2025-06-03T09:00', '2025-06-03T12:00'],
      ['bob', '2025-06-03T12:00', '2025-06-03T17:00'],
    ]);
  });
});

describe('finalSchedule', () => {
  const base = buildLayer({ name: 'base', users: ['ann', 'bob'], start: '2025-06-02T09:00' });
  const from = utc('2025-06-02T07:00Z'); // Monday 09:00 CEST
  const to = utc('2025-06-16T07:00Z');

  it('an override replaces part of a shift, which resumes after it', () => {
    const schedule = buildSchedule({ layers: [base] });
    const { final } = finalSchedule(
      schedule,
      [override('cem', '2025-06-04T10:00Z', '2025-06-05T10:00Z')],
      from,
      to,
    );
    expect(final.map((s) => [s.user, s.source, new Date(s.start).toISOString()])).toEqual([
      ['ann', 'base', '2025-06-02T07:00:00.000Z'],
      ['cem', 'override', '2025-06-04T10:00:00.000Z'],
      ['ann', 'base', '2025-06-05T10:00:00.000Z'],
      ['bob', 'base', '2025-06-09T07:00:00.000Z'],
    ]);
  });

  it('an override can replace whole shifts and reach over a handoff', () => {
    const schedule = buildSchedule({ layers: [base] });
    const { final } = finalSchedule(
      schedule,
      [override('cem', '2025-06-02T06:00Z', '2025-06-10T07:00Z')],
      from,
      to,
    );
    expect(brief(final)).toEqual([
      ['cem', '2025-06-02T07:00:00.000Z', '2025-06-10T07:00:00.000Z'],
      ['bob', '2025-06-10T07:00:00.000Z', '2025-06-16T07:00:00.000Z'],
    ]);
  });

  it('an override for the person already on call changes nothing visible', () => {
    const schedule = buildSchedule({ layers: [base] });
    const { final } = finalSchedule(
      schedule,
      [override('ann', '2025-06-03T00:00Z', '2025-06-04T00:00Z')],
      from,
      to,
    );
    expect(brief(final)).toEqual([
      ['ann', '2025-06-02T07:00:00.000Z', '2025-06-09T07:00:00.000Z'],
      ['bob', '2025-06-09T07:00:00.000Z', '2025-06-16T07:00:00.000Z'],
    ]);
  });

  it('where overrides overlap, the later one wins', () => {
    const schedule = buildSchedule({ layers: [base] });
    const { final } = finalSchedule(
      schedule,
      [
        override('cem', '2025-06-03T00:00Z', '2025-06-05T00:00Z'),
        override('dan', '2025-06-04T00:00Z', '2025-06-06T00:00Z'),
      ],
      from,
      to,
    );
    expect(brief(final).slice(0, 4)).toEqual([
      ['ann', '2025-06-02T07:00:00.000Z', '2025-06-03T00:00:00.000Z'],
      ['cem', '2025-06-03T00:00:00.000Z', '2025-06-04T00:00:00.000Z'],
      ['dan', '2025-06-04T00:00:00.000Z', '2025-06-06T00:00:00.000Z'],
      ['ann', '2025-06-06T00:00:00.000Z', '2025-06-09T07:00:00.000Z'],
    ]);
  });

  it('a later layer covers earlier ones only where it has someone (business hours over a 24/7 base)', () => {
    const day = buildLayer({
      name: 'day',
      users: ['eve'],
      start: '2025-06-02T00:00',
      restrictions: [{ days: WEEKDAYS, start: '09:00', end: '17:00' }],
    });
    const schedule = buildSchedule({ layers: [base, day] });
    const view = finalSchedule(schedule, [], utc('2025-06-02T22:00Z'), utc('2025-06-03T22:00Z'));
    expect(view.layers.map((l) => [l.name, l.shifts.length])).toEqual([
      ['base', 1],
      ['day', 1],
    ]);
    expect(view.final.map((s) => [s.user, s.source, local(BERLIN, s.start), local(BERLIN, s.end)])).toEqual([
      ['ann', 'base', '2025-06-03T00:00', '2025-06-03T09:00'],
      ['eve', 'day', '2025-06-03T09:00', '2025-06-03T17:00'],
      ['ann', 'base', '2025-06-03T17:00', '2025-06-04T00:00'],
    ]);
  });

  it('gaps are the times nobody is on call, including before the first layer starts', () => {
    const day = buildLayer({
      users: ['eve'],
      start: '2025-06-03T00:00',
      restrictions: [{ days: WEEKDAYS, start: '09:00', end: '17:00' }],
    });
    const schedule = buildSchedule({ layers: [day] });
    const { final } = finalSchedule(schedule, [], utc('2025-06-02T00:00Z'), utc('2025-06-05T00:00Z'));
    expect(final).toHaveLength(2);
    expect(gaps(final, utc('2025-06-02T00:00Z'), utc('2025-06-05T00:00Z'))).toEqual([
      { start: utc('2025-06-02T00:00Z'), end: utc('2025-06-03T07:00Z') },
      { start: utc('2025-06-03T15:00Z'), end: utc('2025-06-04T07:00Z') },
      { start: utc('2025-06-04T15:00Z'), end: utc('2025-06-05T00:00Z') },
    ]);
    expect(gaps([], 0, 10)).toEqual([{ start: 0, end: 10 }]);
    const wide: Shift = { user: 'ann', start: -5, end: 20, source: 'primary' };
    expect(gaps([wide], 0, 10)).toEqual([]);
  });
});

describe('onCallAt and nextHandoff', () => {
  const schedule = buildSchedule({
    layers: [buildLayer({ users: ['ann', 'bob'], start: '2025-06-02T09:00' })],
  });
  const at = utc('2025-06-04T12:00Z');

  it('onCallAt gives the whole shift, with the source that puts the user on call at that instant', () => {
    expect(onCallAt(schedule, [], at)).toEqual({
      user: 'ann',
      start: utc('2025-06-02T07:00Z'),
      end: utc('2025-06-09T07:00Z'),
      source: 'primary',
    });
    const o = override('ann', '2025-06-01T00:00Z', '2025-06-05T00:00Z');
    expect(onCallAt(schedule, [o], at)).toEqual({
      user: 'ann',
      start: utc('2025-06-01T00:00Z'),
      end: utc('2025-06-09T07:00Z'),
      source: 'override',
    });
    expect(onCallAt(schedule, [], utc('2025-06-02T06:59:59.999Z'))).toBeUndefined();
  });

  it('onCallAt finds handoffs months away', () => {
    const slow = buildSchedule({
      layers: [
        buildLayer({
          users: ['ann', 'bob'],
          rotation: { unit: 'weeks', count: 4 },
          start: '2025-06-02T09:00',
        }),
      ],
    });
    expect(onCallAt(slow, [], utc('2025-06-20T00:00Z'))).toMatchObject({
      start: utc('2025-06-02T07:00Z'),
      end: utc('2025-06-30T07:00Z'),
    });
    const lonely = buildSchedule({ layers: [buildLayer({ users: ['ann'], start: '2025-06-02T09:00' })] });
    const shift = onCallAt(lonely, [], at);
    expect(shift?.start).toBe(utc('2025-06-02T07:00Z'));
    expect(shift && shift.end - at).toBeGreaterThanOrEqual(366 * DAY);
  });

  it('nextHandoff is the next change of person, to nobody (null) as well', () => {
    expect(nextHandoff(schedule, [], at)).toEqual({ at: utc('2025-06-09T07:00Z'), user: 'bob' });
    expect(nextHandoff(schedule, [override('cem', '2025-06-05T00:00Z', '2025-06-06T00:00Z')], at)).toEqual({
      at: utc('2025-06-05T00:00Z'),
      user: 'cem',
    });
    const office = buildSchedule({
      layers: [
        buildLayer({
          start: '2025-06-02T09:00',
          restrictions: [{ days: WEEKDAYS, start: '09:00', end: '17:00' }],
        }),
      ],
    });
    expect(nextHandoff(office, [], at)).toEqual({ at: utc('2025-06-04T15:00Z'), user: null });
    expect(nextHandoff(office, [], utc('2025-06-04T15:00Z'))).toEqual({
      at: utc('2025-06-05T07:00Z'),
      user: 'ann',
    });
  });

  it('nextHandoff looks months ahead, and says undefined when nothing changes within a year', () => {
    const later = buildSchedule({ layers: [buildLayer({ start: '2025-12-01T09:00' })] });
    expect(nextHandoff(later, [], at)).toEqual({ at: utc('2025-12-01T08:00Z'), user: 'ann' });
    const lonely = buildSchedule({ layers: [buildLayer({ users: ['ann'], start: '2025-06-02T09:00' })] });
    expect(nextHandoff(lonely, [], at)).toBeUndefined();
    expect(nextHandoff(buildSchedule({ layers: [] }), [], at)).toBeUndefined();
  });
});

describe('the reference clock the properties rely on', () => {
  it('puts nonexistent times at the end of the gap and ambiguous ones at their first occurrence', () => {
    expect(resolveWall(NEW_YORK, wallOf('2025-03-09T02:30'))).toBe(utc('2025-03-09T07:00Z'));
    expect(resolveWall(NEW_YORK, wallOf('2025-11-02T01:30'))).toBe(utc('2025-11-02T05:30Z'));
    expect(resolveWall(BERLIN, wallOf('2025-10-26T02:30'))).toBe(utc('2025-10-26T00:30Z'));
    expect(resolveWall(LORD_HOWE, wallOf('2025-10-05T02:10'))).toBe(utc('2025-10-04T15:30Z'));
    expect(resolveWall(LORD_HOWE, wallOf('2025-04-06T01:40'))).toBe(utc('2025-04-05T14:40Z'));
    expect(skipped(LORD_HOWE, wallOf('2025-10-05T02:10'))).toBe(true);
  });
});

// ---------------------------------------------------------------- properties

const ZONES = [NEW_YORK, BERLIN, LORD_HOWE];
const USERS = ['ann', 'bob', 'cem', 'dan', 'eve'];
const RUNS = 100;

const hhmm = (minutes: number): string =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
/** Times of day, often in 01:00–03:00 where the DST changes of these zones are. */
const minuteOfDay = fc.oneof(fc.integer({ min: 0, max: 1439 }), fc.integer({ min: 60, max: 180 }));
const rotation = fc.oneof(
  fc.record({ unit: fc.constant('hours' as const), count: fc.integer({ min: 1, max: 48 }) }),
  fc.record({ unit: fc.constant('days' as const), count: fc.integer({ min: 1, max: 14 }) }),
  fc.record({ unit: fc.constant('weeks' as const), count: fc.integer({ min: 1, max: 4 }) }),
);
const layerArb = fc
  .record({
    users: fc.uniqueArray(fc.constantFrom(...USERS), { minLength: 1, maxLength: 5 }),
    rotation,
    day: fc.integer({ min: 0, max: 3 * 365 - 1 }),
    minute: minuteOfDay,
  })
  .map(({ users, rotation, day, minute }) =>
    buildLayer({ users, rotation, start: wallText(utc('2025-01-01T00:00Z') + day * DAY + minute * MINUTE) }),
  );
const restrictionArb: fc.Arbitrary<Restriction> = fc.record({
  days: fc
    .uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 })
    .map((d) => d as Weekday[]),
  start: minuteOfDay.map(hhmm),
  end: fc.oneof(minuteOfDay, fc.constant(1440)).map(hhmm),
});
const NEAR_ROTATIONS = [
  { unit: 'hours', count: 1 },
  { unit: 'hours', count: 12 },
  { unit: 'days', count: 1 },
  { unit: 'weeks', count: 1 },
] as const;
/** Where the year examined starts, relative to the layer start: up to 60 days before, 2 years after. */
const offsetArb = fc.integer({ min: -60 * DAY, max: 730 * DAY });

/** Fails with `why()`; the message is built only then, as the properties make millions of checks. */
function check(ok: boolean, why: () => string): void {
  if (!ok) expect.fail(why());
}

function checkContiguous(zone: string, shifts: readonly Shift[]): void {
  for (const [i, s] of shifts.entries()) {
    check(s.start < s.end, () => `empty shift ${show(zone, s)}`);
    const prev = shifts[i - 1];
    if (prev === undefined) continue;
    check(prev.end <= s.start, () => `overlap: ${show(zone, prev)} then ${show(zone, s)}`);
    check(
      prev.end < s.start || prev.user !== s.user,
      () => `not merged: ${show(zone, prev)}, ${show(zone, s)}`,
    );
  }
}

function joinRuns(shifts: readonly Shift[]): Shift[] {
  const out: Shift[] = [];
  for (const s of shifts) {
    const last = out.at(-1);
    if (last !== undefined && last.user === s.user && last.end === s.start)
      out[out.length - 1] = { ...last, end: s.end };
    else out.push(s);
  }
  return out;
}

/** Every turn a shift spans is its user's, or lasts no time at all (an hour DST skips). */
function checkTurns(layer: ScheduleLayer, zone: string, s: Shift): void {
  const m = turnModel(layer, zone);
  const first = turnAt(m, s.start);
  const last = turnAt(m, s.end - 1);
  for (let k = first; k <= last; k++) {
    const user = layer.users[k % layer.users.length];
    check(
      user === s.user || turnStart(m, k) === turnStart(m, k + 1),
      () => `turn ${k} (${user}) in ${show(zone, s)}`,
    );
  }
}

describe.each(ZONES)('properties in %s', (zone) => {
  it('a layer covers every instant after its start exactly once, handing off at the stated wall-clock times in turn order', () => {
    fc.assert(
      fc.property(layerArb, offsetArb, (layer, offset) => {
        const m = turnModel(layer, zone);
        const startAt = resolveWall(zone, m.startWall);
        const from = startAt + offset;
        const to = from + 365 * DAY;
        const shifts = expandLayer(layer, zone, from, to);
        expect(shifts[0]?.start).toBe(Math.max(from, startAt));
        expect(shifts.at(-1)?.end).toBe(to);
        checkContiguous(zone, shifts);
        for (const [i, s] of shifts.entries()) {
          check((shifts[i - 1]?.end ?? s.start) === s.start, () => `gap before ${show(zone, s)}`);
          checkTurns(layer, zone, s);
          if (s.start === from) continue;
          // A handoff: the start of turn k, at the wall-clock time start + k rotations.
          const k = Math.floor((wallAt(zone, s.start) - m.startWall) / m.period);
          const wall = m.startWall + k * m.period;
          check(
            s.start === resolveWall(zone, wall),
            () => `${show(zone, s)} is not turn ${k} at ${wallText(wall)}`,
          );
          check(
            s.user === layer.users[k % layer.users.length],
            () => `${show(zone, s)} is not turn ${k}'s user`,
          );
          if (layer.rotation.unit !== 'hours' && !skipped(zone, wall)) {
            const hm = wallText(wallAt(zone, s.start)).slice(11);
            check(hm === layer.start.slice(11), () => `${show(zone, s)} hands off at ${hm}`);
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('a restricted layer covers exactly the instants inside its windows, each by the user whose turn it is', () => {
    fc.assert(
      fc.property(
        layerArb,
        fc.array(restrictionArb, { minLength: 1, maxLength: 3 }),
        offsetArb,
        (plain, restrictions, offset) => {
          const layer = { ...plain, restrictions };
          const m = turnModel(layer, zone);
          const startAt = resolveWall(zone, m.startWall);
          const from = startAt + offset;
          const to = from + 365 * DAY;
          const shifts = expandLayer(layer, zone, from, to);
          checkContiguous(zone, shifts);
          expect(union(shifts)).toEqual(restrictionCover(zone, restrictions, Math.max(from, startAt), to));
          for (const s of shifts) {
            const user = layer.users[turnAt(m, s.start) % layer.users.length];
            check(s.user === user, () => `${show(zone, s)}: turn of ${user}`);
            checkTurns(layer, zone, s);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('a layer expands the same whether the range is taken whole or in two parts', () => {
    fc.assert(
      fc.property(layerArb, offsetArb, fc.integer({ min: 1, max: 90 * DAY - 1 }), (layer, offset, cut) => {
        const from = resolveWall(zone, wallOf(layer.start)) + offset;
        const to = from + 90 * DAY;
        const whole = expandLayer(layer, zone, from, to);
        const parts = [
          ...expandLayer(layer, zone, from, from + cut),
          ...expandLayer(layer, zone, from + cut, to),
        ];
        expect(joinRuns(parts)).toEqual(whole);
      }),
      { numRuns: RUNS },
    );
  });

  it('a layer expanded from an instant near a DST change agrees with the same layer expanded from weeks before', () => {
    const changes = offsetChanges(zone, utc('2028-01-01T00:00Z'), utc('2029-01-01T00:00Z'));
    expect(changes).toHaveLength(2);
    // Layers handing off near the change's wall-clock time, on its weekday, started 1–150 weeks before.
    const nearArb = fc.record({
      users: fc.uniqueArray(fc.constantFrom(...USERS), { minLength: 1, maxLength: 5 }),
      rotation: fc.oneof(fc.constantFrom(...NEAR_ROTATIONS), rotation),
      restrictions: fc.array(restrictionArb, { maxLength: 2 }),
      change: fc.constantFrom(...changes),
      handoff: fc.integer({ min: -2 * HOUR, max: 2 * HOUR }),
      weeks: fc.integer({ min: 1, max: 150 }),
      delta: fc.integer({ min: -2 * HOUR, max: 2 * HOUR }),
    });
    fc.assert(
      fc.property(nearArb, ({ users, rotation, restrictions, change, handoff, weeks, delta }) => {
        const wall = Math.floor(wallAt(zone, change + handoff) / MINUTE) * MINUTE - weeks * 7 * DAY;
        const layer = buildLayer({ users, rotation, restrictions, start: wallText(wall) });
        const t = change + delta;
        const late = expandLayer(layer, zone, t, t + 3 * DAY);
        const early = expandLayer(layer, zone, t - 30 * DAY, t + 3 * DAY);
        const clipped = early.filter((s) => s.end > t).map((s) => (s.start < t ? { ...s, start: t } : s));
        expect(late).toEqual(clipped);
      }),
      { numRuns: RUNS },
    );
  });

  it('the final schedule never overlaps and shows, at every instant, the last override or else the top layer with someone', () => {
    const overrideArb = fc
      .record({
        user: fc.constantFrom(...USERS),
        start: fc.integer({ min: 0, max: 60 * DAY }),
        hours: fc.integer({ min: 1, max: 240 }),
      })
      .map(({ user, start, hours: h }) => ({ user, start, end: start + h * HOUR }));
    fc.assert(
      fc.property(
        fc.array(
          fc
            .tuple(layerArb, fc.array(restrictionArb, { maxLength: 2 }))
            .map(([l, restrictions]) => ({ ...l, restrictions })),
          { minLength: 1, maxLength: 3 },
        ),
        fc.array(overrideArb, { maxLength: 4 }),
        fc.integer({ min: 0, max: 3 * 365 * DAY }),
        (layers, rawOverrides, offset) => {
          const named = layers.map((l, i) => ({ ...l, name: `layer-${i}` }));
          const schedule = buildSchedule({ timeZone: zone, layers: named });
          const from = utc('2025-01-01T00:00Z') + offset;
          const to = from + 60 * DAY;
          const overrides: Override[] = rawOverrides.map((o, i) => ({
            id: `o${i}`,
            user: o.user,
            start: from - DAY + o.start,
            end: from - DAY + o.end,
          }));
          const view = finalSchedule(schedule, overrides, from, to);
          checkContiguous(zone, view.final);
          const edges = new Set<number>([from, to - 1]);
          for (const s of [...view.final, ...view.layers.flatMap((l) => l.shifts), ...overrides]) {
            for (const t of [s.start - 1, s.start, s.end - 1, s.end]) if (from <= t && t < to) edges.add(t);
          }
          for (const t of edges) {
            const o = overrides.findLast((x) => x.start <= t && t < x.end);
            const layered = view.layers.map((l) => userAt(l.shifts, t)).findLast((u) => u !== undefined);
            const want = o?.user ?? layered;
            check(userAt(view.final, t) === want, () => `${new Date(t).toISOString()}: want ${want}`);
          }
        },
      ),
      { numRuns: RUNS / 2 },
    );
  });
});
