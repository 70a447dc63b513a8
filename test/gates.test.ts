import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../src/notify/signature.js';
import { GateRepository } from '../src/store/gates.js';
import { nines as cli } from './helpers.js';
import { startTestNines, type TestNines, triggerIncident } from './support/nines.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
// On a whole minute: analysis windows are whole minutes.
const START = Date.UTC(2026, 10, 22, 12, 0, 0);
const SECRET = 'rollback-test-secret';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A CD system's rollback endpoint on loopback: records what it gets, answers 202. */
async function rollbackReceiver(): Promise<{
  url: string;
  received: Received[];
  close: () => Promise<void>;
}> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(202, { 'content-type': 'application/json' }).end('{"rollback":"started"}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/rollback`,
    received,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

type Body = Record<string, unknown>;

function api(
  n: TestNines,
  method: 'GET' | 'POST',
  url: string,
  body?: unknown,
  role: 'viewer' | 'responder' = 'responder',
) {
  return n.app.inject({
    method,
    url,
    headers: { ...n.auth[role], ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { payload: JSON.stringify(body) }),
  });
}

async function push(n: TestNines, events: Body[]): Promise<void> {
  for (let i = 0; i < events.length; i += 5_000) {
    const res = await api(n, 'POST', '/api/v1/sli/events', events.slice(i, i + 5_000));
    expect(res.statusCode, res.body).toBe(202);
  }
}

/** Per-minute counts of an SLI over [from, to): `total` events a minute, `bad` of them failing. */
function counts(sli: string, from: number, to: number, total: number, bad: number): Body[] {
  const out: Body[] = [];
  for (let t = from; t < to; t += MINUTE) out.push({ sli, timestamp: t, good: total - bad, total });
  return out;
}

/** `perMinute` successful outcomes a minute with latencies spread around `ms` (±10%). */
function latencies(sli: string, from: number, to: number, perMinute: number, ms: number): Body[] {
  const out: Body[] = [];
  for (let t = from; t < to; t += MINUTE)
    for (let i = 0; i < perMinute; i++)
      out.push({ sli, timestamp: t + i, ok: true, latencyMs: ms * (0.9 + (0.2 * i) / perMinute) });
  return out;
}

/**
 * Payments before and after a deploy at `at`: two hours of baseline, then the
 * 30 minutes after the gate's 2-minute delay; the clock ends past the window.
 */
async function deploy(
  n: TestNines,
  at: number,
  version: string,
  after: { total: number; bad: number; latencyMs: number; latencyPerMinute: number },
): Promise<void> {
  n.clock.set(at + 40 * MINUTE);
  await push(n, [
    ...counts('payment-succeeded', at - 2 * HOUR, at, 20, 0),
    ...latencies('payment-latency-sli', at - 2 * HOUR, at, 4, 500),
    ...counts('payment-succeeded', at + 2 * MINUTE, at + 32 * MINUTE, after.total, after.bad),
    ...latencies(
      'payment-latency-sli',
      at + 2 * MINUTE,
      at + 32 * MINUTE,
      after.latencyPerMinute,
      after.latencyMs,
    ),
  ]);
  const res = await api(n, 'POST', '/api/v1/changes', {
    service: 'payment',
    version,
    timestamp: new Date(at).toISOString(),
  });
  expect(res.statusCode, res.body).toBe(201);
}

const post = (n: TestNines, version: string) =>
  api(n, 'POST', '/api/v1/gates/evaluate', { service: 'payment', version, stage: 'post' });

describe('post-deploy analysis of payment deploys', () => {
  let n: TestNines;
  let hook: Awaited<ReturnType<typeof rollbackReceiver>>;
  beforeAll(async () => {
    hook = await rollbackReceiver();
    n = await startTestNines({
      now: START,
      probeEnv: { PAYMENT_ROLLBACK_URL: hook.url, PAYMENT_ROLLBACK_SECRET: SECRET },
    });
  });
  afterAll(async () => {
    await n.cleanup();
    await hook.close();
  });

  it('passes a deploy whose errors and latency hold, and stores one final verdict', async () => {
    const at = START + 3 * HOUR;
    await deploy(n, at, '2.0.0', { total: 20, bad: 0, latencyMs: 510, latencyPerMinute: 5 });
    const res = await post(n, '2.0.0');
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json();
    expect(r).toMatchObject({
      service: 'payment',
      version: '2.0.0',
      stage: 'post',
      result: 'pass',
      score: 100,
    });
    expect(r.final).toBe(true);
    expect(r.gate).toBe('payments');
    expect(r.post.evaluation).toEqual({
      from: new Date(at + 2 * MINUTE).toISOString(),
      to: new Date(at + 32 * MINUTE).toISOString(),
    });
    const byName = new Map((r.post.objectives as Body[]).map((o) => [o.name, o]));
    expect(byName.get('payment-success/errorPercent')).toMatchObject({
      verdict: 'pass',
      value: 0,
      key: true,
    });
    const p95 = byName.get('payment-latency/latencyP95') as {
      value: number;
      baseline: number;
      verdict: string;
    };
    expect(p95.verdict).toBe('pass');
    expect(p95.baseline).toBeGreaterThan(530);
    expect(p95.baseline).toBeLessThan(570);
    expect(p95.value / p95.baseline).toBeGreaterThan(0.97);
    expect(p95.value / p95.baseline).toBeLessThan(1.07);
    // Throughput has no pass criteria: informational, 20 payments a minute.
    expect(byName.get('payment-success/throughput')).toMatchObject({ verdict: 'info', value: 20 });
    // Asked again: the stored verdict, not a new one.
    const again = (await post(n, '2.0.0')).json();
    expect(again.id).toBe(r.id);
    const list = (await api(n, 'GET', '/api/v1/gates?service=payment', undefined, 'viewer')).json();
    expect(list.gates.map((g: Body) => g.id)).toEqual([r.id]);
    expect(hook.received).toHaveLength(0);
  });

  it('warns when p95 latency grows by 20% (over the +10% pass, under the +25% warning)', async () => {
    await deploy(n, START + 6 * HOUR, '2.0.1', { total: 20, bad: 0, latencyMs: 600, latencyPerMinute: 5 });
    const r = (await post(n, '2.0.1')).json();
    expect(r.result).toBe('warning');
    // errors pass (weight 2), latency warns (0.5 of 1): 2.5 / 3.
    expect(r.score).toBeCloseTo(83.33, 1);
    const p95 = (r.post.objectives as Body[]).find((o) => o.name === 'payment-latency/latencyP95');
    expect(p95).toMatchObject({ verdict: 'warning' });
    expect(hook.received).toHaveLength(0);
  });

  it('fails when the key error objective fails, and calls the signed rollback hook once', async () => {
    const at = START + 9 * HOUR;
    await deploy(n, at, '2.0.2', { total: 20, bad: 1, latencyMs: 500, latencyPerMinute: 5 });
    const r = (await post(n, '2.0.2')).json();
    expect(r.result).toBe('fail');
    // The hook is called after the answer, so a slow CD system does not hold up the pipeline.
    expect(r.rollback).toMatchObject({ status: 'pending' });
    await n.gates.settled();
    expect(r.reasons.join(' ')).toMatch(/payment-success\/errorPercent|Payment errors/);
    expect(hook.received).toHaveLength(1);
    const call = hook.received[0] as Received;
    expect(
      verifyWebhook(call.headers['x-nines-signature'], call.body, SECRET, Math.floor(n.clock.now / 1000)),
    ).toBe(true);
    expect(call.headers['x-nines-delivery']).toBe(`rollback:${r.change.id}`);
    expect(JSON.parse(call.body)).toMatchObject({
      event: 'gate.failed',
      action: 'rollback',
      service: 'payment',
      version: '2.0.2',
      gate: { id: r.id, result: 'fail' },
    });
    // The call and its answer are recorded with the result.
    const stored = (await api(n, 'GET', `/api/v1/gates/${r.id}`, undefined, 'viewer')).json();
    expect(stored.rollback).toMatchObject({ status: 'delivered', httpStatus: 202, attempts: 1 });
    // Shown as written in the catalog: the resolved URL could carry credentials.
    expect(stored.rollback.url).toBe(`\${env:PAYMENT_ROLLBACK_URL}`);
    // Asking again, or the automatic analysis, calls nothing more.
    await post(n, '2.0.2');
    await n.gates.runDue();
    expect(hook.received).toHaveLength(1);
  });

  it('shows the gate results on the timeline of an incident that follows', async () => {
    n.clock.set(n.clock.now + 5 * MINUTE);
    await triggerIncident(n, 'payment', 'payments-failing', 'payments fail');
    const [incident] = (await api(n, 'GET', '/api/v1/incidents?status=open', undefined, 'viewer')).json()
      .incidents as Body[];
    const timeline = (
      await api(n, 'GET', `/api/v1/incidents/${incident?.number}/timeline`, undefined, 'viewer')
    ).json().timeline as Body[];
    const gates = timeline.filter((e) => e.type === 'gate');
    // Those in the 6 hours before it (the change lookback): 2.0.0 was checked earlier.
    expect(gates.map((g) => (g.data as Body).version)).toEqual(['2.0.1', '2.0.2']);
    expect(gates[1]?.message).toMatch(/^post-deploy gate for payment 2.0.2: fail/);
    // Ordered by time with the rest: the gates came before the incident opened.
    expect(timeline.findIndex((e) => e.type === 'opened')).toBeGreaterThan(
      timeline.indexOf(gates[1] as Body),
    );
    const md = (await api(n, 'GET', `/api/v1/incidents/${incident?.number}/postmortem`, undefined, 'viewer'))
      .body;
    expect(md).toMatch(/post-deploy gate for payment 2.0.2: fail/);
    expect((await api(n, 'POST', `/api/v1/incidents/${incident?.number}/resolve`)).statusCode).toBe(200);
  });

  it('is inconclusive with the counts when too few payments follow the deploy', async () => {
    await deploy(n, START + 12 * HOUR, '2.0.3', { total: 3, bad: 0, latencyMs: 500, latencyPerMinute: 1 });
    const r = (await post(n, '2.0.3')).json();
    expect(r.result).toBe('inconclusive');
    const errors = (r.post.objectives as Body[]).find((o) => o.name === 'payment-success/errorPercent');
    expect(errors).toMatchObject({ verdict: 'inconclusive' });
    expect(errors?.reason).toMatch(
      /90 events of payment-succeeded in the 30 min after the change; 100 needed/,
    );
    expect(hook.received).toHaveLength(1);
  });

  it('is inconclusive until the evaluation window ends, then final', async () => {
    const at = START + 15 * HOUR;
    await deploy(n, at, '2.0.4', { total: 20, bad: 0, latencyMs: 500, latencyPerMinute: 5 });
    n.clock.set(at + 20 * MINUTE);
    const early = (await post(n, '2.0.4')).json();
    expect(early.result).toBe('inconclusive');
    expect(early.final).toBe(false);
    // The window ends at +32 min; its data is in three minutes later.
    expect(early.post.pendingUntil).toBe(new Date(at + 35 * MINUTE).toISOString());
    expect(early.reasons[0]).toMatch(/evaluation window ends at/);
    n.clock.set(at + 34 * MINUTE);
    expect((await post(n, '2.0.4')).json()).toMatchObject({ result: 'inconclusive', final: false });
    n.clock.set(at + 35 * MINUTE);
    const late = (await post(n, '2.0.4')).json();
    expect(late).toMatchObject({ result: 'pass', final: true });
    expect(late.id).not.toBe(early.id);
  });

  it('analyses recorded deploys on its own once their window ends, once each', async () => {
    const at = START + 18 * HOUR;
    await deploy(n, at, '2.0.5', { total: 20, bad: 0, latencyMs: 500, latencyPerMinute: 5 });
    expect(await n.gates.runDue()).toBe(1);
    expect(await n.gates.runDue()).toBe(0);
    const [auto] = (
      await api(n, 'GET', '/api/v1/gates?service=payment&stage=post&limit=1', undefined, 'viewer')
    ).json().gates as Body[];
    expect(auto).toMatchObject({ version: '2.0.5', result: 'pass', final: true, requestedBy: 'nines' });
  });

  it('sends a rollback again when the process that claimed it stopped before the answer', async () => {
    const at = START + 24 * HOUR;
    await deploy(n, at, '2.0.6', { total: 20, bad: 0, latencyMs: 500, latencyPerMinute: 5 });
    const [change] = (
      await api(n, 'GET', '/api/v1/changes?service=payment&limit=1', undefined, 'viewer')
    ).json().changes as { id: string }[];
    // As if a replica stored a failed verdict, claimed the call in the same transaction, and died.
    const repo = new GateRepository(n.store.db);
    const report = {
      id: `crashed-${change?.id}`,
      service: 'payment',
      version: '2.0.6',
      stage: 'post' as const,
      result: 'fail' as const,
      evaluatedAt: n.clock.now,
      gate: 'payments',
      change: { id: change?.id as string, occurredAt: at, summary: 'deploy payment 2.0.6', version: '2.0.6' },
      fix: false,
      requestedBy: 'nines',
      final: true,
      reasons: ['errors'],
    };
    const added = await repo.add(report, { url: 'x', at: n.clock.now, leaseMs: 120_000 });
    expect(added.rollbackClaimed).toBe(true);
    const before = hook.received.length;
    await n.gates.runDue();
    await n.gates.settled();
    expect(hook.received.length).toBe(before); // its lease still runs
    n.clock.set(n.clock.now + 121_000);
    await n.gates.runDue();
    await n.gates.settled();
    expect(hook.received.length).toBe(before + 1);
    expect(hook.received.at(-1)?.headers['x-nines-delivery']).toBe(`rollback:${change?.id}`);
    await n.gates.runDue();
    await n.gates.settled();
    expect(hook.received.length).toBe(before + 1);
  });

  it('refuses bad requests with the field named and stores nothing', async () => {
    const before = (await api(n, 'GET', '/api/v1/gates?limit=1000', undefined, 'viewer')).json().gates.length;
    const bad = await api(n, 'POST', '/api/v1/gates/evaluate', { service: 'nope', stage: 'pre' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toMatch(/no service named 'nope'/);
    const stage = await api(n, 'POST', '/api/v1/gates/evaluate', { service: 'payment', stage: 'during' });
    expect(stage.statusCode).toBe(400);
    const missing = await post(n, '9.9.9');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.message).toMatch(/nines change record --service payment --version 9.9.9/);
    const viewer = await api(n, 'POST', '/api/v1/gates/evaluate', { service: 'payment' }, 'viewer');
    expect(viewer.statusCode).toBe(403);
    expect((await api(n, 'GET', '/api/v1/gates?limit=1000', undefined, 'viewer')).json().gates.length).toBe(
      before,
    );
  });
});

describe('pre-deploy gates', () => {
  let n: TestNines;
  beforeAll(async () => {
    n = await startTestNines({ now: START });
  });
  afterAll(async () => {
    await n.cleanup();
  });

  const pre = (service: string, extra: Body = {}) =>
    api(n, 'POST', '/api/v1/gates/evaluate', { service, stage: 'pre', ...extra });

  it('passes while budgets allow, with every policy it consulted', async () => {
    await push(n, counts('order-placed', START - 60 * MINUTE, START, 1_000, 0));
    await n.evaluate();
    const r = (await pre('order', { version: '5.1.0' })).json();
    expect(r.result).toBe('pass');
    expect(r.pre.policies.map((p: Body) => `${(p.scope as Body).type}:${(p.scope as Body).name}`)).toEqual(
      expect.arrayContaining(['service:order', 'journey:order', 'journey:pay']),
    );
    expect(r.pre.checks.find((c: Body) => c.check === 'incidents')).toMatchObject({ verdict: 'pass' });
  });

  it('asks for an override below 25% of the budget, lets fixes alone through when it is spent', async () => {
    // payment-success allows 0.05% errors: 40 bad of 100,000 spends 80% of it.
    n.clock.set(START + 10 * MINUTE);
    await push(n, [
      { sli: 'payment-succeeded', timestamp: START + 5 * MINUTE, good: 99_960, total: 100_000 },
    ]);
    await n.evaluate();
    const blocked = (await pre('payment')).json();
    expect(blocked.result).toBe('fail');
    expect(blocked.reasons[0]).toMatch(/payment-success \(journey pay\) has 20% of its error budget left/);
    expect(blocked.reasons[0]).toMatch(/--override/);
    const overridden = (
      await pre('payment', { override: { reason: 'fixes checkout for Safari users' } })
    ).json();
    expect(overridden.result).toBe('pass');
    expect(overridden.override).toEqual({ reason: 'fixes checkout for Safari users', by: 'test-responder' });
    expect(overridden.pre.checks.find((c: Body) => c.check === 'budget' && c.overridden)).toBeTruthy();
    const policies = (await api(n, 'GET', '/api/v1/budget-policies', undefined, 'viewer')).json();
    expect(policies.journeys.find((p: Body) => (p.scope as Body).name === 'pay')).toMatchObject({
      policy: 'standard',
      action: 'override',
      slo: 'payment-success',
    });

    // Spend the rest: only fixes ship, an override does not help.
    n.clock.set(START + 20 * MINUTE);
    await push(n, [
      { sli: 'payment-succeeded', timestamp: START + 15 * MINUTE, good: 99_900, total: 100_000 },
    ]);
    await n.evaluate();
    const spent = (await pre('payment', { override: { reason: 'we really want to' } })).json();
    expect(spent.result).toBe('fail');
    expect(spent.reasons[0]).toMatch(
      /has spent its whole error budget; policy 'standard': only fixes may ship/,
    );
    expect((await pre('payment', { fix: true })).json().result).toBe('pass');
    // The order service serves the pay journey too, so its releases are held as well.
    expect((await pre('order')).json().result).toBe('fail');
    // Search serves no paying journey: it ships.
    expect((await pre('search')).json().result).toBe('pass');
  });

  it('fails while an incident is open on the service, unless the release is a fix', async () => {
    await triggerIncident(n, 'search', 'search-down', 'search is down');
    const r = (await pre('search')).json();
    expect(r.result).toBe('fail');
    expect(r.reasons[0]).toMatch(/an open incident on search: #\d+ search is down/);
    expect((await pre('search', { fix: true })).json().result).toBe('pass');
  });

  it('fails in a freeze window, passes with an override that is recorded', async () => {
    // The payments gate freezes the last evening of the year (Berlin time).
    n.clock.set(Date.UTC(2026, 11, 31, 17, 0));
    const r = (await pre('product-catalog')).json();
    expect(r.pre.checks.some((c: Body) => c.check === 'freeze')).toBe(false);
    const frozen = (await pre('payment', { fix: true })).json();
    expect(frozen.pre.checks.find((c: Body) => c.check === 'freeze')).toMatchObject({
      verdict: 'pass',
      reason: expect.stringMatching(
        /freeze 'month-end-close' until 2027-01-01T09:00:00.000Z.*fixes may ship/,
      ),
    });
  });
});

describe('nines gate check', () => {
  let n: TestNines;
  let url: string;
  let token: string;
  beforeAll(async () => {
    n = await startTestNines({ now: START });
    url = await n.app.listen({ port: 0, host: '127.0.0.1' });
    token = (n.auth.responder.authorization as string).replace('Bearer ', '');
  });
  afterAll(async () => {
    await n.cleanup();
  });

  const check = (...args: string[]) =>
    cli(['gate', 'check', ...args], { env: { NINES_URL: url, NINES_TOKEN: token } });

  it('exits 0 on pass, 1 on fail, 3 on warning and 4 on inconclusive, with a summary or JSON', async () => {
    const passed = await check('--service', 'search', '--version', '1.0.0');
    expect(passed.code, passed.stderr).toBe(0);
    expect(passed.stdout).toMatch(/^pre-deploy gate for search 1.0.0: PASS/);
    expect(passed.stdout).toMatch(/CHECK\s+SUBJECT\s+VERDICT/);

    await deploy(n, START + 3 * HOUR, '3.0.0', { total: 20, bad: 0, latencyMs: 600, latencyPerMinute: 5 });
    const warned = await check('--service', 'payment', '--version', '3.0.0', '--stage', 'post');
    expect(warned.code).toBe(3);
    expect(warned.stdout).toMatch(/post-deploy gate for payment 3.0.0: WARNING \(score 83.3%\)/);

    await deploy(n, START + 6 * HOUR, '3.0.1', { total: 20, bad: 2, latencyMs: 500, latencyPerMinute: 5 });
    const failed = await check('--service', 'payment', '--version', '3.0.1', '--stage', 'post', '--json');
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.stdout)).toMatchObject({ result: 'fail', stage: 'post', version: '3.0.1' });

    await deploy(n, START + 9 * HOUR, '3.0.2', { total: 2, bad: 0, latencyMs: 500, latencyPerMinute: 1 });
    const unsure = await check('--service', 'payment', '--version', '3.0.2', '--stage', 'post');
    expect(unsure.code).toBe(4);
    expect(unsure.stdout).toMatch(/INCONCLUSIVE/);

    const usage = await check('--service', 'payment', '--stage', 'sideways');
    expect(usage.code).toBe(2);
    const unknown = await check('--service', 'payment', '--version', '0.0.1', '--stage', 'post');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(
      /nines answered 404 NOT_FOUND: no change of payment at version 0.0.1 is recorded/,
    );
  });
});
