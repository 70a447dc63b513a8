/**
 * (a) Durable ingest throughput: batches of 1,000 events pushed to `nines serve`
 *     (SQLite, synchronous=FULL, group commit) against a bare Node http server
 *     that only reads and JSON-parses the same bodies.
 * (c) API latency: GET /api/v1/slos under concurrent load, against the bare
 *     server answering the same bytes.
 * Server and load generator run as separate processes; rounds are interleaved.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, median, ninesOutput, startNines, startNode, stopNode } from './util.js';

const LOAD = new URL('./load.js', import.meta.url).pathname;
const BARE = new URL('./bare-server.js', import.meta.url).pathname;
const EVENTS_PER_BATCH = 1_000;
const SLIS = ['search-ok', 'search-fast', 'order-placed', 'payment-succeeded', 'recommendations-fast'];

function load(options) {
  return JSON.parse(execFileSync(process.execPath, [LOAD, JSON.stringify(options)]).toString());
}

/**
 * Which events carry `latencyMs` (kept for percentiles): BENCH_EVENTS_LATENCY=some
 * (default: the two latency SLIs, 40%), all (every event), or none (the latency
 * SLIs' share goes to the others, since a latency SLI's outcome needs latencyMs).
 */
const LATENCY = process.env.BENCH_EVENTS_LATENCY ?? 'some';
const PLAIN = SLIS.filter((s) => !s.endsWith('-fast'));
if (!['some', 'none', 'all'].includes(LATENCY))
  throw new Error(`BENCH_EVENTS_LATENCY=${LATENCY}: use some, none or all`);

function batchBody() {
  const now = Date.now();
  const events = Array.from({ length: EVENTS_PER_BATCH }, (_, i) => {
    const sli = SLIS[i % SLIS.length];
    const timestamp = now - (i % 10) * 1_000;
    const latencyMs = (i * 37) % 1500;
    if (sli === 'search-fast' || sli === 'recommendations-fast')
      return LATENCY === 'none'
        ? { sli: PLAIN[i % PLAIN.length], timestamp, ok: i % 97 !== 0 }
        : { sli, timestamp, ok: i % 97 !== 0, latencyMs };
    return LATENCY === 'all'
      ? { sli, timestamp, ok: i % 101 !== 0, latencyMs }
      : { sli, timestamp, ok: i % 101 !== 0 };
  });
  return JSON.stringify({ events });
}

export async function benchServer({ rounds = 3, seconds = 6, concurrency = 8 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'nines-bench-'));
  try {
    const token = ninesOutput(['token', 'create', '--role', 'responder', '--data-dir', dir]);
    const barePort = await freePort();
    const { child: nines, port: ninesPort } = await startNines(dir, ['--max-event-age-hours', '1']);

    const bodyFile = join(dir, 'batch.json');
    writeFileSync(bodyFile, batchBody());
    const list = await fetch(`http://127.0.0.1:${ninesPort}/api/v1/slos`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const listFile = join(dir, 'slos.json');
    writeFileSync(listFile, Buffer.from(await list.arrayBuffer()));
    const bare = await startNode([BARE, String(barePort), listFile], 'ready');
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const ingest = { nines: [], bare: [] };
    const api = { nines: [], bare: [] };
    try {
      for (let r = 0; r < rounds; r++) {
        for (const [name, port] of r % 2 === 0
          ? [
              ['nines', ninesPort],
              ['bare', barePort],
            ]
          : [
              ['bare', barePort],
              ['nines', ninesPort],
            ]) {
          writeFileSync(bodyFile, batchBody()); // fresh timestamps each round
          const res = load({
            url: `http://127.0.0.1:${port}/api/v1/sli/events`,
            method: 'POST',
            headers,
            bodyFile,
            concurrency,
            durationMs: seconds * 1000,
          });
          const ok = res.statuses['202'] ?? 0;
          ingest[name].push({
            eventsPerSecond: (ok * EVENTS_PER_BATCH) / res.seconds,
            p50: res.p50,
            p99: res.p99,
            other: res.requests - ok,
          });
          const get = load({
            url: `http://127.0.0.1:${port}/api/v1/slos`,
            headers: { authorization: `Bearer ${token}` },
            concurrency: 16,
            durationMs: 3000,
          });
          api[name].push({
            requestsPerSecond: (get.statuses['200'] ?? 0) / get.seconds,
            p50: get.p50,
            p99: get.p99,
          });
        }
      }
    } finally {
      await stopNode(nines);
      await stopNode(bare);
    }
    const pick = (xs, k) => median(xs.map((x) => x[k]));
    return {
      ingest: {
        eventsPerBatch: EVENTS_PER_BATCH,
        concurrency,
        ninesEventsPerSecond: pick(ingest.nines, 'eventsPerSecond'),
        bareEventsPerSecond: pick(ingest.bare, 'eventsPerSecond'),
        ninesP50Ms: pick(ingest.nines, 'p50'),
        ninesP99Ms: pick(ingest.nines, 'p99'),
        rejected: ingest.nines.reduce((s, x) => s + x.other, 0),
      },
      api: {
        ninesP50Ms: pick(api.nines, 'p50'),
        ninesP99Ms: pick(api.nines, 'p99'),
        bareP50Ms: pick(api.bare, 'p50'),
        bareP99Ms: pick(api.bare, 'p99'),
        ninesRps: pick(api.nines, 'requestsPerSecond'),
        bareRps: pick(api.bare, 'requestsPerSecond'),
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
