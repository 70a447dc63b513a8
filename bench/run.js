/**
 * `npm run bench`: every benchmark, each against a baseline measured in the same run.
 *   catalog  parse + validate 5,000 services / 1,000 journeys / 10,000 SLOs vs plain YAML parses
 *   ingest   durable events/s through `nines serve` vs a bare Node http server parsing the same bodies
 *   engine   one evaluation tick over 10,000 SLOs, memory per SLO
 *   api      GET /api/v1/slos p50/p99 under 16 concurrent clients vs the bare server
 *   probes   1,000 probes at a 30 s interval: scheduling lag p50/p99 and CPU vs bare undici GETs
 *   prometheus 500 SLOs read through PromQL from a local Prometheus: queries and time per poll vs bare queries
 *   intake   PagerDuty-style trigger events/s acknowledged after commit (nines serve, SQLite), and with grouping off, vs the bare server
 *   rules    rule evaluation in Prometheus: `nines rules generate` output vs Sloth-style rules, 200 SLOs
 *   grouping 20,000 alerts of 200 simultaneous failures on 5,000 services → incidents, vs marking them seen
 *   paging   trigger → signed webhook page delivered to a local receiver, p50/p99, vs posting to it directly
 *   gates    one pre- and one post-deploy gate evaluation (payment), vs the store reads each needs
 *   ui       the overview of 1,000 services / 200 journeys in headless Chromium: render after data, vs a bare table; bundle size
 * BENCH_ONLY=catalog,engine runs a subset.
 */
import os from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
globalThis.gc = runInNewContext('gc');

const only = new Set(
  (
    process.env.BENCH_ONLY ?? 'catalog,server,intake,grouping,paging,gates,ui,engine,probes,prometheus,rules'
  ).split(','),
);
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

if (only.has('intake')) {
  console.log(
    '\n== alert intake (PagerDuty Events v2 triggers to nines serve on SQLite vs a bare Node http server)',
  );
  const { benchIntake } = await import('./intake.js');
  const r = await benchIntake();
  console.log(
    `intake: ${f(r.ninesPerSecond, 0)} triggers/s durable (one per request, ${r.concurrency} clients, p50 ${f(r.ninesP50Ms)} ms, p99 ${f(r.ninesP99Ms)} ms, ${r.rejected} not 202); intake alone (grouping off) ${f(r.alonePerSecond, 0)}/s (p99 ${f(r.aloneP99Ms)} ms), whole / alone ${f(r.ninesPerSecond / r.alonePerSecond, 2)}; bare server ${f(r.barePerSecond, 0)} req/s (p50 ${f(r.bareP50Ms)} ms, p99 ${f(r.bareP99Ms)} ms); ratio ${f(r.ninesPerSecond / r.barePerSecond, 2)}`,
  );
}

if (only.has('grouping')) {
  console.log(
    '\n== grouping (alerts → incidents, in-process on SQLite, vs reading and marking the same alerts)',
  );
  const { benchGrouping } = await import('./grouping.js');
  const r = await benchGrouping();
  console.log(
    `grouping: ${r.alerts} alerts of ${r.failures} failures → ${r.incidents} incidents in ${f(r.groupingMs / 1000, 2)} s (${f(r.groupedPerSecond, 0)} alerts/s); marking them seen alone ${f(r.bareMs / 1000, 2)} s (${f(r.barePerSecond, 0)} alerts/s); ratio ${f(r.groupedPerSecond / r.barePerSecond, 2)}`,
  );
}

if (only.has('gates')) {
  console.log(
    '\n== release gates (in-process on SQLite, the web shop, vs the store reads each evaluation needs)',
  );
  const { benchGates } = await import('./gates.js');
  const r = await benchGates();
  console.log(
    `post-deploy analysis: p50 ${f(r.post.p50, 2)} ms, p99 ${f(r.post.p99, 2)} ms; its window reads alone p50 ${f(r.reads.p50, 2)} ms, p99 ${f(r.reads.p99, 2)} ms; ratio ${f(r.post.p50 / r.reads.p50, 2)}`,
  );
  console.log(
    `pre-deploy check: p50 ${f(r.pre.p50, 2)} ms, p99 ${f(r.pre.p99, 2)} ms; its open-incident query alone p50 ${f(r.incidents.p50, 2)} ms, p99 ${f(r.incidents.p99, 2)} ms; ratio ${f(r.pre.p50 / r.incidents.p50, 2)} (${r.runs} runs each)`,
  );
}

if (only.has('ui')) {
  console.log(
    '\n== web UI (overview of 1,000 services and 200 journeys in headless Chromium, vs a bare table)',
  );
  const { benchUi } = await import('./ui.js');
  const r = await benchUi();
  const kb = (n) => f(n / 1024, 0);
  console.log(
    `overview: rendered ${f(r.renderMs, 0)} ms after its data arrived (median of 5, max ${f(r.renderMaxMs, 0)} ms; target < 1,000 ms), page ready ${f(r.pageLoadMs, 0)} ms after navigation; a bare table of the same ${r.journeys} journeys ${f(r.baselineMs, 0)} ms; ratio ${f(r.renderMs / r.baselineMs, 1)}`,
  );
  console.log(
    `bundle: ${kb(r.bundle.js)} KiB JS (${kb(r.bundle.jsGzip)} KiB gzip), ${kb(r.bundle.css)} KiB CSS (${kb(r.bundle.cssGzip)} KiB gzip)`,
  );
}

if (only.has('paging')) {
  console.log(
    '\n== paging (trigger → webhook page delivered, nines serve on SQLite, one incident at a time)',
  );
  const { benchPaging } = await import('./paging.js');
  const r = await benchPaging();
  console.log(
    `paging: ${r.pages} pages, trigger sent → page received p50 ${f(r.ninesP50Ms)} ms, p99 ${f(r.ninesP99Ms)} ms, max ${f(r.ninesMaxMs)} ms; posting to the receiver directly p50 ${f(r.bareP50Ms, 2)} ms, p99 ${f(r.bareP99Ms, 2)} ms`,
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

if (only.has('rules')) {
  console.log(
    '\n== Prometheus rule evaluation (nines rules generate vs Sloth-style rules, same SLOs and history)',
  );
  const { benchRules } = await import('./rules.js');
  const r = await benchRules();
  const line = (name, v) => {
    const kinds = Object.entries(v.kinds)
      .map(([k, ms]) => `${k} ${f(ms, 0)}`)
      .join(', ');
    const failing = v.errors.length > 0 ? `; ${v.errors.length} rules failing: ${v.errors[0]}` : '';
    return `${name}: ${v.rules} rules in ${v.groups} groups (${v.rules / r.slos} per SLO); one evaluation of every group ${f(v.roundMs, 0)} ms (${kinds}), period rules ${f(v.periodMs, 0)} ms; sum of prometheus_rule_group_last_duration_seconds ${f(v.lastRoundMs, 0)} ms; Prometheus CPU ${f(v.cpuCores * 100)}% of a core${failing}`;
  };
  console.log(
    `${r.slos} SLOs, ${r.historyHours} h of history, scraped every 1 s, rules every ${r.evaluationSeconds} s (fastest evaluation of each group over 30 s)`,
  );
  console.log(line('sloth-style', r.sloth));
  console.log(line('nines', r.nines));
  console.log(
    `per evaluation round: nines / sloth ${f(r.nines.roundMs / r.sloth.roundMs, 2)}; per minute at a 1m interval (nines' period groups every 5m): sloth ${f(r.sloth.perMinuteMs, 0)} ms, nines ${f(r.nines.perMinuteMs, 0)} ms, ratio ${f(r.nines.perMinuteMs / r.sloth.perMinuteMs, 2)}; samples one period evaluation reads over a full 30d: sloth ${r.periodSamples30d.sloth}, nines ${r.periodSamples30d.nines}; run ${f(r.seconds, 0)} s`,
  );
}
