/**
 * (d) Probe scheduling: 1,000 HTTP probes at a 30 s interval against a local
 *     server (a separate process, the bare server), run by nines' scheduler and
 *     runner with a status and a JSONPath assertion each. Reports scheduling lag
 *     (start against plan) p50/p99 and the CPU the probing process used, against
 *     a baseline in the same run: the same 1,000 GETs on the same schedule from a
 *     bare loop of undici requests without any checking.
 * BENCH_PROBE_SECONDS (default 40) sets how long each variant runs.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { request } from 'undici';
import { runProbe } from '../dist/sources/probes/run.js';
import { ProbeScheduler, phase } from '../dist/sources/probes/scheduler.js';
import { freePort, quantile } from './util.js';

const BARE = new URL('./bare-server.js', import.meta.url).pathname;
const PROBES = 1_000;
const INTERVAL_MS = 30_000;

function startBare(port, payloadFile) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BARE, String(port), payloadFile], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout.on('data', (d) => {
      if (String(d).includes('ready')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`bare server exited with ${code}`)));
  });
}

function probe(i, url) {
  return {
    kind: 'Probe',
    name: `probe-${i}`,
    labels: {},
    annotations: {},
    intervalMs: INTERVAL_MS,
    timeoutMs: 10_000,
    check: {
      type: 'http',
      steps: [
        {
          name: `probe-${i}`,
          request: {
            method: 'GET',
            url,
            headers: {},
            timeoutMs: 10_000,
            followRedirects: true,
            maxRedirects: 10,
          },
          expect: {
            status: [[200, 299]],
            body: [{ type: 'exists', path: '$.results[0].sku', exists: true }],
          },
          extract: [],
        },
      ],
    },
    tls: { insecure: false },
  };
}

async function measure(seconds, body) {
  const cpu = process.cpuUsage();
  const wall = performance.now();
  const out = await body(seconds * 1000);
  const used = process.cpuUsage(cpu);
  const elapsed = performance.now() - wall;
  return { ...out, cpuShare: (used.user + used.system) / 1000 / elapsed };
}

export async function benchProbes({ seconds = Number(process.env.BENCH_PROBE_SECONDS ?? 40) } = {}) {
  const payloadFile = join(tmpdir(), `nines-probe-payload-${process.pid}.json`);
  writeFileSync(
    payloadFile,
    JSON.stringify({ results: [{ sku: 'shoe-42', name: 'Trail shoe', price: 89 }] }),
  );
  const port = await freePort();
  const server = await startBare(port, payloadFile);
  const url = `http://127.0.0.1:${port}/search?q=shoes`;
  try {
    const probes = Array.from({ length: PROBES }, (_, i) => probe(i, url));

    const nines = await measure(seconds, async (ms) => {
      const lags = [];
      let failed = 0;
      const scheduler = new ProbeScheduler(probes, {
        run: (p, signal) => runProbe(p, { env: {}, signal }),
        onResult: (_p, r, lag) => {
          lags.push(lag);
          if (!r.ok) failed++;
        },
      });
      scheduler.start();
      await new Promise((r) => setTimeout(r, ms));
      await scheduler.stop();
      return { runs: lags.length, failed, lagP50: quantile(lags, 0.5), lagP99: quantile(lags, 0.99) };
    });

    const bare = await measure(seconds, async (ms) => {
      const lags = [];
      const timers = [];
      const start = Date.now();
      for (const p of probes) {
        const fire = (planned) => {
          timers.push(setTimeout(() => fire(planned + INTERVAL_MS), planned + INTERVAL_MS - Date.now()));
          lags.push(Date.now() - planned);
          request(url)
            .then((res) => res.body.text())
            .catch(() => {});
        };
        const first = start + Math.floor(phase(p.name) * INTERVAL_MS);
        timers.push(setTimeout(() => fire(first), first - Date.now()));
      }
      await new Promise((r) => setTimeout(r, ms));
      for (const t of timers) clearTimeout(t);
      return { runs: lags.length, lagP50: quantile(lags, 0.5), lagP99: quantile(lags, 0.99) };
    });
    return { probes: PROBES, intervalMs: INTERVAL_MS, seconds, nines, bare };
  } finally {
    server.kill();
  }
}
