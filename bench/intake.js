/**
 * Alert intake: PagerDuty-style trigger events (one per request, no dedup_key, so
 * each opens a new alert: an alert row and a history row) sent to `nines serve`
 * on SQLite (synchronous=FULL, group commit, a 202 only after commit), against
 * the bare Node http server reading and JSON-parsing the same bodies. The rate
 * limit is raised for the run: it measures the store path, not the limiter.
 * Server and load generator run as separate processes; rounds are interleaved,
 * after a warm-up of each server. The generator (`pipelinedLoad`) writes one
 * pre-serialised request over keep-alive sockets and reports its own CPU, so it
 * leaves the two cores to the server; the CPU of the server per event and what
 * the rest of the machine used during each round are reported beside the rates.
 * Measured too, in the same rounds: the same build with grouping off ("alone":
 * what intake costs without turning alerts into incidents), and with
 * BENCH_INTAKE_BASE=<another checkout, built> that checkout's whole server.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  freePort,
  machineBusySeconds,
  median,
  ninesOutput,
  pipelinedLoadProcess,
  processCpuSeconds,
  startNines,
  startNode,
  stopNode,
} from './util.js';

const BARE = new URL('./bare-server.js', import.meta.url).pathname;
const NO_GROUPING = new URL('./no-grouping.js', import.meta.url).href;
const BASE = process.env.BENCH_INTAKE_BASE;

export async function benchIntake({ rounds = 3, seconds = 5, connections = 64, pipelining = 1 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'nines-bench-intake-'));
  try {
    const flags = ['--intake-rate', '1000000', '--intake-burst', '1000000'];
    // Each nines server on a database of its own, with its own integration key and request body.
    const startOne = async (name, { bin, node } = {}) => {
      const dataDir = join(dir, name);
      const key = ninesOutput(
        [
          'integration',
          'create',
          '--service',
          'search',
          '--type',
          'pagerduty',
          '--name',
          'bench',
          '--data-dir',
          dataDir,
        ],
        bin,
      );
      const bodyFile = join(dir, `${name}.json`);
      writeFileSync(
        bodyFile,
        JSON.stringify({
          routing_key: key,
          event_action: 'trigger',
          client: 'bench',
          payload: {
            summary: 'orders: 14.4x burn over 1h',
            source: 'prod-db-1',
            severity: 'critical',
            component: 'mysql',
            custom_details: { slo: 'orders-availability', burn_rate: 15.2 },
          },
        }),
      );
      const { child, port } = await startNines(dataDir, flags, { bin, node });
      return { child, port, pid: child.pid, bodyFile };
    };
    const servers = {
      // The whole server: intake, and grouping the alerts into incidents as they come.
      nines: await startOne('nines'),
      // The same build with grouping switched off: what intake alone costs.
      alone: await startOne('alone', { node: ['--import', NO_GROUPING] }),
      // BENCH_INTAKE_BASE=<another checkout, built>: its whole server, measured in the same rounds.
      ...(BASE && { base: await startOne('base', { bin: join(BASE, 'bin/nines.js') }) }),
    };
    const barePort = await freePort();
    const bare = await startNode([BARE, String(barePort)], 'ready');
    servers.bare = { child: bare, port: barePort, pid: bare.pid, bodyFile: servers.nines.bodyFile };
    const run = (name, durationMs) => {
      const server = servers[name];
      const cpu0 = processCpuSeconds(server.pid);
      const busy0 = machineBusySeconds();
      const started = performance.now();
      const res = pipelinedLoadProcess({
        url: `http://127.0.0.1:${server.port}/v2/enqueue`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        bodyFile: server.bodyFile,
        connections,
        pipelining,
        durationMs,
      });
      const wall = (performance.now() - started) / 1000;
      const serverCpu = processCpuSeconds(server.pid) - cpu0;
      const ok = res.statuses['202'] ?? 0;
      return {
        perSecond: ok / res.seconds,
        p50: res.p50,
        p99: res.p99,
        other: Object.values(res.statuses).reduce((s, n) => s + n, 0) - ok,
        serverCores: serverCpu / wall,
        serverUsPerRequest: (serverCpu * 1e6) / ok,
        generatorCores: res.cpuCores,
        // What every other process on the machine used meanwhile, in cores.
        elsewhereCores: (machineBusySeconds() - busy0) / wall - serverCpu / wall - res.cpuCores,
      };
    };
    const names = Object.keys(servers);
    const results = Object.fromEntries(names.map((n) => [n, []]));
    try {
      for (const name of names) run(name, 1_000);
      for (let r = 0; r < rounds; r++) {
        const order = r % 2 === 0 ? names : [...names].reverse();
        for (const name of order) results[name].push(run(name, seconds * 1000));
      }
    } finally {
      for (const server of Object.values(servers)) await stopNode(server.child);
    }
    const pick = (xs, k) => median(xs.map((x) => x[k]));
    const f = (n, d = 0) => Number(n).toFixed(d);
    for (const [name, xs] of Object.entries(results))
      console.log(
        `${name} rounds: ${xs.map((x) => `${f(x.perSecond)}/s p50 ${f(x.p50, 1)} p99 ${f(x.p99, 1)} ms`).join('; ')}; server CPU ${f(pick(xs, 'serverCores'), 2)} cores, ${f(pick(xs, 'serverUsPerRequest'))} µs per request; generator ${f(pick(xs, 'generatorCores'), 2)} cores; elsewhere on the machine ${f(pick(xs, 'elsewhereCores'), 2)} cores`,
      );
    const ratios = (a, b) => results[a].map((x, i) => f(x.perSecond / results[b][i].perSecond, 2)).join(', ');
    console.log(`ratio per round (nines / bare): ${ratios('nines', 'bare')}`);
    console.log(`ratio per round (whole server / intake alone): ${ratios('nines', 'alone')}`);
    if (BASE) console.log(`ratio per round (whole server / base whole server): ${ratios('nines', 'base')}`);
    return {
      concurrency: connections * pipelining,
      connections,
      pipelining,
      ninesPerSecond: pick(results.nines, 'perSecond'),
      ninesP50Ms: pick(results.nines, 'p50'),
      ninesP99Ms: pick(results.nines, 'p99'),
      alonePerSecond: pick(results.alone, 'perSecond'),
      aloneP99Ms: pick(results.alone, 'p99'),
      barePerSecond: pick(results.bare, 'perSecond'),
      bareP50Ms: pick(results.bare, 'p50'),
      bareP99Ms: pick(results.bare, 'p99'),
      rejected: results.nines.reduce((s, x) => s + x.other, 0),
      rounds: results,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
