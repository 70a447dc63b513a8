import { createHash } from 'node:crypto';
import { CompiledQuery, type Kysely, sql, type Transaction } from 'kysely';
import type { AlertEvent, AlertLink, AlertOutcome, AlertSeverity, AlertStatus } from '../alerting/types.js';
import { sortableId } from './ids.js';
import type { Integration } from './integrations.js';

/** Where alerts come from: an integration, or nines' own SLO alerts. */
export type AlertOrigin = Pick<Integration, 'id' | 'service'>;

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

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Rows in one multi-row statement: a few thousand parameters, far inside SQLite's and PostgreSQL's limits. */
const ROWS_PER_STATEMENT = 256;

const OPEN_CONFLICT = 'on conflict (integration_id, dedup_key) where resolved_at is null do nothing';
const ALERT_INSERT = `insert into intake_alerts (id, integration_id, service, dedup_key, status, summary, severity, source, started_at, created_at, last_event_at, event_count, labels, details, links, journey) values`;
const ALERT_VALUES = `?, ?, ?, ?, 'triggered', ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?`;
const CLAIM_INSERT =
  'insert into intake_alert_events (id, integration_id, dedup_key, action, at, received_at, delivery_key, event, outcome) values';
const CLAIM_VALUES = `?, ?, ?, ?, ?, ?, ?, ?, 'pending'`;
const HISTORY_INSERT =
  'insert into intake_alert_events (id, alert_id, integration_id, dedup_key, action, outcome, at, received_at, event) values';
const HISTORY_VALUES = '?, ?, ?, ?, ?, ?, ?, ?, ?';

/** `rows` value tuples of `shape` (`?` a parameter), numbered `$1, $2, …` for PostgreSQL. */
function tuples(shape: string, rows: number, numbered: boolean): string {
  const one = `(${shape})`;
  if (!numbered) return `${one}, `.repeat(rows - 1) + one;
  let n = 0;
  const out: string[] = [];
  for (let r = 0; r < rows; r++) out.push(one.replace(/\?/g, () => `$${++n}`));
  return out.join(', ');
}

/** The event as its history row keeps it: everything but the delivery key. */
const eventJson = (e: AlertEvent) =>
  JSON.stringify(e.deliveryKey === undefined ? e : { ...e, deliveryKey: undefined });

function alertRow(integration: AlertOrigin, e: AlertEvent, now: number) {
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
    journey: e.journey ?? null,
  };
}

/** One event of a group commit, with the id of its history row (taken in arrival order). */
interface Item {
  readonly job: number;
  readonly index: number;
  readonly integration: AlertOrigin;
  readonly event: AlertEvent;
  readonly receivedAt: number;
  readonly eventId: string;
}

type Outcome = { outcome: AlertOutcome; alertId: string | null };

/**
 * Alerts and changes received by intake. `apply` is the lifecycle: a trigger opens
 * an alert or adds to the open one, acknowledge and resolve act on the open one or
 * are dropped; the open alert of an (integration, dedup key) is unique in the
 * database, so two writers (or two replicas) racing open it once.
 */
export class IntakeRepository {
  /** Whether parameters are numbered (`$1`, PostgreSQL) rather than `?` (SQLite); known on first use. */
  private numbered: boolean | undefined;

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
   * applying them one by one, in a handful of statements for the usual cases:
   * 1. every delivery key is claimed in one statement, in arrival order; a repeat
   *    (retry, HA peer) is a duplicate and changes nothing;
   * 2. a trigger that is the only event of its key in the group opens its alert
   *    with the others in one statement (events of different alerts are
   *    independent), unless one is open already;
   * 3. the rest act one by one, in arrival order;
   * 4. history rows are written in one statement, claimed ones updated in another.
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
    let deliveries = 0;
    for (let job = 0; job < jobs.length; job++) {
      const { integration, events, receivedAt } = jobs[job] as (typeof jobs)[number];
      for (let index = 0; index < events.length; index++) {
        const event = events[index] as AlertEvent;
        if (event.deliveryKey !== undefined) deliveries++;
        items.push({ job, index, integration, event, receivedAt, eventId: sortableId(receivedAt) });
      }
    }

    let live = items;
    if (deliveries > 0) {
      const claimed = await this.claim(
        db,
        items.filter((it) => it.event.deliveryKey !== undefined),
      );
      live = [];
      for (const it of items) {
        if (it.event.deliveryKey === undefined || claimed.has(it.eventId)) live.push(it);
        else settle(it, { outcome: 'duplicate', alertId: null });
      }
    }

    const perKey = new Map<string, number>();
    const keys = live.map((it) => {
      const key = `${it.integration.id}\u0000${it.event.dedupKey}`;
      perKey.set(key, (perKey.get(key) ?? 0) + 1);
      return key;
    });
    const opening: Item[] = [];
    const single: Item[] = [];
    for (const [n, it] of live.entries())
      (it.event.action === 'trigger' && perKey.get(keys[n] as string) === 1 ? opening : single).push(it);

    const done: [Item, Outcome][] = [];
    // An alert of the key already open: the one-by-one path adds to it.
    single.push(...(await this.open(db, opening, done)));
    for (const it of single) done.push([it, await this.act(db, it.integration, it.event, it.receivedAt)]);
    for (const [it, outcome] of done) settle(it, outcome);
    await this.record(db, done);
    return results;
  }

  /** Claims the deliveries of `items`, in order; returns the history row ids of those claimed. */
  private async claim(db: Db, items: readonly Item[]): Promise<Set<string>> {
    const claimed = new Set<string>();
    for (let i = 0; i < items.length; i += ROWS_PER_STATEMENT) {
      const chunk = items.slice(i, i + ROWS_PER_STATEMENT);
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
        `${CLAIM_INSERT} ${tuples(CLAIM_VALUES, chunk.length, this.isNumbered())} on conflict (integration_id, delivery_key) do nothing returning id`,
        params,
      );
      for (const r of rows) claimed.add(r.id);
    }
    return claimed;
  }

  /** Opens an alert for each trigger in `items` (each the only one of its key); returns those whose key has one open. */
  private async open(db: Db, items: readonly Item[], done: [Item, Outcome][]): Promise<Item[]> {
    const rest: Item[] = [];
    for (let i = 0; i < items.length; i += ROWS_PER_STATEMENT) {
      const chunk = items.slice(i, i + ROWS_PER_STATEMENT);
      const ids: string[] = [];
      const params: unknown[] = [];
      for (const { integration, event: e, receivedAt } of chunk) {
        const id = sortableId(receivedAt);
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
      const numbered = this.isNumbered();
      const { numAffectedRows } = await this.run(
        db,
        `${ALERT_INSERT} ${tuples(ALERT_VALUES, chunk.length, numbered)} ${OPEN_CONFLICT}`,
        params,
      );
      // Every row inserted, the usual case, needs no `returning`; otherwise, look up which.
      const inserted =
        Number(numAffectedRows) === chunk.length
          ? undefined
          : new Set(
              (
                await this.run<{ id: string }>(
                  db,
                  `select id from intake_alerts where id in ${tuples(new Array(ids.length).fill('?').join(', '), 1, numbered)}`,
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
    const fresh = done.filter(([it]) => it.event.deliveryKey === undefined);
    const claimed = done.filter(([it]) => it.event.deliveryKey !== undefined);
    const numbered = this.isNumbered();
    for (let i = 0; i < fresh.length; i += ROWS_PER_STATEMENT) {
      const chunk = fresh.slice(i, i + ROWS_PER_STATEMENT);
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
      await this.run(db, `${HISTORY_INSERT} ${tuples(HISTORY_VALUES, chunk.length, numbered)}`, params);
    }
    for (let i = 0; i < claimed.length; i += ROWS_PER_STATEMENT) {
      const chunk = claimed.slice(i, i + ROWS_PER_STATEMENT);
      const params: unknown[] = [];
      for (const [it, { outcome, alertId }] of chunk) params.push(it.eventId, outcome, alertId);
      await this.run(
        db,
        `update intake_alert_events set outcome = v.column2, alert_id = v.column3 from (values ${tuples('?, ?, ?', chunk.length, numbered)}) as v where intake_alert_events.id = v.column1`,
        params,
      );
    }
  }

  private run<R>(db: Db, text: string, params: unknown[]) {
    return db.executeQuery(CompiledQuery.raw(text, params) as CompiledQuery<R>);
  }

  private isNumbered(): boolean {
    this.numbered ??= sql`${0}`.compile(this.db).sql !== '?';
    return this.numbered;
  }

  private async act(
    db: Db,
    integration: AlertOrigin,
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
