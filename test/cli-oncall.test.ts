import type { AddressInfo } from 'node:net';
import ICAL from 'ical.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { nines } from './helpers.js';
import { startTestNines, type TestNines } from './support/nines.js';

/*
 * `nines oncall` and `nines incident paging` against a real nines listening on a
 * port, with the web shop catalog: payments-oncall hands over between dev and
 * chloe every Monday at 09:00 Berlin time (first turn dev, from 2026-11-02).
 */

let server: TestNines;
let url: string;
let token: string;
let env: Record<string, string>;
/** Wednesday 2026-11-25 13:00 Berlin: chloe's week on payments-oncall (23–30 November). */
const START = Date.UTC(2026, 10, 25, 12, 0, 0);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

beforeAll(async () => {
  server = await startTestNines({ now: START });
  await server.app.listen({ host: '127.0.0.1', port: 0 });
  url = `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}`;
  token = (server.auth.responder.authorization ?? '').replace(/^Bearer /, '');
  env = { NINES_URL: url, NINES_TOKEN: token };
});
afterAll(async () => {
  await server.cleanup();
});
/** Every test starts with no overrides and the clock at START. */
afterEach(async () => {
  server.clock.set(START);
  for (const o of await overrides()) await cli(['oncall', 'override', 'remove', o.schedule, o.id]);
});

const cli = (argv: string[], extra: Record<string, string> = {}) =>
  nines(argv, { env: { ...env, ...extra } });

async function json<T>(argv: string[]): Promise<T> {
  const r = await cli([...argv, '--json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as T;
}

/** Every override on any schedule, around START and around the real clock (default --from). */
async function overrides(): Promise<{ id: string; schedule: string }[]> {
  const all = new Map<string, { id: string; schedule: string }>();
  for (const s of ['payments-oncall', 'storefront-oncall', 'checkout-oncall'])
    for (const from of [START - 30 * DAY, Date.now() - DAY]) {
      const res = await fetch(`${url}/api/v1/schedules/${s}?from=${from}&to=${from + 366 * DAY}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(200);
      for (const o of ((await res.json()) as { overrides: { id: string; schedule: string }[] }).overrides)
        all.set(o.id, o);
    }
  return [...all.values()];
}

interface Shift {
  user: string;
  start: string;
  end: string;
  source: string;
}

describe('nines oncall now', () => {
  it('says who is on call per schedule, until when and who is next, in the schedule’s zone', async () => {
    const r = await cli(['oncall', 'now']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('on call at 2026-11-25T12:00:00Z');
    expect(lines[2]).toMatch(/^SCHEDULE\s+ON CALL\s+UNTIL\s+THEN\s+TIME ZONE$/);
    expect(r.stdout).toMatch(
      /^payments-oncall\s+chloe\s+Mon 2026-11-30 09:00 \+01:00\s+dev\s+Europe\/Berlin$/m,
    );
    // chloe is alone on checkout-oncall: no handoff within the year the API looks ahead.
    expect(r.stdout).toMatch(/^checkout-oncall\s+chloe\s+no handoff within a year\s+—\s+Europe\/Berlin$/m);
    // Storefront: office hours in Lisbon are emma's; at 17:00 the daily layer shows through.
    expect(r.stdout).toMatch(
      /^storefront-oncall\s+emma\s+Wed 2026-11-25 17:00 \+00:00\s+\S+\s+Europe\/Lisbon$/m,
    );
    expect(r.stdout).not.toContain('!!');
  });

  it('shows an override in force, and whom a service’s policy pages then; removing it restores the schedule', async () => {
    const added = await cli([
      'oncall',
      'override',
      'payments-oncall',
      '--user',
      'dev',
      '--from',
      new Date(START - HOUR).toISOString(),
      '--for',
      '4h',
      '--reason',
      'chloe at the dentist',
    ]);
    expect(added.code).toBe(0);
    const id =
      /^added override (\S+): dev is on call for payments-oncall from 2026-11-25T11:00:00Z to 2026-11-25T15:00:00Z$/m.exec(
        added.stdout,
      )?.[1] as string;
    expect(id).toBeDefined();
    expect(added.stdout).toContain(`remove it with: nines oncall override remove payments-oncall ${id}`);

    const now = await cli(['oncall', 'now']);
    expect(now.stdout).toMatch(
      /^payments-oncall\s+dev \(override\)\s+Wed 2026-11-25 16:00 \+01:00\s+chloe\s+Europe\/Berlin$/m,
    );
    const asJson = await json<{ schedules: { schedule: string; onCall: Shift; next: unknown }[] }>([
      'oncall',
      'now',
    ]);
    expect(asJson.schedules.find((s) => s.schedule === 'payments-oncall')).toMatchObject({
      onCall: { user: 'dev', source: 'override', end: '2026-11-25T15:00:00.000Z' },
      next: { at: '2026-11-25T15:00:00.000Z', user: 'chloe' },
    });

    // payment is owned by payments: level 1 is payments-oncall, level 2 the checkout team and dev.
    const service = await cli(['oncall', 'now', '--service', 'payment']);
    expect(service.code).toBe(0);
    expect(service.stdout).toMatch(/^service payment: escalation policy payments, at 2026-11-25T12:00:00Z$/m);
    expect(service.stdout).toMatch(/^1\s+dev\s+10m$/m);
    expect(service.stdout).toMatch(/^2\s+chloe, dev\s+15m$/m);
    // After the override, at a time of the CLI's choosing, it is chloe's turn again.
    const later = await json<{ service: { levels: { users: string[] }[] } }>([
      'oncall',
      'now',
      '--service',
      'payment',
      '--at',
      '2026-11-25T16:00:00+01:00',
    ]);
    expect(later.service.levels.map((l) => l.users)).toEqual([['chloe'], ['chloe', 'dev']]);

    const removed = await cli(['oncall', 'override', 'remove', 'payments-oncall', id]);
    expect(removed).toMatchObject({ code: 0, stdout: `removed override ${id} from payments-oncall\n` });
    expect((await cli(['oncall', 'now'])).stdout).toMatch(/^payments-oncall\s+chloe\s/m);
  });

  it('says loudly when a schedule has nobody on call, and when nobody is there to page', async () => {
    // 2026-10-30: before any layer of payments-oncall starts.
    const r = await cli(['oncall', 'now', '--at', '2026-10-30T12:00:00Z']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^payments-oncall\s+!! NOBODY\s+Mon 2026-11-02 09:00 \+01:00\s+dev\s+Europe\/Berlin$/m,
    );
    expect(r.stdout).toMatch(
      /^!! nobody is on call for payments-oncall, storefront-oncall, checkout-oncall: /m,
    );
    const service = await cli(['oncall', 'now', '--service', 'payment', '--at', '2026-10-30T12:00:00Z']);
    expect(service.stdout).toMatch(/^1\s+!! NOBODY on call for schedule payments-oncall\s+10m$/m);
    expect(service.stdout).toMatch(/^2\s+dev, !! NOBODY on call for team checkout\s+15m$/m);
    expect(service.stdout).toMatch(/^!! level 1 would page nobody/m);
  });
});

describe('nines oncall schedule', () => {
  it('lists the shifts in the schedule’s zone across a DST change: the handoff stays at 09:00 local', async () => {
    const r = await cli([
      'oncall',
      'schedule',
      'payments-oncall',
      '--from',
      '2027-03-22',
      '--to',
      '2027-04-06',
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(
      'payments-oncall in Europe/Berlin, Mon 2027-03-22 01:00 +01:00 to Tue 2027-04-06 02:00 +02:00',
    );
    expect(lines[2]).toMatch(/^FROM\s+TO\s+ON CALL\s+FOR\s+FROM LAYER$/);
    expect(lines.slice(3).map((l) => l.split(/\s{2,}/))).toEqual([
      ['Mon 2027-03-22 01:00 +01:00', 'Mon 2027-03-22 09:00 +01:00', 'chloe', '8h', 'weekly'],
      // The clocks go forward on Sunday 28 March: this turn is 167 hours, and ends at 09:00 CEST.
      ['Mon 2027-03-22 09:00 +01:00', 'Mon 2027-03-29 09:00 +02:00', 'dev', '6d 23h', 'weekly'],
      ['Mon 2027-03-29 09:00 +02:00', 'Mon 2027-04-05 09:00 +02:00', 'chloe', '7d', 'weekly'],
      ['Mon 2027-04-05 09:00 +02:00', 'Tue 2027-04-06 02:00 +02:00', 'dev', '17h', 'weekly'],
    ]);
    const view = await json<{ final: Shift[]; gaps: unknown[] }>([
      'oncall',
      'schedule',
      'payments-oncall',
      '--from',
      '2027-03-22',
      '--to',
      '2027-04-06',
    ]);
    expect(view.final.map((s) => s.start)).toEqual([
      '2027-03-22T00:00:00.000Z',
      '2027-03-22T08:00:00.000Z',
      '2027-03-29T07:00:00.000Z',
      '2027-04-05T07:00:00.000Z',
    ]);
    expect(view.gaps).toEqual([]);
  });

  it('shows gaps as loudly as shifts: a page then reaches nobody', async () => {
    const r = await cli([
      'oncall',
      'schedule',
      'payments-oncall',
      '--from',
      '2026-11-01',
      '--to',
      '2026-11-03',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^Sun 2026-11-01 01:00 \+01:00\s+Mon 2026-11-02 09:00 \+01:00\s+!! NOBODY\s+1d 8h\s+gap: pages reach nobody$/m,
    );
    expect(r.stdout).toMatch(
      /^Mon 2026-11-02 09:00 \+01:00\s+Tue 2026-11-03 01:00 \+01:00\s+dev\s+16h\s+weekly$/m,
    );
    expect(r.stdout).toMatch(/^!! 1 gap in payments-oncall: nobody is on call for 1d 8h of this range/m);
    // In JSON the gaps are in the answer, and the warning goes to stderr.
    const j = await cli([
      'oncall',
      'schedule',
      'payments-oncall',
      '--from',
      '2026-11-01',
      '--to',
      '2026-11-03',
      '--json',
    ]);
    expect(JSON.parse(j.stdout).gaps).toEqual([
      { start: '2026-11-01T00:00:00.000Z', end: '2026-11-02T08:00:00.000Z' },
    ]);
    expect(j.stderr).toMatch(/^nines: warning: 1 gap in payments-oncall/);
  });

  it('marks overrides, with their ids and reasons, and lists them for removal', async () => {
    // From now on the CLI's clock (the default --from) until a time, or for a while from a time.
    const until = await cli(['oncall', 'override', 'checkout-oncall', '--user', 'emma', '--until', '+2h']);
    expect(until.code).toBe(0);
    const first = /^added override (\S+): emma/m.exec(until.stdout)?.[1] as string;
    const range = ['--from', '-1h', '--to', '+3h'];
    const view = await cli(['oncall', 'schedule', 'checkout-oncall', ...range]);
    expect(view.stdout).toMatch(new RegExp(`\\s+emma\\s+2h\\s+override ${first}$`, 'm'));
    expect(view.stdout).toMatch(/^overrides:$/m);
    expect(view.stdout).toMatch(new RegExp(`^${first}\\s+emma\\s+.*\\s+test-responder$`, 'm'));

    const shifted = await cli([
      'oncall',
      'override',
      'checkout-oncall',
      '--user',
      'dev',
      '--from',
      '2027-01-04T09:00:00+01:00',
      '--for',
      '1d',
      '--reason',
      'swap',
      '--json',
    ]);
    const second = JSON.parse(shifted.stdout);
    expect(second).toMatchObject({
      schedule: 'checkout-oncall',
      user: 'dev',
      start: '2027-01-04T08:00:00.000Z',
      end: '2027-01-05T08:00:00.000Z',
      reason: 'swap',
      createdBy: 'test-responder',
    });
    const s = await cli([
      'oncall',
      'schedule',
      'checkout-oncall',
      '--from',
      '2027-01-04',
      '--to',
      '2027-01-06',
    ]);
    expect(s.stdout).toMatch(
      new RegExp(
        `^Mon 2027-01-04 09:00 \\+01:00\\s+Tue 2027-01-05 09:00 \\+01:00\\s+dev\\s+1d\\s+override ${second.id} \\(swap\\)$`,
        'm',
      ),
    );

    // An override of whoever is on call anyway joins the layer's shift: both are named.
    const same = JSON.parse(
      (
        await cli([
          'oncall',
          'override',
          'payments-oncall',
          '--user',
          'dev',
          '--from',
          '2026-12-01T12:00:00Z',
          '--for',
          '6h',
          '--json',
        ])
      ).stdout,
    );
    const merged = await cli([
      'oncall',
      'schedule',
      'payments-oncall',
      '--from',
      '2026-12-01',
      '--to',
      '2026-12-02',
    ]);
    expect(merged.stdout).toMatch(
      new RegExp(
        `^Tue 2026-12-01 01:00 \\+01:00\\s+Wed 2026-12-02 01:00 \\+01:00\\s+dev\\s+1d\\s+weekly, override ${same.id}$`,
        'm',
      ),
    );

    expect((await cli(['oncall', 'override', 'remove', 'checkout-oncall', second.id])).code).toBe(0);
    const again = await cli(['oncall', 'override', 'remove', 'checkout-oncall', second.id]);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(
      `nines: nines answered 404 NOT_FOUND: no override '${second.id}' on schedule 'checkout-oncall'\n`,
    );
    const after = await json<{ final: Shift[]; overrides: unknown[] }>([
      'oncall',
      'schedule',
      'checkout-oncall',
      '--from',
      '2027-01-04',
      '--to',
      '2027-01-06',
    ]);
    expect(after.overrides).toEqual([]);
    expect(after.final.map((x) => x.user)).toEqual(['chloe']);
  });
});

interface FeedEvent {
  summary: string;
  start: number;
  end: number;
}

function parseFeed(text: string): FeedEvent[] {
  const calendar = new ICAL.Component(ICAL.parse(text));
  return calendar.getAllSubcomponents('vevent').map((v) => {
    const e = new ICAL.Event(v);
    return {
      summary: e.summary,
      start: e.startDate.toJSDate().getTime(),
      end: e.endDate.toJSDate().getTime(),
    };
  });
}

describe('nines oncall feed', () => {
  it('creates a secret iCal URL whose events are the final schedule; revoking it makes it 404', async () => {
    const created = await cli(['oncall', 'feed', 'create', '--schedule', 'payments-oncall']);
    expect(created.code).toBe(0);
    const feedUrl = new RegExp(`^  (${url}/ical/[A-Za-z0-9_-]+\\.ics)$`, 'm').exec(
      created.stdout,
    )?.[1] as string;
    expect(feedUrl).toBeDefined();
    const id = /^created calendar feed (\S+) for schedule payments-oncall:$/m.exec(
      created.stdout,
    )?.[1] as string;
    expect(created.stdout).toContain('Keep this URL secret');
    expect(created.stdout).toContain(`If it leaks, revoke it with: nines oncall feed revoke ${id}`);

    // An override (chloe in dev's week) shows in the feed too.
    await cli([
      'oncall',
      'override',
      'payments-oncall',
      '--user',
      'chloe',
      '--from',
      '2026-12-01T12:00:00Z',
      '--for',
      '6h',
    ]);

    const res = await fetch(feedUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/calendar/);
    const events = parseFeed(await res.text());

    const from = START;
    const to = START + 60 * DAY;
    const view = await json<{ final: Shift[] }>([
      'oncall',
      'schedule',
      'payments-oncall',
      '--from',
      String(from),
      '--to',
      String(to),
    ]);
    expect(view.final.some((s) => s.source === 'override')).toBe(true);
    // The feed spans more (30 days back, 180 ahead): clipped to the same range, it is the same schedule.
    const clipped = events
      .filter((e) => e.end > from && e.start < to)
      .map((e) => ({
        user: /^On call: (\S+) \(Payments on call\)$/.exec(e.summary)?.[1],
        start: Math.max(e.start, from),
        end: Math.min(e.end, to),
      }))
      .sort((a, b) => a.start - b.start);
    expect(clipped).toEqual(
      view.final.map((s) => ({ user: s.user, start: Date.parse(s.start), end: Date.parse(s.end) })),
    );

    const list = await cli(['oncall', 'feed', 'list']);
    expect(list.stdout).toMatch(
      new RegExp(`^${id}\\s+schedule\\s+payments-oncall\\s+test-responder\\s+\\S+\\s+—$`, 'm'),
    );
    expect(list.stdout).not.toContain(feedUrl.split('/ical/')[1]);

    const revoked = await cli(['oncall', 'feed', 'revoke', id]);
    expect(revoked).toMatchObject({
      code: 0,
      stdout: `revoked calendar feed ${id}: its URL answers 404 from now on\n`,
    });
    expect((await fetch(feedUrl)).status).toBe(404);
    const listed = await json<{ id: string; revokedAt: string | null }[]>(['oncall', 'feed', 'list']);
    expect(listed.find((f) => f.id === id)?.revokedAt).toBe(new Date(START).toISOString());
    const twice = await cli(['oncall', 'feed', 'revoke', id]);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('404 NOT_FOUND');
  });

  it('makes a feed of one person’s shifts across schedules', async () => {
    const f = await json<{ url: string; kind: string; name: string }>([
      'oncall',
      'feed',
      'create',
      '--user',
      'chloe',
    ]);
    expect(f).toMatchObject({ kind: 'user', name: 'chloe' });
    const events = parseFeed(await (await fetch(f.url)).text());
    const summaries = new Set(events.map((e) => e.summary));
    expect(summaries).toEqual(new Set(['On call: Payments on call', 'On call: Checkout on call']));
    const checkout = await json<{ final: Shift[] }>([
      'oncall',
      'schedule',
      'checkout-oncall',
      '--from',
      String(START),
      '--to',
      String(START + DAY),
    ]);
    expect(checkout.final).toMatchObject([{ user: 'chloe' }]);
    const now = events.filter(
      (e) => e.summary === 'On call: Checkout on call' && e.start <= START && e.end > START,
    );
    expect(now).toHaveLength(1);
  });
});

describe('nines incident paging', () => {
  it('shows the escalation and each notification with status, attempts and last error', async () => {
    const key = (
      await server.intake.integrations.create(
        { name: 'pd-payment', service: 'payment', type: 'pagerduty' },
        START,
      )
    ).key;
    const res = await fetch(`${url}/v2/enqueue`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        routing_key: key,
        event_action: 'trigger',
        dedup_key: 'card-errors',
        payload: { summary: 'card payments fail', source: 'test', severity: 'critical' },
      }),
    });
    expect(res.status).toBe(202);
    await server.grouping.run();
    await server.escalator.run();
    await server.notifier.flush();
    const { incidents } = (await (
      await fetch(`${url}/api/v1/incidents?status=open`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { incidents: { number: number }[] };
    const n = incidents[0]?.number as number;

    const r = await cli(['incident', 'paging', String(n)]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(`paging for incident #${n}`);
    expect(r.stdout).toMatch(/^POLICY\s+STATUS\s+NEXT LEVEL\s+ROUND\s+AT$/m);
    expect(r.stdout).toMatch(/^payments\s+active\s+2\s+1\s+2026-11-25T12:10:00Z$/m);
    // chloe is on call; her default contact is email, and this nines has no SMTP server.
    expect(r.stdout).toMatch(
      new RegExp(
        `^${n}:payments:0:0:chloe:0\\s+chloe\\s+email\\s+1\\s+1\\s+!! failed\\s+1\\s+2026-11-25T12:00:00Z\\s+—\\s+no SMTP server is configured \\(--smtp-url\\)$`,
        'm',
      ),
    );
    expect(r.stdout).toMatch(/^!! 1 notification given up: chloe was not reached/m);

    const j = await json<{ escalations: unknown[]; notifications: unknown[] }>([
      'incident',
      'paging',
      `#${n}`,
    ]);
    expect(j.escalations).toEqual([
      { policy: 'payments', status: 'active', level: 2, round: 1, nextAt: '2026-11-25T12:10:00.000Z' },
    ]);
    expect(j.notifications).toMatchObject([
      {
        user: 'chloe',
        channel: 'email',
        status: 'failed',
        attempts: 1,
        lastError: expect.stringContaining('SMTP'),
      },
    ]);

    // Acknowledged: the escalation stops.
    await cli(['incident', 'ack', String(n)]);
    server.clock.set(START + 10 * 60_000);
    await server.escalator.run();
    expect((await cli(['incident', 'paging', String(n)])).stdout).toMatch(
      /^payments\s+stopped \(acknowledged or resolved\)\s+—\s+1\s+—$/m,
    );
    await cli(['incident', 'resolve', String(n)]);
  });
});

describe('errors', () => {
  it('an unknown schedule, user or incident is the API’s 404 or 400, exit 1', async () => {
    const r = await cli(['oncall', 'schedule', 'nope']);
    expect(r).toMatchObject({
      code: 1,
      stdout: '',
      stderr: "nines: nines answered 404 NOT_FOUND: no schedule named 'nope' in the catalog\n",
    });
    const o = await cli(['oncall', 'override', 'payments-oncall', '--user', 'zed', '--for', '1h']);
    expect(o.code).toBe(1);
    expect(o.stderr).toBe(
      "nines: nines answered 400 VALIDATION_FAILED: the override is not valid\n  user: no user named 'zed' in the catalog\n",
    );
    const f = await cli(['oncall', 'feed', 'create', '--schedule', 'nope']);
    expect(f.code).toBe(1);
    expect(f.stderr).toContain("no schedule named 'nope' in the catalog");
    const s = await cli(['oncall', 'now', '--service', 'nope']);
    expect(s.stderr).toContain("no service named 'nope' in the catalog");
    const p = await cli(['incident', 'paging', '9999']);
    expect(p.code).toBe(1);
    expect(p.stderr).toContain('404 NOT_FOUND');
  });

  it('needs a token', async () => {
    const r = await nines(['oncall', 'now'], { env: { NINES_URL: url } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no API token: pass --token or set NINES_TOKEN');
    // The feed itself takes no token: its URL is the credential; a wrong one is 404.
    expect((await fetch(`${url}/ical/not-a-feed.ics`)).status).toBe(404);
  });

  it('rejects bad flags before sending anything, exit 2', async () => {
    const badFor = await cli(['oncall', 'override', 'payments-oncall', '--user', 'dev', '--for', '4 hours']);
    expect(badFor.code).toBe(2);
    expect(badFor.stderr).toContain('a duration is a whole number of m, h, d or w, like 30m, 4h or 2d');
    const both = await cli([
      'oncall',
      'override',
      'payments-oncall',
      '--user',
      'dev',
      '--for',
      '4h',
      '--until',
      '+5h',
    ]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("option '--for <duration>' cannot be used with option '--until <time>'");
    const neither = await cli(['oncall', 'override', 'payments-oncall', '--user', 'dev']);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain('say how long with --for <duration> or --until <time>');
    const noUser = await cli(['oncall', 'override', 'payments-oncall', '--for', '4h']);
    expect(noUser.code).toBe(2);
    expect(noUser.stderr).toContain("required option '--user <name>'");
    const badAt = await cli(['oncall', 'now', '--at', 'tomorrow']);
    expect(badAt.code).toBe(2);
    expect(badAt.stderr).toContain('or a duration ago (30d, 12h) or ahead (+4h)');
    const feed = await cli(['oncall', 'feed', 'create']);
    expect(feed.code).toBe(2);
    expect(feed.stderr).toContain('--schedule <name> or --user <name>');
    expect(await overrides()).toEqual([]);
  });
});
