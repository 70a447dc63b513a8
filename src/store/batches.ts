import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Batch ids of committed pushes, so a retried push is acknowledged without counting twice. */
export class BatchRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Records batch ids not seen before and returns those it recorded. Safe when two
   * writers (or two replicas) claim the same id at once: only one gets it.
   */
  async claim(
    rows: readonly { batchId: string; receivedAt: number; events: number }[],
    db: Db = this.db,
  ): Promise<Set<string>> {
    const claimed = new Set<string>();
    for (let i = 0; i < rows.length; i += 1000) {
      const inserted = await db
        .insertInto('sli_batches')
        .values(
          rows
            .slice(i, i + 1000)
            .map((r) => ({ batch_id: r.batchId, received_at: r.receivedAt, events: r.events })),
        )
        .onConflict((oc) => oc.column('batch_id').doNothing())
        .returning('batch_id')
        .execute();
      for (const r of inserted) claimed.add(r.batch_id);
    }
    return claimed;
  }

  async prune(beforeMs: number): Promise<number> {
    const result = await this.db
      .deleteFrom('sli_batches')
      .where('received_at', '<', beforeMs)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
