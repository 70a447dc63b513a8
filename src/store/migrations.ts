import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
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
  '0005-alert-intake': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('integrations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('service', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('key_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('revoked_at', 'bigint')
        .execute();
      await db.schema
        .createTable('intake_alerts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('integration_id', 'text', (c) => c.notNull())
        .addColumn('service', 'text', (c) => c.notNull())
        .addColumn('dedup_key', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('summary', 'text')
        .addColumn('severity', 'text')
        .addColumn('source', 'text')
        .addColumn('started_at', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('last_event_at', 'bigint', (c) => c.notNull())
        .addColumn('acknowledged_at', 'bigint')
        .addColumn('resolved_at', 'bigint')
        .addColumn('event_count', 'integer', (c) => c.notNull())
        .addColumn('labels', 'text', (c) => c.notNull())
        .addColumn('details', 'text', (c) => c.notNull())
        .addColumn('links', 'text', (c) => c.notNull())
        .execute();
      // The natural key: one open alert per integration and dedup key (ON CONFLICT targets it).
      await db.schema
        .createIndex('intake_alerts_open')
        .on('intake_alerts')
        .columns(['integration_id', 'dedup_key'])
        .unique()
        .where(sql.ref('resolved_at'), 'is', null)
        .execute();
      await db.schema
        .createIndex('intake_alerts_service_created')
        .on('intake_alerts')
        .columns(['service', 'created_at'])
        .execute();
      await db.schema.createIndex('intake_alerts_created').on('intake_alerts').column('created_at').execute();
      await db.schema
        .createTable('intake_alert_events')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('alert_id', 'text')
        .addColumn('integration_id', 'text', (c) => c.notNull())
        .addColumn('dedup_key', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        .addColumn('delivery_key', 'text')
        .addColumn('event', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('intake_alert_events_delivery')
        .on('intake_alert_events')
        .columns(['integration_id', 'delivery_key'])
        .unique()
        .execute();
      await db.schema
        .createIndex('intake_alert_events_alert')
        .on('intake_alert_events')
        .columns(['alert_id', 'id'])
        .execute();
      await db.schema
        .createTable('intake_changes')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('integration_id', 'text', (c) => c.notNull())
        .addColumn('service', 'text', (c) => c.notNull())
        .addColumn('summary', 'text', (c) => c.notNull())
        .addColumn('source', 'text')
        .addColumn('occurred_at', 'bigint', (c) => c.notNull())
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        .addColumn('links', 'text', (c) => c.notNull())
        .addColumn('custom_details', 'text', (c) => c.notNull())
        .addColumn('change_key', 'text')
        .execute();
      await db.schema
        .createIndex('intake_changes_key')
        .on('intake_changes')
        .columns(['integration_id', 'change_key'])
        .unique()
        .execute();
      await db.schema
        .createIndex('intake_changes_service_occurred')
        .on('intake_changes')
        .columns(['service', 'occurred_at'])
        .execute();
    },
  },
  '0006-incidents': {
    async up(db: Kysely<unknown>) {
      // Alerts on a journey SLO (nines' own) name the journey; grouping marks what it has seen.
      for (const [column, type] of [
        ['journey', 'text'],
        ['incident_number', 'integer'],
        ['grouped_status', 'text'],
        ['suppressed_by', 'text'],
      ] as const)
        await db.schema.alterTable('intake_alerts').addColumn(column, type).execute();
      // What grouping has not seen yet: new alerts and alerts whose status changed since.
      await db.schema
        .createIndex('intake_alerts_ungrouped')
        .on('intake_alerts')
        .column('id')
        .where(sql<boolean>`grouped_status is null or grouped_status <> status`)
        .execute();
      await db.schema
        .createIndex('intake_alerts_incident')
        .on('intake_alerts')
        .columns(['incident_number', 'id'])
        .execute();
      for (const column of ['type', 'version', 'author'])
        await db.schema.alterTable('intake_changes').addColumn(column, 'text').execute();
      await db.schema
        .createTable('incidents')
        .addColumn('number', 'integer', (c) => c.primaryKey())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('severity', 'text', (c) => c.notNull())
        .addColumn('priority', 'text')
        .addColumn('subject_kind', 'text', (c) => c.notNull())
        .addColumn('subject_name', 'text', (c) => c.notNull())
        .addColumn('cause_service', 'text')
        .addColumn('cause_chain', 'text', (c) => c.notNull())
        .addColumn('services', 'text', (c) => c.notNull())
        .addColumn('journeys', 'text', (c) => c.notNull())
        .addColumn('assignee', 'text')
        .addColumn('roles', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('acknowledged_at', 'bigint')
        .addColumn('resolved_at', 'bigint')
        .addColumn('last_alert_at', 'bigint', (c) => c.notNull())
        .addColumn('alert_count', 'integer', (c) => c.notNull())
        .addColumn('open_alert_count', 'integer', (c) => c.notNull())
        .addColumn('merged_into', 'integer')
        .addColumn('impact', 'text')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('incidents_status').on('incidents').columns(['status', 'number']).execute();
      await db.schema.createIndex('incidents_created').on('incidents').column('created_at').execute();
      await db.schema
        .createTable('incident_timeline')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('incident', 'integer', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('incident_timeline_incident')
        .on('incident_timeline')
        .columns(['incident', 'id'])
        .execute();
      await db.schema
        .createTable('action_items')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('incident', 'integer', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('owner', 'text')
        .addColumn('due_date', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('done_at', 'bigint')
        .execute();
      await db.schema.createIndex('action_items_incident').on('action_items').column('incident').execute();
      await db.schema
        .createTable('maintenance_windows')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('services', 'text', (c) => c.notNull())
        .addColumn('starts_at', 'bigint', (c) => c.notNull())
        .addColumn('ends_at', 'bigint', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('maintenance_windows_ends')
        .on('maintenance_windows')
        .column('ends_at')
        .execute();
    },
  },
  '0007-oncall': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('schedule_overrides')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('schedule', 'text', (c) => c.notNull())
        .addColumn('user_name', 'text', (c) => c.notNull())
        .addColumn('starts_at', 'bigint', (c) => c.notNull())
        .addColumn('ends_at', 'bigint', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('schedule_overrides_schedule')
        .on('schedule_overrides')
        .columns(['schedule', 'ends_at'])
        .execute();
      await db.schema
        .createTable('calendar_feeds')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('revoked_at', 'bigint')
        .execute();
      // One escalation per incident and policy; its position is the row, so a restart continues it.
      await db.schema
        .createTable('escalations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('incident', 'integer', (c) => c.notNull())
        .addColumn('policy', 'text', (c) => c.notNull())
        .addColumn('policy_snapshot', 'text', (c) => c.notNull())
        .addColumn('level', 'integer', (c) => c.notNull())
        .addColumn('round', 'integer', (c) => c.notNull())
        .addColumn('next_at', 'bigint', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('escalations_incident_policy')
        .on('escalations')
        .columns(['incident', 'policy'])
        .unique()
        .execute();
      await db.schema
        .createIndex('escalations_due')
        .on('escalations')
        .columns(['status', 'next_at'])
        .execute();
      // The id is the idempotency id: one row per escalation, round, level, person and rule.
      await db.schema
        .createTable('notifications')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('incident', 'integer', (c) => c.notNull())
        .addColumn('escalation', 'text', (c) => c.notNull())
        .addColumn('user_name', 'text', (c) => c.notNull())
        .addColumn('contact', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('level', 'integer', (c) => c.notNull())
        .addColumn('round', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('due_at', 'bigint', (c) => c.notNull())
        .addColumn('give_up_at', 'bigint', (c) => c.notNull())
        .addColumn('claimed_until', 'bigint')
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('delivered_at', 'bigint')
        .execute();
      await db.schema
        .createIndex('notifications_due')
        .on('notifications')
        .columns(['status', 'due_at'])
        .execute();
      await db.schema
        .createIndex('notifications_incident')
        .on('notifications')
        .columns(['incident', 'id'])
        .execute();
      // Alerts a maintenance window holds back, looked at again when it ends.
      await db.schema
        .createIndex('intake_alerts_suppressed')
        .on('intake_alerts')
        .column('suppressed_by')
        .where(sql<boolean>`suppressed_by is not null and resolved_at is null and incident_number is null`)
        .execute();
      // Server secrets shared by replicas (the key that signs acknowledge links).
      await db.schema
        .createTable('server_secrets')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
  '0008-latency': {
    async up(db: Kysely<unknown>) {
      // Latency histograms per SLI and minute (buckets of src/slo/latency.ts), kept two days.
      await db.schema
        .createTable('sli_latency')
        .addColumn('sli', 'text', (c) => c.notNull())
        .addColumn('start_ms', 'bigint', (c) => c.notNull())
        .addColumn('bucket', 'integer', (c) => c.notNull())
        .addColumn('count', 'double precision', (c) => c.notNull())
        .addPrimaryKeyConstraint('sli_latency_pk', ['sli', 'start_ms', 'bucket'])
        .execute();
    },
  },
  '0009-gates': {
    async up(db: Kysely<unknown>) {
      // Every gate evaluation; a post-deploy verdict reached after its window is final, once per change.
      await db.schema
        .createTable('gate_results')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('service', 'text', (c) => c.notNull())
        .addColumn('version', 'text')
        .addColumn('stage', 'text', (c) => c.notNull())
        .addColumn('change_id', 'text')
        .addColumn('result', 'text', (c) => c.notNull())
        .addColumn('score', 'double precision')
        .addColumn('fix', 'integer', (c) => c.notNull())
        .addColumn('override_reason', 'text')
        .addColumn('requested_by', 'text', (c) => c.notNull())
        .addColumn('evaluated_at', 'bigint', (c) => c.notNull())
        .addColumn('final_key', 'text', (c) => c.unique())
        .addColumn('report', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('gate_results_service')
        .on('gate_results')
        .columns(['service', 'evaluated_at'])
        .execute();
      await db.schema.createIndex('gate_results_change').on('gate_results').column('change_id').execute();
      // One rollback call per change, whatever the number of failed evaluations or replicas.
      await db.schema
        .createTable('rollback_calls')
        .addColumn('change_id', 'text', (c) => c.primaryKey())
        .addColumn('gate_result', 'text', (c) => c.notNull())
        .addColumn('service', 'text', (c) => c.notNull())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('http_status', 'integer')
        .addColumn('response', 'text')
        .addColumn('error', 'text')
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('finished_at', 'bigint')
        .execute();
    },
  },
  '0011-web-users': {
    async up(db: Kysely<unknown>) {
      // People who sign in to the web UI; API tokens stay in api_tokens.
      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('disabled_at', 'bigint')
        .execute();
      await db.schema
        .createTable('web_sessions')
        .addColumn('id_hash', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('csrf_token', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('web_sessions_user').on('web_sessions').column('user_id').execute();
    },
  },
  '0012-rollback-lease': {
    async up(db: Kysely<unknown>) {
      // A pending rollback call is leased to the process sending it; another takes it over after.
      await db.schema.alterTable('rollback_calls').addColumn('claimed_until', 'bigint').execute();
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
