import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { openStore, type Store } from '../../src/store/db.js';

export const DIALECTS = ['sqlite', 'postgres'] as const;
export type TestDialect = (typeof DIALECTS)[number];

/** The connection settings of a fresh, empty database of the dialect. */
export async function freshDatabase(
  dialect: TestDialect,
): Promise<{ url?: string; dataDir: string; drop: () => Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'nines-store-'));
  const removeDir = () => rmSync(dataDir, { recursive: true, force: true });
  if (dialect === 'sqlite') return { dataDir, drop: async () => removeDir() };
  const server = inject('postgresUrl');
  const name = `nines_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = server.replace(/\/[^/]*$/, `/${name}`);
  return {
    url,
    dataDir,
    drop: async () => {
      const c = new pg.Client({ connectionString: server });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
      removeDir();
    },
  };
}

/** A migrated store on a fresh database; `cleanup` closes and removes it. */
export async function openTestStore(dialect: TestDialect): Promise<Store & { cleanup: () => Promise<void> }> {
  const fresh = await freshDatabase(dialect);
  const store = await openStore({ url: fresh.url, dataDir: fresh.dataDir });
  return Object.assign(store, {
    cleanup: async () => {
      await store.close();
      await fresh.drop();
    },
  });
}
