import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, type SqliteDatabase, SqliteDialect } from 'kysely';
import pg from 'pg';
import { migrate } from './migrations.js';
import type { Database } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  /** Where the data lives, without credentials, for logs and `/readyz`. */
  readonly location: string;
  close(): Promise<void>;
}

// int8 (bigint) columns hold epoch milliseconds, well inside 2^53.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));

/**
 * Opens the store and runs migrations: PostgreSQL when `url` is a postgres URL,
 * otherwise SQLite in `<dataDir>/nines.db` (WAL; synchronous=FULL so a committed
 * transaction survives a crash or power loss).
 */
export async function openStore(options: {
  url?: string | undefined;
  dataDir: string;
  /** Told about errors on idle PostgreSQL connections (a server restart, a failover). */
  onError?: (err: Error) => void;
}): Promise<Store> {
  const { url, dataDir } = options;
  let store: Store;
  if (url !== undefined && /^postgres(ql)?:\/\//.test(url)) {
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    // An idle connection dropped by the server (restart, failover) must not crash nines;
    // the pool replaces it on the next query.
    pool.on('error', (err) => options.onError?.(err));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    store = { db, dialect: 'postgres', location: redact(url), close: () => db.destroy() };
  } else {
    const file = url?.startsWith('sqlite:') ? url.slice('sqlite:'.length) : join(dataDir, 'nines.db');
    if (file !== ':memory:')
      mkdirSync(file === join(dataDir, 'nines.db') ? dataDir : join(file, '..'), { recursive: true });
    const sqlite = new SQLite(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('busy_timeout = 5000');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: preparedOnce(sqlite) }) });
    store = { db, dialect: 'sqlite', location: file, close: () => db.destroy() };
  }
  try {
    await migrate(store.db);
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}

/**
 * Statements kept prepared, the least recently used dropped first. Multi-row
 * statements come in a few sizes (`chunked`), so the hot ones all fit.
 */
const PREPARED = 256;

/**
 * The database as Kysely's SQLite driver sees it, with prepared statements
 * reused: the driver prepares every query it runs, and compiling the SQL cost
 * more than running it on the intake and grouping paths. The one connection runs
 * one statement at a time to its end (nothing streams), so a statement is never
 * in use twice; SQLite prepares a statement again itself after a schema change.
 */
function preparedOnce(sqlite: SQLite.Database): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => {
      cache.clear();
      sqlite.close();
    },
    prepare(text) {
      let stmt = cache.get(text);
      if (stmt) {
        // Most recently used last, so the oldest goes first.
        cache.delete(text);
      } else {
        stmt = sqlite.prepare(text);
        if (cache.size >= PREPARED) cache.delete(cache.keys().next().value as string);
      }
      cache.set(text, stmt);
      return stmt;
    },
  };
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres';
  }
}
