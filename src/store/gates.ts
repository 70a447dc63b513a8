import type { Kysely, Selectable } from 'kysely';
import type { GateReport } from '../gates/report.js';
import type { Database } from './schema.js';

export interface RollbackCall {
  readonly changeId: string;
  readonly gateResult: string;
  readonly service: string;
  readonly url: string;
  readonly status: 'pending' | 'delivered' | 'failed';
  readonly httpStatus: number | null;
  readonly response: string | null;
  readonly error: string | null;
  readonly attempts: number;
  readonly createdAt: number;
  readonly finishedAt: number | null;
}

/** Gate results and rollback calls. */
export class GateRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Stores a result. A final post-deploy verdict is stored once per change: when
   * another one was stored first (a second replica, a retry), that one is returned.
   * With `rollback`, the rollback call is claimed in the same transaction as the
   * final verdict (pending, leased to this process for `leaseMs`), so a crash
   * between the two cannot lose it.
   */
  async add(
    report: GateReport,
    rollback?: { url: string; at: number; leaseMs: number },
  ): Promise<{ report: GateReport; stored: boolean; rollbackClaimed: boolean }> {
    const finalKey = report.final && report.change ? report.change.id : null;
    const outcome = await this.db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('gate_results')
        .values({
          id: report.id,
          service: report.service,
          version: report.version,
          stage: report.stage,
          change_id: report.change?.id ?? null,
          result: report.result,
          score: report.score ?? null,
          fix: report.fix ? 1 : 0,
          override_reason: report.override?.reason ?? null,
          requested_by: report.requestedBy,
          evaluated_at: report.evaluatedAt,
          final_key: finalKey,
          report: JSON.stringify(report),
        })
        .onConflict((oc) => oc.column('final_key').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!inserted) return { stored: false, rollbackClaimed: false };
      if (!rollback || !report.change) return { stored: true, rollbackClaimed: false };
      const claimed = await trx
        .insertInto('rollback_calls')
        .values({
          change_id: report.change.id,
          gate_result: report.id,
          service: report.service,
          url: rollback.url,
          status: 'pending',
          http_status: null,
          response: null,
          error: null,
          attempts: 0,
          created_at: rollback.at,
          finished_at: null,
          claimed_until: rollback.at + rollback.leaseMs,
        })
        .onConflict((oc) => oc.column('change_id').doNothing())
        .returning('change_id')
        .executeTakeFirst();
      return { stored: true, rollbackClaimed: claimed !== undefined };
    });
    if (outcome.stored) return { report, ...outcome };
    const winner = finalKey === null ? undefined : await this.finalFor(finalKey);
    if (!winner) throw new Error(`gate result ${report.id} was neither stored nor found`);
    return { report: winner, stored: false, rollbackClaimed: false };
  }

  async get(id: string): Promise<GateReport | undefined> {
    const row = await this.db
      .selectFrom('gate_results')
      .select('report')
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? (JSON.parse(row.report) as GateReport) : undefined;
  }

  /** The final post-deploy verdict of a change, if it was reached. */
  async finalFor(changeId: string): Promise<GateReport | undefined> {
    const row = await this.db
      .selectFrom('gate_results')
      .select('report')
      .where('final_key', '=', changeId)
      .executeTakeFirst();
    return row ? (JSON.parse(row.report) as GateReport) : undefined;
  }

  /** Results, newest first. */
  async list(query: {
    service?: string;
    services?: readonly string[];
    changeIds?: readonly string[];
    stage?: 'pre' | 'post';
    result?: string;
    sinceMs?: number;
    beforeMs?: number;
    limit: number;
  }): Promise<GateReport[]> {
    if (query.services !== undefined && query.services.length === 0) return [];
    if (query.changeIds !== undefined && query.changeIds.length === 0) return [];
    let q = this.db.selectFrom('gate_results').select('report');
    if (query.service !== undefined) q = q.where('service', '=', query.service);
    if (query.services !== undefined) q = q.where('service', 'in', [...query.services]);
    if (query.changeIds !== undefined) q = q.where('change_id', 'in', [...query.changeIds]);
    if (query.stage !== undefined) q = q.where('stage', '=', query.stage);
    if (query.result !== undefined) q = q.where('result', '=', query.result);
    if (query.sinceMs !== undefined) q = q.where('evaluated_at', '>=', query.sinceMs);
    if (query.beforeMs !== undefined) q = q.where('evaluated_at', '<', query.beforeMs);
    const rows = await q.orderBy('evaluated_at', 'desc').orderBy('id', 'desc').limit(query.limit).execute();
    return rows.map((r) => JSON.parse(r.report) as GateReport);
  }

  /** Whether a final post-deploy verdict exists for each change. */
  async finalized(changeIds: readonly string[]): Promise<Set<string>> {
    if (changeIds.length === 0) return new Set();
    const rows = await this.db
      .selectFrom('gate_results')
      .select('final_key')
      .where('final_key', 'in', [...changeIds])
      .execute();
    return new Set(rows.flatMap((r) => (r.final_key === null ? [] : [r.final_key])));
  }

  /**
   * Takes over pending rollback calls whose lease ran out (the process sending
   * them stopped), leasing each to the caller; one replica wins each row.
   */
  async takeOverRollbacks(now: number, leaseMs: number): Promise<RollbackCall[]> {
    const stale = await this.db
      .selectFrom('rollback_calls')
      .select('change_id')
      .where('status', '=', 'pending')
      .where('claimed_until', '<', now)
      .execute();
    const taken: RollbackCall[] = [];
    for (const { change_id } of stale) {
      const row = await this.db
        .updateTable('rollback_calls')
        .set({ claimed_until: now + leaseMs })
        .where('change_id', '=', change_id)
        .where('status', '=', 'pending')
        .where('claimed_until', '<', now)
        .returningAll()
        .executeTakeFirst();
      if (row) taken.push(toCall(row));
    }
    return taken;
  }

  async finishRollback(
    changeId: string,
    outcome: {
      status: 'delivered' | 'failed';
      httpStatus: number | null;
      response: string | null;
      error: string | null;
      attempts: number;
      at: number;
    },
  ): Promise<void> {
    await this.db
      .updateTable('rollback_calls')
      .set({
        status: outcome.status,
        http_status: outcome.httpStatus,
        response: outcome.response,
        error: outcome.error,
        attempts: outcome.attempts,
        finished_at: outcome.at,
      })
      .where('change_id', '=', changeId)
      .execute();
  }

  async rollbacks(changeIds: readonly string[]): Promise<Map<string, RollbackCall>> {
    if (changeIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('rollback_calls')
      .selectAll()
      .where('change_id', 'in', [...changeIds])
      .execute();
    return new Map(rows.map((r) => [r.change_id, toCall(r)]));
  }
}

function toCall(r: Selectable<Database['rollback_calls']>): RollbackCall {
  return {
    changeId: r.change_id,
    gateResult: r.gate_result,
    service: r.service,
    url: r.url,
    status: r.status as RollbackCall['status'],
    httpStatus: r.http_status,
    response: r.response,
    error: r.error,
    attempts: r.attempts,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
  };
}
