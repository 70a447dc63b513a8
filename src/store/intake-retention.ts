import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * Removes intake history older than the retention: resolved alerts and their
 * events, events that acted on no alert (dropped, duplicates' claims), changes.
 * Open alerts stay however old; incidents and their timelines are never removed
 * (their counts and fixed impact do not need the alerts).
 */
export async function pruneIntake(db: Kysely<Database>, beforeMs: number): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const events = await trx
      .deleteFrom('intake_alert_events')
      .where('received_at', '<', beforeMs)
      .where((eb) =>
        eb.or([
          eb('alert_id', 'is', null),
          eb(
            'alert_id',
            'in',
            eb.selectFrom('intake_alerts').select('id').where('resolved_at', '<', beforeMs),
          ),
        ]),
      )
      .executeTakeFirst();
    const alerts = await trx
      .deleteFrom('intake_alerts')
      .where('resolved_at', '<', beforeMs)
      .executeTakeFirst();
    const changes = await trx
      .deleteFrom('intake_changes')
      .where('occurred_at', '<', beforeMs)
      .executeTakeFirst();
    return Number(events.numDeletedRows) + Number(alerts.numDeletedRows) + Number(changes.numDeletedRows);
  });
}
