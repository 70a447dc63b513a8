import { createHash, randomUUID } from 'node:crypto';
import type { Insertable, Kysely, Transaction } from 'kysely';
import type {
  AlertEvent,
  AlertLink,
  AlertOutcome,
  AlertSeverity,
  AlertStatus,
  ChangeEvent,
} from '../alerting/types.js';
import type { Integration } from './integrations.js';
import type { Database } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface AppliedEvent {
  readonly dedupKey: string;
  readonly outcome: AlertOutcome;
  /** The alert the event acted on or was noted on; null when dropped or a duplicate. */
  readonly alertId: string | null;
}

export interface StoredAlert {
  readonly id: string;
  readonly integration: { readonly id: string; readonly name: string | null; readonly type: string | null };
  readonly service: string;
  readonly dedupKey: string;
  readonly status: AlertStatus;
  readonly summary: string | null;
  readonly severity: AlertSeverity | null;
  readonly source: string | null;
  readonly startedAt: number;
  readonly createdAt: number;
  readonly lastEventAt: number;
  readonly acknowledgedAt: number | null;
  readonly resolvedAt: number | null;
  readonly eventCount: number;
  readonly labels: Record<string, string>;
  readonly details: Record<string, unknown>;
  readonly links: AlertLink[];
}

export interface StoredAlertEvent {
  readonly id: string;
  readonly alertId: string | null;
  readonly dedupKey: string;
  readonly action: string;
  readonly outcome: string;
  readonly at: number;
  readonly receivedAt: number;
}

export interface StoredChange {
  readonly id: string;
  readonly integrationId: string;
  readonly service: string;
  readonly summary: string;
  readonly source: string | null;
  readonly occurredAt: number;
  readonly receivedAt: number;
  readonly links: AlertLink[];
  readonly customDetails: unknown;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

let sequence = 0;
/** Sorts by arrival, then by order within one process; the random tail keeps replicas apart. */
function sortableId(receivedAt: number): string {
  sequence = (sequence + 1) % 1_000_000;
  return `${String(receivedAt).padStart(15, '0')}-${String(sequence).padStart(6, '0')}-${randomUUID().slice(0, 8)}`;
}

function alertRow(integration: Integration, e: AlertEvent, now: number) {
  return {
    id: sortableId(now),
    integration_id: integration.id,
    service: integration.service,
    dedup_key: e.dedupKey,
    status: 'triggered',
    summary: e.summary,
    severity: e.severity,
    source: e.source,
    started_at: e.occurredAt,
    created_at: now,
    last_event_at: now,
    acknowledged_at: null,
    resolved_at: null,
    event_count: 1,
    labels: JSON.stringify(e.labels),
    details: JSON.stringify(e.details),
    links: JSON.stringify(e.links),
  };
}

function eventRow(integration: Integration, e: AlertEvent, receivedAt: number) {
  const { deliveryKey, ...event } = e;
  return {
    id: sortableId(receivedAt),
    integration_id: integration.id,
    dedup_key: e.dedupKey,
    action: e.action,
    at: e.occurredAt,
    received_at: receivedAt,
    delivery_key: deliveryKey === undefined ? null : sha256(deliveryKey),
    event: JSON.stringify(event),
  };
}

/**
 * Alerts and changes received by intake. `apply` is the lifecycle: a trigger opens
 * an alert or adds to the open one, acknowledge and resolve act on the open one or
 * are dropped; the open alert of an (integration, dedup key) is unique in the
 * database, so two writers (or two replicas) racing open it once.
 */
export class IntakeRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Applies events in order and records each in the alert's history. Run it in a transaction. */
  async apply(
    integration: Integration,
    events: readonly AlertEvent[],
    receivedAt: number,
    db: Db = this.db,
  ): Promise<AppliedEvent[]> {
    const out: AppliedEvent[] = [];
    for (const e of events) out.push(await this.applyOne(db, integration, e, receivedAt));
    return out;
  }

  /**
   * Applies the events of many requests (one group commit) with the same result as
   * applying them one by one. Events of different alerts are independent, so a
   * trigger that is the only event of its key in the group (the usual case under
   * load) is inserted with the others in one statement; the rest go one by one,
   * in order.
   */
  async applyMany(
    jobs: readonly { integration: Integration; events: readonly AlertEvent[]; receivedAt: number }[],
    db: Db = this.db,
  ): Promise<AppliedEvent[][]> {
    const results: AppliedEvent[][] = jobs.map(() => []);
    const seen = new Map<string, number>();
    const keyOf = (i: Integration, e: AlertEvent) => `${i.id}\u0000${e.dedupKey}`;
    for (const j of jobs)
      for (const e of j.events)
        seen.set(keyOf(j.integration, e), (seen.get(keyOf(j.integration, e)) ?? 0) + 1);
    type Item = {
      job: number;
      index: number;
      integration: Integration;
      event: AlertEvent;
      receivedAt: number;
    };
    const batched: Item[] = [];
    const single: Item[] = [];
    for (const [job, j] of jobs.entries()) {
      for (const [index, event] of j.events.entries()) {
        const item = { job, index, integration: j.integration, event, receivedAt: j.receivedAt };
        const alone = seen.get(keyOf(j.integration, event)) === 1;
        (alone && event.action === 'trigger' && event.deliveryKey === undefined ? batched : single).push(
          item,
        );
      }
    }
    for (let i = 0; i < batched.length; i += 300) {
      const chunk = batched.slice(i, i + 300);
      const rows = chunk.map((c) => alertRow(c.integration, c.event, c.receivedAt));
      const inserted = new Set(
        (
          await db
            .insertInto('intake_alerts')
            .values(rows)
            .onConflict((oc) =>
              oc.columns(['integration_id', 'dedup_key']).where('resolved_at', 'is', null).doNothing(),
            )
            .returning('id')
            .execute()
        ).map((r) => r.id),
      );
      const history: Insertable<Database['intake_alert_events']>[] = [];
      for (const [n, c] of chunk.entries()) {
        const id = rows[n]?.id as string;
        if (!inserted.has(id)) {
          // An alert of this key is already open: the one-by-one path adds to it.
          single.push(c);
          continue;
        }
        (results[c.job] as AppliedEvent[])[c.index] = {
          dedupKey: c.event.dedupKey,
          outcome: 'opened',
          alertId: id,
        };
        history.push({ ...eventRow(c.integration, c.event, c.receivedAt), alert_id: id, outcome: 'opened' });
      }
      if (history.length > 0) await db.insertInto('intake_alert_events').values(history).execute();
    }
    for (const c of single) {
      (results[c.job] as AppliedEvent[])[c.index] = await this.applyOne(
        db,
        c.integration,
        c.event,
        c.receivedAt,
      );
    }
    return results;
  }

  private async applyOne(db: Db, integration: Integration, e: AlertEvent, receivedAt: number) {
    const row = eventRow(integration, e, receivedAt);
    const deliveryKey = row.delivery_key;
    if (deliveryKey !== null) {
      // Claim the delivery first: a repeat (retry, HA peer) stops here and changes nothing.
      const claimed = await db
        .insertInto('intake_alert_events')
        .values({ ...row, alert_id: null, outcome: 'pending' })
        .onConflict((oc) => oc.columns(['integration_id', 'delivery_key']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!claimed) return { dedupKey: e.dedupKey, outcome: 'duplicate' as const, alertId: null };
    }
    const { outcome, alertId } = await this.act(db, integration, e, receivedAt);
    if (deliveryKey !== null) {
      await db
        .updateTable('intake_alert_events')
        .set({ outcome, alert_id: alertId })
        .where('id', '=', row.id)
        .execute();
    } else {
      await db
        .insertInto('intake_alert_events')
        .values({ ...row, alert_id: alertId, outcome })
        .execute();
    }
    return { dedupKey: e.dedupKey, outcome, alertId };
  }

  private async act(
    db: Db,
    integration: Integration,
    e: AlertEvent,
    now: number,
  ): Promise<{ outcome: AlertOutcome; alertId: string | null }> {
    const open = (q: 'intake_alerts') =>
      db
        .updateTable(q)
        .where('integration_id', '=', integration.id)
        .where('dedup_key', '=', e.dedupKey)
        .where('resolved_at', 'is', null);
    switch (e.action) {
      case 'trigger': {
        // A concurrent writer may resolve the open alert between the two statements: try again.
        for (let attempt = 0; attempt < 3; attempt++) {
          const row = alertRow(integration, e, now);
          const id = row.id;
          const inserted = await db
            .insertInto('intake_alerts')
            .values(row)
            .onConflict((oc) =>
              oc.columns(['integration_id', 'dedup_key']).where('resolved_at', 'is', null).doNothing(),
            )
            .returning('id')
            .executeTakeFirst();
          if (inserted) return { outcome: 'opened', alertId: id };
          // An acknowledged alert stays acknowledged: a new trigger only adds to it.
          const updated = await open('intake_alerts')
            .set((eb) => ({ last_event_at: now, event_count: eb('event_count', '+', 1) }))
            .returning('id')
            .executeTakeFirst();
          if (updated) return { outcome: 'updated', alertId: updated.id };
        }
        throw new Error(`the open alert '${e.dedupKey}' kept changing while a trigger was applied`);
      }
      case 'acknowledge': {
        const acked = await open('intake_alerts')
          .where('status', '=', 'triggered')
          .set((eb) => ({
            status: 'acknowledged',
            acknowledged_at: now,
            last_event_at: now,
            event_count: eb('event_count', '+', 1),
          }))
          .returning('id')
          .executeTakeFirst();
        if (acked) return { outcome: 'acknowledged', alertId: acked.id };
        const current = await this.openId(db, integration.id, e.dedupKey);
        return current === undefined
          ? { outcome: 'dropped', alertId: null }
          : { outcome: 'unchanged', alertId: current };
      }
      case 'resolve': {
        let q = open('intake_alerts');
        if (e.startedAt !== undefined) q = q.where('started_at', '<=', e.startedAt);
        const resolved = await q
          .set((eb) => ({
            status: 'resolved',
            resolved_at: now,
            last_event_at: now,
            event_count: eb('event_count', '+', 1),
          }))
          .returning('id')
          .executeTakeFirst();
        return resolved
          ? { outcome: 'resolved', alertId: resolved.id }
          : { outcome: 'dropped', alertId: null };
      }
      case 'info':
        return { outcome: 'noted', alertId: (await this.openId(db, integration.id, e.dedupKey)) ?? null };
    }
  }

  private async openId(db: Db, integrationId: string, dedupKey: string): Promise<string | undefined> {
    const row = await db
      .selectFrom('intake_alerts')
      .select('id')
      .where('integration_id', '=', integrationId)
      .where('dedup_key', '=', dedupKey)
      .where('resolved_at', 'is', null)
      .executeTakeFirst();
    return row?.id;
  }

  /** Stores a change; one with the same content and timestamp as a stored one is a duplicate. */
  async addChange(
    integration: Integration,
    change: ChangeEvent,
    receivedAt: number,
    db: Db = this.db,
  ): Promise<{ id: string | null; duplicate: boolean }> {
    const id = sortableId(receivedAt);
    const inserted = await db
      .insertInto('intake_changes')
      .values({
        id,
        integration_id: integration.id,
        service: integration.service,
        summary: change.summary,
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
    return inserted ? { id, duplicate: false } : { id: null, duplicate: true };
  }

  /** Alerts, newest first; `open` means triggered or acknowledged. */
  async alerts(query: {
    service?: string;
    status?: AlertStatus | 'open';
    limit: number;
  }): Promise<StoredAlert[]> {
    let q = this.db
      .selectFrom('intake_alerts as a')
      .leftJoin('integrations as i', 'i.id', 'a.integration_id')
      .selectAll('a')
      .select(['i.name as integration_name', 'i.type as integration_type']);
    if (query.service !== undefined) q = q.where('a.service', '=', query.service);
    if (query.status === 'open') q = q.where('a.resolved_at', 'is', null);
    else if (query.status !== undefined) q = q.where('a.status', '=', query.status);
    const rows = await q.orderBy('a.created_at', 'desc').orderBy('a.id', 'desc').limit(query.limit).execute();
    return rows.map((r) => ({
      id: r.id,
      integration: { id: r.integration_id, name: r.integration_name, type: r.integration_type },
      service: r.service,
      dedupKey: r.dedup_key,
      status: r.status as AlertStatus,
      summary: r.summary,
      severity: r.severity as AlertSeverity | null,
      source: r.source,
      startedAt: r.started_at,
      createdAt: r.created_at,
      lastEventAt: r.last_event_at,
      acknowledgedAt: r.acknowledged_at,
      resolvedAt: r.resolved_at,
      eventCount: r.event_count,
      labels: JSON.parse(r.labels) as Record<string, string>,
      details: JSON.parse(r.details) as Record<string, unknown>,
      links: JSON.parse(r.links) as AlertLink[],
    }));
  }

  /** The history of one alert (or of a dedup key's events that acted on none), oldest first. */
  async events(query: {
    alertId?: string;
    integrationId?: string;
    dedupKey?: string;
  }): Promise<StoredAlertEvent[]> {
    let q = this.db.selectFrom('intake_alert_events').selectAll();
    if (query.alertId !== undefined) q = q.where('alert_id', '=', query.alertId);
    if (query.integrationId !== undefined) q = q.where('integration_id', '=', query.integrationId);
    if (query.dedupKey !== undefined) q = q.where('dedup_key', '=', query.dedupKey);
    const rows = await q.orderBy('id').execute();
    return rows.map((r) => ({
      id: r.id,
      alertId: r.alert_id,
      dedupKey: r.dedup_key,
      action: r.action,
      outcome: r.outcome,
      at: r.at,
      receivedAt: r.received_at,
    }));
  }

  /** Changes, newest first. */
  async changes(query: { service?: string; sinceMs?: number; limit: number }): Promise<StoredChange[]> {
    let q = this.db.selectFrom('intake_changes').selectAll();
    if (query.service !== undefined) q = q.where('service', '=', query.service);
    if (query.sinceMs !== undefined) q = q.where('occurred_at', '>=', query.sinceMs);
    const rows = await q.orderBy('occurred_at', 'desc').orderBy('id', 'desc').limit(query.limit).execute();
    return rows.map((r) => ({
      id: r.id,
      integrationId: r.integration_id,
      service: r.service,
      summary: r.summary,
      source: r.source,
      occurredAt: r.occurred_at,
      receivedAt: r.received_at,
      links: JSON.parse(r.links) as AlertLink[],
      customDetails: JSON.parse(r.custom_details) as unknown,
    }));
  }
}
