import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/store/db.js';
import { freePort } from './support/net.js';

// Nothing acknowledged is lost, nothing is counted twice: clients push batches with
// ids while the server is killed with SIGKILL at different moments; after a restart
// they retry every batch that got no 202, and the store must hold each batch once.

const BIN = join(process.cwd(), 'bin', 'nines.js');
const EVENTS_PER_BATCH = 50;

function startServer(dataDir: string, port: number): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [BIN, 'serve', '--data-dir', dataDir, '--port', String(port), '--log-level', 'error'],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let err = '';
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('nines is serving')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${err}`)));
  });
}

interface Batch {
  readonly id: string;
  readonly body: string;
  acked: boolean;
}

function makeBatch(n: number): Batch {
  const now = Date.now();
  const events = Array.from({ length: EVENTS_PER_BATCH }, (_, i) => ({
    sli: i % 2 === 0 ? 'order-placed' : 'payment-succeeded',
    timestamp: now - (i % 5) * 60_000,
    good: 1,
    total: 1,
  }));
  const id = `crash-${n}`;
  return { id, body: JSON.stringify({ batchId: id, events }), acked: false };
}

async function send(port: number, token: string, batch: Batch): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/sli/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: batch.body,
    });
    if (res.status === 202) {
      batch.acked = true;
      return true;
    }
    return false;
  } catch {
    return false; // connection refused or reset: not acknowledged
  }
}

let dataDir: string;
beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'nines-crash-'));
});
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a server killed with SIGKILL while clients push', () => {
  it.each([150, 400, 900])(
    'keeps every acknowledged batch exactly once (kill after %i ms)',
    async (killAfterMs) => {
      const dir = join(dataDir, String(killAfterMs));
      const token = execFileSync(process.execPath, [
        BIN,
        'token',
        'create',
        '--role',
        'responder',
        '--data-dir',
        dir,
      ])
        .toString()
        .trim();
      const port = await freePort();
      const server = await startServer(dir, port);
      const batches: Batch[] = [];
      let stop = false;
      const client = async (c: number) => {
        for (let n = 0; !stop; n++) {
          const batch = makeBatch(c * 100_000 + n);
          batches.push(batch);
          if (!(await send(port, token, batch))) break;
        }
      };
      const clients = Array.from({ length: 8 }, (_, c) => client(c));
      await new Promise((r) => setTimeout(r, killAfterMs));
      server.kill('SIGKILL');
      await new Promise((r) => server.once('exit', r));
      stop = true;
      await Promise.all(clients);
      const acked = batches.filter((b) => b.acked).length;
      expect(acked).toBeGreaterThan(0);

      // Restart and retry everything that was not acknowledged, with the same ids.
      const again = await startServer(dir, port);
      try {
        for (const b of batches.filter((x) => !x.acked)) expect(await send(port, token, b)).toBe(true);
      } finally {
        again.kill('SIGTERM');
        await new Promise((r) => again.once('exit', r));
      }

      const store = await openStore({ dataDir: dir });
      try {
        const totals = await store.db
          .selectFrom('sli_buckets')
          .select(['resolution', (eb) => eb.fn.sum<number>('total').as('total')])
          .groupBy('resolution')
          .execute();
        const expected = batches.length * EVENTS_PER_BATCH;
        for (const r of totals) expect(Number(r.total), `resolution ${r.resolution}`).toBe(expected);
        expect(totals).toHaveLength(3);
        const ids = await store.db.selectFrom('sli_batches').select('batch_id').execute();
        // Stored ids are scoped by the token that sent them: `<token id>/<batch id>`.
        expect(new Set(ids.map((i) => i.batch_id.replace(/^[^/]*\//, '')))).toEqual(
          new Set(batches.map((b) => b.id)),
        );
      } finally {
        await store.close();
      }
    },
    60_000,
  );
});
