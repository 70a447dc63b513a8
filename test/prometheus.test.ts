import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../src/catalog/load.js';
import type { Catalog } from '../src/catalog/model.js';
import { PrometheusSource } from '../src/sources/prometheus/source.js';
import { startTestNines, type TestNines } from './support/nines.js';
import { startPrometheus, type TestPrometheus } from './support/prometheus.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const now = Date.now();
/** History: 8 hours of a shop's requests, minute by minute, ending 5 minutes ago. */
const end = Math.floor((now - 5 * MINUTE) / MINUTE) * MINUTE;
const start = end - 8 * HOUR;

/** Requests and failures per minute: steady traffic, 0.5% errors, and a 20-minute outage at 30% errors. */
function minuteCounts(m: number): { total: number; bad: number } {
  const total = 600 + ((m / MINUTE) % 7) * 30;
  const inOutage = m >= end - 100 * MINUTE && m < end - 80 * MINUTE;
  return { total, bad: Math.round(total * (inOutage ? 0.3 : 0.005)) };
}

/** The counters as OpenMetrics samples every 15 s, rising evenly within each minute. */
function history(): string {
  const lines = ['# TYPE shop_requests counter'];
  const ok: string[] = [];
  const failed: string[] = [];
  // A latency histogram over the last two hours: 90% of requests within 0.5 s.
  const buckets: Record<string, string[]> = { '0.25': [], '0.5': [], '1': [], '+Inf': [] };
  const share: Record<string, number> = { '0.25': 0.6, '0.5': 0.9, '1': 0.99, '+Inf': 1 };
  const counts: string[] = [];
  let seen = 0;
  let good = 0;
  let bad = 0;
  for (let m = start; m < end; m += MINUTE) {
    const c = minuteCounts(m);
    for (let q = 0; q < 4; q++) {
      ok.push(
        `shop_requests_total{code="200"} ${(good + ((c.total - c.bad) * q) / 4).toFixed(2)} ${(m + q * 15_000) / 1000}`,
      );
      failed.push(
        `shop_requests_total{code="500"} ${(bad + (c.bad * q) / 4).toFixed(2)} ${(m + q * 15_000) / 1000}`,
      );
    }
    if (m >= end - 2 * HOUR) {
      for (let q = 0; q < 4; q++) {
        for (const le of Object.keys(buckets)) {
          const v = ((seen + (c.total * q) / 4) * (share[le] ?? 1)).toFixed(2);
          buckets[le]?.push(`shop_latency_seconds_bucket{le="${le}"} ${v} ${(m + q * 15_000) / 1000}`);
        }
        counts.push(
          `shop_latency_seconds_count ${(seen + (c.total * q) / 4).toFixed(2)} ${(m + q * 15_000) / 1000}`,
        );
      }
      seen += c.total;
    }
    good += c.total - c.bad;
    bad += c.bad;
  }
  const histogram = ['# TYPE shop_latency_seconds histogram', ...Object.values(buckets).flat(), ...counts];
  return `${[...lines, ...ok, ...failed, ...histogram].join('\n')}\n# EOF\n`;
}

let prometheus: TestPrometheus;
let exporter: Server;

/**
 * A live exporter that Prometheus scrapes every second. Each scrape plays the next
 * 15 s of traffic, stamped with its own time, from just after the history up to
 * the present: minutes of scraped counters in seconds of test. It remembers what
 * it served per minute, to push the same counts as events.
 */
const live = {
  at: end + MINUTE,
  ok: 0,
  failed: 0,
  perMinute: new Map<number, { total: number; bad: number }>(),
};
function liveScrape(): string {
  if (live.at + 15_000 <= Date.now() - 1_000) {
    live.at += 15_000;
    const total = 150 + ((live.at / 15_000) % 5) * 10;
    const bad = (live.at / 15_000) % 4 === 0 ? 3 : 0;
    live.ok += total - bad;
    live.failed += bad;
    const minute = live.at - 15_000 - ((live.at - 15_000) % MINUTE);
    const m = live.perMinute.get(minute) ?? { total: 0, bad: 0 };
    live.perMinute.set(minute, { total: m.total + total, bad: m.bad + bad });
  }
  return [
    '# TYPE live_requests_total counter',
    `live_requests_total{code="200"} ${live.ok} ${live.at}`,
    `live_requests_total{code="500"} ${live.failed} ${live.at}`,
    '',
  ].join('\n');
}

beforeAll(async () => {
  exporter = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(liveScrape());
  });
  exporter.listen(0, '127.0.0.1');
  await once(exporter, 'listening');
  prometheus = await startPrometheus({
    targets: [`127.0.0.1:${(exporter.address() as AddressInfo).port}`],
    history: history(),
  });
}, 60_000);

afterAll(async () => {
  await prometheus?.stop();
  exporter?.close();
});

function catalog(promUrl: string, extra = ''): Catalog {
  const { catalog: c, diagnostics } = loadCatalog([
    {
      path: 'c.yaml',
      text: `apiVersion: nines/v1
kind: Team
metadata: {name: shop}
---
apiVersion: nines/v1
kind: Service
metadata: {name: checkout}
spec: {owner: shop}
---
apiVersion: nines/v1
kind: DataSource
metadata: {name: prom}
spec: {type: prometheus, url: "${promUrl}", timeout: 1m}
---
apiVersion: nines/v1
kind: SLI
metadata: {name: from-prometheus}
spec:
  source: {type: prometheus, dataSource: prom}
  ratio:
    bad: sum(rate(shop_requests_total{code=~"5.."}[{{window}}]))
    total: sum(rate(shop_requests_total[{{window}}]))
---
apiVersion: nines/v1
kind: SLI
metadata: {name: pushed}
spec: {ratio: {}}
---
apiVersion: nines/v1
kind: SLO
metadata: {name: via-promql}
spec: {service: checkout, sli: from-prometheus, objectives: [{target: 99}], window: 28d}
---
apiVersion: nines/v1
kind: SLO
metadata: {name: via-events}
spec: {service: checkout, sli: pushed, objectives: [{target: 99}], window: 28d}
${extra}`,
    },
  ]);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return c;
}

/** An SLO of the checkout service on an inline Prometheus SLI, as a catalog document. */
function promSlo(name: string, dataSource: string, indicator: string, target = 99): string {
  return `---
apiVersion: nines/v1
kind: SLO
metadata: {name: ${name}}
spec:
  service: checkout
  indicator:
    source: {type: prometheus, dataSource: ${dataSource}}
    ${indicator}
  objectives: [{target: ${target}}]
  window: 28d
`;
}

/** An SLO as the API answers it. */
async function sloOf(app: TestNines, slo: string) {
  return (await app.app.inject({ url: `/api/v1/slos/${slo}`, headers: app.auth.viewer })).json();
}

describe('SLIs from Prometheus', () => {
  let nines: TestNines;
  afterAll(async () => {
    await nines?.cleanup();
  });

  it('give the same budgets and burn rates as the same traffic pushed as events', async () => {
    nines = await startTestNines({ catalog: catalog(prometheus.url), now });
    // The same minutes, pushed as counts.
    const events = [];
    for (let m = start; m < end; m += MINUTE) {
      const c = minuteCounts(m);
      events.push({ sli: 'pushed', timestamp: m, good: c.total - c.bad, total: c.total });
    }
    const pushed = await nines.app.inject({
      method: 'POST',
      url: '/api/v1/sli/events',
      headers: { ...nines.auth.responder, 'content-type': 'application/json' },
      payload: JSON.stringify(events),
    });
    expect(pushed.statusCode, pushed.body).toBe(202);
    await nines.prometheus.poll();
    expect(nines.prometheus.status('from-prometheus')).toMatchObject({ state: 'ok' });
    await nines.evaluate();
    const get = (slo: string) => sloOf(nines, slo);
    const viaProm = await get('via-promql');
    const viaEvents = await get('via-events');
    // Rates are estimates at the edges of the history; inside, they agree closely.
    expect(viaProm.total).toBeGreaterThan(viaEvents.total * 0.97);
    expect(viaProm.total).toBeLessThan(viaEvents.total * 1.01);
    const errorRatio = (s: { good: number; total: number }) => 1 - s.good / s.total;
    expect(Math.abs(errorRatio(viaProm) - errorRatio(viaEvents))).toBeLessThan(0.0005);
    expect(viaProm.budget.remainingRatio).toBeCloseTo(viaEvents.budget.remainingRatio, 1);
    for (const w of ['2h', '6h', '1d']) {
      expect(viaProm.burnRates[w], w).toBeGreaterThan(viaEvents.burnRates[w] * 0.95);
      expect(viaProm.burnRates[w], w).toBeLessThan(viaEvents.burnRates[w] * 1.05);
    }
    expect(viaProm.dataSource).toMatchObject({ state: 'ok', message: null });
    expect(viaEvents.dataSource).toBeNull();

    // Reading again changes nothing: every minute is counted once.
    await nines.prometheus.poll();
    await nines.evaluate();
    expect((await get('via-promql')).total).toBe(viaProm.total);
  }, 60_000);

  it('show a failing query, an unreachable Prometheus and a missing bucket on the SLO, never as an outage', async () => {
    await nines?.cleanup();
    const extra = [
      `---
apiVersion: nines/v1
kind: DataSource
metadata: {name: gone}
spec: {type: prometheus, url: "http://127.0.0.1:9", timeout: 5s}
`,
      promSlo(
        'unreachable',
        'gone',
        'ratio: {bad: "sum(rate(x[{{window}}]))", total: "sum(rate(y[{{window}}]))"}',
      ),
      promSlo(
        'bad-query',
        'prom',
        'ratio: {bad: "sum(rate(x[{{window}}])", total: "sum(rate(y[{{window}}]))"}',
      ),
      promSlo('no-bucket', 'prom', 'latency: {threshold: 800ms, histogram: shop_requests}'),
      promSlo('between-buckets', 'prom', 'latency: {threshold: 800ms, histogram: shop_latency_seconds}'),
      promSlo('fast', 'prom', 'latency: {threshold: 500ms, histogram: shop_latency_seconds}', 90),
    ].join('');
    nines = await startTestNines({ catalog: catalog(prometheus.url, extra), now });
    await nines.prometheus.poll();
    await nines.evaluate();
    const get = (slo: string) => sloOf(nines, slo);
    const unreachable = await get('unreachable');
    expect(unreachable.dataSource).toMatchObject({
      state: 'failing',
      message: 'cannot reach http://127.0.0.1:9: ECONNREFUSED',
      readTo: null,
    });
    // No data is not an outage: the budget is whole and no burn alert fires.
    expect(unreachable).toMatchObject({
      total: 0,
      budget: { remainingRatio: 1 },
      health: expect.any(String),
    });
    expect(unreachable.alerts.page.status).toBe('resolved');
    const badQuery = await get('bad-query');
    expect(badQuery.dataSource.state).toBe('failing');
    expect(badQuery.dataSource.message).toMatch(/answered 400: bad_data: .*parse error/);
    const noBucket = await get('no-bucket');
    expect(noBucket.dataSource.message).toBe('no series of shop_requests_bucket in Prometheus');
    const between = await get('between-buckets');
    expect(between.dataSource.message).toBe(
      'histogram shop_latency_seconds has no bucket at 0.8 s; its buckets are 0.25, 0.5, 1 s: set the threshold to one of them',
    );
    // On a bucket bound, the SLI is the share of requests within it: 90%.
    const fast = await get('fast');
    expect(fast.dataSource).toMatchObject({ state: 'ok' });
    expect(fast.good / fast.total).toBeCloseTo(0.9, 2);
  }, 60_000);

  it('read counters Prometheus scraped: minute by minute, the same counts as pushed events', async () => {
    await nines?.cleanup();
    const extra = [
      promSlo(
        'live-promql',
        'prom',
        `ratio: {bad: 'sum(rate(live_requests_total{code="500"}[{{window}}]))', total: 'sum(rate(live_requests_total[{{window}}]))'}`,
      ),
      '---\napiVersion: nines/v1\nkind: SLO\nmetadata: {name: live-events}\nspec: {service: checkout, indicator: {ratio: {}}, objectives: [{target: 99}], window: 28d}\n',
    ].join('');
    nines = await startTestNines({ catalog: catalog(prometheus.url, extra), now: Date.now() });
    nines.clock.set(Date.now());
    // Wait until the exporter has played its minutes up to the present and they are scraped.
    const compared = [end + 2 * MINUTE, end + 3 * MINUTE];
    for (let i = 0; i < 100 && live.at < end + 4 * MINUTE + 30_000; i++)
      await new Promise((r) => setTimeout(r, 250));
    await new Promise((r) => setTimeout(r, 2_500));
    const source = new PrometheusSource({
      catalog: nines.engine.catalog,
      submit: (batch) => nines.writer.submit(batch),
      cursors: async () => new Map(),
      clock: Date.now,
      log: () => {},
      settleMs: 20_000,
    });
    await source.poll();
    expect(source.status('live-promql-sli')).toMatchObject({ state: 'ok' });
    const events = compared.map((m) => {
      const c = live.perMinute.get(m) ?? { total: 0, bad: 0 };
      return { sli: 'live-events-sli', timestamp: m, good: c.total - c.bad, total: c.total };
    });
    const pushed = await nines.app.inject({
      method: 'POST',
      url: '/api/v1/sli/events',
      headers: { ...nines.auth.responder, 'content-type': 'application/json' },
      payload: JSON.stringify(events),
    });
    expect(pushed.statusCode, pushed.body).toBe(202);
    const series = async (slo: string) => {
      const from = new Date(compared[0] as number).toISOString();
      const to = new Date((compared[1] as number) + MINUTE).toISOString();
      const res = await nines.app.inject({
        url: `/api/v1/slos/${slo}/timeseries?from=${from}&to=${to}&resolution=m`,
        headers: nines.auth.viewer,
      });
      expect(res.statusCode, res.body).toBe(200);
      const points = res.json().points as { good: number; total: number }[];
      return points.reduce((a, p) => ({ good: a.good + p.good, total: a.total + p.total }), {
        good: 0,
        total: 0,
      });
    };
    const viaProm = await series('live-promql');
    const viaEvents = await series('live-events');
    expect(viaEvents.total).toBeGreaterThan(1_000);
    // Each minute is a rate over two: within a few percent of the true count, bad events too.
    expect(viaProm.total / viaEvents.total).toBeGreaterThan(0.95);
    expect(viaProm.total / viaEvents.total).toBeLessThan(1.05);
    expect(Math.abs(viaProm.total - viaProm.good - (viaEvents.total - viaEvents.good))).toBeLessThan(1.5);
  }, 60_000);
});
