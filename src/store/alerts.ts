import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { AlertState, AlertTransition } from '../slo/alert-state.js';
import type { Database } from './schema.js';

export interface AlertHistoryQuery {
  readonly slo?: string;
  readonly kind?: string;
  readonly sinceMs?: number;
  readonly limit: number;
}

/** Alert states (one JSON row per SLO) and the history of every transition. */
export class AlertRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async states(): Promise<Map<string, AlertState>> {
    const rows = await this.db.selectFrom('alert_states').select(['slo', 'state']).execute();
    return new Map(rows.map((r) => [r.slo, JSON.parse(r.state) as AlertState]));
  }

  /**
   * Saves new states and their transitions in one transaction, with `also`
   * (what else the transitions change, e.g. the alerts incidents are made of).
   */
  async record(
    states: readonly AlertState[],
    transitions: readonly AlertTransition[],
    nowMs: number,
    also?: (trx: Transaction<Database>) => Promise<void>,
  ): Promise<void> {
    if (states.length === 0 && transitions.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      await also?.(trx);
      for (const s of states) {
        await trx
          .insertInto('alert_states')
          .values({ slo: s.slo, state: JSON.stringify(s), updated_at: nowMs })
          .onConflict((oc) => oc.column('slo').doUpdateSet({ state: JSON.stringify(s), updated_at: nowMs }))
          .execute();
      }
      for (let i = 0; i < transitions.length; i += 500) {
        await trx
          .insertInto('alert_history')
          .values(
            transitions.slice(i, i + 500).map((t, j) => ({
              id: historyId(t.at, i + j),
              slo: t.slo,
              kind: t.kind,
              at: t.at,
              transition: JSON.stringify(t),
            })),
          )
          .execute();
      }
    });
  }

  /** Transitions, newest first. */
  async history(query: AlertHistoryQuery): Promise<AlertTransition[]> {
    let q = this.db.selectFrom('alert_history').select('transition');
    if (query.slo !== undefined) q = q.where('slo', '=', query.slo);
    if (query.kind !== undefined) q = q.where('kind', '=', query.kind);
    if (query.sinceMs !== undefined) q = q.where('at', '>=', query.sinceMs);
    const rows = await q.orderBy('id', 'desc').limit(query.limit).execute();
    return rows.map((r) => JSON.parse(r.transition) as AlertTransition);
  }
}

/** Sorts by time, then by order within one evaluation; the random tail keeps replicas apart. */
function historyId(at: number, index: number): string {
  return `${String(at).padStart(15, '0')}-${String(index).padStart(6, '0')}-${randomUUID().slice(0, 8)}`;
}
