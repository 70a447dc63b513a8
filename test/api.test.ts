import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNines, type TestNines } from './support/nines.js';

let nines: TestNines;
beforeAll(async () => {
  nines = await startTestNines();
});
afterAll(async () => {
  await nines.cleanup();
});

const at = (offsetMs = 0) => new Date(nines.clock.now + offsetMs).toISOString();

async function push(body: unknown, headers: Record<string, string> = {}, contentType = 'application/json') {
  return nines.app.inject({
    method: 'POST',
    url: '/api/v1/sli/events',
    headers: { ...nines.auth.responder, 'content-type': contentType, ...headers },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('every route is closed unless public by design', () => {
  it('answers 401 without a token on every registered route but the health checks', async () => {
    const routes = nines.app.printRoutes({ commonPrefix: false });
    const urls = [...routes.matchAll(/^[│├└─\s]*(\/\S*) \(([A-Z, ]+)\)$/gm)].flatMap(([, url, methods]) =>
      (methods ?? '').split(', ').map((m) => ({ url: (url ?? '').replace(/:\w+/g, 'x'), method: m })),
    );
    const checked = urls.filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS');
    expect(checked.length).toBeGreaterThan(10);
    // Alert intake is public at the HTTP level and authenticated by its integration key.
    const intake = new Set([
      '/v2/enqueue',
      '/v2/change/enqueue',
      '/integrations/alertmanager/x',
      '/integrations/splunk/x/x',
    ]);
    expect(checked.filter((r) => intake.has(r.url))).toHaveLength(intake.size);
    // Action links and calendar feeds carry their credential in the URL: a signed token, a secret.
    const linked = new Set(['/act/x', '/ical/x']);
    expect(checked.filter((r) => linked.has(r.url))).toHaveLength(3);
    // The sign-in and status pages of the web UI (503 until it is built); signing in and out.
    const pages = new Set(['/login', '/status']);
    const signIn = new Map([
      ['/auth/login', 400],
      ['/auth/logout', 204],
    ]);
    for (const { url, method } of checked) {
      const res = await nines.app.inject({ method: method as 'GET', url });
      // Health checks, and the public status page's data (the page is for everyone).
      if (url === '/healthz' || url === '/readyz' || url === '/api/v1/status') {
        expect(res.statusCode, `${method} ${url}`).toBe(200);
      } else if (pages.has(url)) {
        expect([200, 503], `${method} ${url}`).toContain(res.statusCode);
      } else if (signIn.has(url)) {
        expect(res.statusCode, `${method} ${url}`).toBe(signIn.get(url));
      } else if (linked.has(url)) {
        expect(res.statusCode, `${method} ${url}`).toBe(404);
      } else if (intake.has(url)) {
        expect([400, 404], `${method} ${url}`).toContain(res.statusCode);
        const keyed = await nines.app.inject({
          method: 'POST',
          url: url.replace(/\/x/, '/0123456789abcdef0123456789abcdef'),
          payload: { routing_key: '0123456789abcdef0123456789abcdef', event_action: 'trigger' },
        });
        expect(keyed.statusCode, `${method} ${url} with an unknown key`).toBe(404);
      } else {
        expect(res.statusCode, `${method} ${url}`).toBe(401);
        expect(res.json().error.code).toBe('UNAUTHENTICATED');
      }
    }
  });

  it('rejects unknown and revoked tokens and checks roles', async () => {
    const bad = await nines.app.inject({
      url: '/api/v1/slos',
      headers: { authorization: 'Bearer nines_nope' },
    });
    expect(bad.statusCode).toBe(401);
    const viewerPush = await nines.app.inject({
      method: 'POST',
      url: '/api/v1/sli/events',
      headers: { ...nines.auth.viewer, 'content-type': 'application/json' },
      payload: '[]',
    });
    expect(viewerPush.statusCode).toBe(403);
    expect(viewerPush.json().error).toEqual({
      code: 'FORBIDDEN',
      message: 'this needs the responder role; the token has viewer',
    });
  });

  it('does not reveal which routes exist to a caller without a token', async () => {
    const res = await nines.app.inject({ url: '/api/v1/no-such-thing' });
    expect(res.statusCode).toBe(401);
    const known = await nines.app.inject({ url: '/api/v1/no-such-thing', headers: nines.auth.viewer });
    expect(known.statusCode).toBe(404);
  });
});

describe('POST /api/v1/sli/events', () => {
  it('accepts counts and outcomes and answers 202 after commit', async () => {
    const res = await push([
      { sli: 'order-placed', timestamp: at(), good: 99, total: 100 },
      { sli: 'search-fast', timestamp: nines.clock.now, ok: true, latencyMs: 120 },
    ]);
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ accepted: 2, duplicate: false });
    const rows = await nines.store.db
      .selectFrom('sli_buckets')
      .selectAll()
      .where('sli', '=', 'order-placed')
      .execute();
    expect(rows.map((r) => r.resolution).sort()).toEqual(['d', 'h', 'm']);
  });

  it('counts a batch id once, from the body or the Idempotency-Key header', async () => {
    const batch = {
      batchId: 'deploy-42',
      events: [{ sli: 'payment-succeeded', timestamp: at(), good: 5, total: 5 }],
    };
    expect((await push(batch)).json()).toEqual({ accepted: 1, duplicate: false, batchId: 'deploy-42' });
    expect((await push(batch)).json()).toEqual({ accepted: 0, duplicate: true, batchId: 'deploy-42' });
    const viaHeader = await push(batch.events, { 'idempotency-key': 'deploy-42' });
    expect(viaHeader.json()).toEqual({ accepted: 0, duplicate: true, batchId: 'deploy-42' });
    const rows = await nines.store.db
      .selectFrom('sli_buckets')
      .select(['total'])
      .where('sli', '=', 'payment-succeeded')
      .where('resolution', '=', 'm')
      .execute();
    expect(rows.reduce((s, r) => s + r.total, 0)).toBe(5);
  });

  it('reads NDJSON', async () => {
    const body = `{"sli":"search-ok","timestamp":"${at()}","ok":true}\n\n{"sli":"search-ok","timestamp":"${at()}","ok":false}\n`;
    const res = await push(body, {}, 'application/x-ndjson');
    expect(res.statusCode).toBe(202);
    expect(res.json().accepted).toBe(2);
  });

  it('rejects a batch with bad items, naming each item and field, and stores nothing', async () => {
    const before = await nines.store.db
      .selectFrom('sli_buckets')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    const res = await push([
      { sli: 'search-ok', timestamp: at(), ok: true },
      { sli: 'search-ok', timestamp: at(-30 * 86_400_000), ok: true },
      { sli: 'gateway-availability', timestamp: at(), good: 1, total: 1 },
      { sli: 'search-fast', timestamp: at(), ok: true },
      { sli: 'search-ok', timestamp: at(3_600_000), good: -1, total: 1 },
    ]);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toEqual({
      code: 'VALIDATION_FAILED',
      message: '5 invalid event fields; nothing from this batch was stored',
      details: [
        {
          index: 1,
          field: 'timestamp',
          message: 'timestamp 2026-10-23T12:00:30.000Z is older than the 168h nines accepts',
        },
        {
          index: 2,
          field: 'sli',
          message: "SLI 'gateway-availability' is measured from prometheus, not from pushed events",
        },
        {
          index: 3,
          field: 'latencyMs',
          message: "SLI 'search-fast' measures latency, so an outcome needs latencyMs",
        },
        {
          index: 4,
          field: 'timestamp',
          message:
            'timestamp 2026-11-22T13:00:30.000Z is in the future (more than 60s ahead of the server clock)',
        },
        { index: 4, field: 'good', message: 'good must be a number of events from 0 to 1e12' },
      ],
    });
    const after = await nines.store.db
      .selectFrom('sli_buckets')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    expect(Number(after?.n)).toBe(Number(before?.n));
  });

  it('answers clear 400, 413 and 415 errors for malformed bodies', async () => {
    expect((await push('{"events": [')).json().error.code).toBe('VALIDATION_FAILED');
    expect((await push('[]')).json().error).toEqual({
      code: 'VALIDATION_FAILED',
      message: 'the batch has no events',
    });
    expect((await push('{"sli":"x"}')).json().error.message).toMatch(/^send a JSON array of events/);
    const ndjson = await push('{"sli":"search-ok"}\nnot json\n', {}, 'application/x-ndjson');
    expect(ndjson.json().error.details).toEqual([{ index: 1, message: 'line 2 is not valid JSON' }]);
    const big = await push(`[${'1,'.repeat(5 * 1024 * 1024)}1]`);
    expect(big.statusCode).toBe(413);
    expect(big.json().error.code).toBe('PAYLOAD_TOO_LARGE');
    const xml = await push('<events/>', {}, 'application/xml');
    expect(xml.statusCode).toBe(415);
  });
});

describe('reading budgets, burn rates and impact', () => {
  it('computes the budget of an SLO from pushed events', async () => {
    await push([{ sli: 'order-placed', timestamp: at(), good: 9_899, total: 9_900 }]);
    await nines.evaluate();
    const res = await nines.app.inject({ url: '/api/v1/slos/order-success', headers: nines.auth.viewer });
    expect(res.statusCode).toBe(200);
    const slo = res.json();
    // 99 + 9,899 good of 100 + 9,900: 2 bad in 10,000 against a 0.1% budget of 10.
    expect(slo).toMatchObject({
      name: 'order-success',
      journey: 'order',
      objective: 99.9,
      good: 9_998,
      total: 10_000,
      attainment: 99.98,
      budget: { total: 10, consumed: 2, remainingRatio: 0.8 },
      burnRates: { '1h': 0.2, '5m': 0.2 },
      health: 'healthy',
    });
    expect(slo.budget.remainingMinutes).toBeCloseTo(0.8 * 0.001 * 28 * 24 * 60, 1);
  });

  it('fires a page when the payment gateway burns and shows pay at risk with revenue', async () => {
    await push([{ sli: 'payment-succeeded', timestamp: at(), good: 500, total: 1_000 }]);
    const tick = await nines.evaluate();
    expect(tick.transitions).toContainEqual(
      expect.objectContaining({ slo: 'payment-success', kind: 'page', type: 'fired', tier: 'page-1h' }),
    );
    const alerts = (await nines.app.inject({ url: '/api/v1/alerts', headers: nines.auth.viewer })).json()
      .alerts;
    expect(alerts).toContainEqual(
      expect.objectContaining({ slo: 'payment-success', kind: 'page', tier: 'page-1h' }),
    );
    const pay = (await nines.app.inject({ url: '/api/v1/journeys/pay', headers: nines.auth.viewer })).json();
    expect(pay.health.level).toBe('at-risk');
    // 500 bad payments at 64.5 EUR each in the last hour.
    expect(pay.revenueAtRisk).toMatchObject({ currency: 'EUR', '1h': 500 * 64.5 });
    const history = (
      await nines.app.inject({
        url: '/api/v1/alerts/history?slo=payment-success&kind=page',
        headers: nines.auth.viewer,
      })
    ).json();
    expect(history.transitions[0]).toMatchObject({ slo: 'payment-success', kind: 'page', type: 'fired' });
  });

  it('lists value streams, journeys and services with impact', async () => {
    const streams = (
      await nines.app.inject({ url: '/api/v1/value-streams', headers: nines.auth.viewer })
    ).json();
    expect(streams.valueStreams[0]).toMatchObject({ name: 'online-orders', health: 'at-risk' });
    const gateway = (
      await nines.app.inject({ url: '/api/v1/services/payment-gateway', headers: nines.auth.viewer })
    ).json();
    expect(gateway.journeysAtRisk).toEqual([
      { journey: 'order', step: 'Place the order', path: ['order', 'payment-gateway'], critical: true },
      { journey: 'pay', step: 'Pay', path: ['payment', 'payment-gateway'], critical: true },
    ]);
    const services = (await nines.app.inject({ url: '/api/v1/services', headers: nines.auth.viewer })).json();
    expect(services.services).toHaveLength(13);
  });

  it('serves a time series for charts', async () => {
    const res = await nines.app.inject({
      url: `/api/v1/slos/order-success/timeseries?from=${at(-3_600_000)}&resolution=m`,
      headers: nines.auth.viewer,
    });
    expect(res.statusCode).toBe(200);
    const ts = res.json();
    expect(ts.points).toEqual([
      { t: '2026-11-22T12:00:00.000Z', good: 9_998, total: 10_000, sli: 99.98, budgetRemaining: 0.8 },
    ]);
    const tooMany = await nines.app.inject({
      url: '/api/v1/slos/order-success/timeseries?from=0&resolution=m',
      headers: nines.auth.viewer,
    });
    expect(tooMany.statusCode).toBe(400);
  });

  it('answers 404 with a code for unknown names', async () => {
    const res = await nines.app.inject({ url: '/api/v1/slos/nope', headers: nines.auth.viewer });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'NOT_FOUND', message: "no SLO named 'nope'" } });
  });

  it('exposes its own metrics to a viewer token', async () => {
    const res = await nines.app.inject({ url: '/metrics', headers: nines.auth.viewer });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('nines_sli_events_accepted_total');
    expect(res.body).toContain('nines_evaluation_duration_seconds_count');
  });
});

describe('per-SLO alert overrides from the catalog', () => {
  it('never pages for an SLO whose page tiers are disabled, but still opens a ticket', async () => {
    await push([{ sli: 'recommendations-fast', timestamp: at(), good: 0, total: 1_000 }]);
    const tick = await nines.evaluate();
    const mine = tick.transitions.filter((t) => t.slo === 'recommendations-latency');
    expect(mine.map((t) => `${t.kind}:${t.type}`)).toContain('ticket:fired');
    expect(mine.map((t) => t.kind)).not.toContain('page');
    const slo = (
      await nines.app.inject({ url: '/api/v1/slos/recommendations-latency', headers: nines.auth.viewer })
    ).json();
    expect(slo.alertPolicy.map((t: { tier: string }) => t.tier)).toEqual(['ticket-1d', 'ticket-3d']);
  });
});

describe('review fixes: bounds, framework errors, burns', () => {
  it('answers 400 for a time series bound beyond what a date can hold', async () => {
    const res = await nines.app.inject({
      url: '/api/v1/slos/order-success/timeseries?from=8640000000000001',
      headers: nines.auth.viewer,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_FAILED');
  });

  it('authenticates an over-long path parameter before judging it', async () => {
    const url = `/api/v1/slos/${'x'.repeat(1_000)}`;
    expect((await nines.app.inject({ url })).statusCode).toBe(401);
    const res = await nines.app.inject({ url, headers: nines.auth.viewer });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_FAILED');
  });

  it('answers router errors in the error format', async () => {
    const res = await nines.app.inject({ url: `/api/v1/slos/${'x'.repeat(3_000)}` });
    expect(res.json()).toEqual({
      error: { code: 'VALIDATION_FAILED', message: 'a path segment of the URL is too long' },
    });
  });

  it('lists the burns of page and ticket transitions in the history', async () => {
    await push([{ sli: 'payment-succeeded', timestamp: at(), good: 0, total: 1_000 }]);
    await nines.evaluate();
    const history = (
      await nines.app.inject({
        url: '/api/v1/alerts/history?slo=payment-success&kind=page',
        headers: nines.auth.viewer,
      })
    ).json();
    const fired = history.transitions.find((t: { type: string }) => t.type === 'fired');
    expect(fired.burns.length).toBeGreaterThan(0);
    expect(fired.burns[0]).toEqual({
      window: expect.any(String),
      burnRate: expect.any(Number),
      events: expect.any(Number),
    });
  });
});
