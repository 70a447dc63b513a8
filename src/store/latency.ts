import type { Kysely, Transaction } from 'kysely';
import { histogramFromBuckets, type LatencyHistogram } from '../slo/latency.js';
import { HOUR } from '../slo/types.js';
import type { Database } from './schema.js';

/** Latency buckets are kept this long: windows for release gates reach back two days. */
export const LATENCY_RETENTION_MS = 48 * HOUR;

/** Latencies of one SLI in one minute that fell in one bucket (see src/slo/latency.ts). */
export interface LatencyRow {
  readonly sli: string;
  readonly startMs: number;
  readonly bucket: number;
  readonly count: number;
}

type Db = Kysely<Database> | Transaction<Database>;

// SQLite allows 32,766 bound parameters per statement; 4 per row.
const CHUNK = 1000;

/**
 * Latency histograms per SLI and minute, added to (never overwritten) so
 * concurrent writers compose.
 *
 * @example
 * const latency = new LatencyRepository(store.db);
 * const h = await latency.histogram('search-fast', deployAt, deployAt + 30 * MINUTE);
 * quantile(h, 0.95);
 */
export class LatencyRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Adds counts; rows must not repeat a (sli, start, bucket) key within one call. */
  async add(rows: readonly LatencyRow[], db: Db = this.db): Promise<void> {
    for (let i = 0; i < rows.length; i += CHUNK) {
      const chunk = rows.slice(i, i + CHUNK).map((r) => ({
        sli: r.sli,
        start_ms: r.startMs,
        bucket: r.bucket,
        count: r.count,
      }));
      await db
        .insertInto('sli_latency')
        .values(chunk)
        .onConflict((oc) =>
          oc.columns(['sli', 'start_ms', 'bucket']).doUpdateSet((eb) => ({
            count: eb('sli_latency.count', '+', eb.ref('excluded.count')),
          })),
        )
        .execute();
    }
  }

  /** The histogram of one SLI over the minutes that start in [fromMs, toMs). */
  async histogram(sli: string, fromMs: number, toMs: number): Promise<LatencyHistogram> {
    const rows = await this.db
      .selectFrom('sli_latency')
      .select((eb) => ['bucket', eb.fn.sum<number>('count').as('count')])
      .where('sli', '=', sli)
      .where('start_ms', '>=', fromMs)
      .where('start_ms', '<', toMs)
      .groupBy('bucket')
      .execute();
    return histogramFromBuckets(rows.map((r) => [r.bucket, Number(r.count)] as const));
  }

  /** Deletes the minutes older than `beforeMs`; returns how many rows. */
  async prune(beforeMs: number): Promise<number> {
    const result = await this.db
      .deleteFrom('sli_latency')
      .where('start_ms', '<', beforeMs)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
