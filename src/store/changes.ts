import type { Kysely, Transaction } from 'kysely';
import type { AlertLink } from '../alerting/types.js';
import { sha256 } from './hash.js';
import { sortableId } from './ids.js';
import type { Database } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export const CHANGE_TYPES = ['deploy', 'feature-flag', 'config', 'other'] as const;
export type ChangeType = (typeof CHANGE_TYPES)[number];

export interface NewChange {
  /** The integration that sent it, or `api` for the native endpoint. */
  readonly integrationId: string;
  readonly service: string;
  readonly summary: string;
  readonly type: ChangeType | null;
  readonly version: string | null;
  readonly author: string | null;
  readonly source: string | null;
  readonly occurredAt: number;
  readonly links: readonly AlertLink[];
  readonly customDetails: unknown;
  /** Identity of the change when the sender gives one: the same change sent twice is stored once. */
  readonly changeKey?: string;
}

export interface StoredChange extends Omit<NewChange, 'changeKey'> {
  readonly id: string;
  readonly receivedAt: number;
}

/** Change events: deploys, feature-flag flips, config changes, from PagerDuty's change endpoint or the API. */
export class ChangeRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Stores a change; one whose key was stored before is a duplicate (with the stored id) and changes nothing. */
  async add(
    change: NewChange,
    receivedAt: number,
    db: Db = this.db,
  ): Promise<{ id: string | null; duplicate: boolean }> {
    const id = sortableId(receivedAt);
    const inserted = await db
      .insertInto('intake_changes')
      .values({
        id,
        integration_id: change.integrationId,
        service: change.service,
        summary: change.summary,
        type: change.type,
        version: change.version,
        author: change.author,
        source: change.source,
        occurred_at: change.occurredAt,
        received_at: receivedAt,
        links: JSON.stringify(change.links),
        custom_details: JSON.stringify(change.customDetails ?? null),
        change_key: change.changeKey === undefined ? null : sha256(change.changeKey),
      })
      .onConflict((oc) => oc.columns(['integration_id', 'change_key']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted) return { id, duplicate: false };
    const stored = await db
      .selectFrom('intake_changes')
      .select('id')
      .where('integration_id', '=', change.integrationId)
      .where('change_key', '=', sha256(change.changeKey ?? ''))
      .executeTakeFirst();
    return { id: stored?.id ?? null, duplicate: true };
  }

  /** Changes, newest first; `services` limits them to those services, `before` to earlier ones. */
  async list(query: {
    service?: string;
    services?: readonly string[];
    version?: string;
    id?: string;
    type?: ChangeType;
    sinceMs?: number;
    beforeMs?: number;
    limit: number;
  }): Promise<StoredChange[]> {
    if (query.services !== undefined && query.services.length === 0) return [];
    let q = this.db.selectFrom('intake_changes').selectAll();
    if (query.service !== undefined) q = q.where('service', '=', query.service);
    if (query.services !== undefined) q = q.where('service', 'in', [...query.services]);
    if (query.version !== undefined) q = q.where('version', '=', query.version);
    if (query.id !== undefined) q = q.where('id', '=', query.id);
    if (query.type !== undefined) q = q.where('type', '=', query.type);
    if (query.sinceMs !== undefined) q = q.where('occurred_at', '>=', query.sinceMs);
    if (query.beforeMs !== undefined) q = q.where('occurred_at', '<', query.beforeMs);
    const rows = await q.orderBy('occurred_at', 'desc').orderBy('id', 'desc').limit(query.limit).execute();
    return rows.map((r) => ({
      id: r.id,
      integrationId: r.integration_id,
      service: r.service,
      summary: r.summary,
      type: (r.type as ChangeType | null) ?? null,
      version: r.version,
      author: r.author,
      source: r.source,
      occurredAt: r.occurred_at,
      receivedAt: r.received_at,
      links: JSON.parse(r.links) as AlertLink[],
      customDetails: JSON.parse(r.custom_details) as unknown,
    }));
  }
}
