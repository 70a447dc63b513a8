import { CompiledQuery, type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import type { AlertSeverity } from '../alerting/types.js';
import {
  INCIDENT_STATUSES,
  type Incident,
  type IncidentPriority,
  type IncidentRole,
  type IncidentSeverity,
  type IncidentStatus,
  type Subject,
  type TimelineEntry,
  type TimelineType,
} from '../incidents/types.js';
import type { Dialect } from './db.js';
import { sortableId } from './ids.js';
import type { Database } from './schema.js';
import { chunked, multiRow } from './sql-text.js';

export type Db = Kysely<Database> | Transaction<Database>;

/** Rows per multi-row statement at most (a power of two: see `chunked`). */
const ROWS_PER_STATEMENT = 256;

const OPEN_STATUSES = INCIDENT_STATUSES.filter((s) => s !== 'resolved');

type Row = Selectable<Database['incidents']>;

export function toIncident(r: Row): Incident {
  const chain = JSON.parse(r.cause_chain) as string[];
  return {
    number: r.number,
    title: r.title,
    status: r.status as IncidentStatus,
    severity: r.severity as IncidentSeverity,
    priority: r.priority as IncidentPriority | null,
    subject: { kind: r.subject_kind as Subject['kind'], name: r.subject_name },
    suspectedCause: r.cause_service === null ? null : { service: r.cause_service, chain },
    services: JSON.parse(r.services) as string[],
    journeys: JSON.parse(r.journeys) as string[],
    assignee: r.assignee,
    roles: JSON.parse(r.roles) as Partial<Record<IncidentRole, string>>,
    createdAt: r.created_at,
    acknowledgedAt: r.acknowledged_at,
    resolvedAt: r.resolved_at,
    lastAlertAt: r.last_alert_at,
    alertCount: r.alert_count,
    openAlertCount: r.open_alert_count,
    mergedInto: r.merged_into,
  };
}

/** An alert as grouping reads it. */
export interface GroupingAlert {
  readonly id: string;
  readonly integrationId: string;
  readonly integrationName: string | null;
  readonly service: string;
  readonly journey: string | null;
  readonly dedupKey: string;
  readonly status: IncidentStatus;
  readonly groupedStatus: string | null;
  readonly summary: string | null;
  readonly severity: AlertSeverity | null;
  readonly createdAt: number;
  readonly lastEventAt: number;
  readonly incident: number | null;
  readonly suppressedBy: string | null;
}

/** What grouping saw of an alert (its status), and what it decided; an undefined field is left as is. */
export interface AlertMark {
  readonly alert: GroupingAlert;
  readonly set: { readonly incident?: number | null; readonly suppressedBy?: string | null };
}

export interface IncidentQuery {
  readonly status?: IncidentStatus | 'open';
  readonly service?: string;
  readonly sinceMs?: number;
  readonly untilMs?: number;
  readonly includeMerged?: boolean;
  readonly limit: number;
}

export interface NewTimelineEntry {
  readonly incident: number;
  readonly at: number;
  readonly type: TimelineType;
  readonly actor: string;
  readonly message: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

/**
 * Incidents, their timelines and the link from alerts to them. Writes take a
 * transaction (`db`) so that grouping and lifecycle changes commit with their
 * timeline entries, or not at all.
 */
export class IncidentRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  /**
   * Serialises grouping across replicas for the rest of the transaction. SQLite
   * has one writer at a time anyway.
   */
  async lockGrouping(db: Db): Promise<void> {
    if (this.dialect === 'postgres') await sql`select pg_advisory_xact_lock(7316, 1)`.execute(db);
  }

  /** Alerts whose status grouping has not seen yet, oldest first. */
  async pendingAlerts(db: Db, limit: number): Promise<GroupingAlert[]> {
    const rows = await db
      .selectFrom('intake_alerts as a')
      .leftJoin('integrations as i', 'i.id', 'a.integration_id')
      .select([
        'a.id',
        'a.integration_id',
        'i.name as integration_name',
        'a.service',
        'a.journey',
        'a.dedup_key',
        'a.status',
        'a.grouped_status',
        'a.summary',
        'a.severity',
        'a.created_at',
        'a.last_event_at',
        'a.incident_number',
        'a.suppressed_by',
      ])
      .where(sql<boolean>`grouped_status is null or grouped_status <> status`)
      .orderBy('a.id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      integrationId: r.integration_id,
      integrationName: r.integration_name,
      service: r.service,
      journey: r.journey,
      dedupKey: r.dedup_key,
      status: r.status as IncidentStatus,
      groupedStatus: r.grouped_status,
      summary: r.summary,
      severity: r.severity as AlertSeverity | null,
      createdAt: r.created_at,
      lastEventAt: r.last_event_at,
      incident: r.incident_number,
      suppressedBy: r.suppressed_by,
    }));
  }

  /**
   * `markAlert` for many alerts: one statement per few hundred alerts that set the
   * same fields, each alert's values in a VALUES row (a storm over many incidents
   * was one statement per incident).
   */
  async markAlerts(db: Db, marks: readonly AlertMark[]): Promise<void> {
    // Only the fields a mark sets are written: undefined leaves a field as is, null clears it.
    const shapes = new Map<string, AlertMark[]>();
    for (const m of marks) {
      const key = `${m.set.incident !== undefined} ${m.set.suppressedBy !== undefined}`;
      const same = shapes.get(key);
      if (same) same.push(m);
      else shapes.set(key, [m]);
    }
    const postgres = this.dialect === 'postgres';
    for (const same of shapes.values()) {
      const { incident, suppressedBy } = (same[0] as AlertMark).set;
      const columns = ['grouped_status = v.column2'];
      let shape = '?, ?';
      if (incident !== undefined) {
        columns.push(`incident_number = v.column${columns.length + 2}`);
        shape += ', cast(? as integer)';
      }
      if (suppressedBy !== undefined) {
        columns.push(`suppressed_by = v.column${columns.length + 2}`);
        shape += ', ?';
      }
      for (const chunk of chunked(same, ROWS_PER_STATEMENT)) {
        const params: unknown[] = [];
        for (const { alert, set } of chunk) {
          params.push(alert.id, alert.status);
          if (incident !== undefined) params.push(set.incident ?? null);
          if (suppressedBy !== undefined) params.push(set.suppressedBy ?? null);
        }
        await db.executeQuery(
          CompiledQuery.raw(
            multiRow(
              `update intake_alerts set ${columns.join(', ')} from (values {rows}) as v where intake_alerts.id = v.column1`,
              shape,
              chunk.length,
              postgres,
            ),
            params,
          ),
        );
      }
    }
  }

  /**
   * Open alerts a maintenance window held back, once that window is over (or
   * gone): grouping sees them again, so a failure that outlasts the window pages.
   */
  async releaseSuppressed(db: Db, nowMs: number): Promise<number> {
    // SQLite's planner would rather walk `incident_number is null` on the incident index,
    // every alert grouping left without an incident; the partial index holds only the few held.
    const table = sql.raw(
      this.dialect === 'sqlite' ? 'intake_alerts indexed by intake_alerts_suppressed' : 'intake_alerts',
    );
    const where = sql`suppressed_by is not null and resolved_at is null and incident_number is null`;
    // Almost always there are none: look first (a read, on the partial index) before writing.
    const { rows } = await sql`select id from ${table} where ${where} limit 1`.execute(db);
    if (rows.length === 0) return 0;
    const r =
      await sql`update ${table} set grouped_status = null where ${where} and grouped_status is not null
      and not exists (select 1 from maintenance_windows w where w.id = intake_alerts.suppressed_by and w.ends_at > ${nowMs})`.execute(
        db,
      );
    return Number(r.numAffectedRows ?? 0);
  }

  /** Records what grouping saw of an alert; a status that changed since stays pending. */
  async markAlert(
    db: Db,
    alert: GroupingAlert,
    set: { incident?: number | null; suppressedBy?: string | null },
  ): Promise<void> {
    await db
      .updateTable('intake_alerts')
      .set({
        grouped_status: alert.status,
        ...(set.incident !== undefined && { incident_number: set.incident }),
        ...(set.suppressedBy !== undefined && { suppressed_by: set.suppressedBy }),
      })
      .where('id', '=', alert.id)
      .execute();
  }

  /** Open incidents (not resolved, not merged). */
  async open(db: Db = this.db): Promise<Incident[]> {
    const rows = await db
      .selectFrom('incidents')
      .selectAll()
      // `in` rather than `<> 'resolved'`: the status index, not a scan of every incident ever.
      .where('status', 'in', OPEN_STATUSES)
      .where('merged_into', 'is', null)
      .orderBy('number')
      .execute();
    return rows.map(toIncident);
  }

  async create(
    db: Db,
    fields: {
      title: string;
      severity: IncidentSeverity;
      subject: Subject;
      cause: { service: string; chain: readonly string[] } | null;
      at: number;
    },
  ): Promise<number> {
    const max = await db
      .selectFrom('incidents')
      .select((eb) => eb.fn.max('number').as('n'))
      .executeTakeFirst();
    const number = Number(max?.n ?? 0) + 1;
    await db
      .insertInto('incidents')
      .values({
        number,
        title: fields.title,
        status: 'triggered',
        severity: fields.severity,
        priority: null,
        subject_kind: fields.subject.kind,
        subject_name: fields.subject.name,
        cause_service: fields.cause?.service ?? null,
        cause_chain: JSON.stringify(fields.cause?.chain ?? []),
        services: '[]',
        journeys: '[]',
        assignee: null,
        roles: '{}',
        created_at: fields.at,
        acknowledged_at: null,
        resolved_at: null,
        last_alert_at: fields.at,
        alert_count: 0,
        open_alert_count: 0,
        merged_into: null,
        updated_at: fields.at,
      })
      .execute();
    return number;
  }

  async get(number: number, db: Db = this.db): Promise<Incident | undefined> {
    const row = await db.selectFrom('incidents').selectAll().where('number', '=', number).executeTakeFirst();
    return row ? toIncident(row) : undefined;
  }

  /** Incidents, newest first. */
  async list(query: IncidentQuery, db: Db = this.db): Promise<Incident[]> {
    let q = db.selectFrom('incidents').selectAll();
    if (query.status === 'open') q = q.where('status', '<>', 'resolved');
    else if (query.status !== undefined) q = q.where('status', '=', query.status);
    if (query.includeMerged !== true) q = q.where('merged_into', 'is', null);
    if (query.sinceMs !== undefined) q = q.where('created_at', '>=', query.sinceMs);
    if (query.untilMs !== undefined) q = q.where('created_at', '<', query.untilMs);
    if (query.service !== undefined) {
      const service = query.service;
      // services is a JSON array of names (DNS labels, so no LIKE wildcards); the cause is a column.
      q = q.where((eb) =>
        eb.or([eb('cause_service', '=', service), eb('services', 'like', `%${JSON.stringify(service)}%`)]),
      );
    }
    const rows = await q.orderBy('number', 'desc').limit(query.limit).execute();
    return rows.map(toIncident);
  }

  /**
   * Changes an incident only if it is still in `expected` status (and not
   * merged): two responders acting at once cannot both win.
   */
  async update(
    db: Db,
    number: number,
    patch: Partial<{
      title: string;
      status: IncidentStatus;
      severity: IncidentSeverity;
      priority: IncidentPriority | null;
      cause: { service: string; chain: readonly string[] } | null;
      services: readonly string[];
      journeys: readonly string[];
      assignee: string | null;
      roles: Partial<Record<IncidentRole, string>>;
      acknowledgedAt: number | null;
      resolvedAt: number | null;
      lastAlertAt: number;
      alertCount: number;
      openAlertCount: number;
      mergedInto: number;
    }>,
    at: number,
    expected?: IncidentStatus,
  ): Promise<boolean> {
    let q = db
      .updateTable('incidents')
      .set({
        updated_at: at,
        ...(patch.title !== undefined && { title: patch.title }),
        ...(patch.status !== undefined && { status: patch.status }),
        ...(patch.severity !== undefined && { severity: patch.severity }),
        ...(patch.priority !== undefined && { priority: patch.priority }),
        ...(patch.cause !== undefined && {
          cause_service: patch.cause?.service ?? null,
          cause_chain: JSON.stringify(patch.cause?.chain ?? []),
        }),
        ...(patch.services !== undefined && { services: JSON.stringify(patch.services) }),
        ...(patch.journeys !== undefined && { journeys: JSON.stringify(patch.journeys) }),
        ...(patch.assignee !== undefined && { assignee: patch.assignee }),
        ...(patch.roles !== undefined && { roles: JSON.stringify(patch.roles) }),
        ...(patch.acknowledgedAt !== undefined && { acknowledged_at: patch.acknowledgedAt }),
        // A reopened incident's impact is computed live again.
        ...(patch.resolvedAt !== undefined && { resolved_at: patch.resolvedAt }),
        ...(patch.resolvedAt === null && { impact: null }),
        ...(patch.lastAlertAt !== undefined && { last_alert_at: patch.lastAlertAt }),
        ...(patch.alertCount !== undefined && { alert_count: patch.alertCount }),
        ...(patch.openAlertCount !== undefined && { open_alert_count: patch.openAlertCount }),
        ...(patch.mergedInto !== undefined && { merged_into: patch.mergedInto }),
      })
      .where('number', '=', number);
    if (expected !== undefined) q = q.where('status', '=', expected).where('merged_into', 'is', null);
    const result = await q.executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** The impact fixed when the incident resolved, if it was. */
  async savedImpact(number: number): Promise<unknown> {
    const row = await this.db
      .selectFrom('incidents')
      .select(['impact', 'resolved_at'])
      .where('number', '=', number)
      .executeTakeFirst();
    return row?.impact == null || row.resolved_at === null ? undefined : (JSON.parse(row.impact) as unknown);
  }

  /** Fixes the impact of a resolved incident; a reopened one is computed live again. */
  async saveImpact(number: number, resolvedAt: number, impact: unknown): Promise<void> {
    await this.db
      .updateTable('incidents')
      .set({ impact: JSON.stringify(impact) })
      .where('number', '=', number)
      .where('resolved_at', '=', resolvedAt)
      .execute();
  }

  /** Alert counts, services and journeys of an incident, from its alerts. */
  async alertFacts(
    db: Db,
    number: number,
  ): Promise<{
    alerts: number;
    open: number;
    lastAlertAt: number | null;
    services: string[];
    journeys: string[];
    severities: AlertSeverity[];
  }> {
    // One row per (service, journey, severity), in order of first arrival.
    const rows = await db
      .selectFrom('intake_alerts')
      .select((eb) => [
        'service',
        'journey',
        'severity',
        eb.fn.min('id').as('first'),
        eb.fn.countAll<number>().as('alerts'),
        eb.fn.sum<number>(eb.case().when('resolved_at', 'is', null).then(1).else(0).end()).as('open'),
        eb.fn.max('last_event_at').as('last'),
      ])
      .where('incident_number', '=', number)
      .groupBy(['service', 'journey', 'severity'])
      .orderBy('first')
      .execute();
    const services = new Set<string>();
    const journeys = new Set<string>();
    const severities = new Set<AlertSeverity>();
    let alerts = 0;
    let open = 0;
    let last: number | null = null;
    for (const r of rows) {
      if (r.journey !== null) journeys.add(r.journey);
      else services.add(r.service);
      if (r.severity !== null) severities.add(r.severity as AlertSeverity);
      alerts += Number(r.alerts);
      open += Number(r.open);
      last = Math.max(last ?? 0, Number(r.last));
    }
    return {
      alerts,
      open,
      lastAlertAt: last,
      services: [...services],
      journeys: [...journeys],
      severities: [...severities],
    };
  }

  /** Moves every alert of `from` to `to` (a merge). */
  async moveAlerts(db: Db, from: number, to: number): Promise<void> {
    await db
      .updateTable('intake_alerts')
      .set({ incident_number: to })
      .where('incident_number', '=', from)
      .execute();
  }

  /** Resolves the incident's open alerts (a responder resolved the incident): a new trigger opens a new alert. */
  async resolveAlerts(db: Db, number: number, at: number): Promise<number> {
    const result = await db
      .updateTable('intake_alerts')
      .set({ status: 'resolved', grouped_status: 'resolved', resolved_at: at, last_event_at: at })
      .where('incident_number', '=', number)
      .where('resolved_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async addTimeline(db: Db, entries: readonly NewTimelineEntry[]): Promise<void> {
    const postgres = this.dialect === 'postgres';
    for (const chunk of chunked(entries, ROWS_PER_STATEMENT)) {
      const params: unknown[] = [];
      for (const e of chunk)
        params.push(
          sortableId(e.at),
          e.incident,
          e.at,
          e.type,
          e.actor,
          e.message,
          JSON.stringify(e.data ?? {}),
        );
      await db.executeQuery(
        CompiledQuery.raw(
          multiRow(
            'insert into incident_timeline (id, incident, at, type, actor, message, data) values {rows}',
            '?, ?, ?, ?, ?, ?, ?',
            chunk.length,
            postgres,
          ),
          params,
        ),
      );
    }
  }

  /** An incident's timeline, oldest first. */
  async timeline(number: number, query: { types?: readonly TimelineType[] } = {}): Promise<TimelineEntry[]> {
    let q = this.db.selectFrom('incident_timeline').selectAll().where('incident', '=', number);
    if (query.types !== undefined && query.types.length > 0) q = q.where('type', 'in', [...query.types]);
    const rows = await q.orderBy('id').execute();
    return rows.map((r) => ({
      id: r.id,
      incident: r.incident,
      at: r.at,
      type: r.type as TimelineType,
      actor: r.actor,
      message: r.message,
      data: JSON.parse(r.data) as Record<string, unknown>,
    }));
  }
}
