import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../src/catalog/load.js';
import type { Catalog } from '../src/catalog/model.js';
import { nines, tempCatalog } from './helpers.js';
import { startTestNines, type TestNines } from './support/nines.js';

/** A shop stand-in: search answers results, or 500s while `failing` is set; checkout needs a token. */
let failing = false;
let shop: Server;
let base: string;

beforeAll(async () => {
  shop = createServer((req, res) => {
    if (req.url?.startsWith('/search')) {
      if (failing) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end('{"error":"search index unavailable"}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"results":[{"sku":"shoe-42"}]}');
      return;
    }
    if (req.url === '/orders' && req.method === 'POST') {
      const ok = req.headers.authorization === 'Bearer s3cret-token';
      res.writeHead(ok ? 201 : 401, { 'content-type': 'application/json' });
      // A careless server that echoes the credential it was sent.
      res.end(ok ? '{"order":{"id":"o-1"}}' : JSON.stringify({ error: `bad ${req.headers.authorization}` }));
      return;
    }
    if (req.url === '/orders/o-1') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"order":{"id":"o-1","status":"placed"}}');
      return;
    }
    res.writeHead(404).end();
  });
  shop.listen(0, '127.0.0.1');
  await once(shop, 'listening');
  base = `http://127.0.0.1:${(shop.address() as AddressInfo).port}`;
});

afterAll(() => {
  shop.close();
});

function catalogText(): string {
  return `apiVersion: nines/v1
kind: Team
metadata: {name: shop}
---
apiVersion: nines/v1
kind: Service
metadata: {name: search}
spec: {owner: shop}
---
apiVersion: nines/v1
kind: Journey
metadata: {name: find}
spec: {steps: [{name: Search, services: [search]}]}
---
apiVersion: nines/v1
kind: ValueStream
metadata: {name: sales}
spec: {objective: Sell, journeys: [find]}
---
apiVersion: nines/v1
kind: Probe
metadata: {name: search-shoes}
spec:
  journey: find
  interval: 1s
  timeout: 1s
  http: {url: "${base}/search?q=shoes"}
  expect:
    body: [{jsonPath: "$.results[0].sku", equals: shoe-42}]
---
apiVersion: nines/v1
kind: Probe
metadata: {name: order}
spec:
  journey: find
  interval: 1m
  steps:
    - name: place
      http: {method: POST, url: "${base}/orders", headers: {authorization: "Bearer \${env:SHOP_TOKEN}"}, json: {sku: shoe-42}}
      expect: {status: 201}
      extract: {orderId: {jsonPath: $.order.id}}
    - name: check
      http: {url: "${base}/orders/\${orderId}"}
      expect: {body: [{jsonPath: $.order.status, equals: placed}]}
---
apiVersion: nines/v1
kind: SLI
metadata: {name: search-probe-ok}
spec: {source: {type: probe, probe: search-shoes}, ratio: {}}
---
apiVersion: nines/v1
kind: SLI
metadata: {name: order-placed-probe}
spec: {source: {type: probe, probe: order, step: place}, ratio: {}}
---
apiVersion: nines/v1
kind: SLO
metadata: {name: search-probe}
spec: {journey: find, sli: search-probe-ok, objectives: [{target: 99}], window: 28d}
---
apiVersion: nines/v1
kind: SLO
metadata: {name: order-probe}
spec: {journey: find, sli: order-placed-probe, objectives: [{target: 99}], window: 28d}
`;
}

function probeCatalog(): Catalog {
  const { catalog, diagnostics } = loadCatalog([{ path: 'probes.yaml', text: catalogText() }]);
  expect(diagnostics).toEqual([]);
  return catalog;
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 8_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('probes in a running nines', () => {
  let app: TestNines;
  afterEach(async () => {
    failing = false;
    await app?.cleanup();
  });

  it('run on schedule, feed their SLIs through the SLI store, and keep a history the API shows', async () => {
    app = await startTestNines({
      catalog: probeCatalog(),
      live: true,
      probeEnv: { SHOP_TOKEN: 's3cret-token' },
    });
    const get = async (url: string) => {
      const res = await app.app.inject({ url, headers: app.auth.viewer });
      expect(res.statusCode, res.body).toBe(200);
      return res.json();
    };
    // Passing runs count good in the SLI.
    await until('three passing searches', async () => {
      await app.evaluate();
      const slo = await get('/api/v1/slos/search-probe');
      return slo.total >= 3 ? slo : undefined;
    });
    const good = await get('/api/v1/slos/search-probe');
    expect(good.good).toBe(good.total);

    // The search breaks: runs fail, name the failing assertion, and count bad.
    failing = true;
    const failed = await until('a failed run in the history', async () => {
      const detail = await get('/api/v1/probes/search-shoes?limit=5');
      return detail.runs.find((r: { ok: boolean }) => !r.ok);
    });
    expect(failed).toMatchObject({
      trigger: 'schedule',
      probe: 'search-shoes',
      ok: false,
      failedStep: 'search-shoes',
      steps: [
        {
          name: 'search-shoes',
          ok: false,
          status: 500,
          url: `${base}/search?q=shoes`,
          snippet: '{"error":"search index unavailable"}',
        },
      ],
    });
    expect(failed.error).toMatch(/expected status 200-299, got 500/);
    await until('bad events in the SLO', async () => {
      await app.evaluate();
      const slo = await get('/api/v1/slos/search-probe');
      return slo.good < slo.total ? slo : undefined;
    });

    // The list shows every probe with the SLIs it feeds and its last run.
    const list = await get('/api/v1/probes');
    expect(list.probes.map((p: { name: string; slis: string[] }) => [p.name, p.slis])).toEqual([
      ['search-shoes', ['search-probe-ok']],
      ['order', ['order-placed-probe']],
    ]);
  });

  it('runs a journey with a secret from the environment, redacted from what it keeps', async () => {
    app = await startTestNines({ catalog: probeCatalog(), probeEnv: { SHOP_TOKEN: 'wrong-token' } });
    const forbidden = await app.app.inject({
      method: 'POST',
      url: '/api/v1/probes/order/run',
      headers: app.auth.viewer,
    });
    expect(forbidden.statusCode).toBe(403);
    const res = await app.app.inject({
      method: 'POST',
      url: '/api/v1/probes/order/run',
      headers: app.auth.responder,
    });
    expect(res.statusCode, res.body).toBe(200);
    const run = res.json();
    expect(run).toMatchObject({ trigger: 'manual', ok: false, failedStep: 'place' });
    // The server echoed the token back; what nines keeps shows it redacted.
    expect(run.steps[0].snippet).toBe('{"error":"bad [redacted]"}');
    expect(JSON.stringify(run)).not.toContain('wrong-token');
    const history = await app.app.inject({ url: '/api/v1/probes/order', headers: app.auth.viewer });
    expect(history.json().runs[0]).toMatchObject({ trigger: 'manual', failedStep: 'place' });
    // A manual run counts in no SLI.
    await app.evaluate();
    const slo = await app.app.inject({ url: '/api/v1/slos/order-probe', headers: app.auth.viewer });
    expect(slo.json().total).toBe(0);
  });

  it('stores every run, also after a flush that found nothing to write', async () => {
    app = await startTestNines({ catalog: probeCatalog(), probeEnv: { SHOP_TOKEN: 's3cret-token' } });
    await app.probes.flush();
    await app.probes.flush();
    const probe = app.engine.catalog.Probe.get('order');
    if (!probe) throw new Error('no probe');
    await app.probes.runNow(probe);
    await app.probes.runNow(probe);
    const res = await app.app.inject({ url: '/api/v1/probes/order', headers: app.auth.viewer });
    expect(res.json().runs).toHaveLength(2);
  });

  it('runs one manual run of a probe at a time: a second at once is a 429', async () => {
    app = await startTestNines({ catalog: probeCatalog(), probeEnv: { SHOP_TOKEN: 's3cret-token' } });
    const run = () =>
      app.app.inject({ method: 'POST', url: '/api/v1/probes/order/run', headers: app.auth.responder });
    const [first, second] = await Promise.all([run(), run()]);
    expect([first.statusCode, second.statusCode].sort()).toEqual([200, 429]);
    const refused = first.statusCode === 429 ? first : second;
    expect(refused.json().error).toMatchObject({
      code: 'RATE_LIMITED',
      message: "probe 'order' is already being run by hand; wait for that run",
    });
    expect((await run()).statusCode).toBe(200);
  });

  it('answers 404 for a probe that is not in the catalog', async () => {
    app = await startTestNines({ catalog: probeCatalog() });
    const res = await app.app.inject({ url: '/api/v1/probes/nope', headers: app.auth.viewer });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('NOT_FOUND');
  });
});

describe('nines probe run', () => {
  it('runs a journey once, prints each step and exits 0 when it passes', async () => {
    const dir = await tempCatalog({ 'probes.yaml': catalogText() });
    try {
      const r = await nines(['probe', 'run', 'order', '--catalog', dir.dir], {
        env: { SHOP_TOKEN: 's3cret-token' },
      });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const lines = r.stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(new RegExp(`^✓ place  201 +\\d+ ms  ${base}/orders$`));
      expect(lines[1]).toMatch(new RegExp(`^✓ check  200 +\\d+ ms  ${base}/orders/o-1$`));
      expect(lines[2]).toMatch(/^probe order passed in \d+ ms$/);
    } finally {
      await dir.cleanup();
    }
  });

  it('names the failing step and its reason, and exits 1', async () => {
    const dir = await tempCatalog({ 'probes.yaml': catalogText() });
    try {
      const r = await nines(['probe', 'run', 'order', '--catalog', dir.dir], { env: {} });
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('environment variable SHOP_TOKEN is not set');
      expect(r.stdout).toMatch(/probe order FAILED in/);
      const json = await nines(['probe', 'run', 'order', '--catalog', dir.dir, '--json'], {
        env: { SHOP_TOKEN: 'wrong' },
      });
      expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, failedStep: 'place' });
    } finally {
      await dir.cleanup();
    }
  });

  it('suggests the closest name for an unknown probe', async () => {
    const dir = await tempCatalog({ 'probes.yaml': catalogText() });
    try {
      const r = await nines(['probe', 'run', 'ordr', '--catalog', dir.dir]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        "no probe named 'ordr' (did you mean 'order'?); probes: search-shoes, order",
      );
    } finally {
      await dir.cleanup();
    }
  });
});
