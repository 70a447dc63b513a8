import { CompiledQuery, type Kysely, sql, type Transaction } from 'kysely';
import type { AlertEvent, AlertLink, AlertOutcome, AlertSeverity, AlertStatus } from '../alerting/types.js';
import { sortableId } from './ids.js';
import type { Integration } from './integrations.js';

/** Where alerts come from: an integration, or nines' own SLO alerts. */
export type AlertOrigin = Pick<Integration, 'id' | 'service'>;

import { sha256 } from './hash.js';
import type { Database } from './schema.js';
import { chunked, multiRow } from './sql-text.js';

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
  /** The journey of a journey SLO's alert (then `service` is ''). */
  readonly journey: string | null;
  /** The incident grouping put it in; null until grouped, or when suppressed. */
  readonly incident: number | null;
  /** The maintenance window that kept it from opening an incident. */
  readonly suppressedBy: string | null;
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

/**
 * Rows per multi-row statement at most (a power of two: see `chunked`): a few
 * thousand parameters, far inside SQLite's and PostgreSQL's limits.
 */
const ROWS_PER_STATEMENT = 256;

/**
 * Multi-row statements of the group-commit path, written as SQL text: building
 * them with the query builder cost more than running them. `?` stands for a
 * parameter; PostgreSQL's are numbered when the statement is made.
 */
const WRITES = {
  alerts: {
    columns:
      'intake_alerts (id, integration_id, service, dedup_key, status, summary, severity, source, started_at, created_at, last_event_at, event_count, labels, details, links, journey)',
    row: `?, ?, ?, ?, 'triggered', ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?`,
  },
  claims: {
    columns:
      'intake_alert_events (id, integration_id, dedup_key, action, at, received_at, delivery_key, event, outcome)',
    row: `?, ?, ?, ?, ?, ?, ?, ?, 'pending'`,
  },
  history: {
    columns:
      'intake_alert_events (id, alert_id, integration_id, dedup_key, action, outcome, at, received_at, event)',
    row: '?, ?, ?, ?, ?, ?, ?, ?, ?',
  },
} as const;

/** The event as its history row keeps it: everything but the delivery key. */
const eventJson = (e: AlertEvent) =>
  JSON.stringify(e.deliveryKey === undefined ? e : { ...e, deliveryKey: undefined });

function alertRow(integration: AlertOrigin, e: AlertEvent, now: number, id = sortableId(now)) {
  return {
    id,
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
    journey: e.journey ?? null,
  };
}

/**
 * One event of a group commit, with the id of its history row and, for a
 * trigger, of the alert it may open: taken in arrival order, so both sort that way.
 */
interface Item {
  readonly job: number;
  readonly index: number;
  readonly integration: AlertOrigin;
  readonly event: AlertEvent;
  readonly receivedAt: number;
  readonly eventId: string;
  readonly alertId: string | undefined;
}

type Outcome = { outcome: AlertOutcome; alertId: string | null };

/**
 * Alerts and changes received by intake. `apply` is the lifecycle: a trigger opens
 * an alert or adds to the open one, acknowledge and resolve act on the open one or
 * are dropped; the open alert of an (integration, dedup key) is unique in the
 * database, so two writers (or two replicas) racing open it once.
 */
export class IntakeRepository {
  /** PostgreSQL (numbered parameters) rather than SQLite; known on first use. */
  private postgres: boolean | undefined;

  constructor(private readonly db: Kysely<Database>) {}

  /** Applies events in order and records each in the alert's history. Run it in a transaction. */
  async apply(
    integration: AlertOrigin,
    events: readonly AlertEvent[],
    receivedAt: number,
    db: Db = this.db,
  ): Promise<AppliedEvent[]> {
    return (await this.applyMany([{ integration, events, receivedAt }], db))[0] ?? [];
  }

  /**
   * Applies the events of many requests (one group commit) with the same result as
   * applying them one by one, in a few statements for the whole group in the usual
   * cases. Run it in a transaction.
   * 1. Every delivery key is claimed first, in arrival order: a repeat (retry, HA
   *    peer) is a duplicate and changes nothing.
   * 2. Events of different alerts are independent, so a trigger that is the only
   *    event of its key opens its alert with the others in one statement, unless
   *    one is open already.
   * 3. The rest act one by one, in arrival order.
   * 4. History rows are written together, claimed ones given their outcome together.
   */
  async applyMany(
    jobs: readonly { integration: AlertOrigin; events: readonly AlertEvent[]; receivedAt: number }[],
    db: Db = this.db,
  ): Promise<AppliedEvent[][]> {
    const results: AppliedEvent[][] = jobs.map((j) => new Array<AppliedEvent>(j.events.length));
    const settle = (it: Item, { outcome, alertId }: Outcome) => {
      (results[it.job] as AppliedEvent[])[it.index] = { dedupKey: it.event.dedupKey, outcome, alertId };
    };
    const items: Item[] = [];
    const deliveries: Item[] = [];
    for (const [job, { integration, events, receivedAt }] of jobs.entries()) {
      for (const [index, event] of events.entries()) {
        const eventId = sortableId(receivedAt);
        const alertId = event.action === 'trigger' ? sortableId(receivedAt) : undefined;
        const item = { job, index, integration, event, receivedAt, eventId, alertId };
        items.push(item);
        if (event.deliveryKey !== undefined) deliveries.push(item);
      }
    }

    let live = items;
    if (deliveries.length > 0) {
      const claimed = await this.claim(db, deliveries);
      live = [];
      for (const it of items) {
        if (it.event.deliveryKey === undefined || claimed.has(it.eventId)) live.push(it);
        else settle(it, { outcome: 'duplicate', alertId: null });
      }
    }

    const keys = live.map((it) => `${it.integration.id}\u0000${it.event.dedupKey}`);
    const perKey = new Map<string, number>();
    for (const key of keys) perKey.set(key, (perKey.get(key) ?? 0) + 1);
    const opening: Item[] = [];
    const single: Item[] = [];
    for (const [n, it] of live.entries())
      (it.event.action === 'trigger' && perKey.get(keys[n] as string) === 1 ? opening : single).push(it);

    const done: [Item, Outcome][] = [];
    // A trigger whose key has an alert open already goes the one-by-one way, which adds to it.
    single.push(...(await this.open(db, opening, done)));
    for (const it of single)
      done.push([it, await this.act(db, it.integration, it.event, it.receivedAt, it.alertId)]);
    for (const [it, outcome] of done) settle(it, outcome);
    await this.record(db, done);
    return results;
  }

  /** Claims the deliveries of `items` in order; returns the history row ids of those claimed. */
  private async claim(db: Db, items: readonly Item[]): Promise<Set<string>> {
    const claimed = new Set<string>();
    for (const chunk of chunked(items, ROWS_PER_STATEMENT)) {
      const params: unknown[] = [];
      for (const { integration, event: e, receivedAt, eventId } of chunk)
        params.push(
          eventId,
          integration.id,
          e.dedupKey,
          e.action,
          e.occurredAt,
          receivedAt,
          sha256(e.deliveryKey as string),
          eventJson(e),
        );
      const { rows } = await this.run<{ id: string }>(
        db,
        multiRow(
          `insert into ${WRITES.claims.columns} values {rows} on conflict (integration_id, delivery_key) do nothing returning id`,
          WRITES.claims.row,
          chunk.length,
          this.isPostgres(),
        ),
        params,
      );
      for (const r of rows) claimed.add(r.id);
    }
    return claimed;
  }

  /**
   * Opens an alert for each trigger of `items` (each the only event of its key)
   * and adds it to `done`; returns those whose key has an alert open already.
   */
  private async open(db: Db, items: readonly Item[], done: [Item, Outcome][]): Promise<Item[]> {
    const postgres = this.isPostgres();
    const rest: Item[] = [];
    for (const chunk of chunked(items, ROWS_PER_STATEMENT)) {
      const ids: string[] = [];
      const params: unknown[] = [];
      for (const { integration, event: e, receivedAt, alertId } of chunk) {
        const id = alertId ?? sortableId(receivedAt);
        ids.push(id);
        params.push(
          id,
          integration.id,
          integration.service,
          e.dedupKey,
          e.summary,
          e.severity,
          e.source,
          e.occurredAt,
          receivedAt,
          receivedAt,
          JSON.stringify(e.labels),
          JSON.stringify(e.details),
          JSON.stringify(e.links),
          e.journey ?? null,
        );
      }
      // SQLite: `or ignore` skips a row whose key is open (the partial unique index)
      // and spares the statement journal a multi-row insert that could abort needs;
      // a row skipped for any other reason goes the one-by-one way, which raises it.
      const { numAffectedRows } = await this.run(
        db,
        multiRow(
          postgres
            ? `insert into ${WRITES.alerts.columns} values {rows} on conflict (integration_id, dedup_key) where resolved_at is null do nothing`
            : `insert or ignore into ${WRITES.alerts.columns} values {rows}`,
          WRITES.alerts.row,
          chunk.length,
          postgres,
        ),
        params,
      );
      // All inserted, the usual case, needs no `returning`; otherwise, look up which.
      const inserted =
        Number(numAffectedRows) === chunk.length
          ? undefined
          : new Set(
              (
                await this.run<{ id: string }>(
                  db,
                  multiRow(
                    'select id from intake_alerts where id in {rows}',
                    new Array(ids.length).fill('?').join(', '),
                    1,
                    postgres,
                  ),
                  ids,
                )
              ).rows.map((r) => r.id),
            );
      for (const [n, it] of chunk.entries()) {
        const id = ids[n] as string;
        if (inserted === undefined || inserted.has(id)) done.push([it, { outcome: 'opened', alertId: id }]);
        else rest.push(it);
      }
    }
    return rest;
  }

  /** Writes the history of applied events: new rows, and the outcome of claimed ones. */
  private async record(db: Db, done: readonly [Item, Outcome][]): Promise<void> {
    const postgres = this.isPostgres();
    const fresh = done.filter(([it]) => it.event.deliveryKey === undefined);
    for (const chunk of chunked(fresh, ROWS_PER_STATEMENT)) {
      const params: unknown[] = [];
      for (const [{ integration, event: e, receivedAt, eventId }, { outcome, alertId }] of chunk)
        params.push(
          eventId,
          alertId,
          integration.id,
          e.dedupKey,
          e.action,
          outcome,
          e.occurredAt,
          receivedAt,
          eventJson(e),
        );
      // `or ignore` for the statement journal again; nothing may be skipped here.
      const { numAffectedRows } = await this.run(
        db,
        multiRow(
          `insert${postgres ? '' : ' or ignore'} into ${WRITES.history.columns} values {rows}`,
          WRITES.history.row,
          chunk.length,
          postgres,
        ),
        params,
      );
      if (Number(numAffectedRows) !== chunk.length)
        throw new Error(`${chunk.length - Number(numAffectedRows)} alert history rows could not be written`);
    }
    const claimed = done.filter(([it]) => it.event.deliveryKey !== undefined);
    for (const chunk of chunked(claimed, ROWS_PER_STATEMENT)) {
      const params: unknown[] = [];
      for (const [it, { outcome, alertId }] of chunk) params.push(it.eventId, outcome, alertId);
      await this.run(
        db,
        multiRow(
          'update intake_alert_events set outcome = v.column2, alert_id = v.column3 from (values {rows}) as v where intake_alert_events.id = v.column1',
          '?, ?, ?',
          chunk.length,
          postgres,
        ),
        params,
      );
    }
  }

  private run<R>(db: Db, text: string, params: unknown[]) {
    return db.executeQuery(CompiledQuery.raw(text, params) as CompiledQuery<R>);
  }

  private isPostgres(): boolean {
    this.postgres ??= sql`${0}`.compile(this.db).sql !== '?';
    return this.postgres;
  }

  private async act(
    db: Db,
    integration: AlertOrigin,
    e: AlertEvent,
    now: number,
    /** The id of the alert a trigger opens (on its first try). */
    newId?: string,
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
          const row = alertRow(integration, e, now, attempt === 0 ? newId : undefined);
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
      journey: r.journey,
      incident: r.incident_number,
      suppressedBy: r.suppressed_by,
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
}
