/**
 * Paging latency: a PagerDuty-style trigger sent to `nines serve` (SQLite) → the
 * signed webhook page delivered to a local receiver, with no configured delay
 * (the first escalation level pages at once). One incident at a time: trigger,
 * wait for the page, resolve, next. Baseline in the same run: the bench posting
 * the same page body straight to the same receiver (the network and receiver floor).
 */
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { median, ninesOutput, quantile, startNines, stopNode } from './util.js';

const CATALOG = `apiVersion: nines/v1
kind: Team
metadata: {name: ops}
spec: {members: [alice], escalationPolicy: ops}
---
apiVersion: nines/v1
kind: User
metadata: {name: alice}
spec:
  email: alice@bench.example
  contacts: [{type: webhook, name: pager, url: "\${env:BENCH_PAGER_URL}", secret: "\${env:BENCH_PAGER_SECRET}"}]
---
apiVersion: nines/v1
kind: Service
metadata: {name: api}
spec: {owner: ops}
---
apiVersion: nines/v1
kind: EscalationPolicy
metadata: {name: ops}
spec:
  levels: [{escalateAfter: 30m, targets: [{user: alice}]}]
`;

export async function benchPaging({ pages = 200 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'nines-bench-paging-'));
  const catalogDir = join(dir, 'catalog');
  mkdirSync(catalogDir);
  writeFileSync(join(catalogDir, 'oncall.yaml'), CATALOG);
  let waiting;
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(204).end();
      waiting?.(performance.now());
    });
  });
  receiver.listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  const receiverUrl = `http://127.0.0.1:${receiver.address().port}/page`;
  process.env.BENCH_PAGER_URL = receiverUrl;
  process.env.BENCH_PAGER_SECRET = 'bench-secret';
  const common = ['--data-dir', dir, '--catalog', catalogDir];
  const key = ninesOutput(['integration', 'create', '--service', 'api', '--type', 'pagerduty', ...common]);
  const token = ninesOutput(['token', 'create', '--role', 'responder', '--data-dir', dir]);
  const { child, port } = await startNines(dir, ['--catalog', catalogDir]);
  const base = `http://127.0.0.1:${port}`;
  const page = () => new Promise((resolve) => (waiting = resolve));
  try {
    const nines = [];
    for (let i = 0; i < pages + 10; i++) {
      const arrived = page();
      const t0 = performance.now();
      const res = await fetch(`${base}/v2/enqueue`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          routing_key: key,
          event_action: 'trigger',
          dedup_key: `bench-${i}`,
          payload: { summary: `bench ${i}`, source: 'bench', severity: 'critical' },
        }),
      });
      if (res.status !== 202) throw new Error(`trigger answered ${res.status}`);
      const t1 = await arrived;
      if (i >= 10) nines.push(t1 - t0);
      // Resolve it so the next trigger opens (and pages) a new incident.
      const list = await (
        await fetch(`${base}/api/v1/incidents?status=open`, { headers: { authorization: `Bearer ${token}` } })
      ).json();
      for (const incident of list.incidents)
        await fetch(`${base}/api/v1/incidents/${incident.number}/resolve`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}` },
        });
    }
    const bare = [];
    const body = JSON.stringify({ event: 'incident.triggered', incident: { number: 1, title: 'bench' } });
    for (let i = 0; i < pages; i++) {
      const arrived = page();
      const t0 = performance.now();
      await fetch(receiverUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      bare.push((await arrived) - t0);
    }
    return {
      pages,
      ninesP50Ms: median(nines),
      ninesP99Ms: quantile(nines, 0.99),
      ninesMaxMs: Math.max(...nines),
      bareP50Ms: median(bare),
      bareP99Ms: quantile(bare, 0.99),
    };
  } finally {
    await stopNode(child);
    receiver.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
