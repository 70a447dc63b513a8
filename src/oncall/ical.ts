/**
 * On-call shifts as RFC 5545 calendars to subscribe to or import (Google
 * Calendar, Outlook, Apple). Times are written in UTC, so no VTIMEZONE is
 * needed and every client shows them in its own zone.
 */
import { createHash } from 'node:crypto';
import ical, { escape as escapeText, ICalCalendarMethod } from 'ical-generator';
import { DateTime } from 'luxon';
import type { Shift } from './schedule.js';

export interface ScheduleCalendarInput {
  /** The schedule's name: part of every UID. */
  readonly name: string;
  /** Shown as the calendar's and the events' name instead of `name`. */
  readonly displayName?: string;
  /** The schedule's zone, for the local handoff times in each description. */
  readonly timeZone: string;
  readonly shifts: readonly Shift[];
  /** A page about the schedule, linked from every event. */
  readonly url?: string;
  /** Epoch ms of the rendering: DTSTAMP. */
  readonly now: number;
}

export interface UserCalendarInput {
  readonly user: string;
  readonly displayName?: string;
  /** Shifts of other users are left out, so whole final schedules can be passed. */
  readonly entries: readonly {
    /** The schedule's name: part of every UID, as in the schedule's own calendar. */
    readonly schedule: string;
    /** Shown instead of `schedule`. */
    readonly displayName?: string;
    readonly shifts: readonly Shift[];
  }[];
  readonly now: number;
}

const PRODUCT = { company: 'nines', product: 'on-call', language: 'EN' } as const;

/**
 * One schedule's shifts, one VEVENT each, summary `On call: <user> (<schedule>)`.
 *
 * @example
 * reply.type('text/calendar; charset=utf-8').send(
 *   scheduleCalendar({ name: 'primary', timeZone: 'Europe/Berlin', shifts: final, now: Date.now() }));
 */
export function scheduleCalendar(input: ScheduleCalendarInput): string {
  const title = input.displayName ?? input.name;
  const cal = calendar(`On call: ${title}`);
  for (const s of input.shifts) {
    const from = localTime(s.start, input.timeZone);
    const to = localTime(s.end, input.timeZone);
    const why = s.source === 'override' ? ' (override)' : '';
    cal.createEvent({
      id: shiftUid(input.name, s.user, s.start),
      start: new Date(s.start),
      end: new Date(s.end),
      stamp: new Date(input.now),
      summary: `On call: ${s.user} (${title})`,
      description: `${s.user} is on call for ${title}${why} from ${from} to ${to} (${input.timeZone}).`,
      url: input.url ?? null,
    });
  }
  return cal.toString();
}

/**
 * One person's shifts across schedules, summary `On call: <schedule>`. A shift
 * has the same UID here as in its schedule's calendar.
 *
 * @example
 * userCalendar({ user: 'ann', entries: [{ schedule: 'primary', shifts: final }], now: Date.now() });
 */
export function userCalendar(input: UserCalendarInput): string {
  const cal = calendar(`On call: ${input.displayName ?? input.user}`);
  const events = input.entries
    .flatMap((e) =>
      e.shifts
        .filter((s) => s.user === input.user)
        .map((s) => ({ schedule: e.schedule, title: e.displayName ?? e.schedule, s })),
    )
    .sort((a, b) => a.s.start - b.s.start || a.schedule.localeCompare(b.schedule));
  for (const { schedule, title, s } of events) {
    cal.createEvent({
      id: shiftUid(schedule, s.user, s.start),
      start: new Date(s.start),
      end: new Date(s.end),
      stamp: new Date(input.now),
      summary: `On call: ${title}`,
    });
  }
  return cal.toString();
}

/**
 * Stable across renderings, so a client refreshing a feed updates the event
 * (an override shortening it) instead of adding another.
 */
export function shiftUid(schedule: string, user: string, start: number): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([schedule, user, start]))
    .digest('hex');
  return `${digest.slice(0, 32)}@nines`;
}

function calendar(name: string) {
  // ical-generator writes NAME and X-WR-CALNAME unescaped; a comma or newline would corrupt the file.
  return ical({ name: escapeText(name, false), prodId: PRODUCT, method: ICalCalendarMethod.PUBLISH });
}

function localTime(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toFormat('ccc d LLL yyyy HH:mm');
}
