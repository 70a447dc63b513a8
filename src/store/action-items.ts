import type { Kysely } from 'kysely';
import type { ActionItem } from '../incidents/types.js';
import { sortableId } from './ids.js';
import type { Database } from './schema.js';

type Row = Database['action_items'];

const toItem = (r: Row): ActionItem => ({
  id: r.id,
  incident: r.incident,
  title: r.title,
  owner: r.owner,
  dueDate: r.due_date,
  status: r.status as ActionItem['status'],
  createdAt: r.created_at,
  doneAt: r.done_at,
});

/** Postmortem action items: what will be done so that it does not happen again, by whom, by when. */
export class ActionItemRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async add(
    item: { incident: number; title: string; owner: string | null; dueDate: string | null },
    nowMs: number,
  ): Promise<ActionItem> {
    const row: Row = {
      id: sortableId(nowMs),
      incident: item.incident,
      title: item.title,
      owner: item.owner,
      due_date: item.dueDate,
      status: 'open',
      created_at: nowMs,
      done_at: null,
    };
    await this.db.insertInto('action_items').values(row).execute();
    return toItem(row);
  }

  async list(query: { incident?: number; status?: ActionItem['status'] }): Promise<ActionItem[]> {
    let q = this.db.selectFrom('action_items').selectAll();
    if (query.incident !== undefined) q = q.where('incident', '=', query.incident);
    if (query.status !== undefined) q = q.where('status', '=', query.status);
    return (await q.orderBy('id').execute()).map(toItem);
  }

  async get(id: string): Promise<ActionItem | undefined> {
    const row = await this.db.selectFrom('action_items').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toItem(row) : undefined;
  }

  async update(
    id: string,
    patch: Partial<{
      title: string;
      owner: string | null;
      dueDate: string | null;
      status: ActionItem['status'];
    }>,
    nowMs: number,
  ): Promise<ActionItem | undefined> {
    await this.db
      .updateTable('action_items')
      .set({
        ...(patch.title !== undefined && { title: patch.title }),
        ...(patch.owner !== undefined && { owner: patch.owner }),
        ...(patch.dueDate !== undefined && { due_date: patch.dueDate }),
        ...(patch.status !== undefined && {
          status: patch.status,
          done_at: patch.status === 'done' ? nowMs : null,
        }),
      })
      .where('id', '=', id)
      .execute();
    return this.get(id);
  }
}
