import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

export type Resolution = 'm' | 'h' | 'd';

export const RESOLUTION_MS: Record<Resolution, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

export interface BucketRow {
  readonly sli: string;
  readonly resolution: Resolution;
  readonly startMs: number;
  readonly good: number;
  readonly total: number;
}

type Db = Kysely<Database> | Transaction<Database>;

// SQLite allows 32,766 bound parameters per statement; 5 per row.
const CHUNK = 1000;

/** SLI counts per bucket, added to (never overwritten) so concurrent writers compose. */
export class BucketRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Adds counts; rows must not repeat a (sli, resolution, start) key within one call. */
  async add(rows: readonly BucketRow[], db: Db = this.db): Promise<void> {
    for (let i = 0; i < rows.length; i += CHUNK) {
      const chunk = rows.slice(i, i + CHUNK).map((r) => ({
        sli: r.sli,
        resolution: r.resolution,
        start_ms: r.startMs,
        good: r.good,
        total: r.total,
      }));
      await db
        .insertInto('sli_buckets')
        .values(chunk)
        .onConflict((oc) =>
          oc.columns(['sli', 'resolution', 'start_ms']).doUpdateSet((eb) => ({
            good: eb('sli_buckets.good', '+', eb.ref('excluded.good')),
            total: eb('sli_buckets.total', '+', eb.ref('excluded.total')),
          })),
        )
        .execute();
    }
  }

  /** Buckets of one resolution from `sinceMs` on, oldest first, optionally for one SLI. */
  async since(resolution: Resolution, sinceMs: number, sli?: string): Promise<BucketRow[]> {
    let q = this.db
      .selectFrom('sli_buckets')
      .select(['sli', 'start_ms', 'good', 'total'])
      .where('resolution', '=', resolution)
      .where('start_ms', '>=', sinceMs);
    if (sli !== undefined) q = q.where('sli', '=', sli);
    const rows = await q.orderBy('start_ms').execute();
    return rows.map((r) => ({ sli: r.sli, resolution, startMs: r.start_ms, good: r.good, total: r.total }));
  }

  /** Buckets of one SLI in [fromMs, toMs), oldest first. */
  async range(sli: string, resolution: Resolution, fromMs: number, toMs: number): Promise<BucketRow[]> {
    const rows = await this.db
      .selectFrom('sli_buckets')
      .select(['start_ms', 'good', 'total'])
      .where('sli', '=', sli)
      .where('resolution', '=', resolution)
      .where('start_ms', '>=', fromMs)
      .where('start_ms', '<', toMs)
      .orderBy('start_ms')
      .execute();
    return rows.map((r) => ({ sli, resolution, startMs: r.start_ms, good: r.good, total: r.total }));
  }

  /**
   * Deletes buckets of a resolution older than `beforeMs`, for one SLI or for all
   * but some; returns how many.
   */
  async prune(
    resolution: Resolution,
    beforeMs: number,
    scope: { sli?: string; except?: readonly string[] } = {},
  ): Promise<number> {
    let q = this.db
      .deleteFrom('sli_buckets')
      .where('resolution', '=', resolution)
      .where('start_ms', '<', beforeMs);
    if (scope.sli !== undefined) q = q.where('sli', '=', scope.sli);
    if (scope.except !== undefined && scope.except.length > 0)
      q = q.where('sli', 'not in', [...scope.except]);
    const result = await q.executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
