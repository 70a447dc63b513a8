import type { Kysely } from 'kysely';
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
   */
  async add(report: GateReport): Promise<{ report: GateReport; stored: boolean }> {
    const finalKey = report.final && report.change ? report.change.id : null;
    const inserted = await this.db
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
    if (inserted) return { report, stored: true };
    const winner = finalKey === null ? undefined : await this.finalFor(finalKey);
    if (!winner) throw new Error(`gate result ${report.id} was neither stored nor found`);
    return { report: winner, stored: false };
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

  /** Claims the one rollback call of a change; false when it was claimed before. */
  async claimRollback(call: {
    changeId: string;
    gateResult: string;
    service: string;
    url: string;
    at: number;
  }): Promise<boolean> {
    const inserted = await this.db
      .insertInto('rollback_calls')
      .values({
        change_id: call.changeId,
        gate_result: call.gateResult,
        service: call.service,
        url: call.url,
        status: 'pending',
        http_status: null,
        response: null,
        error: null,
        attempts: 0,
        created_at: call.at,
        finished_at: null,
      })
      .onConflict((oc) => oc.column('change_id').doNothing())
      .returning('change_id')
      .executeTakeFirst();
    return inserted !== undefined;
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

  /** Rollback calls still pending (a crash between claim and answer): retried at start. */
  async pendingRollbacks(): Promise<RollbackCall[]> {
    const rows = await this.db
      .selectFrom('rollback_calls')
      .selectAll()
      .where('status', '=', 'pending')
      .execute();
    return rows.map(toCall);
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

function toCall(r: Database['rollback_calls']): RollbackCall {
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
