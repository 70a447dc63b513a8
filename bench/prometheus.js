import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { request } from 'undici';
import { loadCatalog } from '../dist/catalog/load.js';
import { Engine } from '../dist/runtime/engine.js';
import { PrometheusSource } from '../dist/sources/prometheus/source.js';
import { loadHistory, median, spawnPrometheus } from './util.js';

const SLOS = 500;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const ROUNDS = 10;

/** Two hours of request counters for every service, one sample a minute, ending at `end`. */
function history(start, end) {
  const lines = ['# TYPE bench_requests counter'];
  for (let s = 0; s < SLOS; s++) {
    for (const [code, share] of [
      ['200', 0.995],
      ['500', 0.005],
    ]) {
      let v = 0;
      for (let m = start; m <= end; m += MINUTE) {
        lines.push(`bench_requests_total{svc="s${s}",code="${code}"} ${v.toFixed(1)} ${m / 1000}`);
        v += (100 + (s % 10)) * share;
      }
    }
  }
  return `${lines.join('\n')}\n# EOF\n`;
}

async function startPrometheus(start, end) {
  const dir = mkdtempSync(join(tmpdir(), 'nines-bench-prom-'));
  writeFileSync(join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 15s\nscrape_configs: []\n');
  loadHistory(history(start, end), dir);
  return spawnPrometheus(dir);
}

function catalogText(url) {
  const docs = [
    'apiVersion: nines/v1\nkind: Team\nmetadata: {name: t}',
    'apiVersion: nines/v1\nkind: Service\nmetadata: {name: shop}\nspec: {owner: t}',
    `apiVersion: nines/v1\nkind: DataSource\nmetadata: {name: prom}\nspec: {type: prometheus, url: "${url}", timeout: 1m}`,
  ];
  for (let s = 0; s < SLOS; s++) {
    docs.push(`apiVersion: nines/v1
kind: SLO
metadata: {name: slo-${s}}
spec:
  service: shop
  indicator:
    source: {type: prometheus, dataSource: prom}
    ratio:
      bad: sum(rate(bench_requests_total{svc="s${s}",code=~"5.."}[{{window}}]))
      total: sum(rate(bench_requests_total{svc="s${s}"}[{{window}}]))
  objectives: [{target: 99}]
  window: 28d`);
  }
  return docs.join('\n---\n');
}

export async function benchPrometheus() {
  const end = Math.floor(Date.now() / MINUTE) * MINUTE - 5 * MINUTE;
  const start = end - 2 * HOUR;
  const prom = await startPrometheus(start, end);
  try {
    const { catalog, diagnostics } = loadCatalog([{ path: 'bench.yaml', text: catalogText(prom.url) }]);
    if (diagnostics.some((d) => d.severity === 'error')) throw new Error('bench catalog is invalid');
    const engine = new Engine(catalog, { noDataMs: 10 * MINUTE, minEvents: 10 });
    // The clock starts an hour before the history ends, so each poll finds one new minute.
    let now = end - HOUR + 2 * MINUTE + 30_000;
    engine.start({ minuteRows: [], hourRows: [], alertStates: new Map() }, now);
    const source = new PrometheusSource({
      catalog,
      // The store's part is measured by the ingest bench; here the counts go straight to the engine.
      submit: async (batch) => {
        const counts = batch.events.map((e) => ({
          sli: e.sli,
          minuteMs: e.atMs - (e.atMs % MINUTE),
          good: e.good,
          total: e.total,
        }));
        engine.ingest(counts, now);
      },
      cursors: async () => new Map(),
      clock: () => now,
      log: () => {},
      concurrency: 8,
    });
    let t = performance.now();
    await source.poll();
    const backfillMs = performance.now() - t;
    const backfillQueries = source.queries;
    const polls = [];
    const ticks = [];
    const queries = [];
    for (let i = 0; i < ROUNDS; i++) {
      now += MINUTE;
      const before = source.queries;
      t = performance.now();
      await source.poll();
      polls.push(performance.now() - t);
      queries.push(source.queries - before);
      ticks.push(engine.tick(now).durationMs);
    }
    const failing = [...source.statuses().values()].filter((s) => s.state !== 'ok').length;
    // Baseline: the same range queries (one minute of every SLI), sent by a bare loop, 8 at a time.
    const bare = [];
    for (let i = 0; i < ROUNDS; i++) {
      const at = (end - HOUR + i * MINUTE) / 1000;
      const qs = [];
      for (let s = 0; s < SLOS; s++) {
        qs.push(
          `sum(rate(bench_requests_total{svc="s${s}"}[120s]))`,
          `sum(rate(bench_requests_total{svc="s${s}",code=~"5.."}[120s]))`,
        );
      }
      t = performance.now();
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          for (let q = qs.shift(); q !== undefined; q = qs.shift()) {
            const body = new URLSearchParams({
              query: q,
              start: String(at),
              end: String(at + 60),
              step: '60',
            }).toString();
            const res = await request(`${prom.url}/api/v1/query_range`, {
              method: 'POST',
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
              body,
            });
            await res.body.json();
          }
        }),
      );
      bare.push(performance.now() - t);
    }
    return {
      slos: SLOS,
      backfillMs,
      backfillQueries,
      queriesPerPoll: median(queries),
      pollMedianMs: median(polls),
      pollMaxMs: Math.max(...polls),
      bareMedianMs: median(bare),
      tickMedianMs: median(ticks),
      failing,
    };
  } finally {
    prom.stop();
  }
}
