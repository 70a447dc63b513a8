import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { scheduleCalendar, shiftUid, userCalendar } from './ical.js';
import { finalSchedule, type Shift } from './schedule.js';
import { buildLayer, buildSchedule, utc } from './schedule.test-support.js';

interface ParsedEvent {
  readonly uid: string;
  readonly summary: string;
  readonly start: number;
  readonly end: number;
  readonly stamp: number;
}

function parse(text: string): { calendar: ICAL.Component; events: ParsedEvent[] } {
  const calendar = new ICAL.Component(ICAL.parse(text));
  const events = calendar.getAllSubcomponents('vevent').map((v) => {
    const e = new ICAL.Event(v);
    const stamp = v.getFirstPropertyValue('dtstamp');
    return {
      uid: e.uid,
      summary: e.summary,
      start: e.startDate.toJSDate().getTime(),
      end: e.endDate.toJSDate().getTime(),
      stamp: stamp instanceof ICAL.Time ? stamp.toJSDate().getTime() : Number.NaN,
    };
  });
  return { calendar, events };
}

/** RFC 5545 TEXT unescaping. */
const unescapeText = (value: unknown): string =>
  String(value).replace(/\\([\\;,nN])/g, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c));

const now = utc('2025-06-01T12:00Z');
const schedule = buildSchedule({
  name: 'platform',
  layers: [buildLayer({ users: ['ann', 'bob'], start: '2025-03-17T09:00' })],
});
/** Four weekly shifts in Berlin, one of them over the spring DST change (167 h). */
const shifts = finalSchedule(schedule, [], utc('2025-03-17T08:00Z'), utc('2025-04-14T07:00Z')).final;

describe('scheduleCalendar', () => {
  it('has one event per shift, at exactly the shift instants, with the on-call summary', () => {
    const text = scheduleCalendar({ name: 'platform', timeZone: 'Europe/Berlin', shifts, now });
    const { events } = parse(text);
    expect(shifts).toHaveLength(4);
    expect(events.map((e) => [e.summary, e.start, e.end])).toEqual(
      shifts.map((s) => [`On call: ${s.user} (platform)`, s.start, s.end]),
    );
    expect(events.every((e) => e.stamp === now)).toBe(true);
  });

  it('is a published calendar named after the schedule, produced by nines', () => {
    const text = scheduleCalendar({
      name: 'platform',
      displayName: 'Platform',
      timeZone: 'Europe/Berlin',
      shifts,
      now,
    });
    const { calendar } = parse(text);
    expect(calendar.getFirstPropertyValue('method')).toBe('PUBLISH');
    expect(calendar.getFirstPropertyValue('x-wr-calname')).toBe('On call: Platform');
    expect(calendar.getFirstPropertyValue('prodid')).toBe('-//nines//on-call//EN');
    expect(calendar.getFirstPropertyValue('version')).toBe('2.0');
    expect(text).toContain('\r\nDTSTART:20250317T080000Z\r\n');
  });

  it('keeps UIDs unique within a calendar and unchanged between renderings', () => {
    const first = parse(
      scheduleCalendar({ name: 'platform', timeZone: 'Europe/Berlin', shifts, now }),
    ).events;
    const later = parse(
      scheduleCalendar({ name: 'platform', timeZone: 'Europe/Berlin', shifts, now: now + 3_600_000 }),
    ).events;
    expect(new Set(first.map((e) => e.uid)).size).toBe(first.length);
    expect(later.map((e) => e.uid)).toEqual(first.map((e) => e.uid));
    expect(later.every((e) => e.stamp === now + 3_600_000)).toBe(true);
  });

  it('keeps a UID when an override shortens the shift, and gives the override its own', () => {
    const override = {
      id: 'o1',
      user: 'cem',
      start: utc('2025-03-20T12:00Z'),
      end: utc('2025-03-21T12:00Z'),
    };
    const changed = finalSchedule(
      schedule,
      [override],
      utc('2025-03-17T08:00Z'),
      utc('2025-04-14T07:00Z'),
    ).final;
    const before = parse(
      scheduleCalendar({ name: 'platform', timeZone: 'Europe/Berlin', shifts, now }),
    ).events;
    const after = parse(
      scheduleCalendar({ name: 'platform', timeZone: 'Europe/Berlin', shifts: changed, now }),
    ).events;
    expect(after[0]?.uid).toBe(before[0]?.uid);
    expect(after[0]?.end).toBe(override.start);
    expect(after.map((e) => e.summary).slice(0, 3)).toEqual([
      'On call: ann (platform)',
      'On call: cem (platform)',
      'On call: ann (platform)',
    ]);
    expect(new Set(after.map((e) => e.uid)).size).toBe(after.length);
  });

  it('survives names with commas, semicolons, newlines and long text', () => {
    const awkward: Shift[] = [
      { user: 'ann; the "lead", really', start: 0, end: 3_600_000, source: 'primary' },
    ];
    const displayName = `Payments, EU; night\nshift ${'x'.repeat(120)}`;
    const text = scheduleCalendar({ name: 'payments', displayName, timeZone: 'UTC', shifts: awkward, now });
    const { calendar, events } = parse(text);
    // ical.js leaves X- and RFC 7986 properties raw; clients read them as TEXT (RFC 5545 §3.8.8.2).
    expect(unescapeText(calendar.getFirstPropertyValue('x-wr-calname'))).toBe(`On call: ${displayName}`);
    expect(unescapeText(calendar.getFirstPropertyValue('name'))).toBe(`On call: ${displayName}`);
    expect(events[0]?.summary).toBe(`On call: ann; the "lead", really (${displayName})`);
    expect(calendar.getAllSubcomponents('vevent')).toHaveLength(1);
    expect(text.split('\r\n').every((line) => Buffer.byteLength(line) <= 75)).toBe(true);
  });

  it('links every event to the schedule page and gives local handoff times in the description', () => {
    const url = 'https://nines.example.com/schedules/platform';
    const { calendar } = parse(
      scheduleCalendar({ name: 'platform', timeZone: 'Europe/Berlin', shifts, url, now }),
    );
    const [first] = calendar.getAllSubcomponents('vevent');
    expect(first?.getFirstPropertyValue('url')).toBe(url);
    expect(first?.getFirstPropertyValue('description')).toBe(
      'ann is on call for platform from Mon 17 Mar 2025 09:00 to Mon 24 Mar 2025 09:00 (Europe/Berlin).',
    );
  });

  it('renders a valid empty calendar when there are no shifts', () => {
    const { calendar, events } = parse(
      scheduleCalendar({ name: 'platform', timeZone: 'UTC', shifts: [], now }),
    );
    expect(events).toEqual([]);
    expect(calendar.name).toBe('vcalendar');
  });
});

describe('userCalendar', () => {
  const other: Shift[] = [
    { user: 'ann', start: utc('2025-03-18T00:00Z'), end: utc('2025-03-19T00:00Z'), source: 'secondary' },
    { user: 'bob', start: utc('2025-03-19T00:00Z'), end: utc('2025-03-20T00:00Z'), source: 'secondary' },
  ];
  const entries = [
    { schedule: 'platform', shifts },
    { schedule: 'database', shifts: other },
  ];

  it("lists only the user's shifts across schedules, in time order, with the schedule as summary", () => {
    const { calendar, events } = parse(userCalendar({ user: 'ann', displayName: 'Ann Lee', entries, now }));
    expect(calendar.getFirstPropertyValue('x-wr-calname')).toBe('On call: Ann Lee');
    expect(calendar.getFirstPropertyValue('method')).toBe('PUBLISH');
    const ann = shifts.filter((s) => s.user === 'ann');
    expect(events.map((e) => [e.summary, e.start, e.end])).toEqual([
      ['On call: platform', ann[0]?.start, ann[0]?.end],
      ['On call: database', utc('2025-03-18T00:00Z'), utc('2025-03-19T00:00Z')],
      ['On call: platform', ann[1]?.start, ann[1]?.end],
    ]);
  });

  it("uses the same UID for a shift as its schedule's calendar, distinct across schedules", () => {
    const mine = parse(userCalendar({ user: 'ann', entries, now })).events;
    const platform = parse(
      scheduleCalendar({ name: 'platform', timeZone: 'Europe/Berlin', shifts, now }),
    ).events;
    expect(mine.filter((e) => e.summary === 'On call: platform').map((e) => e.uid)).toEqual(
      platform.filter((e) => e.summary.includes('ann')).map((e) => e.uid),
    );
    expect(new Set(mine.map((e) => e.uid)).size).toBe(mine.length);
    expect(shiftUid('platform', 'ann', 0)).not.toBe(shiftUid('database', 'ann', 0));
    expect(shiftUid('platform', 'ann', 0)).toMatch(/^[0-9a-f]{32}@nines$/);
  });
});
