/**
 * Release gates: how long one evaluation takes, in-process on the compiled code
 * over SQLite with the example web shop. Post-deploy: payment's gate (error
 * percent, p95 latency against the baseline, throughput) over a 30-minute window
 * and a 2-hour baseline of 300 payments and 30 timed outcomes a minute; asked
 * before the window ends, so every call analyses afresh (and stores a result).
 * Pre-deploy: payment's budget policies (service, pay and order journeys), open
 * incidents and freezes. Baselines in the same run: the store reads each
 * evaluation cannot do without (the windows' counts and latency histograms; the
 * open-incident query).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadCatalog } from '../dist/catalog/load.js';
import { readCatalogFiles } from '../dist/catalog/load-dir.js';
import { createNines } from '../dist/runtime/app.js';
import { readServerConfig } from '../dist/runtime/config.js';
import { BucketRepository } from '../dist/store/buckets.js';
import { LatencyRepository } from '../dist/store/latency.js';

const MINUTE = 60_000;
const CHANGE = Date.UTC(2026, 10, 22, 12, 0, 0);
const RUNS = 300;

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

async function time(fn) {
  const out = [];
  for (let i = 0; i < 20; i++) await fn();
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return { p50: quantile(out, 0.5), p99: quantile(out, 0.99) };
}

export async function benchGates() {
  const dataDir = mkdtempSync(join(tmpdir(), 'nines-bench-gates-'));
  let now = CHANGE - 3 * 60 * MINUTE;
  const { catalog } = loadCatalog(await readCatalogFiles('examples/webshop'));
  const config = readServerConfig({ dataDir, logLevel: 'silent' }, {});
  const nines = await createNines(config, catalog, { clock: () => now, loop: false, env: {} });
  try {
    // Three hours of payments up to 20 minutes after the change, one batch per minute.
    for (let t = CHANGE - 150 * MINUTE; t < CHANGE + 20 * MINUTE; t += MINUTE) {
      now = t + MINUTE;
      const events = [{ sli: 'payment-succeeded', atMs: t, good: 299, total: 300 }];
      for (let i = 0; i < 30; i++)
        events.push({
          sli: 'payment-latency-sli',
          atMs: t + i,
          good: 1,
          total: 1,
          latencyMs: 300 + ((i * 37) % 400),
        });
      await nines.writer.submit({ events, receivedAt: now });
    }
    await nines.incidents.changes.add(
      {
        integrationId: 'api',
        service: 'payment',
        summary: 'deploy payment 9.9.9',
        type: 'deploy',
        version: '9.9.9',
        author: null,
        source: null,
        occurredAt: CHANGE,
        links: [],
        customDetails: null,
      },
      CHANGE,
    );
    now = CHANGE + 25 * MINUTE;
    await nines.evaluate();

    const post = await time(() =>
      nines.gates.evaluate({
        service: 'payment',
        version: '9.9.9',
        stage: 'post',
        fix: false,
        requestedBy: 'bench',
      }),
    );
    const buckets = new BucketRepository(nines.store.db);
    const latency = new LatencyRepository(nines.store.db);
    const reads = await time(async () => {
      for (const [from, to] of [
        [CHANGE + 2 * MINUTE, CHANGE + 32 * MINUTE],
        [CHANGE - 120 * MINUTE, CHANGE],
      ]) {
        await buckets.range('payment-succeeded', 'm', from, to);
        await buckets.range('payment-latency-sli', 'm', from, to);
        await latency.histogram('payment-latency-sli', from, to);
      }
    });
    const pre = await time(() =>
      nines.gates.evaluate({
        service: 'payment',
        version: '9.9.9',
        stage: 'pre',
        fix: false,
        requestedBy: 'bench',
      }),
    );
    const incidents = await time(() =>
      nines.incidents.repo.list({ status: 'open', service: 'payment', limit: 20 }),
    );
    return { post, reads, pre, incidents, runs: RUNS };
  } finally {
    await nines.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
