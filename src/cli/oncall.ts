import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { DateTime } from 'luxon';
import { parseDuration, WINDOW_DURATION } from '../catalog/duration.js';
import { humanDuration } from '../incidents/postmortem.js';
import { type ApiFlags, apiOptions, callApi, shortTime, table } from './api-client.js';
import type { Io } from './io.js';
import { timeArg } from './time.js';

/** The answers of the on-call routes (src/http/routes/oncall.ts), as the CLI reads them. */
interface Shift {
  readonly user: string;
  readonly start: string;
  readonly end: string;
  /** layer name, or 'override' */
  readonly source: string;
}
interface ScheduleNow {
  readonly schedule: string;
  readonly displayName?: string;
  readonly timeZone: string;
  readonly onCall: Shift | null;
  readonly next: { readonly at: string; readonly user: string | null } | null;
}
interface Level {
  readonly level: number;
  readonly escalateAfterMinutes: number;
  readonly users: readonly string[];
  readonly unstaffed: readonly string[];
}
interface OnCall {
  readonly at: string;
  readonly schedules: readonly ScheduleNow[];
  readonly service?: {
    readonly name: string;
    readonly policy: string | null;
    readonly levels: readonly Level[];
  };
}
interface Override {
  readonly id: string;
  readonly schedule: string;
  readonly user: string;
  readonly start: string;
  readonly end: string;
  readonly reason: string | null;
  readonly createdBy: string;
}
interface Interval {
  readonly start: string;
  readonly end: string;
}
interface ScheduleView {
  readonly schedule: string;
  readonly timeZone: string;
  readonly from: string;
  readonly to: string;
  readonly layers: readonly { readonly name: string; readonly shifts: readonly Shift[] }[];
  readonly overrides: readonly Override[];
  readonly final: readonly Shift[];
  readonly gaps: readonly Interval[];
}
interface Feed {
  readonly id: string;
  readonly kind: 'schedule' | 'user';
  readonly name: string;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly revokedAt: string | null;
}

const enc = encodeURIComponent;
/** A time from the API on the wall clock of `zone`, with its offset: `Mon 2027-03-29 09:00 +02:00`. */
const local = (at: string, zone: string) =>
  DateTime.fromISO(at, { zone }).toFormat('ccc yyyy-LL-dd HH:mm ZZ', { locale: 'en' });
const span = (i: Interval) => humanDuration(Date.parse(i.end) - Date.parse(i.start));
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function forDuration(text: string): number {
  const ms = parseDuration(text.trim(), WINDOW_DURATION);
  if (ms === undefined || ms <= 0)
    throw new InvalidArgumentError('a duration is a whole number of m, h, d or w, like 30m, 4h or 2d');
  return ms;
}

/** `nines oncall`: who is on call, schedules, overrides and calendar feeds, against a running nines. */
export function registerOnCall(program: Command, io: Io): void {
  const oncall = program
    .command('oncall')
    .description('on call: who is on call, schedules with their gaps, overrides, calendar feeds');
  const json = (data: unknown) => io.stdout(`${JSON.stringify(data, null, 2)}\n`);
  // One "now" per run: `--until +2h` with the default --from is exactly two hours.
  const now = Date.now();
  const time = (t: string) => timeArg(t, now);

  apiOptions(
    oncall
      .command('now')
      .description('who is on call per schedule, until when and who is next; or whom a service pages')
      .option(
        '--at <time>',
        'at this time instead of now: RFC 3339, a date, epoch ms, 2h ago or +2h ahead',
        time,
      )
      .option('--service <name>', 'who each level of the service’s escalation policy would page')
      .option('--json', 'print JSON'),
  ).action(async (opts: ApiFlags & { at?: number; service?: string; json?: boolean }) => {
    const query = new URLSearchParams();
    if (opts.at !== undefined) query.set('at', String(opts.at));
    if (opts.service !== undefined) query.set('service', opts.service);
    const q = query.size > 0 ? `?${query}` : '';
    const r = await callApi<OnCall>(opts, io, 'GET', `/api/v1/oncall${q}`);
    if (opts.json) return json(r);
    io.stdout(r.service ? renderService(r.service, r.at) : renderNow(r));
  });

  apiOptions(
    oncall
      .command('schedule')
      .description(
        'the final schedule over a range, shift by shift in its time zone, with overrides and gaps',
      )
      .argument('<name>', 'a schedule in the catalog')
      .option('--from <time>', 'start: RFC 3339, a date, epoch ms, 2h ago or +2h ahead (default now)', time)
      .option('--to <time>', 'end, likewise (default 14 days after --from; at most 366 days)', time)
      .option('--json', 'print JSON: layers, overrides, final shifts and gaps'),
  ).action(async (name: string, opts: ApiFlags & { from?: number; to?: number; json?: boolean }) => {
    const query = new URLSearchParams();
    if (opts.from !== undefined) query.set('from', String(opts.from));
    if (opts.to !== undefined) query.set('to', String(opts.to));
    const q = query.size > 0 ? `?${query}` : '';
    const view = await callApi<ScheduleView>(opts, io, 'GET', `/api/v1/schedules/${enc(name)}${q}`);
    if (opts.json) {
      json(view);
      if (view.gaps.length > 0) io.stderr(`nines: warning: ${gapWarning(view)}\n`);
      return;
    }
    io.stdout(renderSchedule(view));
  });

  const override = oncall
    .command('override')
    .description('put someone on call in place of the schedule, for a while (`override remove` ends it)')
    .argument('<schedule>', 'a schedule in the catalog')
    // Not requiredOption: commander would demand it of `override remove` too.
    .option('--user <name>', 'who is on call instead (a catalog user; required)')
    .addOption(
      new Option('--for <duration>', 'how long: 30m, 4h, 2d, 1w').argParser(forDuration).conflicts('until'),
    )
    .option('--until <time>', 'when it ends: RFC 3339, a date, epoch ms or +4h ahead', time)
    .option('--from <time>', 'when it starts, likewise (default now)', time)
    .option('--reason <text>', 'why, for whoever reads the schedule')
    .option('--json', 'print the override as JSON');
  apiOptions(override).action(
    async (
      schedule: string,
      opts: ApiFlags & {
        user?: string;
        for?: number;
        until?: number;
        from?: number;
        reason?: string;
        json?: boolean;
      },
      cmd: Command,
    ) => {
      if (opts.user === undefined)
        cmd.error("error: required option '--user <name>' not specified: who is on call instead", {
          exitCode: 2,
          code: 'nines.missingUser',
        });
      if (opts.for === undefined && opts.until === undefined)
        cmd.error('error: say how long with --for <duration> or --until <time>', {
          exitCode: 2,
          code: 'nines.missingEnd',
        });
      const start = opts.from ?? now;
      const end = opts.for !== undefined ? start + opts.for : (opts.until as number);
      const o = await callApi<Override>(opts, io, 'POST', `/api/v1/schedules/${enc(schedule)}/overrides`, {
        user: opts.user,
        start,
        end,
        ...(opts.reason !== undefined && { reason: opts.reason }),
      });
      if (opts.json) return json(o);
      io.stdout(
        `added override ${o.id}: ${o.user} is on call for ${o.schedule} from ${shortTime(o.start)} to ${shortTime(o.end)}\n` +
          `remove it with: nines oncall override remove ${o.schedule} ${o.id}\n`,
      );
    },
  );
  apiOptions(
    override
      .command('remove')
      .description('remove an override (the schedule has whoever its layers say again)')
      .argument('<schedule>', 'the schedule')
      .argument('<id>', 'the override id, from `nines oncall schedule NAME`'),
  ).action(async (schedule: string, id: string, opts: ApiFlags) => {
    await callApi(opts, io, 'DELETE', `/api/v1/schedules/${enc(schedule)}/overrides/${enc(id)}`);
    io.stdout(`removed override ${id} from ${schedule}\n`);
  });

  const feed = oncall
    .command('feed')
    .description('secret iCal URLs of a schedule or a person, to subscribe to in Google Calendar or Outlook');
  apiOptions(
    feed
      .command('create')
      .description('a new feed; its URL is shown once')
      .addOption(new Option('--schedule <name>', 'every shift of a schedule').conflicts('user'))
      .option('--user <name>', "a person's shifts across every schedule")
      .option('--json', 'print the feed, URL included, as JSON'),
  ).action(async (opts: ApiFlags & { schedule?: string; user?: string; json?: boolean }, cmd: Command) => {
    if (opts.schedule === undefined && opts.user === undefined)
      cmd.error('error: name what the feed shows with --schedule <name> or --user <name>', {
        exitCode: 2,
        code: 'nines.missingFeedSubject',
      });
    const body = opts.schedule !== undefined ? { schedule: opts.schedule } : { user: opts.user };
    const f = await callApi<Feed & { url: string }>(opts, io, 'POST', '/api/v1/calendar-feeds', body);
    if (opts.json) return json(f);
    io.stdout(
      [
        `created calendar feed ${f.id} for ${f.kind} ${f.name}:`,
        '',
        `  ${f.url}`,
        '',
        'Keep this URL secret: it is the only credential, anyone who has it can read the shifts, and it is not shown again.',
        'Subscribe to it: Google Calendar, Other calendars > + > From URL; Outlook, Add calendar > Subscribe from web.',
        `If it leaks, revoke it with: nines oncall feed revoke ${f.id}`,
        '',
      ].join('\n'),
    );
  });

  apiOptions(
    feed.command('list').description('calendar feeds (never their URLs)').option('--json', 'print JSON'),
  ).action(async (opts: ApiFlags & { json?: boolean }) => {
    const { feeds } = await callApi<{ feeds: Feed[] }>(opts, io, 'GET', '/api/v1/calendar-feeds');
    if (opts.json) return json(feeds);
    if (feeds.length === 0) return io.stdout('no calendar feeds\n');
    io.stdout(
      table([
        ['ID', 'KIND', 'NAME', 'BY', 'CREATED', 'REVOKED'],
        ...feeds.map((f) => [
          f.id,
          f.kind,
          f.name,
          f.createdBy,
          shortTime(f.createdAt),
          f.revokedAt === null ? '—' : shortTime(f.revokedAt),
        ]),
      ]),
    );
  });

  apiOptions(
    feed
      .command('revoke')
      .description('revoke a feed: its URL stops working at once')
      .argument('<id>', 'feed id, from `nines oncall feed list`'),
  ).action(async (id: string, opts: ApiFlags) => {
    await callApi(opts, io, 'DELETE', `/api/v1/calendar-feeds/${enc(id)}`);
    io.stdout(`revoked calendar feed ${id}: its URL answers 404 from now on\n`);
  });
}

/** Who is on call in every schedule, in each schedule's own zone. */
export function renderNow(r: OnCall): string {
  if (r.schedules.length === 0) return `no schedules in the catalog (at ${shortTime(r.at)})\n`;
  const rows = r.schedules.map((s) => {
    const zone = s.timeZone;
    const next = s.next === null ? '—' : (s.next.user ?? 'NOBODY');
    if (s.onCall === null)
      return [
        s.schedule,
        '!! NOBODY',
        s.next === null ? '—' : local(s.next.at, zone),
        s.next === null ? '—' : next,
        zone,
      ];
    const who = s.onCall.source === 'override' ? `${s.onCall.user} (override)` : s.onCall.user;
    // Without a next change the shift's end is only where the API stopped looking (a year on).
    const until = s.next === null ? 'no handoff within a year' : local(s.onCall.end, zone);
    return [s.schedule, who, until, next, zone];
  });
  const unstaffed = r.schedules.filter((s) => s.onCall === null).map((s) => s.schedule);
  return (
    `on call at ${shortTime(r.at)}\n\n` +
    table([['SCHEDULE', 'ON CALL', 'UNTIL', 'THEN', 'TIME ZONE'], ...rows]) +
    (unstaffed.length === 0
      ? ''
      : `\n!! nobody is on call for ${unstaffed.join(', ')}: pages to ${unstaffed.length === 1 ? 'it' : 'them'} reach nobody\n`)
  );
}

/** Whom each level of a service's escalation policy would page. */
export function renderService(s: NonNullable<OnCall['service']>, at: string): string {
  if (s.policy === null)
    return `!! service ${s.name} has no escalation policy, nor has its owner team: an incident on it pages nobody\n`;
  const rows = s.levels.map((l) => [
    String(l.level),
    [...l.users, ...l.unstaffed.map((t) => `!! NOBODY on call for ${t}`)].join(', ') || '!! NOBODY',
    `${l.escalateAfterMinutes}m`,
  ]);
  const empty = s.levels.filter((l) => l.users.length === 0).map((l) => l.level);
  return (
    `service ${s.name}: escalation policy ${s.policy}, at ${shortTime(at)}\n\n` +
    table([['LEVEL', 'PAGES', 'NEXT LEVEL AFTER'], ...rows]) +
    (empty.length === 0
      ? ''
      : `\n!! level ${empty.join(', ')} would page nobody: an incident waits there until it escalates\n`)
  );
}

/** The final schedule, shift by shift, with the gaps between shifts shown as loudly as shifts. */
export function renderSchedule(v: ScheduleView): string {
  const zone = v.timeZone;
  const rows = [
    ...v.final.map((s) => ({
      at: s.start,
      cells: [local(s.start, zone), local(s.end, zone), s.user, span(s), sourcesOf(s, v)],
    })),
    ...v.gaps.map((g) => ({
      at: g.start,
      cells: [local(g.start, zone), local(g.end, zone), '!! NOBODY', span(g), 'gap: pages reach nobody'],
    })),
  ].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  let out = `${v.schedule} in ${zone}, ${local(v.from, zone)} to ${local(v.to, zone)}\n\n`;
  out += table([['FROM', 'TO', 'ON CALL', 'FOR', 'FROM LAYER'], ...rows.map((r) => r.cells)]);
  if (v.overrides.length > 0) {
    out += `\noverrides:\n`;
    out += table([
      ['ID', 'USER', 'FROM', 'TO', 'BY', 'REASON'],
      ...v.overrides.map((o) => [
        o.id,
        o.user,
        local(o.start, zone),
        local(o.end, zone),
        o.createdBy,
        o.reason ?? '',
      ]),
    ]);
  }
  if (v.gaps.length > 0) out += `\n!! ${gapWarning(v)}\n`;
  return out;
}

/**
 * What puts a final shift's user on call: a final shift is one run of one user,
 * so it may join a layer's turn and overrides (the API names only its first
 * part). The layers named are those with the user where no override of theirs is.
 */
function sourcesOf(s: Shift, v: ScheduleView): string {
  const ms = (i: Interval) => ({ start: Date.parse(i.start), end: Date.parse(i.end) });
  const shift = ms(s);
  const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) =>
    a.start < b.end && b.start < a.end;
  const overrides = v.overrides.filter((o) => o.user === s.user && overlaps(ms(o), shift));
  const layers = v.layers.filter((l) =>
    l.shifts.some((x) => {
      if (x.user !== s.user) return false;
      // The part of the layer's shift inside this one, less the overrides'.
      let left = [{ start: Math.max(ms(x).start, shift.start), end: Math.min(ms(x).end, shift.end) }];
      for (const o of overrides.map(ms))
        left = left.flatMap((p) =>
          overlaps(p, o)
            ? [
                { start: p.start, end: o.start },
                { start: o.end, end: p.end },
              ].filter((q) => q.start < q.end)
            : [p],
        );
      return left.some((p) => p.start < p.end);
    }),
  );
  const names = [
    ...layers.map((l) => l.name),
    ...overrides.map((o) => `override ${o.id}${o.reason === null ? '' : ` (${o.reason})`}`),
  ];
  return names.length > 0 ? names.join(', ') : s.source;
}

function gapWarning(v: ScheduleView): string {
  const total = v.gaps.reduce((sum, g) => sum + Date.parse(g.end) - Date.parse(g.start), 0);
  return (
    `${plural(v.gaps.length, 'gap')} in ${v.schedule}: nobody is on call for ${humanDuration(total)} ` +
    `of this range, and a page to it then reaches nobody; add a layer or an override`
  );
}
