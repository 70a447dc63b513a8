import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { ProbeRunResult } from '../sources/probes/run.js';
import type { Database } from './schema.js';

export type ProbeTrigger = 'schedule' | 'manual';

export interface StoredProbeRun {
  readonly id: string;
  readonly trigger: ProbeTrigger;
  readonly result: ProbeRunResult;
}

/** Run history of probes: the last runs of each, with their (already redacted) results. */
export class ProbeRunRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Stores runs in one transaction. */
  async record(runs: readonly { trigger: ProbeTrigger; result: ProbeRunResult }[]): Promise<string[]> {
    if (runs.length === 0) return [];
    const rows = runs.map((r) => ({
      id: randomUUID(),
      probe: r.result.probe,
      started_at: r.result.startedAt,
      duration_ms: r.result.durationMs,
      ok: r.result.ok ? 1 : 0,
      trigger: r.trigger,
      result: JSON.stringify(r.result),
    }));
    await this.db.transaction().execute(async (trx) => {
      for (let i = 0; i < rows.length; i += 200) {
        await trx
          .insertInto('probe_runs')
          .values(rows.slice(i, i + 200))
          .execute();
      }
    });
    return rows.map((r) => r.id);
  }

  /** The newest runs of a probe, newest first. */
  async latest(probe: string, limit: number): Promise<StoredProbeRun[]> {
    const rows = await this.db
      .selectFrom('probe_runs')
      .select(['id', 'trigger', 'result'])
      .where('probe', '=', probe)
      .orderBy('started_at', 'desc')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      trigger: r.trigger as ProbeTrigger,
      result: JSON.parse(r.result) as ProbeRunResult,
    }));
  }

  /** The newest run of every probe that has one. */
  async newestOfEach(): Promise<Map<string, StoredProbeRun>> {
    const newest = this.db
      .selectFrom('probe_runs')
      .select(({ fn }) => ['probe', fn.max('started_at').as('started_at')])
      .groupBy('probe')
      .as('newest');
    const rows = await this.db
      .selectFrom('probe_runs as r')
      .innerJoin(newest, (j) =>
        j.onRef('r.probe', '=', 'newest.probe').onRef('r.started_at', '=', 'newest.started_at'),
      )
      .select(['r.id', 'r.probe', 'r.trigger', 'r.result'])
      .execute();
    const out = new Map<string, StoredProbeRun>();
    for (const r of rows) {
      out.set(r.probe, {
        id: r.id,
        trigger: r.trigger as ProbeTrigger,
        result: JSON.parse(r.result) as ProbeRunResult,
      });
    }
    return out;
  }

  /** Keeps the newest `keep` runs of each probe; returns how many were deleted. */
  async prune(keep: number): Promise<number> {
    const probes = await this.db.selectFrom('probe_runs').select('probe').distinct().execute();
    let deleted = 0;
    for (const { probe } of probes) {
      const edge = await this.db
        .selectFrom('probe_runs')
        .select('started_at')
        .where('probe', '=', probe)
        .orderBy('started_at', 'desc')
        .offset(keep - 1)
        .limit(1)
        .executeTakeFirst();
      if (!edge) continue;
      const r = await this.db
        .deleteFrom('probe_runs')
        .where('probe', '=', probe)
        .where('started_at', '<', edge.started_at)
        .executeTakeFirst();
      deleted += Number(r.numDeletedRows);
    }
    return deleted;
  }
}
