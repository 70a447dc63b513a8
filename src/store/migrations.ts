import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import type { Database } from './schema.js';

/**
 * Migrations in code, run in order on SQLite and PostgreSQL alike. Only portable
 * column types (text, integer, bigint, double precision); ids are generated in
 * code, not by the database.
 */
const MIGRATIONS: Record<string, Migration> = {
  '0001-tokens-and-sli': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('api_tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('last_used_at', 'bigint')
        .addColumn('revoked_at', 'bigint')
        .execute();
      await db.schema
        .createTable('sli_batches')
        .addColumn('batch_id', 'text', (c) => c.primaryKey())
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        .addColumn('events', 'integer', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('sli_buckets')
        .addColumn('sli', 'text', (c) => c.notNull())
        .addColumn('resolution', 'text', (c) => c.notNull())
        .addColumn('start_ms', 'bigint', (c) => c.notNull())
        .addColumn('good', 'double precision', (c) => c.notNull())
        .addColumn('total', 'double precision', (c) => c.notNull())
        .addPrimaryKeyConstraint('sli_buckets_pk', ['sli', 'resolution', 'start_ms'])
        .execute();
      await db.schema.createIndex('sli_batches_received').on('sli_batches').column('received_at').execute();
    },
  },
  '0002-alerts': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('alert_states')
        .addColumn('slo', 'text', (c) => c.primaryKey())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('alert_history')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('slo', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('transition', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('alert_history_slo_at')
        .on('alert_history')
        .columns(['slo', 'at'])
        .execute();
    },
  },
  '0003-probe-runs': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('probe_runs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('probe', 'text', (c) => c.notNull())
        .addColumn('started_at', 'bigint', (c) => c.notNull())
        .addColumn('duration_ms', 'double precision', (c) => c.notNull())
        .addColumn('ok', 'integer', (c) => c.notNull())
        .addColumn('trigger', 'text', (c) => c.notNull())
        .addColumn('result', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('probe_runs_probe_started')
        .on('probe_runs')
        .columns(['probe', 'started_at'])
        .execute();
    },
  },
  '0004-source-cursors': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('source_cursors')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('read_to', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/** Brings the schema up to date; every failure is thrown with the migration's name. */
export async function migrate(db: Kysely<Database>): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
