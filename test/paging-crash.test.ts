import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './support/net.js';

/*
 * The server is killed (SIGKILL) in the middle of an escalation and started
 * again: the levels left fire once each, at the times the policy gave them,
 * and nobody is paged twice for the level that fired before the kill.
 */

const BIN = join(process.cwd(), 'bin', 'nines.js');
const CATALOG = `apiVersion: nines/v1
kind: Team
metadata: {name: ops}
spec: {members: [alice, bob], escalationPolicy: ops}
---
apiVersion: nines/v1
kind: User
metadata: {name: alice}
spec:
  email: alice@shop.example
  contacts: [{type: webhook, name: pager, url: "\${env:PAGER_URL}", secret: "\${env:PAGER_SECRET}"}]
---
apiVersion: nines/v1
kind: User
metadata: {name: bob}
spec:
  email: bob@shop.example
  contacts: [{type: webhook, name: pager, url: "\${env:PAGER_URL}", secret: "\${env:PAGER_SECRET}"}]
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
  levels:
    - {escalateAfter: 4s, targets: [{user: alice}]}
    - {escalateAfter: 3s, targets: [{user: bob}]}
    - {escalateAfter: 1h, targets: [{user: alice}, {user: bob}]}
`;

let dir: string;
let receiver: Server;
const pages: { user: string; id: string; at: number }[] = [];

function start(port: number, env: Record<string, string>): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        BIN,
        'serve',
        '--data-dir',
        dir,
        '--catalog',
        join(dir, 'catalog'),
        '--port',
        String(port),
        '--log-level',
        'error',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } },
    );
    let err = '';
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('nines is serving')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${err}`)));
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nines-paging-crash-'));
  mkdirSync(join(dir, 'catalog'));
  writeFileSync(join(dir, 'catalog', 'oncall.yaml'), CATALOG);
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      const id = String(req.headers['x-nines-delivery']);
      const user = id.split(':')[4] ?? '?';
      if (!pages.some((p) => p.id === id)) pages.push({ user, id, at: Date.now() });
      res.writeHead(204).end();
      void body;
    });
  });
  receiver.listen(0, '127.0.0.1');
  await once(receiver, 'listening');
});
afterAll(() => {
  receiver.close();
  rmSync(dir, { recursive: true, force: true });
});

const ninesCli = (args: string[]) =>
  execFileSync(process.execPath, [BIN, ...args, '--data-dir', dir, '--catalog', join(dir, 'catalog')])
    .toString()
    .trim();

describe('paging across a crash', () => {
  it('fires the remaining levels once, on time, after a SIGKILL and a restart', async () => {
    const env = {
      PAGER_URL: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/page`,
      PAGER_SECRET: 's',
    };
    const key = ninesCli(['integration', 'create', '--service', 'api', '--type', 'pagerduty']);
    const port = await freePort();
    const first = await start(port, env);
    // The incident starts between sending and the 202: "never early" counts from the send.
    const sent = Date.now();
    const res = await fetch(`http://127.0.0.1:${port}/v2/enqueue`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        routing_key: key,
        event_action: 'trigger',
        payload: { summary: 'API down', source: 'lb', severity: 'critical' },
      }),
    });
    expect(res.status).toBe(202);
    const triggered = Date.now();
    // Level 1 pages alice at once; kill the server a second later, before level 2 is due.
    for (let i = 0; i < 50 && pages.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(pages.map((p) => p.user)).toEqual(['alice']);
    await new Promise((r) => setTimeout(r, 1000));
    first.kill('SIGKILL');
    await once(first, 'exit');
    await new Promise((r) => setTimeout(r, 1000));
    const second = await start(port, env);
    try {
      // Level 2 is due 4 s after the trigger, level 3 3 s later.
      for (let i = 0; i < 150 && pages.length < 4; i++) await new Promise((r) => setTimeout(r, 100));
      expect(pages.map((p) => p.user)).toEqual(['alice', 'bob', 'alice', 'bob']);
      expect(new Set(pages.map((p) => p.id)).size).toBe(4);
      const bob = pages[1] as { at: number };
      const third = pages[2] as { at: number };
      // On time: within the loop's second of when the policy said, never early.
      expect(bob.at - sent).toBeGreaterThanOrEqual(4_000);
      expect(bob.at - triggered).toBeLessThan(6_500);
      expect(third.at - sent).toBeGreaterThanOrEqual(7_000);
      expect(third.at - triggered).toBeLessThan(9_500);
      // Nothing more comes (level 3 waits an hour, and nothing is repeated).
      await new Promise((r) => setTimeout(r, 1500));
      expect(pages).toHaveLength(4);
    } finally {
      second.kill('SIGTERM');
      await once(second, 'exit');
    }
  }, 60_000);
});
