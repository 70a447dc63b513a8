/**
 * Alert intake: PagerDuty-style trigger events (one per request, no dedup_key, so
 * each opens a new alert: an alert row and a history row) sent to `nines serve`
 * on SQLite (synchronous=FULL, group commit, a 202 only after commit), against
 * the bare Node http server reading and JSON-parsing the same bodies. The rate
 * limit is raised for the run: it measures the store path, not the limiter.
 * Server and load generator run as separate processes; rounds are interleaved.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, median, ninesOutput, startNines, startNode, stopNode } from './util.js';

const LOAD = new URL('./load.js', import.meta.url).pathname;
const BARE = new URL('./bare-server.js', import.meta.url).pathname;

const load = (options) =>
  JSON.parse(execFileSync(process.execPath, [LOAD, JSON.stringify(options)]).toString());

export async function benchIntake({ rounds = 3, seconds = 5, concurrency = 64 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'nines-bench-intake-'));
  try {
    const key = ninesOutput([
      'integration',
      'create',
      '--service',
      'search',
      '--type',
      'pagerduty',
      '--name',
      'bench',
      '--data-dir',
      dir,
    ]);
    const barePort = await freePort();
    const { child: nines, port: ninesPort } = await startNines(dir, [
      '--intake-rate',
      '1000000',
      '--intake-burst',
      '1000000',
    ]);

    const bare = await startNode([BARE, String(barePort)], 'ready');
    const bodyFile = join(dir, 'trigger.json');
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
    const results = { nines: [], bare: [] };
    try {
      for (let r = 0; r < rounds; r++) {
        const order = r % 2 === 0 ? ['nines', 'bare'] : ['bare', 'nines'];
        for (const name of order) {
          const port = name === 'nines' ? ninesPort : barePort;
          const res = load({
            url: `http://127.0.0.1:${port}/v2/enqueue`,
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            bodyFile,
            concurrency,
            durationMs: seconds * 1000,
          });
          const ok = res.statuses['202'] ?? 0;
          results[name].push({
            perSecond: ok / res.seconds,
            p50: res.p50,
            p99: res.p99,
            other: res.requests - ok,
          });
        }
      }
    } finally {
      await stopNode(nines);
      await stopNode(bare);
    }
    const pick = (xs, k) => median(xs.map((x) => x[k]));
    return {
      concurrency,
      ninesPerSecond: pick(results.nines, 'perSecond'),
      ninesP50Ms: pick(results.nines, 'p50'),
      ninesP99Ms: pick(results.nines, 'p99'),
      barePerSecond: pick(results.bare, 'perSecond'),
      bareP50Ms: pick(results.bare, 'p50'),
      bareP99Ms: pick(results.bare, 'p99'),
      rejected: results.nines.reduce((s, x) => s + x.other, 0),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
