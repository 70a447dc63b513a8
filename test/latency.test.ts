import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Maintenance } from '../src/runtime/maintenance.js';
import { count, EMPTY_HISTOGRAM, histogramOf, latencyBucket, quantile } from '../src/slo/latency.js';
import { ProbeFeed } from '../src/sources/probes/feed.js';
import type { ProbeRunResult } from '../src/sources/probes/run.js';
import { BatchRepository } from '../src/store/batches.js';
import { BucketRepository } from '../src/store/buckets.js';
import type { Store } from '../src/store/db.js';
import { LATENCY_RETENTION_MS, LatencyRepository } from '../src/store/latency.js';
import { startTestNines, type TestNines, webshopCatalog } from './support/nines.js';
import { DIALECTS, freshDatabase, openTestStore } from './support/stores.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);

/** The ⌈q·n⌉-th smallest latency: what a percentile of the raw samples is. */
function exactQuantile(samples: readonly number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.ceil(q * sorted.length) - 1] as number;
}

describe.each(DIALECTS)('latency histograms in the store on %s', (dialect) => {
  let store: Store & { cleanup: () => Promise<void> };
  let latency: LatencyRepository;
  beforeEach(async () => {
    store = await openTestStore(dialect);
    latency = new LatencyRepository(store.db);
  });
  afterEach(async () => {
    await store.cleanup();
  });

  it('adds counts into existing rows and sums the minutes that start in [from, to) per bucket', async () => {
    await latency.add([
      { sli: 'a', startMs: NOW, bucket: 95, count: 3 },
      { sli: 'a', startMs: NOW + MINUTE, bucket: 95, count: 1 },
      { sli: 'a', startMs: NOW + MINUTE, bucket: 10, count: 2 },
      { sli: 'a', startMs: NOW + 2 * MINUTE, bucket: 200, count: 7 },
      { sli: 'b', startMs: NOW, bucket: 95, count: 5 },
    ]);
    await latency.add([{ sli: 'a', startMs: NOW, bucket: 95, count: 0.5 }]);
    expect(await latency.histogram('a', NOW, NOW + 2 * MINUTE)).toEqual({
      buckets: [10, 95],
      counts: [2, 4.5],
    });
    expect(await latency.histogram('a', NOW + MINUTE, NOW + MINUTE + 1)).toEqual({
      buckets: [10, 95],
      counts: [2, 1],
    });
    expect(await latency.histogram('a', NOW - HOUR, NOW)).toEqual(EMPTY_HISTOGRAM);
    expect(await latency.histogram('nothing', 0, NOW * 2)).toEqual(EMPTY_HISTOGRAM);
  });

  it('writes more rows than one statement may bind and keeps epoch milliseconds beyond 32 bits', async () => {
    const rows = Array.from({ length: 2_500 }, (_, i) => ({
      sli: 'busy',
      startMs: NOW - Math.floor(i / 500) * MINUTE,
      bucket: i % 500,
      count: 2,
    }));
    await latency.add(rows);
    const h = await latency.histogram('busy', NOW - HOUR, NOW + MINUTE);
    expect(h.buckets).toHaveLength(500);
    expect(h.counts.every((c) => c === 10)).toBe(true);
    expect(count(h)).toBe(5_000);
  });

  it('prunes the minutes before a time and says how many rows went', async () => {
    await latency.add([
      { sli: 'a', startMs: NOW - 49 * HOUR, bucket: 1, count: 1 },
      { sli: 'a', startMs: NOW - 49 * HOUR, bucket: 2, count: 1 },
      { sli: 'b', startMs: NOW - 47 * HOUR, bucket: 1, count: 1 },
    ]);
    expect(await latency.prune(NOW - 48 * HOUR)).toBe(2);
    expect(await latency.prune(NOW - 48 * HOUR)).toBe(0);
    expect(count(await latency.histogram('b', 0, NOW))).toBe(1);
  });
});

describe('maintenance keeps latency histograms for 48 hours', () => {
  let store: Store & { cleanup: () => Promise<void> };
  beforeEach(async () => {
    store = await openTestStore('sqlite');
  });
  afterEach(async () => {
    await store.cleanup();
  });

  it('prunes latency rows older than 48 hours and counts them', async () => {
    expect(LATENCY_RETENTION_MS).toBe(48 * HOUR);
    const latency = new LatencyRepository(store.db);
    await latency.add([
      { sli: 'search-fast', startMs: NOW - HOUR, bucket: 95, count: 1 },
      { sli: 'search-fast', startMs: NOW - 47 * HOUR, bucket: 95, count: 1 },
      { sli: 'search-fast', startMs: NOW - 48 * HOUR, bucket: 95, count: 1 },
      { sli: 'search-fast', startMs: NOW - 48 * HOUR - MINUTE, bucket: 95, count: 1 },
      { sli: 'search-fast', startMs: NOW - 72 * HOUR, bucket: 80, count: 1 },
    ]);
    const maintenance = new Maintenance({
      catalog: await webshopCatalog(),
      buckets: new BucketRepository(store.db),
      batches: new BatchRepository(store.db),
      retentionDays: 400,
      latency,
      clock: () => NOW,
      log: () => {},
    });
    expect(await maintenance.run()).toMatchObject({ latency: 2 });
    expect(await latency.histogram('search-fast', 0, NOW)).toEqual({ buckets: [95], counts: [3] });
  });
});

describe('probe runs feed their duration as latency', () => {
  it('gives each SLI event the run duration, or its step duration', async () => {
    const feed = new ProbeFeed(await webshopCatalog());
    const run: ProbeRunResult = {
      probe: 'checkout',
      startedAt: NOW,
      durationMs: 1_500,
      ok: true,
      steps: [
        { name: 'add-to-basket', ok: true, durationMs: 300 },
        { name: 'place-order', ok: true, durationMs: 700 },
        { name: 'pay', ok: true, durationMs: 500 },
      ],
    };
    const bySli = new Map(feed.events(run).map((e) => [e.sli, e]));
    expect(bySli.get('checkout-journey-fast')).toEqual({
      sli: 'checkout-journey-fast',
      atMs: NOW,
      good: 1,
      total: 1,
      latencyMs: 1_500,
    });
    expect(bySli.get('checkout-payment-ok')).toMatchObject({ good: 1, latencyMs: 500 });
  });
});

// Through the HTTP API, on every database: pushed latencies come back as percentiles.
describe.each(DIALECTS)('latencies pushed over HTTP on %s', (dialect) => {
  let nines: TestNines;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const db = await freshDatabase(dialect);
    drop = db.drop;
    nines = await startTestNines({ database: db.url, dataDir: db.dataDir });
  });
  afterAll(async () => {
    await nines.cleanup();
    await drop();
  });

  const push = (body: unknown) =>
    nines.app.inject({
      method: 'POST',
      url: '/api/v1/sli/events',
      headers: { ...nines.auth.responder, 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });
  const minuteOf = (ms: number) => ms - (ms % MINUTE);

  it('keeps the latencies of outcome events, counts a repeated batch once, and gives p50/p95 within 5%', async () => {
    const now = nines.clock.now;
    // A skewed spread from 3 ms to about 4 s over the last two minutes.
    const latencies = Array.from({ length: 900 }, (_, i) => 3 + ((i * 7_919) % 900) ** 2 / 200);
    const events = (from: number, to: number, sli = 'search-fast') =>
      latencies.slice(from, to).map((latencyMs, i) => ({
        sli,
        timestamp: now - (i % 2) * MINUTE,
        ok: latencyMs < 2_000,
        latencyMs,
      }));
    const first = { batchId: 'latency-1', events: events(0, 300) };
    // The same batch twice at once (one group) and once more after: counted once.
    const [a, b] = await Promise.all([push(first), push(first)]);
    expect([a.json().duplicate, b.json().duplicate].sort()).toEqual([false, true]);
    expect((await push(first)).json()).toEqual({ accepted: 0, duplicate: true, batchId: 'latency-1' });
    expect((await push({ batchId: 'latency-2', events: events(300, 600) })).statusCode).toBe(202);
    expect((await push(events(600, 900))).statusCode).toBe(202);
    // Any kind of SLI keeps the latency of an outcome; counts carry none.
    expect((await push(events(0, 100, 'search-ok'))).statusCode).toBe(202);
    expect((await push([{ sli: 'order-placed', timestamp: now, good: 9, total: 10 }])).statusCode).toBe(202);

    const latency = new LatencyRepository(nines.store.db);
    const window = [minuteOf(now) - MINUTE, minuteOf(now) + MINUTE] as const;
    const h = await latency.histogram('search-fast', ...window);
    expect(count(h)).toBe(900);
    expect(h).toEqual(histogramOf(latencies));
    for (const q of [0.5, 0.95]) {
      const exact = exactQuantile(latencies, q);
      const estimate = quantile(h, q) as number;
      expect(Math.abs(estimate - exact) / exact, `p${q * 100}: ${estimate} vs ${exact}`).toBeLessThan(0.05);
    }
    expect(count(await latency.histogram('search-ok', ...window))).toBe(100);
    expect(await latency.histogram('order-placed', ...window)).toEqual(EMPTY_HISTOGRAM);
    // Minute resolution: each minute holds the events stamped in it.
    expect(count(await latency.histogram('search-fast', minuteOf(now), minuteOf(now) + MINUTE))).toBe(450);
  });

  it('stores no latency for a rejected batch', async () => {
    const now = nines.clock.now;
    const res = await push([
      { sli: 'search-fast', timestamp: now, ok: true, latencyMs: 10_000 },
      { sli: 'search-fast', timestamp: now, ok: true, latencyMs: -1 },
    ]);
    expect(res.statusCode).toBe(400);
    const h = await new LatencyRepository(nines.store.db).histogram('search-fast', 0, now + HOUR);
    expect(h.buckets).not.toContain(latencyBucket(10_000));
  });
});
