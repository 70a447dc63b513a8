import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Batch ids already committed, so a retried push is acknowledged without counting twice. */
export class BatchRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async existing(ids: readonly string[], db: Db = this.db): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const found = new Set<string>();
    for (let i = 0; i < ids.length; i += 1000) {
      const rows = await db
        .selectFrom('sli_batches')
        .select('batch_id')
        .where('batch_id', 'in', ids.slice(i, i + 1000))
        .execute();
      for (const r of rows) found.add(r.batch_id);
    }
    return found;
  }

  async record(
    rows: readonly { batchId: string; receivedAt: number; events: number }[],
    db: Db = this.db,
  ): Promise<void> {
    for (let i = 0; i < rows.length; i += 1000) {
      await db
        .insertInto('sli_batches')
        .values(
          rows
            .slice(i, i + 1000)
            .map((r) => ({ batch_id: r.batchId, received_at: r.receivedAt, events: r.events })),
        )
        .execute();
    }
  }

  async prune(beforeMs: number): Promise<number> {
    const result = await this.db
      .deleteFrom('sli_batches')
      .where('received_at', '<', beforeMs)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
