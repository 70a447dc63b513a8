import { once } from 'node:events';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadCatalog } from '../dist/catalog/load.js';
import { generateRules } from '../dist/rules/generate.js';
import { renderRules } from '../dist/rules/render.js';
import { loadHistory, spawnPrometheus } from './util.js';

const SLOS = 200;
const HISTORY_HOURS = 12;
/** Scrapes every second; rules every 10 s (every second would saturate a small machine's CPUs). */
const EVALUATION_S = 10;
const WARMUP_MS = 12_000;
const MEASURE_MS = 30_000;
const MINUTE = 60_000;
const ERROR_SHARE = 0.002;
const OBJECTIVE = 0.999;

/** Requests per second of service `s`; counters are rate × seconds since `epoch`, in history and live alike. */
const rps = (s) => 20 + (s % 10) * 5;

function exporterText(epoch, nowMs) {
  const secs = (nowMs - epoch) / 1000;
  const lines = ['# TYPE bench_requests_total counter'];
  for (let s = 0; s < SLOS; s++) {
    lines.push(
      `bench_requests_total{svc="s${s}",code="200"} ${(rps(s) * (1 - ERROR_SHARE) * secs).toFixed(2)}`,
    );
    lines.push(`bench_requests_total{svc="s${s}",code="500"} ${(rps(s) * ERROR_SHARE * secs).toFixed(2)}`);
  }
  return `${lines.join('\n')}\n`;
}

const ids = (s) => ({ sloth_id: `s${s}-slo-${s}`, sloth_service: `s${s}`, sloth_slo: `slo-${s}` });
const om = (labels) =>
  Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',');

/** OpenMetrics history: raw counters every minute, plus what the variant's period rule reads. */
function history(variant, epoch, end) {
  const out = ['# TYPE bench_requests counter'];
  for (let s = 0; s < SLOS; s++) {
    for (const [code, share] of [
      ['200', 1 - ERROR_SHARE],
      ['500', ERROR_SHARE],
    ]) {
      for (let t = epoch; t <= end; t += MINUTE) {
        out.push(
          `bench_requests_total{svc="s${s}",code="${code}"} ${(rps(s) * share * ((t - epoch) / 1000)).toFixed(2)} ${t / 1000}`,
        );
      }
    }
  }
  if (variant === 'sloth') {
    out.push('# TYPE slo:sli_error:ratio_rate5m gauge');
    for (let s = 0; s < SLOS; s++) {
      const labels = om({ ...ids(s), sloth_window: '5m' });
      for (let t = epoch + 5 * MINUTE; t <= end; t += 30_000) {
        out.push(`slo:sli_error:ratio_rate5m{${labels}} ${ERROR_SHARE} ${t / 1000}`);
      }
    }
  } else {
    for (const [name, share] of [
      ['slo:sli_error:count5m', ERROR_SHARE],
      ['slo:sli_total:count5m', 1],
    ]) {
      out.push(`# TYPE ${name} gauge`);
      for (let s = 0; s < SLOS; s++) {
        const labels = om({ nines_slo: `slo-${s}`, service: `s${s}`, ...ids(s) });
        for (let t = epoch + 5 * MINUTE; t <= end; t += 5 * MINUTE) {
          out.push(`${name}{${labels}} ${rps(s) * share * 300} ${t / 1000}`);
        }
      }
    }
  }
  return `${out.join('\n')}\n# EOF\n`;
}

function ninesRules() {
  const docs = ['apiVersion: nines/v1\nkind: Team\nmetadata: {name: t}'];
  for (let s = 0; s < SLOS; s++) {
    docs.push(`apiVersion: nines/v1\nkind: Service\nmetadata: {name: s${s}}\nspec: {owner: t}`);
    docs.push(`apiVersion: nines/v1
kind: SLO
metadata: {name: slo-${s}}
spec:
  service: s${s}
  indicator:
    source: prometheus
    ratio:
      bad: sum(rate(bench_requests_total{svc="s${s}",code=~"5.."}[{{window}}]))
      total: sum(rate(bench_requests_total{svc="s${s}"}[{{window}}]))
  objectives: [{target: 99.9}]
  window: 30d`);
  }
  const { catalog, diagnostics } = loadCatalog([{ path: 'bench.yaml', text: docs.join('\n---\n') }]);
  if (diagnostics.some((d) => d.severity === 'error')) throw new Error('bench catalog is invalid');
  return renderRules(generateRules(catalog));
}

/** Sloth v0.16's shapes for the same SLOs (optimized period rule, one alert per severity). */
function slothRules() {
  const budget = `${(100 - 99.9) / 100}`;
  const tiers = [
    ['page', 14.4, '5m', '1h'],
    ['page', 6, '30m', '6h'],
    ['ticket', 3, '2h', '1d'],
    ['ticket', 1, '6h', '3d'],
  ];
  const groups = [];
  for (let s = 0; s < SLOS; s++) {
    const l = ids(s);
    const sel = `{sloth_id="${l.sloth_id}", sloth_service="${l.sloth_service}", sloth_slo="${l.sloth_slo}"}`;
    const windows = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'].map((w) => ({
      record: `slo:sli_error:ratio_rate${w}`,
      expr: `(sum(rate(bench_requests_total{svc="s${s}",code=~"5.."}[${w}])))\n/\n(sum(rate(bench_requests_total{svc="s${s}"}[${w}])))`,
      labels: { ...l, sloth_window: w },
    }));
    windows.push({
      record: 'slo:sli_error:ratio_rate30d',
      expr: `sum_over_time(slo:sli_error:ratio_rate5m${sel}[30d])\n/ ignoring (sloth_window)\ncount_over_time(slo:sli_error:ratio_rate5m${sel}[30d])`,
      labels: { ...l, sloth_window: '30d' },
    });
    const join = `/ on(sloth_id, sloth_slo, sloth_service) group_left\nslo:error_budget:ratio${sel}`;
    const meta = [
      { record: 'slo:objective:ratio', expr: `vector(${OBJECTIVE})`, labels: l },
      { record: 'slo:error_budget:ratio', expr: `vector(1-${OBJECTIVE})`, labels: l },
      { record: 'slo:time_period:days', expr: 'vector(30)', labels: l },
      { record: 'slo:current_burn_rate:ratio', expr: `slo:sli_error:ratio_rate5m${sel}\n${join}`, labels: l },
      { record: 'slo:period_burn_rate:ratio', expr: `slo:sli_error:ratio_rate30d${sel}\n${join}`, labels: l },
      {
        record: 'slo:period_error_budget_remaining:ratio',
        expr: `1 - slo:period_burn_rate:ratio${sel}`,
        labels: l,
      },
      {
        record: 'sloth_slo_info',
        expr: 'vector(1)',
        labels: { ...l, sloth_mode: 'cli-gen-prom', sloth_objective: '99.9', sloth_spec: 'prometheus/v1' },
      },
    ];
    const over = (w, f) =>
      `max(slo:sli_error:ratio_rate${w}${sel} > (${f} * ${budget})) without (sloth_window)`;
    const alerts = ['page', 'ticket'].map((severity) => ({
      alert: 'SlothBurn',
      expr: tiers
        .filter((t) => t[0] === severity)
        .map(([, f, short, long]) => `(\n    ${over(short, f)}\n    and\n    ${over(long, f)}\n)`)
        .join('\nor\n'),
      labels: { sloth_severity: severity },
      annotations: {
        title: `(${severity}) {{$labels.sloth_service}} {{$labels.sloth_slo}} burn rate too fast`,
      },
    }));
    groups.push(
      { name: `sloth-slo-sli-recordings-${l.sloth_id}`, rules: windows },
      { name: `sloth-slo-meta-recordings-${l.sloth_id}`, rules: meta },
      { name: `sloth-slo-alerts-${l.sloth_id}`, rules: alerts },
    );
  }
  return stringify({ groups }, { lineWidth: 0, aliasDuplicateObjects: false });
}

async function startPrometheus(blocks, rulesText, target) {
  const dir = mkdtempSync(join(tmpdir(), 'nines-bench-rules-'));
  cpSync(blocks, join(dir, 'data'), { recursive: true });
  writeFileSync(join(dir, 'rules.yaml'), rulesText);
  writeFileSync(
    join(dir, 'prometheus.yml'),
    [
      `global: {scrape_interval: 1s, evaluation_interval: ${EVALUATION_S}s}`,
      `rule_files: [${JSON.stringify(join(dir, 'rules.yaml'))}]`,
      `scrape_configs: [{job_name: bench, static_configs: [{targets: ["${target}"]}]}]`,
    ].join('\n'),
  );
  return spawnPrometheus(dir);
}

function createBlocks(text) {
  const dir = mkdtempSync(join(tmpdir(), 'nines-bench-blocks-'));
  loadHistory(text, dir);
  return dir;
}

async function cpuSeconds(url) {
  const metrics = await (await fetch(`${url}/metrics`)).text();
  return { cpu: Number(/^process_cpu_seconds_total (\S+)$/m.exec(metrics)?.[1]), at: Date.now(), metrics };
}

/**
 * Polls /api/v1/rules while the rules run and keeps, per group and per period
 * rule, the fastest evaluation seen: on a shared machine the fastest of several
 * is the cost, the rest is waiting for a CPU.
 */
async function measure(url, periodRecord) {
  const a = await cpuSeconds(url);
  const groupMin = new Map();
  const periodMin = new Map();
  const errors = new Set();
  let rules = 0;
  const until = Date.now() + MEASURE_MS;
  while (Date.now() < until) {
    await new Promise((r) => setTimeout(r, 2000));
    const api = await (await fetch(`${url}/api/v1/rules`)).json();
    rules = 0;
    for (const g of api.data.groups) {
      if (g.evaluationTime > 0)
        groupMin.set(g.name, Math.min(groupMin.get(g.name) ?? Infinity, g.evaluationTime));
      for (const r of g.rules) {
        rules++;
        if (r.health === 'err') errors.add(`${g.name}/${r.name}: ${r.lastError}`);
        if (r.name === periodRecord && r.evaluationTime > 0) {
          periodMin.set(g.name, Math.min(periodMin.get(g.name) ?? Infinity, r.evaluationTime));
        }
      }
    }
  }
  const b = await cpuSeconds(url);
  // What Prometheus reports of itself: the groups' last durations, summed.
  let lastMs = 0;
  for (const m of b.metrics.matchAll(/^prometheus_rule_group_last_duration_seconds\{[^}]*\} (\S+)$/gm)) {
    lastMs += Number(m[1]) * 1000;
  }
  const sum = (m) => [...m.values()].reduce((x, y) => x + y, 0) * 1000;
  const kinds = {};
  for (const [name, seconds] of groupMin) {
    const kind = /-slo-(sli|period|meta|alerts)/.exec(name)?.[1] ?? 'other';
    kinds[kind] = (kinds[kind] ?? 0) + seconds * 1000;
  }
  return {
    roundMs: sum(groupMin),
    kinds,
    lastRoundMs: lastMs,
    periodMs: sum(periodMin),
    cpuCores: (b.cpu - a.cpu) / ((b.at - a.at) / 1000),
    groups: groupMin.size,
    rules,
    errors: [...errors],
  };
}

export async function benchRules() {
  if (!existsSync('/usr/bin/prometheus'))
    throw new Error('install Debian prometheus (apt-get install prometheus)');
  const started = Date.now();
  const end = Math.floor(started / MINUTE) * MINUTE - MINUTE;
  const epoch = end - HISTORY_HOURS * 60 * MINUTE;
  const exporter = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(exporterText(epoch, Date.now()));
  });
  exporter.listen(0, '127.0.0.1');
  await once(exporter, 'listening');
  const target = `127.0.0.1:${exporter.address().port}`;
  const variants = {
    sloth: { rules: slothRules() },
    // The period groups run every 5m in production; here at the global interval, like the rest, to time them.
    nines: { rules: ninesRules().replaceAll('    interval: 5m\n', '') },
  };
  const proms = {};
  try {
    // Both at once, against the same exporter: whatever else the machine does slows both alike.
    for (const [name, v] of Object.entries(variants)) {
      const blocks = createBlocks(history(name, epoch, end));
      proms[name] = await startPrometheus(join(blocks, 'data'), v.rules, target);
      rmSync(blocks, { recursive: true, force: true });
    }
    await new Promise((r) => setTimeout(r, WARMUP_MS));
    const [sloth, nines] = await Promise.all([
      measure(proms.sloth.url, 'slo:sli_error:ratio_rate30d'),
      measure(proms.nines.url, 'slo:sli_error:ratio_rate30d'),
    ]);
    // Per minute at Prometheus' default 1m evaluation interval; nines' period groups run every 5m.
    return {
      slos: SLOS,
      historyHours: HISTORY_HOURS,
      evaluationSeconds: EVALUATION_S,
      seconds: (Date.now() - started) / 1000,
      sloth: { ...sloth, perMinuteMs: sloth.roundMs },
      nines: { ...nines, perMinuteMs: nines.roundMs - (nines.kinds.period ?? 0) * (1 - 1 / 5) },
      // Samples one evaluation of the period rule reads over a full 30 days: Sloth's 5m ratio every
      // 30 s, read twice (sum_over_time and count_over_time), against two 5-minute counts.
      periodSamples30d: { sloth: 2 * ((30 * 86_400) / 30), nines: 2 * ((30 * 86_400) / 300) },
    };
  } finally {
    for (const p of Object.values(proms)) p.stop();
    exporter.close();
  }
}
