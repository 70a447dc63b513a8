import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

type Db = Kysely<Database>;

/** Read positions of pulling sources, so a restart reads on from where the stored data ends. */
export class CursorRepository {
  constructor(private readonly db: Db) {}

  async get(key: string): Promise<number | undefined> {
    const row = await this.db
      .selectFrom('source_cursors')
      .select('read_to')
      .where('key', '=', key)
      .executeTakeFirst();
    return row?.read_to;
  }

  /** Every cursor whose key starts with `prefix` (there is one per pulled SLI: few). */
  async all(prefix: string): Promise<Map<string, number>> {
    const rows = await this.db.selectFrom('source_cursors').select(['key', 'read_to']).execute();
    return new Map(rows.filter((r) => r.key.startsWith(prefix)).map((r) => [r.key, r.read_to]));
  }

  /** Sets a cursor (in the caller's transaction when `db` is one). */
  async move(cursor: { key: string; readTo: number }, db: Db = this.db): Promise<void> {
    await db
      .insertInto('source_cursors')
      .values({ key: cursor.key, read_to: cursor.readTo })
      .onConflict((oc) => oc.column('key').doUpdateSet({ read_to: cursor.readTo }))
      .execute();
  }
}
