/**
 * `npm run bench`: every benchmark, each against a baseline measured in the same run.
 *   catalog  parse + validate 5,000 services / 1,000 journeys / 10,000 SLOs vs plain YAML parses
 *   ingest   durable events/s through `nines serve` vs a bare Node http server parsing the same bodies
 *   engine   one evaluation tick over 10,000 SLOs, memory per SLO
 *   api      GET /api/v1/slos p50/p99 under 16 concurrent clients vs the bare server
 *   probes   1,000 probes at a 30 s interval: scheduling lag p50/p99 and CPU vs bare undici GETs
 *   prometheus 500 SLOs read through PromQL from a local Prometheus: queries and time per poll vs bare queries
 * BENCH_ONLY=catalog,engine runs a subset.
 */
import os from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
globalThis.gc = runInNewContext('gc');

const only = new Set((process.env.BENCH_ONLY ?? 'catalog,server,engine,probes,prometheus').split(','));
const cpus = os.cpus();
console.log(
  `machine: ${cpus[0]?.model ?? 'unknown cpu'}, ${cpus.length} cpus, node ${process.version}, load ${os.loadavg()[0].toFixed(2)}`,
);
const f = (n, d = 1) => Number(n).toFixed(d);

if (only.has('catalog')) {
  console.log('\n== catalog');
  await import('./catalog.js');
}

if (only.has('server')) {
  console.log('\n== ingest and API (nines serve on SQLite vs a bare Node http server, 3 interleaved rounds)');
  const { benchServer } = await import('./server.js');
  const r = await benchServer();
  const i = r.ingest;
  console.log(
    `ingest: ${f(i.ninesEventsPerSecond / 1000)}k events/s durable (batches of ${i.eventsPerBatch}, ${i.concurrency} clients, p50 ${f(i.ninesP50Ms)} ms, p99 ${f(i.ninesP99Ms)} ms); bare server ${f(i.bareEventsPerSecond / 1000)}k events/s; ratio ${f(i.ninesEventsPerSecond / i.bareEventsPerSecond, 2)}`,
  );
  const a = r.api;
  console.log(
    `api GET /api/v1/slos, 16 clients: p50 ${f(a.ninesP50Ms, 2)} ms, p99 ${f(a.ninesP99Ms, 2)} ms, ${f(a.ninesRps, 0)} req/s; bare server p50 ${f(a.bareP50Ms, 2)} ms, p99 ${f(a.bareP99Ms, 2)} ms, ${f(a.bareRps, 0)} req/s; throughput ratio ${f(a.ninesRps / a.bareRps, 3)}`,
  );
}

if (only.has('engine')) {
  console.log('\n== evaluation tick');
  const { benchEngine } = await import('./engine.js');
  const r = await benchEngine();
  console.log(
    `tick over ${r.slos} SLOs (8 windows each, 2% burning): median ${f(r.tickMedianMs)} ms, max ${f(r.tickMaxMs)} ms; series ${f(r.seriesBytesPerSlo / 1024)} KiB per SLO; rebuild from stored buckets ${f(r.rebuildMs / 1000)} s`,
  );
}

if (only.has('probes')) {
  console.log('\n== probes (1,000 HTTP probes at a 30 s interval against a local server in another process)');
  const { benchProbes } = await import('./probes.js');
  const r = await benchProbes();
  const n = r.nines;
  const b = r.bare;
  console.log(
    `nines scheduler + runner: ${n.runs} runs in ${r.seconds} s (${n.failed} failed), lag p50 ${f(n.lagP50, 0)} ms, p99 ${f(n.lagP99, 0)} ms, CPU ${f(n.cpuShare * 100)}% of a core; bare undici GETs on the same schedule: ${b.runs} runs, lag p50 ${f(b.lagP50, 0)} ms, p99 ${f(b.lagP99, 0)} ms, CPU ${f(b.cpuShare * 100)}%; CPU ratio ${f(n.cpuShare / b.cpuShare, 2)}`,
  );
}

if (only.has('prometheus')) {
  console.log('\n== SLIs through PromQL (500 SLOs, a local Prometheus with two hours of history)');
  const { benchPrometheus } = await import('./prometheus.js');
  const r = await benchPrometheus();
  console.log(
    `first read (backfill): ${f(r.backfillMs / 1000, 2)} s, ${r.backfillQueries} queries; each poll after: ${r.queriesPerPoll} queries, median ${f(r.pollMedianMs, 0)} ms, max ${f(r.pollMaxMs, 0)} ms; bare undici loop sending the same queries: median ${f(r.bareMedianMs, 0)} ms; ratio ${f(r.bareMedianMs / r.pollMedianMs, 2)}; evaluation tick over the ${r.slos} SLOs: median ${f(r.tickMedianMs, 1)} ms; SLIs failing: ${r.failing}`,
  );
}
