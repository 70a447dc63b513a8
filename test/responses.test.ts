import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { startTestNines, type TestNines } from './support/nines.js';

/*
 * The server does not validate its answers (server.ts), so this test does: every
 * answer given here is parsed with the zod schema its route documents for that
 * status, and every documented route must have answered. The schemas are strict,
 * so a field the OpenAPI document does not list fails as much as a missing one.
 */

interface Answer {
  readonly route: string;
  readonly status: number;
  /** The route's response schemas by status; undefined for undocumented routes. */
  readonly schemas: Record<number, z.ZodType> | undefined;
  readonly contentType: string;
  readonly body: string;
}

let nines: TestNines;
const answers: Answer[] = [];
const MINUTE = 60_000;

beforeAll(async () => {
  nines = await startTestNines();
  nines.app.addHook('onSend', async (request, reply, payload) => {
    answers.push({
      route: `${request.method} ${request.routeOptions.url ?? request.url}`,
      status: reply.statusCode,
      schemas: request.routeOptions.schema?.response as Answer['schemas'],
      contentType: String(reply.getHeader('content-type') ?? ''),
      body: String(payload),
    });
    return payload;
  });
  await nines.app.ready();
});
afterAll(async () => {
  await nines.cleanup();
});

const at = (offsetMs = 0) => new Date(nines.clock.now + offsetMs).toISOString();

async function get(url: string, headers: Record<string, string> = nines.auth.viewer) {
  return nines.app.inject({ url, headers });
}

async function push(events: unknown, headers: Record<string, string> = {}, contentType = 'application/json') {
  return nines.app.inject({
    method: 'POST',
    url: '/api/v1/sli/events',
    headers: { ...nines.auth.responder, 'content-type': contentType, ...headers },
    payload: typeof events === 'string' ? events : JSON.stringify(events),
  });
}

async function readEverything() {
  for (const url of [
    '/api/v1/value-streams',
    '/api/v1/journeys',
    '/api/v1/journeys/pay',
    '/api/v1/journeys/order',
    '/api/v1/services',
    '/api/v1/services/payment-gateway',
    '/api/v1/services/order',
    '/api/v1/slos',
    '/api/v1/slos?health=at-risk',
    '/api/v1/slos/payment-success',
    '/api/v1/slos/checkout-minutes',
    '/api/v1/slos/search-latency',
    `/api/v1/slos/order-success/timeseries?from=${at(-3_600_000)}&resolution=m`,
    '/api/v1/slos/checkout-minutes/timeseries?resolution=h',
    '/api/v1/alerts',
    '/api/v1/alerts/history',
    '/api/v1/probes',
    '/api/v1/probes/checkout',
    '/api/v1/probes/search-shoes?limit=3',
  ]) {
    expect((await get(url)).statusCode, url).toBe(200);
  }
}

describe('answers match the documented response schemas', () => {
  it('on a quiet catalog, while pages and tickets fire, escalate and resolve, and without data', async () => {
    await readEverything();

    // Payments fail: a page fires; orders and searches go on.
    expect(
      (
        await push([
          { sli: 'payment-succeeded', timestamp: at(), good: 500, total: 1_000 },
          { sli: 'order-placed', timestamp: at(), good: 995, total: 1_000 },
          { sli: 'search-ok', timestamp: at(), good: 1_000, total: 1_000 },
          { sli: 'search-fast', timestamp: at(), ok: true, latencyMs: 120 },
        ])
      ).statusCode,
    ).toBe(202);
    await nines.app.inject({ method: 'POST', url: '/api/v1/evaluate', headers: nines.auth.responder });
    await readEverything();

    // Later the failures slow down: the page resolves or changes tier, searches go quiet.
    for (let i = 1; i <= 8; i++) {
      nines.clock.set(nines.clock.now + 15 * MINUTE);
      await push(
        [
          { sli: 'payment-succeeded', timestamp: at(), good: 995, total: 1_000 },
          { sli: 'order-placed', timestamp: at(), good: 1_000, total: 1_000 },
        ],
        { 'idempotency-key': `batch-${i}` },
      );
      await nines.app.inject({ method: 'POST', url: '/api/v1/evaluate', headers: nines.auth.responder });
    }
    await readEverything();

    const types = new Set(
      (await get('/api/v1/alerts/history?limit=1000'))
        .json()
        .transitions.map((t: { type: string; kind: string }) => `${t.type} ${t.kind}`),
    );
    // Every kind of transition the history documents was answered at least once.
    expect([...types]).toEqual(
      expect.arrayContaining([
        'fired page',
        'fired no-data',
        'updated page',
        'resolved ticket',
        'resolved no-data',
      ]),
    );
  });

  it('for a repeated batch, NDJSON, and the errors of every kind', async () => {
    expect(
      (
        await push([{ sli: 'order-placed', timestamp: at(), ok: true }], { 'idempotency-key': 'batch-1' })
      ).json(),
    ).toEqual({ accepted: 0, duplicate: true, batchId: 'batch-1' });
    expect(
      (await push(`{"sli":"order-placed","timestamp":"${at()}","ok":true}\n`, {}, 'application/x-ndjson'))
        .statusCode,
    ).toBe(202);
    // A probe run now (the demo shop is not running: it fails), then the probes with a last run.
    const run = await nines.app.inject({
      method: 'POST',
      url: '/api/v1/probes/checkout/run',
      headers: nines.auth.responder,
    });
    expect(run.statusCode).toBe(200);
    expect(run.json()).toMatchObject({ ok: false, failedStep: 'add-to-basket' });
    expect((await get('/api/v1/probes')).statusCode).toBe(200);
    expect((await get('/api/v1/probes/checkout')).json().runs).toHaveLength(1);
    const errors: [Promise<{ statusCode: number }>, number][] = [
      [get('/api/v1/slos', {}), 401],
      [get('/api/v1/slos/x', { authorization: 'Bearer nines_nope' }), 401],
      [push([], nines.auth.viewer), 403],
      [nines.app.inject({ method: 'POST', url: '/api/v1/evaluate', headers: nines.auth.viewer }), 403],
      [push([{ sli: 'nope', timestamp: at(), good: 2, total: 1 }]), 400],
      [push('text', {}, 'text/plain'), 415],
      [push('x'.repeat(9 * 1024 * 1024)), 413],
      [get('/api/v1/slos?health=bad'), 400],
      [get(`/api/v1/slos/order-success/timeseries?from=${at()}&to=${at(-MINUTE)}`), 400],
      [get('/api/v1/alerts/history?limit=0'), 400],
      [get(`/api/v1/journeys/${'x'.repeat(300)}`), 400],
      [get('/api/v1/journeys/nope'), 404],
      [get('/api/v1/probes/nope'), 404],
      [get('/api/v1/probes/checkout?limit=0'), 400],
      [
        nines.app.inject({ method: 'POST', url: '/api/v1/probes/checkout/run', headers: nines.auth.viewer }),
        403,
      ],
      [get('/api/v1/services/nope'), 404],
      [get('/api/v1/slos/nope'), 404],
      [get('/api/v1/slos/nope/timeseries'), 404],
    ];
    for (const [answer, status] of errors) expect((await answer).statusCode).toBe(status);
  });

  it('for alert intake: each protocol’s answers and errors, and the read API over them', async () => {
    const keyOf = async (type: 'pagerduty' | 'alertmanager' | 'splunk') =>
      (await nines.intake.integrations.create({ name: 'r', service: 'search', type }, nines.clock.now)).key;
    const [pd, am, sp] = [await keyOf('pagerduty'), await keyOf('alertmanager'), await keyOf('splunk')];
    const post = (url: string, body: unknown) =>
      nines.app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json' },
        payload: typeof body === 'string' ? body : JSON.stringify(body),
      });
    const trigger = {
      routing_key: pd,
      event_action: 'trigger',
      payload: { summary: 's', source: 'x', severity: 'info' },
    };
    const alert = {
      status: 'firing',
      labels: { alertname: 'A' },
      startsAt: at(),
      fingerprint: 'f',
    };
    const calls: [Promise<{ statusCode: number }>, number][] = [
      [post('/v2/enqueue', trigger), 202],
      [post('/v2/enqueue', { ...trigger, event_action: 'x' }), 400],
      [post('/v2/enqueue', '{'), 400],
      [post('/v2/enqueue', { ...trigger, routing_key: '0'.repeat(32) }), 404],
      [post('/v2/enqueue', { ...trigger, payload: { summary: 'x'.repeat(600_000) } }), 413],
      [post('/v2/change/enqueue', { routing_key: pd, payload: { summary: 'deploy' } }), 202],
      [post('/v2/change/enqueue', { routing_key: pd }), 400],
      [
        post(`/integrations/alertmanager/${am}`, {
          version: '4',
          groupKey: 'g',
          status: 'firing',
          alerts: [alert],
        }),
        200,
      ],
      [post(`/integrations/alertmanager/${am}`, { version: '4' }), 400],
      [post(`/integrations/alertmanager/${pd}`, {}), 404],
      [post(`/integrations/splunk/${sp}/team`, { message_type: 'CRITICAL' }), 200],
      [post(`/integrations/splunk/${sp}/team`, {}), 400],
      [post(`/integrations/splunk/${pd}/team`, {}), 404],
      [post(`/integrations/splunk/${sp}/team`, 'x'.repeat(600_000)), 413],
      [get('/api/v1/alerts/intake?status=open'), 200],
      [get('/api/v1/alerts/intake?limit=0'), 400],
      [get(`/api/v1/changes?since=${at(-MINUTE)}`), 200],
      [get('/api/v1/changes?since=yesterday'), 400],
    ];
    for (const [answer, status] of calls) expect((await answer).statusCode).toBe(status);
  });

  it('for incidents, changes and maintenance windows: answers and errors', async () => {
    const send = (
      method: 'POST' | 'PATCH' | 'DELETE',
      url: string,
      body?: unknown,
      headers = nines.auth.responder,
    ) =>
      nines.app.inject({
        method,
        url,
        headers: { ...headers, ...(body !== undefined && { 'content-type': 'application/json' }) },
        ...(body !== undefined && { payload: JSON.stringify(body) }),
      });
    await nines.grouping.run();
    const { incidents } = (await get('/api/v1/incidents')).json() as { incidents: { number: number }[] };
    const n = incidents[0]?.number as number;
    const item = (
      await send('POST', `/api/v1/incidents/${n}/action-items`, { title: 'fix it', owner: 'ada' })
    ).json();
    const window = (
      await send('POST', '/api/v1/maintenance-windows', { services: ['shipping'], duration: '1h' })
    ).json();
    // In order: each call depends on the state the one before left.
    const calls: [() => Promise<{ statusCode: number }>, number][] = [
      [() => get('/api/v1/incidents?status=open'), 200],
      [() => get('/api/v1/incidents?status=nope'), 400],
      [() => get(`/api/v1/incidents/${n}`), 200],
      [() => get('/api/v1/incidents/424242'), 404],
      [() => get(`/api/v1/incidents/${n}/timeline`), 200],
      [() => send('POST', `/api/v1/incidents/${n}/acknowledge`, {}, nines.auth.viewer), 403],
      [() => send('POST', `/api/v1/incidents/${n}/acknowledge`), 200],
      [() => send('POST', `/api/v1/incidents/${n}/acknowledge`), 409],
      [() => send('POST', `/api/v1/incidents/${n}/resolve`, { message: 'fixed' }), 200],
      [() => send('POST', `/api/v1/incidents/${n}/reopen`), 200],
      [() => send('PATCH', `/api/v1/incidents/${n}`, { priority: 'P2', roles: { commander: 'ada' } }), 200],
      [() => send('PATCH', `/api/v1/incidents/${n}`, { priority: 'P0' }), 400],
      [() => send('POST', `/api/v1/incidents/${n}/notes`, { text: 'note' }), 201],
      [() => send('POST', `/api/v1/incidents/${n}/status-updates`, { message: 'update', public: true }), 201],
      [() => get(`/api/v1/incidents/${n}/action-items`), 200],
      [() => send('POST', `/api/v1/incidents/${n}/action-items`, { title: '' }), 400],
      [() => get('/api/v1/action-items?status=open'), 200],
      [() => send('PATCH', `/api/v1/action-items/${item.id}`, { status: 'done' }), 200],
      [() => send('PATCH', '/api/v1/action-items/nope', { status: 'done' }), 404],
      [() => get(`/api/v1/incidents/${n}/postmortem`), 200],
      [() => get(`/api/v1/reports/mttx?from=${nines.clock.now - 86_400_000}`), 200],
      [() => send('POST', '/api/v1/changes', { service: 'search', version: '2.0.0' }), 201],
      [() => send('POST', '/api/v1/changes', { service: 'search', version: '2.0.0', id: 'x' }), 201],
      [() => send('POST', '/api/v1/changes', { service: 'search', version: '2.0.0', id: 'x' }), 200],
      [() => send('POST', '/api/v1/changes', { service: 'nope' }), 400],
      [() => get('/api/v1/maintenance-windows'), 200],
      [() => send('POST', '/api/v1/maintenance-windows', { services: ['search'] }), 400],
      [
        () =>
          send('POST', '/api/v1/maintenance-windows', {
            services: ['search'],
            startsAt: 8_640_000_000_000_000,
            duration: '1d',
          }),
        400,
      ],
      [() => send('DELETE', `/api/v1/maintenance-windows/${window.id}`), 204],
      [() => send('DELETE', `/api/v1/maintenance-windows/${window.id}`), 404],
    ];
    for (const [call, status] of calls) expect((await call()).statusCode).toBe(status);
  });

  it('for on-call: schedules, overrides, calendar feeds and paging', async () => {
    const send = (method: 'POST' | 'DELETE', url: string, body?: unknown, headers = nines.auth.responder) =>
      nines.app.inject({
        method,
        url,
        headers: { ...headers, ...(body !== undefined && { 'content-type': 'application/json' }) },
        ...(body !== undefined && { payload: JSON.stringify(body) }),
      });
    const now = nines.clock.now;
    const override = (
      await send('POST', '/api/v1/schedules/payments-oncall/overrides', {
        user: 'ana',
        start: now,
        end: now + 3_600_000,
      })
    ).json();
    const feed = (await send('POST', '/api/v1/calendar-feeds', { schedule: 'payments-oncall' })).json();
    const { incidents } = (await get('/api/v1/incidents')).json() as { incidents: { number: number }[] };
    const calls: [() => Promise<{ statusCode: number }>, number][] = [
      [() => get('/api/v1/oncall'), 200],
      [() => get('/api/v1/oncall?service=payment'), 200],
      [() => get('/api/v1/oncall?service=nope'), 404],
      [() => get('/api/v1/oncall?at=8640000000000000'), 400],
      [() => get('/api/v1/incidents/2147483648/paging'), 400],
      [() => get(`/api/v1/schedules/payments-oncall?to=${now + 7 * 86_400_000}`), 200],
      [() => get('/api/v1/schedules/nope'), 404],
      [() => get(`/api/v1/schedules/payments-oncall?from=${now}&to=${now - 1}`), 400],
      [
        () =>
          send('POST', '/api/v1/schedules/payments-oncall/overrides', {
            user: 'nobody',
            start: now,
            end: now,
          }),
        400,
      ],
      [() => send('DELETE', `/api/v1/schedules/payments-oncall/overrides/${override.id}`), 204],
      [() => send('DELETE', `/api/v1/schedules/payments-oncall/overrides/${override.id}`), 404],
      [() => get('/api/v1/calendar-feeds'), 200],
      [() => send('POST', '/api/v1/calendar-feeds', { schedule: 'nope' }), 400],
      [() => send('DELETE', `/api/v1/calendar-feeds/${feed.id}`), 204],
      [() => send('DELETE', `/api/v1/calendar-feeds/${feed.id}`), 404],
      [() => get(`/api/v1/incidents/${incidents[0]?.number ?? 1}/paging`), 200],
      [() => get('/api/v1/incidents/99999/paging'), 404],
    ];
    for (const [call, status] of calls) expect((await call()).statusCode).toBe(status);
  });

  it('for release gates: evaluations, results and budget policies', async () => {
    const send = (body: unknown, headers = nines.auth.responder) =>
      nines.app.inject({
        method: 'POST',
        url: '/api/v1/gates/evaluate',
        headers: { ...headers, 'content-type': 'application/json' },
        payload: JSON.stringify(body),
      });
    await nines.app.inject({
      method: 'POST',
      url: '/api/v1/changes',
      headers: { ...nines.auth.responder, 'content-type': 'application/json' },
      payload: JSON.stringify({ service: 'payment', version: '7.0.0' }),
    });
    const pre = (await send({ service: 'payment', version: '7.0.0' })).json();
    const calls: [() => Promise<{ statusCode: number }>, number][] = [
      [() => send({ service: 'payment', version: '7.0.0', stage: 'post' }), 200],
      [() => send({ service: 'payment', stage: 'post', change: 'nope' }), 404],
      [() => send({ service: 'nope' }), 400],
      [() => get('/api/v1/gates?service=payment'), 200],
      [() => get('/api/v1/gates?limit=0'), 400],
      [() => get(`/api/v1/gates/${pre.id}`), 200],
      [() => get('/api/v1/gates/nope'), 404],
      [() => get('/api/v1/budget-policies'), 200],
    ];
    for (const [call, status] of calls) expect((await call()).statusCode).toBe(status);
  });

  it('for signing in, users and API tokens: answers and errors', async () => {
    const password = 'correct horse battery staple';
    await nines.users.create('root', password, 'admin');
    const login = (name: string, pw: string, remoteAddress = '10.0.0.1') =>
      nines.app.inject({
        method: 'POST',
        url: '/auth/login',
        payload: { name, password: pw },
        remoteAddress,
      });
    const signedIn = await login('root', password);
    const cookie = String(signedIn.headers['set-cookie']).split(';')[0] as string;
    const session = { cookie, 'x-csrf-token': signedIn.json().csrfToken as string };
    const leaving = String((await login('root', password)).headers['set-cookie']).split(';')[0] as string;
    const send = (
      method: 'POST' | 'PATCH' | 'DELETE',
      url: string,
      body?: unknown,
      headers: Record<string, string> = session,
    ) =>
      nines.app.inject({
        method,
        url,
        headers: { ...headers, ...(body !== undefined && { 'content-type': 'application/json' }) },
        ...(body !== undefined && { payload: JSON.stringify(body) }),
      });
    for (let i = 0; i < 10; i++) await login('locked', `wrong password ${i}`, `10.0.1.${i}`);
    const token = (await send('POST', '/api/v1/tokens', { name: 'ci', role: 'viewer' })).json();
    const calls: [() => Promise<{ statusCode: number }>, number][] = [
      [() => login('root', 'wrong password'), 401],
      [() => nines.app.inject({ method: 'POST', url: '/auth/login', payload: { name: 'root' } }), 400],
      [() => login('locked', password), 429],
      [() => get('/auth/me', { cookie }), 200],
      [() => get('/auth/me', {}), 401],
      [() => send('POST', '/auth/logout', undefined, { cookie: leaving }), 403],
      [() => send('POST', '/auth/logout', undefined, { cookie: leaving, 'x-csrf-token': 'x' }), 403],
      [() => get('/api/v1/users', { cookie }), 200],
      [() => get('/api/v1/users'), 403],
      [() => send('POST', '/api/v1/users', { name: 'val', password, role: 'viewer' }), 201],
      [() => send('POST', '/api/v1/users', { name: 'val', password, role: 'viewer' }), 409],
      [() => send('POST', '/api/v1/users', { name: 'x y', password, role: 'viewer' }), 400],
      [() => send('PATCH', '/api/v1/users/val', { role: 'responder' }), 200],
      [() => send('PATCH', '/api/v1/users/nobody', { role: 'responder' }), 404],
      [() => send('PATCH', '/api/v1/users/root', { role: 'viewer' }), 409],
      [() => send('PATCH', '/api/v1/users/val', { password: 'short' }), 400],
      [() => send('DELETE', '/api/v1/users/root'), 409],
      [() => send('DELETE', '/api/v1/users/val'), 204],
      [() => send('DELETE', '/api/v1/users/val'), 404],
      [() => get('/api/v1/tokens', { cookie }), 200],
      [() => send('POST', '/api/v1/tokens', { name: '', role: 'viewer' }), 400],
      [() => send('DELETE', `/api/v1/tokens/${token.id}`), 204],
      [() => send('DELETE', `/api/v1/tokens/${token.id}`), 404],
      [() => send('POST', '/auth/logout'), 204],
    ];
    for (const [call, status] of calls) expect((await call()).statusCode).toBe(status);
  });

  it('for the public status page and the live-update stream', async () => {
    const page = await get('/api/v1/status', {});
    expect(page.statusCode).toBe(200);
    const stream = await nines.app.inject({
      url: '/api/v1/stream',
      headers: nines.auth.viewer,
      payloadAsStream: true,
    });
    expect(stream.statusCode).toBe(200);
    expect(stream.headers['content-type']).toBe('text/event-stream');
    stream.stream().destroy();
    expect((await get('/api/v1/stream', {})).statusCode).toBe(401);
  });

  it('every answer parses with its schema', () => {
    const documented = answers.filter((a) => a.schemas !== undefined);
    expect(documented.length).toBeGreaterThan(50);
    const problems = documented.flatMap((a) => {
      // An event stream is documented by its content type; there is no JSON document to parse.
      if (a.contentType === 'text/event-stream') return [];
      const schema = a.schemas?.[a.status];
      if (!schema) return [`${a.route} ${a.status}: not documented`];
      const parsed = schema.safeParse(a.status === 204 ? null : JSON.parse(a.body));
      return parsed.success
        ? []
        : parsed.error.issues.map((i) => `${a.route} ${a.status}: ${i.path.join('.')}: ${i.message}`);
    });
    expect(problems).toEqual([]);
  });

  it('every documented route answered with its success status, and the errors were seen', async () => {
    const doc = (await get('/api/v1/openapi.json')).json() as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    const seen = new Set(answers.filter((a) => a.schemas).map((a) => `${a.route} ${a.status}`));
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => {
        const success = Object.keys(op.responses).find((s) => s.startsWith('2'));
        return `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')} ${success}`;
      }),
    );
    expect(documented.length).toBeGreaterThanOrEqual(12);
    expect(documented.filter((d) => !seen.has(d))).toEqual([]);
    expect(new Set(answers.filter((a) => a.schemas).map((a) => a.status))).toEqual(
      new Set([200, 201, 202, 204, 400, 401, 403, 404, 409, 413, 415, 429]),
    );
  });
});
