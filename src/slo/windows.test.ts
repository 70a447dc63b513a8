import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Window } from '../catalog/model.js';
import { localMidnight, localTime } from './brute-force.test-support.js';
import { DAY, HOUR } from './types.js';
import { calendarPeriod, periodMs, windowBounds } from './windows.js';

type Unit = 'week' | 'month' | 'quarter' | 'year';
const calendar = (unit: Unit, timeZone: string, startTime?: string): Window =>
  startTime === undefined
    ? { type: 'calendar', unit, timeZone }
    : { type: 'calendar', unit, timeZone, startTime };
const at = (iso: string): number => Date.parse(iso);

describe('windowBounds, rolling', () => {
  it('ends now and reaches back its duration', () => {
    const now = at('2024-05-05T10:11:12.345Z');
    const w: Window = { type: 'rolling', durationMs: 30 * DAY, text: '30d' };
    expect(windowBounds(w, now)).toEqual({ startMs: now - 30 * DAY, endMs: now, periodMs: 30 * DAY });
    expect(periodMs(w, now)).toBe(30 * DAY);
  });
});

describe('windowBounds, calendar', () => {
  it('a UTC month starts at midnight on the 1st and lasts the whole month', () => {
    const b = windowBounds(calendar('month', 'UTC'), at('2024-03-15T12:00:00Z'));
    expect(b).toEqual({
      startMs: at('2024-03-01T00:00:00Z'),
      endMs: at('2024-03-15T12:00:00Z'),
      periodMs: 31 * DAY,
    });
  });

  it.each([
    ['Europe/Berlin', '2024-03-15T12:00:00Z', '2024-02-29T23:00:00Z', 31 * DAY - HOUR],
    ['Europe/Berlin', '2024-10-15T12:00:00Z', '2024-09-30T22:00:00Z', 31 * DAY + HOUR],
    ['America/New_York', '2024-03-15T12:00:00Z', '2024-03-01T05:00:00Z', 31 * DAY - HOUR],
    ['America/New_York', '2024-11-15T12:00:00Z', '2024-11-01T04:00:00Z', 30 * DAY + HOUR],
  ])(
    'a DST month in %s containing %s starts at %s and is an hour shorter or longer',
    (zone, now, start, len) => {
      const b = windowBounds(calendar('month', zone), at(now));
      expect(new Date(b.startMs).toISOString()).toBe(new Date(at(start)).toISOString());
      expect(b.periodMs).toBe(len);
    },
  );

  it('a period starts exactly at its boundary; a millisecond earlier is the previous period', () => {
    const w = calendar('month', 'Europe/Berlin');
    const boundary = at('2024-03-31T22:00:00Z'); // April 1st, local midnight (CEST)
    expect(windowBounds(w, boundary).startMs).toBe(boundary);
    expect(windowBounds(w, boundary - 1).startMs).toBe(at('2024-02-29T23:00:00Z'));
    expect(
      calendarPeriod({ type: 'calendar', unit: 'month', timeZone: 'Europe/Berlin' }, boundary - 1),
    ).toEqual({
      startMs: at('2024-02-29T23:00:00Z'),
      endMs: boundary,
    });
  });

  it('weeks start on the weekday and time of startTime (2024-01-01 is a Monday)', () => {
    const b = windowBounds(calendar('week', 'UTC'), at('2024-01-10T00:00:00Z'));
    expect(b.startMs).toBe(at('2024-01-08T00:00:00Z'));
    expect(b.periodMs).toBe(7 * DAY);
  });

  it('quarters and years step by 3 and 12 months from startTime', () => {
    const q = windowBounds(calendar('quarter', 'Europe/Berlin'), at('2024-05-20T00:00:00Z'));
    expect(q.startMs).toBe(at('2024-03-31T22:00:00Z'));
    expect(q.periodMs).toBe(91 * DAY);
    expect(windowBounds(calendar('year', 'UTC'), at('2024-07-01T00:00:00Z')).periodMs).toBe(366 * DAY);
    // Berlin's two DST changes cancel out over a year.
    expect(windowBounds(calendar('year', 'Europe/Berlin'), at('2025-07-01T00:00:00Z')).periodMs).toBe(
      365 * DAY,
    );
  });

  it('a start on the 31st is clamped per period, not chained: Feb 29 then Mar 31', () => {
    const w = calendar('month', 'UTC', '2024-01-31 00:00:00');
    const b = windowBounds(w, at('2024-03-05T00:00:00Z'));
    expect(b.startMs).toBe(at('2024-02-29T00:00:00Z'));
    expect(b.periodMs).toBe(31 * DAY); // Feb 29 → Mar 31
    expect(windowBounds(w, at('2024-04-05T00:00:00Z')).startMs).toBe(at('2024-03-31T00:00:00Z'));
  });

  it('periods before startTime are aligned the same way', () => {
    expect(windowBounds(calendar('month', 'UTC'), at('2023-06-15T00:00:00Z')).startMs).toBe(
      at('2023-06-01T00:00:00Z'),
    );
  });

  it('a weekly start inside the spring-forward gap moves forward by the gap and leaves no hole', () => {
    // Sundays 02:30 Berlin; on 2024-03-31 02:30 does not exist, so that period starts at 03:30 CEST.
    const w = calendar('week', 'Europe/Berlin', '2024-01-07 02:30:00');
    const gap = windowBounds(w, at('2024-03-31T12:00:00Z'));
    expect(gap.startMs).toBe(at('2024-03-31T01:30:00Z'));
    expect(gap.periodMs).toBe(7 * DAY - HOUR);
    const before = windowBounds(w, gap.startMs - 1);
    expect(before.startMs).toBe(at('2024-03-24T01:30:00Z'));
    expect(before.startMs + before.periodMs).toBe(gap.startMs);
  });

  it('the same window object asked about different periods answers each one afresh', () => {
    const w = calendar('month', 'America/New_York');
    const march = windowBounds(w, at('2024-03-15T12:00:00Z'));
    expect(windowBounds(w, at('2024-04-15T12:00:00Z')).startMs).toBe(at('2024-04-01T04:00:00Z'));
    expect(windowBounds(w, at('2024-03-20T12:00:00Z'))).toEqual({
      ...march,
      endMs: at('2024-03-20T12:00:00Z'),
    });
  });

  it('an unknown zone is a RangeError', () => {
    expect(() => windowBounds(calendar('month', 'Mars/Olympus'), 0)).toThrow(RangeError);
  });
});

const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata'];
const UNITS: Unit[] = ['week', 'month', 'quarter', 'year'];
const MONTHS: Record<Exclude<Unit, 'week'>, number> = { month: 1, quarter: 3, year: 12 };
const anyInstant = fc.integer({ min: at('2000-01-01T00:00:00Z'), max: at('2040-01-01T00:00:00Z') });

/** The default-aligned period containing `now`, from Intl wall-clock arithmetic alone. */
function expectedPeriod(unit: Unit, zone: string, now: number): { startMs: number; endMs: number } {
  const t = localTime(now, zone);
  if (unit === 'week') {
    const monday = t.day - (t.weekday - 1);
    const start = localMidnight(t.year, t.month, monday, zone);
    const next = localMidnight(t.year, t.month, monday + 7, zone);
    return { startMs: start, endMs: next };
  }
  const step = MONTHS[unit];
  const first = t.month - ((t.month - 1) % step);
  return {
    startMs: localMidnight(t.year, first, 1, zone),
    endMs: localMidnight(t.year, first + step, 1, zone),
  };
}

describe('windowBounds, calendar properties', () => {
  it('default-aligned periods start at a local midnight (1st of the month, or Monday) and tile time', () => {
    fc.assert(
      fc.property(fc.constantFrom(...UNITS), fc.constantFrom(...ZONES), anyInstant, (unit, zone, now) => {
        const b = windowBounds(calendar(unit, zone), now);
        const expected = expectedPeriod(unit, zone, now);
        expect(b.startMs).toBe(expected.startMs);
        expect(b.periodMs).toBe(expected.endMs - expected.startMs);
        expect(b.endMs).toBe(now);
      }),
      { numRuns: 300 },
    );
  });

  it('with any startTime, consecutive periods touch and contain now', () => {
    const startTime = fc
      .record({
        day: fc.integer({ min: 1, max: 28 }),
        month: fc.integer({ min: 1, max: 12 }),
        // Hour 2 is skipped: it is missing or repeated on DST days in these zones.
        hour: fc.constantFrom(0, 1, 3, 4, 9, 12, 17, 23),
        minute: fc.integer({ min: 0, max: 59 }),
      })
      .map((s) => ({ ...s, text: `2024-${pad(s.month)}-${pad(s.day)} ${pad(s.hour)}:${pad(s.minute)}:00` }));
    fc.assert(
      fc.property(
        fc.constantFrom(...UNITS),
        fc.constantFrom(...ZONES),
        startTime,
        anyInstant,
        (unit, zone, start, now) => {
          const w = calendar(unit, zone, start.text);
          const b = windowBounds(w, now);
          expect(b.startMs).toBeLessThanOrEqual(now);
          expect(now).toBeLessThan(b.startMs + b.periodMs);
          expect(windowBounds(w, b.startMs).startMs).toBe(b.startMs);
          const previous = windowBounds(w, b.startMs - 1);
          expect(previous.startMs + previous.periodMs).toBe(b.startMs);
          const local = localTime(b.startMs, zone);
          expect([local.hour, local.minute]).toEqual([start.hour, start.minute]);
          if (unit !== 'week') expect(local.day).toBe(start.day);
        },
      ),
      { numRuns: 300 },
    );
  });
});

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
