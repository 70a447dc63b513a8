/**
 * A load generator for the benchmarks, run as its own process so that its CPU is
 * not billed to the server: keep-alive connections, a fixed number of requests in
 * flight, a fixed duration; prints one JSON line with counts and latencies.
 *
 * node bench/load.js '{"url": "...", "method": "POST", "headers": {...}, "bodyFile": "...", "concurrency": 8, "durationMs": 5000}'
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { performance } from 'node:perf_hooks';

const opts = JSON.parse(process.argv[2] ?? '{}');
const body = opts.bodyFile ? readFileSync(opts.bodyFile) : undefined;
const url = new URL(opts.url);
const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency });
const latencies = [];
const statuses = {};
let done = 0;
const deadline = performance.now() + opts.durationMs;

function once() {
  return new Promise((resolve) => {
    const start = performance.now();
    const req = http.request(
      {
        hostname: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method: opts.method ?? 'GET',
        agent,
        headers: { ...(opts.headers ?? {}), ...(body ? { 'content-length': body.length } : {}) },
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          latencies.push(performance.now() - start);
          statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
          done++;
          resolve();
        });
      },
    );
    req.on('error', () => {
      statuses.error = (statuses.error ?? 0) + 1;
      resolve();
    });
    if (body) req.end(body);
    else req.end();
  });
}

async function worker() {
  while (performance.now() < deadline) await once();
}

const started = performance.now();
await Promise.all(Array.from({ length: opts.concurrency }, worker));
const elapsed = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
agent.destroy();
console.log(JSON.stringify({ requests: done, seconds: elapsed, statuses, p50: pct(50), p99: pct(99) }));
