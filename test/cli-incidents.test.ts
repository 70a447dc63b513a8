import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { nines, tempCatalog } from './helpers.js';
import { freePort } from './support/net.js';
import { startTestNines, type TestNines } from './support/nines.js';

/* The CLI against a real nines listening on a port: incidents, changes, reports, maintenance. */

let server: TestNines;
let url: string;
let token: string;
let env: Record<string, string>;
const keys = new Map<string, string>();
const START = Date.UTC(2026, 10, 22, 12, 0, 30);

beforeAll(async () => {
  server = await startTestNines({ now: START });
  await server.app.listen({ host: '127.0.0.1', port: 0 });
  url = `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}`;
  token = (server.auth.responder.authorization ?? '').replace(/^Bearer /, '');
  env = { NINES_URL: url, NINES_TOKEN: token };
  for (const service of ['order', 'payment', 'payment-gateway', 'shipping'])
    keys.set(
      service,
      (await server.intake.integrations.create({ name: `pd-${service}`, service, type: 'pagerduty' }, START))
        .key,
    );
});
afterAll(async () => {
  await server.cleanup();
});

/** Each test starts hours after the last, so grouping windows never overlap. */
beforeEach(async () => {
  server.clock.set(server.clock.now + 3 * 3_600_000);
  for (const i of await api<{ number: number }[]>('GET', '/api/v1/incidents?status=open', 'incidents'))
    await api('POST', `/api/v1/incidents/${i.number}/resolve`);
});

const later = (ms: number) => server.clock.set(server.clock.now + ms);
const cli = (argv: string[], extra: Record<string, string> = {}) =>
  nines(argv, { env: { ...env, ...extra } });

async function api<T = unknown>(method: string, path: string, key?: string): Promise<T> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}` },
  });
  expect(res.ok).toBe(true);
  const body = (await res.json()) as Record<string, unknown>;
  return (key === undefined ? body : body[key]) as T;
}

async function trigger(service: string, dedupKey: string, severity = 'error'): Promise<void> {
  const res = await fetch(`${url}/v2/enqueue`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      routing_key: keys.get(service),
      event_action: 'trigger',
      dedup_key: dedupKey,
      payload: { summary: `${service}: ${dedupKey}`, source: 'test', severity },
    }),
  });
  expect(res.status).toBe(202);
  await server.grouping.run();
}

/** The number of the one open incident. */
async function openIncident(): Promise<number> {
  const open = await api<{ number: number }[]>('GET', '/api/v1/incidents?status=open', 'incidents');
  expect(open).toHaveLength(1);
  return (open[0] as { number: number }).number;
}

describe('talking to nines', () => {
  it('refuses to run without a token, naming --token and NINES_TOKEN', async () => {
    const r = await nines(['incident', 'list'], { env: { NINES_URL: url } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--token');
    expect(r.stderr).toContain('NINES_TOKEN');
  });

  it('says it cannot reach nines at an unreachable URL, without printing the token', async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const r = await cli(['incident', 'list'], { NINES_URL: dead });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^nines: cannot reach nines at ${dead}: .*ECONNREFUSED`));
    expect(r.stderr + r.stdout).not.toContain(token);
  });

  it('takes --url and --token over the environment, and rejects a URL that is not http(s)', async () => {
    const r = await nines(['incident', 'list', '--url', url, '--token', token]);
    expect(r.code).toBe(0);
    const bad = await cli(['incident', 'list', '--url', 'ftp://example.com']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("--url 'ftp://example.com' is not an http(s) URL");
  });

  it('shows the code and message of an API error: an unknown token, a viewer acknowledging', async () => {
    const unknown = await cli(['incident', 'list'], { NINES_TOKEN: 'nines_not-a-token' });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe(
      'nines: nines answered 401 UNAUTHENTICATED: the API token is unknown or revoked\n',
    );
    await trigger('shipping', 'viewer');
    const n = await openIncident();
    const viewer = (server.auth.viewer.authorization ?? '').replace(/^Bearer /, '');
    const forbidden = await cli(['incident', 'ack', String(n)], { NINES_TOKEN: viewer });
    expect(forbidden.code).toBe(1);
    expect(forbidden.stderr).toContain('nines answered 403 FORBIDDEN: this needs the responder role');
  });
});

describe('nines incident', () => {
  it('lists incidents as a table with cause, and as JSON, filtered by status and service', async () => {
    await trigger('order', 'order-errors');
    await trigger('payment-gateway', 'psp-errors');
    const n = await openIncident();
    const r = await cli(['incident', 'list', '--status', 'open']);
    expect(r.code).toBe(0);
    const [header, row] = r.stdout.split('\n');
    expect(header).toMatch(/^#\s+STATUS\s+SEVERITY\s+PRIORITY\s+CAUSE\s+TITLE\s+AGE$/);
    expect(row).toMatch(
      new RegExp(`^${n}\\s+triggered\\s+error\\s+—\\s+payment-gateway\\s+order: order-errors\\s+`),
    );
    const json = await cli(['incident', 'list', '--service', 'payment-gateway', '--limit', '1', '--json']);
    expect(JSON.parse(json.stdout)).toEqual([expect.objectContaining({ number: n, status: 'triggered' })]);
    expect((await cli(['incident', 'list', '--service', 'shipping', '--status', 'open'])).stdout).toBe(
      'no incidents\n',
    );
    expect((await cli(['incident', 'list', '--status', 'closed'])).code).toBe(2);
    expect((await cli(['incident', 'list', '--limit', '0'])).code).toBe(2);
  });

  it('shows the cause and its chain, journeys and value streams at risk, changes before it and the timeline', async () => {
    const recorded = await cli([
      'change',
      'record',
      '--service',
      'order',
      '--version',
      '1.4.2',
      '--author',
      'ada',
      '--link',
      'https://ci.example/runs/42',
      '--timestamp',
      new Date(server.clock.now - 600_000).toISOString(),
    ]);
    expect(recorded).toMatchObject({ code: 0, stdout: expect.stringMatching(/^recorded change \S+\n$/) });
    await trigger('order', 'order-errors');
    later(30_000);
    await trigger('payment-gateway', 'psp-errors');
    const n = await openIncident();
    const r = await cli(['incident', 'show', `#${n}`]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(`#${n} order: order-errors`);
    expect(lines[1]).toBe('triggered · error · priority none · 2 alerts (2 open)');
    expect(r.stdout).toContain('suspected cause: payment-gateway (order → payment-gateway)\n');
    expect(r.stdout).toContain('services: order, payment-gateway\n');
    expect(r.stdout).toMatch(/journeys at risk: .*order \(critical\)/);
    expect(r.stdout).toMatch(/journeys at risk: .*pay \(critical\)/);
    expect(r.stdout).toContain('value streams: online-orders\n');
    expect(r.stdout).toMatch(
      /changes before it:\n {2}\S+Z {2}deploy order 1\.4\.2 {2}\(ada, https:\/\/ci\.example\/runs\/42\)\n/,
    );
    expect(r.stdout).toMatch(/timeline:\n {2}\S+Z {2}opened +pd-order +Opened by an alert on order/);
    expect(r.stdout).toMatch(
      / cause +nines +payment-gateway is the suspected cause: order → payment-gateway\n/,
    );
    const json = JSON.parse((await cli(['incident', 'show', String(n), '--json'])).stdout);
    expect(json).toMatchObject({ number: n, impact: { valueStreams: [{ name: 'online-orders' }] } });
    expect(
      json.timeline
        .map((e: { type: string }) => e.type)
        .filter((t: string) => t !== 'notification')
        .sort(),
    ).toEqual(['alert', 'cause', 'opened']);
    const missing = await cli(['incident', 'show', '99999']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^nines: nines answered 404 NOT_FOUND: /);
    expect((await cli(['incident', 'show', 'abc'])).code).toBe(2);
  });

  it('acknowledges once; acknowledging again is a CONFLICT with exit 1; resolves and reopens', async () => {
    await trigger('shipping', 'lifecycle');
    const n = await openIncident();
    const ack = await cli(['incident', 'ack', String(n), '-m', 'looking']);
    expect(ack).toMatchObject({ code: 0, stdout: `acknowledged incident #${n}: shipping: lifecycle\n` });
    const again = await cli(['incident', 'acknowledge', String(n)]);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(
      `nines: nines answered 409 CONFLICT: incident #${n} is acknowledged and cannot be acknowledged\n`,
    );
    expect((await cli(['incident', 'resolve', String(n), '-m', 'rolled back'])).stdout).toBe(
      `resolved incident #${n}: shipping: lifecycle\n`,
    );
    const reopened = await cli(['incident', 'reopen', String(n), '--json']);
    expect(JSON.parse(reopened.stdout)).toMatchObject({ number: n, status: 'triggered', resolvedAt: null });
    const timeline = (
      await api<{ type: string; message: string }[]>('GET', `/api/v1/incidents/${n}/timeline`, 'timeline')
    ).filter((e) => e.type !== 'notification');
    expect(timeline.map((e) => e.type)).toEqual(['opened', 'acknowledged', 'resolved', 'alert', 'reopened']);
    expect(timeline[1]?.message).toBe('Acknowledged by test-responder: looking');
  });

  it('sets and clears roles, priority and severity, refusing a bad priority before calling the API', async () => {
    await trigger('shipping', 'fields');
    const n = String(await openIncident());
    const r = await cli([
      'incident',
      'update',
      n,
      '--severity',
      'critical',
      '--priority',
      'p1',
      '--assignee',
      'ada',
      '--commander',
      'grace',
      '--scribe',
      'linus',
    ]);
    expect(r).toMatchObject({
      code: 0,
      stdout: `updated incident #${n}: severity critical, priority P1, assignee ada, commander grace, scribe linus\n`,
    });
    const cleared = await cli(['incident', 'update', n, '--scribe', 'none', '--priority', 'none', '--json']);
    expect(JSON.parse(cleared.stdout)).toMatchObject({ priority: null, roles: { commander: 'grace' } });
    expect(JSON.parse(cleared.stdout).roles).toEqual({ commander: 'grace' });
    const p9 = await cli(['incident', 'update', n, '--priority', 'P9']);
    expect(p9.code).toBe(2);
    expect(p9.stderr).toContain('a priority is one of P1, P2, P3, P4, P5 or none');
    const nothing = await cli(['incident', 'update', n]);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain('name something to change');
    const blank = await cli(['incident', 'update', n, '--title', '   ']);
    expect(blank.code).toBe(1);
    expect(blank.stderr).toMatch(/^nines: nines answered 400 VALIDATION_FAILED: .*\n {2}title: /);
  });

  it('adds notes, status updates and action items to the timeline', async () => {
    await trigger('shipping', 'notes');
    const n = String(await openIncident());
    expect((await cli(['incident', 'note', n, 'restarted', 'the', 'pods'])).stdout).toBe(
      `added a note to incident #${n}\n`,
    );
    const update = await cli([
      'incident',
      'status-update',
      n,
      'Some orders ship late',
      '--status',
      'identified',
      '--public',
    ]);
    expect(update.stdout).toBe(`posted a public status update on incident #${n}\n`);
    expect((await cli(['incident', 'status-update', n, 'x', '--status', 'fixed'])).code).toBe(2);
    const item = await cli([
      'incident',
      'action-item',
      n,
      'Alert on queue depth',
      '--owner',
      'logistics',
      '--due',
      '2026-12-15',
    ]);
    expect(item.stdout).toMatch(
      new RegExp(`^added action item \\S+ to incident #${n} \\(owner logistics, due 2026-12-15\\)\\n$`),
    );
    const badDue = await cli(['incident', 'action-item', n, 'x', '--due', '2026-02-30']);
    expect(badDue.code).toBe(2);
    expect(badDue.stderr).toContain('a due date is a real calendar date as YYYY-MM-DD');
    const timeline = await api<{ type: string; message: string; data: Record<string, unknown> }[]>(
      'GET',
      `/api/v1/incidents/${n}/timeline`,
      'timeline',
    );
    expect(timeline.find((e) => e.type === 'note')?.message).toBe('restarted the pods');
    expect(timeline.find((e) => e.type === 'status-update')).toMatchObject({
      message: 'Some orders ship late',
      data: { status: 'identified', public: true },
    });
    const shown = (await cli(['incident', 'show', n])).stdout;
    expect(shown).toMatch(/ note +test-responder +restarted the pods\n/);
  });
});

describe('nines change record', () => {
  const github = {
    GITHUB_ACTIONS: 'true',
    GITHUB_ACTOR: 'octocat',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'shop/order',
    GITHUB_RUN_ID: '123456',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_JOB: 'deploy',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
  };

  it('fills author, link, id and version from GitHub Actions, and a second run says already recorded', async () => {
    const first = await cli(['change', 'record', '--service', 'order'], github);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^recorded change \S+\n$/);
    const [change] = await api<Record<string, unknown>[]>(
      'GET',
      '/api/v1/changes?service=order&limit=1',
      'changes',
    );
    expect(change).toMatchObject({
      service: 'order',
      type: 'deploy',
      version: '0123456789ab',
      author: 'octocat',
      summary: 'deploy order 0123456789ab',
      links: [{ href: 'https://github.com/shop/order/actions/runs/123456' }],
    });
    const second = await cli(['change', 'record', '--service', 'order'], github);
    expect(second).toMatchObject({ code: 0, stdout: 'already recorded\n' });
    // The same job deploying another service records that one too.
    expect((await cli(['change', 'record', '--service', 'payment'], github)).stdout).toMatch(/^recorded/);
  });

  it('fills them from GitLab CI, and flags win over the environment', async () => {
    const gitlab = {
      GITLAB_CI: 'true',
      GITLAB_USER_LOGIN: 'grace',
      CI_PIPELINE_URL: 'https://gitlab.example/shop/pay/-/pipelines/77',
      CI_PROJECT_PATH: 'shop/pay',
      CI_JOB_ID: '991',
      CI_COMMIT_SHORT_SHA: 'abc1234',
    };
    const r = await cli(
      ['change', 'record', '--service', 'payment', '--type', 'config', '--author', 'linus', '--json'],
      gitlab,
    );
    expect(JSON.parse(r.stdout)).toMatchObject({ duplicate: false });
    const [change] = await api<Record<string, unknown>[]>(
      'GET',
      '/api/v1/changes?service=payment&limit=1',
      'changes',
    );
    expect(change).toMatchObject({
      type: 'config',
      version: 'abc1234',
      author: 'linus',
      links: [{ href: 'https://gitlab.example/shop/pay/-/pipelines/77' }],
    });
    expect((await cli(['change', 'record', '--service', 'payment'], gitlab)).stdout).toBe(
      'already recorded\n',
    );
  });

  it("takes --version after the command as the change's version, while nines --version prints the CLI's", async () => {
    const r = await cli(['change', 'record', '--service', 'shipping', '--version', '7.1.0', '--json']);
    expect(JSON.parse(r.stdout)).toMatchObject({ duplicate: false });
    const [change] = await api<Record<string, unknown>[]>(
      'GET',
      '/api/v1/changes?service=shipping&limit=1',
      'changes',
    );
    expect(change).toMatchObject({ version: '7.1.0', summary: 'deploy shipping 7.1.0' });
    expect((await nines(['--version'])).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it("shows the API's 400 with the field, and refuses a bad --type or --timestamp itself", async () => {
    const r = await cli(['change', 'record', '--service', 'nope']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^nines: nines answered 400 VALIDATION_FAILED: .+\n {2}service: no service named 'nope' in the catalog\n$/,
    );
    expect((await cli(['change', 'record', '--service', 'order', '--type', 'rollout'])).code).toBe(2);
    expect((await cli(['change', 'record', '--service', 'order', '--timestamp', 'yesterday'])).code).toBe(2);
  });
});

describe('learning from incidents', () => {
  it('drafts the postmortem to standard output or a file, and reports MTTA and MTTR', async () => {
    const from = server.clock.now;
    await trigger('payment-gateway', 'psp-down', 'critical');
    const n = String(await openIncident());
    later(4 * 60_000);
    expect((await cli(['incident', 'ack', n])).code).toBe(0);
    later(20 * 60_000);
    expect((await cli(['incident', 'resolve', n])).code).toBe(0);

    const pm = await cli(['postmortem', n, '--time-zone', 'Europe/Amsterdam']);
    expect(pm.code).toBe(0);
    expect(pm.stdout).toContain(`# Postmortem: #${n}`);
    expect(pm.stdout).toContain('## Timeline');
    const dir = await tempCatalog({});
    try {
      const written = await nines(['postmortem', n, '-o', 'pm.md'], { env, cwd: dir.dir });
      expect(written.stdout).toBe(`wrote the postmortem draft of incident #${n} to pm.md\n`);
      expect(await readFile(`${dir.dir}/pm.md`, 'utf8')).toContain('## Timeline');
    } finally {
      await dir.cleanup();
    }
    expect((await cli(['postmortem', n, '--time-zone', 'Mars/Olympus'])).code).toBe(2);

    const range = ['--from', new Date(from).toISOString(), '--to', String(server.clock.now + 1)];
    const report = await cli(['report', 'mttx', ...range]);
    expect(report.code).toBe(0);
    expect(report.stdout).toMatch(/^OVERALL +INCIDENTS +BY SEVERITY +MTTA +MTTR +MTBF$/m);
    expect(report.stdout).toMatch(/^overall +1 +critical 1 +4m +24m +\S+$/m);
    expect(report.stdout).toMatch(/^payment-gateway +1 +critical 1 +4m +24m +\S+$/m);
    expect(report.stdout).toMatch(/^JOURNEYS /m);
    expect(report.stdout).toMatch(/^online-orders +1 /m);
    const json = JSON.parse((await cli(['report', 'mttx', ...range, '--json'])).stdout);
    expect(json.overall).toMatchObject({ incidents: 1, mttaSeconds: 240, mttrSeconds: 1440 });
    const backwards = await cli(['report', 'mttx', '--from', String(server.clock.now), '--to', String(from)]);
    expect(backwards.code).toBe(1);
    expect(backwards.stderr).toContain(
      '400 VALIDATION_FAILED: from must be before to\n  from: must be before to',
    );
  });
});

describe('nines maintenance', () => {
  it('starts a window, lists it, and ends it; alerts during it open no incident', async () => {
    const started = await cli([
      'maintenance',
      'start',
      '--service',
      'shipping',
      '--service',
      'order',
      '--for',
      '2h',
      '--reason',
      'db upgrade',
    ]);
    expect(started.code).toBe(0);
    const id = /^started maintenance window (\S+) on shipping, order until \S+Z\n$/.exec(started.stdout)?.[1];
    expect(id).toBeDefined();
    const listed = await cli(['maintenance', 'list']);
    expect(listed.stdout).toMatch(/^ID +SERVICES +STARTS +ENDS +BY +REASON\n/);
    expect(listed.stdout).toContain(id);
    expect(listed.stdout).toMatch(/shipping,order .* test-responder +db upgrade\n/);
    await trigger('shipping', 'during-maintenance');
    expect(await api('GET', '/api/v1/incidents?status=open', 'incidents')).toEqual([]);
    expect((await cli(['maintenance', 'end', id as string])).stdout).toBe(`ended maintenance window ${id}\n`);
    // A window ended now still lists until the clock moves on (GET lists ends_at >= now).
    later(1);
    expect((await cli(['maintenance', 'list'])).stdout).toBe('no maintenance windows\n');
    const again = await cli(['maintenance', 'end', id as string]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('nines answered 404 NOT_FOUND');
    const until = new Date(server.clock.now + 3_600_000).toISOString();
    const byTime = await cli(['maintenance', 'start', '--service', 'order', '--until', until, '--json']);
    expect(JSON.parse(byTime.stdout)).toMatchObject({ services: ['order'], endsAt: until });
  });

  it('refuses a bad duration, both --for and --until, or neither, before calling the API', async () => {
    expect((await cli(['maintenance', 'start', '--service', 'order', '--for', '2 hours'])).code).toBe(2);
    expect(
      (await cli(['maintenance', 'start', '--service', 'order', '--for', '2h', '--until', '2030-01-01']))
        .code,
    ).toBe(2);
    const neither = await cli(['maintenance', 'start', '--service', 'order']);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain('--for <duration> or --until <time>');
    const unknown = await cli(['maintenance', 'start', '--service', 'nope', '--for', '1h']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("  services.0: no service named 'nope' in the catalog");
  });
});
