import { randomBytes } from 'node:crypto';
import { type Kysely, type Selectable, sql } from 'kysely';
import type { Override } from '../oncall/schedule.js';
import type { Dialect } from './db.js';
import { sha256 } from './hash.js';
import { sortableId } from './ids.js';
import type { Db } from './incidents.js';
import type { Database } from './schema.js';

export interface StoredOverride extends Override {
  readonly schedule: string;
  readonly reason: string | null;
  readonly createdBy: string;
  readonly createdAt: number;
}

/** Overrides: someone else on call for a time range of a schedule. */
export class OverrideRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async add(o: Omit<StoredOverride, 'id' | 'createdAt'>, nowMs: number): Promise<StoredOverride> {
    const id = sortableId(nowMs);
    await this.db
      .insertInto('schedule_overrides')
      .values({
        id,
        schedule: o.schedule,
        user_name: o.user,
        starts_at: o.start,
        ends_at: o.end,
        reason: o.reason,
        created_by: o.createdBy,
        created_at: nowMs,
      })
      .execute();
    return { ...o, id, createdAt: nowMs };
  }

  /** Overrides of a schedule (or all) that end after `fromMs` and start before `toMs`. */
  async list(
    query: { schedule?: string; fromMs: number; toMs: number },
    db: Db = this.db,
  ): Promise<StoredOverride[]> {
    let q = db
      .selectFrom('schedule_overrides')
      .selectAll()
      .where('ends_at', '>', query.fromMs)
      .where('starts_at', '<', query.toMs);
    if (query.schedule !== undefined) q = q.where('schedule', '=', query.schedule);
    // In order of creation: where overrides overlap, the one made later wins.
    const rows = await q.orderBy('created_at').orderBy('id').execute();
    return rows.map((r) => ({
      id: r.id,
      schedule: r.schedule,
      user: r.user_name,
      start: r.starts_at,
      end: r.ends_at,
      reason: r.reason,
      createdBy: r.created_by,
      createdAt: r.created_at,
    }));
  }

  async remove(schedule: string, id: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom('schedule_overrides')
      .where('id', '=', id)
      .where('schedule', '=', schedule)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}

export interface CalendarFeed {
  readonly id: string;
  readonly kind: 'schedule' | 'user';
  readonly name: string;
  readonly createdBy: string;
  readonly createdAt: number;
  readonly revokedAt: number | null;
}

/** Secret iCal feed URLs: the token is shown once and stored as its SHA-256. */
export class CalendarFeedRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async create(
    feed: { kind: 'schedule' | 'user'; name: string; createdBy: string },
    nowMs: number,
  ): Promise<{ feed: CalendarFeed; token: string }> {
    const token = randomBytes(24).toString('base64url');
    const id = sortableId(nowMs);
    await this.db
      .insertInto('calendar_feeds')
      .values({
        id,
        kind: feed.kind,
        name: feed.name,
        token_hash: sha256(token),
        created_by: feed.createdBy,
        created_at: nowMs,
        revoked_at: null,
      })
      .execute();
    return { feed: { id, ...feed, createdAt: nowMs, revokedAt: null }, token };
  }

  async resolve(token: string): Promise<CalendarFeed | undefined> {
    const row = await this.db
      .selectFrom('calendar_feeds')
      .selectAll()
      .where('token_hash', '=', sha256(token))
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return row ? toFeed(row) : undefined;
  }

  async list(): Promise<CalendarFeed[]> {
    return (await this.db.selectFrom('calendar_feeds').selectAll().orderBy('id').execute()).map(toFeed);
  }

  async revoke(id: string, nowMs: number): Promise<boolean> {
    const r = await this.db
      .updateTable('calendar_feeds')
      .set({ revoked_at: nowMs })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
}

const toFeed = (r: Selectable<Database['calendar_feeds']>): CalendarFeed => ({
  id: r.id,
  kind: r.kind as CalendarFeed['kind'],
  name: r.name,
  createdBy: r.created_by,
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
});

export type EscalationRow = Selectable<Database['escalations']>;
export type NotificationRow = Selectable<Database['notifications']>;

/** Escalations and the notifications they make: durable rows, claimed under a lock or with a lease. */
export class PagingRepository {
  constructor(
    readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  /** Serialises escalation steps across replicas for the rest of the transaction. */
  async lockEscalations(db: Db): Promise<void> {
    if (this.dialect === 'postgres') await sql`select pg_advisory_xact_lock(7316, 2)`.execute(db);
  }

  async startEscalation(
    db: Db,
    e: { incident: number; policy: string; snapshot: unknown; at: number },
  ): Promise<boolean> {
    const r = await db
      .insertInto('escalations')
      .values({
        id: `${e.incident}:${e.policy}`,
        incident: e.incident,
        policy: e.policy,
        policy_snapshot: JSON.stringify(e.snapshot),
        level: 0,
        round: 0,
        next_at: e.at,
        status: 'active',
        created_at: e.at,
        updated_at: e.at,
      })
      .onConflict((oc) => oc.columns(['incident', 'policy']).doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async dueEscalations(db: Db, nowMs: number, limit: number): Promise<EscalationRow[]> {
    return db
      .selectFrom('escalations')
      .selectAll()
      .where('status', '=', 'active')
      .where('next_at', '<=', nowMs)
      .orderBy('next_at')
      .limit(limit)
      .execute();
  }

  async moveEscalation(
    db: Db,
    id: string,
    set: { level?: number; round?: number; nextAt?: number; status?: string },
    nowMs: number,
  ): Promise<void> {
    await db
      .updateTable('escalations')
      .set({
        updated_at: nowMs,
        ...(set.level !== undefined && { level: set.level }),
        ...(set.round !== undefined && { round: set.round }),
        ...(set.nextAt !== undefined && { next_at: set.nextAt }),
        ...(set.status !== undefined && { status: set.status }),
      })
      .where('id', '=', id)
      .execute();
  }

  async escalations(incident: number): Promise<EscalationRow[]> {
    return this.db
      .selectFrom('escalations')
      .selectAll()
      .where('incident', '=', incident)
      .orderBy('id')
      .execute();
  }

  /** Adds notifications; one whose id exists (the same level paged again after a crash) is skipped. */
  async addNotifications(db: Db, rows: readonly NotificationRow[]): Promise<number> {
    let added = 0;
    for (let i = 0; i < rows.length; i += 200) {
      const r = await db
        .insertInto('notifications')
        .values(rows.slice(i, i + 200))
        .onConflict((oc) => oc.column('id').doNothing())
        .executeTakeFirst();
      added += Number(r.numInsertedOrUpdatedRows ?? 0);
    }
    return added;
  }

  /**
   * Leases due notifications until `leaseUntil`: a replica that dies mid-send
   * lets the lease run out and another sends again (the receiver dedupes on the id).
   */
  async claimDue(
    nowMs: number,
    leaseUntil: number,
    limit: number,
    /** Rows this process is still sending (their lease may have run out): never claimed twice. */
    exclude: readonly string[] = [],
  ): Promise<NotificationRow[]> {
    return this.db.transaction().execute(async (trx) => {
      let q = trx
        .selectFrom('notifications')
        .selectAll()
        .where('status', '=', 'pending')
        .where('due_at', '<=', nowMs)
        .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', nowMs)]))
        .orderBy('due_at')
        .limit(limit);
      if (exclude.length > 0) q = q.where('id', 'not in', [...exclude]);
      if (this.dialect === 'postgres') q = q.forUpdate().skipLocked();
      const rows = await q.execute();
      if (rows.length === 0) return [];
      await trx
        .updateTable('notifications')
        .set((eb) => ({ claimed_until: leaseUntil, attempts: eb('attempts', '+', 1) }))
        .where(
          'id',
          'in',
          rows.map((r) => r.id),
        )
        .execute();
      return rows.map((r) => ({ ...r, claimed_until: leaseUntil, attempts: r.attempts + 1 }));
    });
  }

  /**
   * Records what became of a leased row, only while the lease is still this
   * sender's: a sender whose lease ran out (and another took over) changes nothing.
   */
  async settle(
    id: string,
    lease: number | null,
    set: {
      status: 'pending' | 'delivered' | 'failed' | 'cancelled';
      dueAt?: number;
      error?: string | null;
      /** Give back the attempt counted by the claim (a row put back unsent). */
      unclaim?: boolean;
    },
    nowMs: number,
  ): Promise<boolean> {
    let q = this.db
      .updateTable('notifications')
      .set((eb) => ({
        status: set.status,
        claimed_until: null,
        ...(set.dueAt !== undefined && { due_at: set.dueAt }),
        ...(set.error !== undefined && { last_error: set.error }),
        ...(set.status === 'delivered' && { delivered_at: nowMs }),
        ...(set.unclaim === true && { attempts: eb('attempts', '-', 1) }),
      }))
      .where('id', '=', id);
    q = lease === null ? q.where('claimed_until', 'is', null) : q.where('claimed_until', '=', lease);
    const r = await q.executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async notifications(incident: number): Promise<NotificationRow[]> {
    return this.db
      .selectFrom('notifications')
      .selectAll()
      .where('incident', '=', incident)
      .orderBy('id')
      .execute();
  }

  /** A named server secret, created at random the first time (replicas share it). */
  async secret(name: string, nowMs: number): Promise<Buffer> {
    const value = randomBytes(32).toString('base64');
    await this.db
      .insertInto('server_secrets')
      .values({ name, value, created_at: nowMs })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const row = await this.db
      .selectFrom('server_secrets')
      .select('value')
      .where('name', '=', name)
      .executeTakeFirstOrThrow();
    return Buffer.from(row.value, 'base64');
  }
}
