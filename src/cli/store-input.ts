import type { Command } from 'commander';
import { ConfigError, readServerConfig } from '../runtime/config.js';
import { openStore, type Store } from '../store/db.js';
import type { Io } from './io.js';
import { UserError } from './io.js';

/** The flags of commands that work on the server's store (`token`, `integration`). */
export interface StoreFlags {
  dataDir?: string;
  database?: string;
}

/** Adds `--data-dir` and `--database`, read like `nines serve` reads them. */
export const storeOptions = (cmd: Command) =>
  cmd
    .option('--data-dir <dir>', 'data directory of the SQLite store (env NINES_DATA_DIR, default ./.nines)')
    .option('--database <url>', 'postgres://… to use PostgreSQL (env NINES_DATABASE_URL)');

/**
 * Opens the store the flags (or NINES_* variables) name, runs `fn` and closes it;
 * a bad setting or a store that cannot be opened is a user error.
 *
 * @example
 * await withStore(opts, io, (store) => new TokenRepository(store.db).list());
 */
export async function withStore<T>(flags: StoreFlags, io: Io, fn: (store: Store) => Promise<T>): Promise<T> {
  let config: ReturnType<typeof readServerConfig>;
  try {
    config = readServerConfig({ dataDir: flags.dataDir, database: flags.database }, io.env);
  } catch (err) {
    if (err instanceof ConfigError) throw new UserError(err.message);
    throw err;
  }
  let store: Store;
  try {
    store = await openStore({ url: config.database, dataDir: config.dataDir });
  } catch (err) {
    throw new UserError(`cannot open the store: ${(err as Error).message}`);
  }
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
