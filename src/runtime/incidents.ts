import type { Catalog } from '../catalog/model.js';
import { NinesError } from '../errors.js';
import { type MttxReport, mttx } from '../incidents/analytics.js';
import { assertChangeable, type LifecycleAction, nextStatus } from '../incidents/lifecycle.js';
import { renderPostmortem } from '../incidents/postmortem.js';
import type {
  ActionItem,
  Incident,
  IncidentPriority,
  IncidentRole,
  IncidentSeverity,
  TimelineEntry,
} from '../incidents/types.js';
import { journeysAtRisk } from '../slo/impact.js';
import { ActionItemRepository } from '../store/action-items.js';
import type { BucketRepository } from '../store/buckets.js';
import { ChangeRepository, type StoredChange } from '../store/changes.js';
import type { Store } from '../store/db.js';
import { type IncidentQuery, IncidentRepository, type NewTimelineEntry } from '../store/incidents.js';
import type { Engine } from './engine.js';
import { MINUTE_RETENTION_MS } from './maintenance.js';

export interface IncidentImpact {
  readonly journeys: readonly {
    name: string;
    displayName?: string;
    /** False when only non-critical dependencies link the journey to the incident: it degrades. */
    critical: boolean;
    /** The incident's service the journey needs, and the path to it from the journey's step. */
    via: { service: string; path: readonly string[] } | null;
  }[];
  readonly valueStreams: readonly { name: string; displayName?: string }[];
  /** Bad events while the incident was open, priced by the journey's business value. */
  readonly revenueAtRisk: readonly {
    journey: string;
    slo: string;
    currency: string;
    amount: number;
    method: 'value-per-success' | 'revenue-per-hour';
  }[];
  /** Share of each SLO's error budget (in its current window) spent while the incident was open. */
  readonly budgets: readonly { slo: string; badEvents: number; consumed: number }[];
}

export interface IncidentServiceOptions {
  readonly store: Store;
  readonly catalog: Catalog;
  readonly engine: Pick<Engine, 'view'>;
  readonly buckets: BucketRepository;
  readonly clock: () => number;
  /** How far before an incident's start its changes are listed. */
  readonly changeLookbackMs: number;
  /** Told after a responder changed an incident. */
  readonly onChange?: (incident: number) => void;
  /** Release-gate results on these services in [from, to), as timeline entries of the incident. */
  readonly gateEntries?: (
    incident: number,
    services: readonly string[],
    fromMs: number,
    toMs: number,
  ) => Promise<TimelineEntry[]>;
}

export type IncidentPatch = Partial<{
  title: string;
  severity: IncidentSeverity;
  priority: IncidentPriority | null;
  assignee: string | null;
  roles: Partial<Record<IncidentRole, string | null>>;
}>;

const PAST: Record<LifecycleAction, 'acknowledged' | 'resolved' | 'reopened'> = {
  acknowledge: 'acknowledged',
  resolve: 'resolved',
  reopen: 'reopened',
};

/** The incident workflow: reads with impact and changes, lifecycle, fields, notes, postmortems, MTTx. */
export class IncidentService {
  readonly repo: IncidentRepository;
  readonly changes: ChangeRepository;
  readonly actionItems: ActionItemRepository;

  constructor(private readonly options: IncidentServiceOptions) {
    this.repo = new IncidentRepository(options.store.db, options.store.dialect);
    this.changes = new ChangeRepository(options.store.db);
    this.actionItems = new ActionItemRepository(options.store.db);
  }

  list(query: IncidentQuery): Promise<Incident[]> {
    return this.repo.list(query);
  }

  async get(number: number): Promise<Incident> {
    const incident = await this.repo.get(number);
    if (!incident) throw new NinesError('NOT_FOUND', `no incident #${number}`);
    return incident;
  }

  /**
   * The stored timeline, with the release-gate results of the incident's services
   * from the change lookback before it to its end merged in by time.
   */
  async timeline(number: number, incident?: Incident): Promise<TimelineEntry[]> {
    const stored = await this.repo.timeline(number);
    const gates = this.options.gateEntries;
    if (!gates) return stored;
    const i = incident ?? (await this.get(number));
    const extra = await gates(
      number,
      this.servicesOf(i),
      i.createdAt - this.options.changeLookbackMs,
      i.resolvedAt ?? this.options.clock() + 1,
    );
    if (extra.length === 0) return stored;
    return [...stored, ...extra].sort((a, b) => a.at - b.at || a.id.localeCompare(b.id));
  }

  /** The services an incident touches: those alerting in it and the suspected cause with its chain. */
  servicesOf(incident: Incident): string[] {
    const out = new Set(incident.services);
    if (incident.suspectedCause) {
      out.add(incident.suspectedCause.service);
      for (const s of incident.suspectedCause.chain) if (this.options.catalog.Service.has(s)) out.add(s);
    }
    return [...out];
  }

  /** Changes on the incident's services in the lookback before it started (and while it is open), newest first. */
  changesBefore(incident: Incident, lookbackMs = this.options.changeLookbackMs): Promise<StoredChange[]> {
    return this.changes.list({
      services: this.servicesOf(incident),
      sinceMs: incident.createdAt - lookbackMs,
      beforeMs: incident.resolvedAt ?? this.options.clock() + 1,
      limit: 100,
    });
  }

  /**
   * What the incident puts at risk. A resolved incident's figures are fixed the
   * first time they are computed after it resolved (minute buckets last 12 hours;
   * the postmortem is often written later).
   */
  async impact(incident: Incident): Promise<IncidentImpact> {
    if (incident.resolvedAt !== null) {
      const saved = (await this.repo.savedImpact(incident.number)) as IncidentImpact | undefined;
      if (saved) return saved;
    }
    const computed = await this.computeImpact(incident);
    if (incident.resolvedAt !== null)
      await this.repo.saveImpact(incident.number, incident.resolvedAt, computed);
    return computed;
  }

  /** Fixes the impact of the incidents that resolved (after grouping or a responder resolved them). */
  async settle(numbers: readonly number[]): Promise<void> {
    for (const number of numbers) {
      const incident = await this.repo.get(number);
      if (incident?.resolvedAt != null && incident.mergedInto === null) await this.impact(incident);
    }
  }

  private async computeImpact(incident: Incident): Promise<IncidentImpact> {
    const { catalog } = this.options;
    const journeys = new Map<string, IncidentImpact['journeys'][number]>();
    for (const name of incident.journeys) {
      const j = catalog.Journey.get(name);
      journeys.set(name, {
        name,
        ...(j?.displayName !== undefined && { displayName: j.displayName }),
        critical: true,
        via: null,
      });
    }
    for (const service of this.servicesOf(incident)) {
      for (const e of journeysAtRisk(catalog, service)) {
        const known = journeys.get(e.journey);
        if (known && (known.critical || !e.critical)) continue;
        const j = catalog.Journey.get(e.journey);
        journeys.set(e.journey, {
          name: e.journey,
          ...(j?.displayName !== undefined && { displayName: j.displayName }),
          critical: e.critical,
          via: { service, path: e.path },
        });
      }
    }
    const valueStreams = [...catalog.ValueStream.values()]
      .filter((v) => v.journeys.some((j) => journeys.has(j)))
      .map((v) => ({ name: v.name, ...(v.displayName !== undefined && { displayName: v.displayName }) }));
    const from = incident.createdAt;
    const to = incident.resolvedAt ?? this.options.clock();
    const budgets: { slo: string; badEvents: number; consumed: number }[] = [];
    const revenue: IncidentImpact['revenueAtRisk'][number][] = [];
    const services = new Set(this.servicesOf(incident));
    for (const slo of catalog.SLO.values()) {
      const onJourney = slo.journey !== undefined && journeys.has(slo.journey);
      const onService = slo.service !== undefined && services.has(slo.service);
      if (!onJourney && !onService) continue;
      const view = this.options.engine.view(slo.name);
      if (!view || slo.budgetingMethod !== 'occurrences') continue;
      const counts = await this.countsBetween(slo.sli, from, to);
      const bad = Math.max(0, counts.total - counts.good);
      const allowed = view.status.budget.total;
      if (counts.total > 0 && allowed > 0)
        budgets.push({ slo: slo.name, badEvents: bad, consumed: bad / allowed });
      const value =
        onJourney && slo.journey !== undefined ? catalog.Journey.get(slo.journey)?.value : undefined;
      if (!value || counts.total === 0 || slo.journey === undefined) continue;
      if (value.valuePerSuccess !== undefined)
        revenue.push({
          journey: slo.journey,
          slo: slo.name,
          currency: value.currency,
          amount: bad * value.valuePerSuccess,
          method: 'value-per-success',
        });
      else if (value.revenuePerHour !== undefined)
        revenue.push({
          journey: slo.journey,
          slo: slo.name,
          currency: value.currency,
          amount: (bad / counts.total) * ((to - from) / 3_600_000) * value.revenuePerHour,
          method: 'revenue-per-hour',
        });
    }
    // One figure per journey: its SLOs measure the same customers, so the largest loss stands for all.
    const perJourney = new Map<string, IncidentImpact['revenueAtRisk'][number]>();
    for (const r of revenue) {
      const known = perJourney.get(r.journey);
      if (!known || r.amount > known.amount) perJourney.set(r.journey, r);
    }
    return {
      journeys: [...journeys.values()],
      valueStreams,
      revenueAtRisk: [...perJourney.values()],
      budgets,
    };
  }

  private async countsBetween(
    sli: string,
    from: number,
    to: number,
  ): Promise<{ good: number; total: number }> {
    // Minute buckets last 12 hours; older spans are counted in whole hours.
    const minutes = from >= this.options.clock() - MINUTE_RETENTION_MS + 3_600_000;
    const size = minutes ? 60_000 : 3_600_000;
    const rows = await this.options.buckets.range(sli, minutes ? 'm' : 'h', from - (from % size), to);
    let good = 0;
    let total = 0;
    for (const r of rows) {
      good += r.good;
      total += r.total;
    }
    return { good, total };
  }

  /** Acknowledge, resolve or reopen; an impossible move is a CONFLICT. */
  async act(number: number, action: LifecycleAction, actor: string, message?: string): Promise<Incident> {
    const now = this.options.clock();
    await this.options.store.db.transaction().execute(async (trx) => {
      // Grouping must not attach a new alert to an incident this resolves (PostgreSQL; SQLite is serial).
      await this.repo.lockGrouping(trx);
      const incident = await this.repo.get(number, trx);
      if (!incident) throw new NinesError('NOT_FOUND', `no incident #${number}`);
      const status = nextStatus(incident, action);
      const patch =
        action === 'acknowledge'
          ? { status, acknowledgedAt: now }
          : action === 'resolve'
            ? { status, resolvedAt: now }
            : { status, resolvedAt: null, acknowledgedAt: null };
      if (!(await this.repo.update(trx, number, patch, now, incident.status)))
        throw new NinesError('CONFLICT', `incident #${number} changed while this was applied; read it again`);
      const entries: NewTimelineEntry[] = [
        {
          incident: number,
          at: now,
          type: PAST[action],
          actor,
          message: `${PAST[action][0]?.toUpperCase()}${PAST[action].slice(1)} by ${actor}${message ? `: ${message}` : ''}`,
          data: { from: incident.status, to: status },
        },
      ];
      if (action === 'resolve') {
        const closed = await this.repo.resolveAlerts(trx, number, now);
        if (closed > 0) {
          await this.repo.update(trx, number, { openAlertCount: 0 }, now);
          entries.push({
            incident: number,
            at: now,
            type: 'alert',
            actor,
            message: `${closed} open alert${closed === 1 ? '' : 's'} resolved with the incident; a new trigger opens a new incident`,
            data: { resolved: closed },
          });
        }
      }
      await this.repo.addTimeline(trx, entries);
    });
    this.options.onChange?.(number);
    if (action === 'resolve') await this.settle([number]);
    return this.get(number);
  }

  /** Changes title, severity, priority, assignee or roles; each change is on the timeline. */
  async patch(number: number, patch: IncidentPatch, actor: string): Promise<Incident> {
    const now = this.options.clock();
    await this.options.store.db.transaction().execute(async (trx) => {
      const incident = await this.repo.get(number, trx);
      if (!incident) throw new NinesError('NOT_FOUND', `no incident #${number}`);
      assertChangeable(incident);
      const entries: NewTimelineEntry[] = [];
      const entry = (type: NewTimelineEntry['type'], message: string, data: Record<string, unknown>) =>
        entries.push({ incident: number, at: now, type, actor, message, data });
      if (patch.title !== undefined && patch.title !== incident.title)
        entry('title', `Title changed to “${patch.title}”`, { from: incident.title, to: patch.title });
      if (patch.severity !== undefined && patch.severity !== incident.severity)
        entry('severity', `Severity changed from ${incident.severity} to ${patch.severity}`, {
          from: incident.severity,
          to: patch.severity,
        });
      if (patch.priority !== undefined && patch.priority !== incident.priority)
        entry(
          'priority',
          `Priority changed from ${incident.priority ?? 'none'} to ${patch.priority ?? 'none'}`,
          {
            from: incident.priority,
            to: patch.priority,
          },
        );
      if (patch.assignee !== undefined && patch.assignee !== incident.assignee)
        entry('assigned', patch.assignee === null ? 'Unassigned' : `Assigned to ${patch.assignee}`, {
          from: incident.assignee,
          to: patch.assignee,
        });
      let roles: Partial<Record<IncidentRole, string>> | undefined;
      if (patch.roles !== undefined) {
        const next: Partial<Record<IncidentRole, string>> = { ...incident.roles };
        for (const [role, person] of Object.entries(patch.roles) as [IncidentRole, string | null][]) {
          if ((incident.roles[role] ?? null) === person) continue;
          if (person === null) delete next[role];
          else next[role] = person;
          entry('role', person === null ? `${role} role cleared` : `${person} is ${role}`, {
            role,
            from: incident.roles[role] ?? null,
            to: person,
          });
        }
        roles = next;
      }
      if (entries.length === 0) return;
      await this.repo.update(
        trx,
        number,
        {
          ...(patch.title !== undefined && { title: patch.title }),
          ...(patch.severity !== undefined && { severity: patch.severity }),
          ...(patch.priority !== undefined && { priority: patch.priority }),
          ...(patch.assignee !== undefined && { assignee: patch.assignee }),
          ...(roles !== undefined && { roles }),
        },
        now,
      );
      await this.repo.addTimeline(trx, entries);
    });
    this.options.onChange?.(number);
    return this.get(number);
  }

  /**
   * A note (for responders) or a status update (for stakeholders; `public` ones
   * are for the status page) on the timeline. Allowed on resolved incidents too.
   */
  async addEntry(
    number: number,
    entry: { type: 'note' | 'status-update'; message: string; status?: string; public?: boolean },
    actor: string,
  ): Promise<TimelineEntry> {
    const incident = await this.get(number);
    assertChangeable(incident);
    const now = this.options.clock();
    await this.repo.addTimeline(this.options.store.db, [
      {
        incident: number,
        at: now,
        type: entry.type,
        actor,
        message: entry.message,
        data: {
          ...(entry.status !== undefined && { status: entry.status }),
          ...(entry.public !== undefined && { public: entry.public }),
        },
      },
    ]);
    this.options.onChange?.(number);
    const timeline = await this.repo.timeline(number, { types: [entry.type] });
    return timeline[timeline.length - 1] as TimelineEntry;
  }

  async addActionItem(
    number: number,
    item: { title: string; owner: string | null; dueDate: string | null },
    actor: string,
  ): Promise<ActionItem> {
    await this.get(number);
    const now = this.options.clock();
    const added = await this.actionItems.add({ incident: number, ...item }, now);
    await this.repo.addTimeline(this.options.store.db, [
      {
        incident: number,
        at: now,
        type: 'action-item',
        actor,
        message: `Action item: ${item.title}${item.owner ? ` (owner ${item.owner})` : ''}`,
        data: { actionItem: added.id },
      },
    ]);
    this.options.onChange?.(number);
    return added;
  }

  async postmortem(number: number, timeZone?: string): Promise<string> {
    const incident = await this.get(number);
    const [timeline, changes, impact, actionItems] = await Promise.all([
      this.timeline(number, incident),
      this.changesBefore(incident),
      this.impact(incident),
      this.actionItems.list({ incident: number }),
    ]);
    return renderPostmortem({
      incident,
      timeline,
      changes: changes.map((c) => ({
        id: c.id,
        service: c.service,
        summary: c.summary,
        type: c.type ?? 'other',
        version: c.version,
        author: c.author,
        source: c.source,
        occurredAt: c.occurredAt,
        links: c.links,
      })),
      journeys: impact.journeys,
      valueStreams: impact.valueStreams,
      budgets: impact.budgets,
      revenueAtRisk: impact.revenueAtRisk,
      actionItems,
      now: this.options.clock(),
      ...(timeZone !== undefined && { timeZone }),
    });
  }

  /** MTTA, MTTR and MTBF over [from, to), overall and per service, journey and value stream. */
  async mttx(from: number, to: number): Promise<MttxReport> {
    const { catalog } = this.options;
    // Incidents still open at `from` count as downtime too.
    const incidents = (await this.repo.list({ untilMs: to, limit: 100_000 })).filter(
      (i) => i.createdAt >= from || i.resolvedAt === null || i.resolvedAt > from,
    );
    const impacted = new Map<number, { journeys: string[]; valueStreams: string[] }>();
    for (const i of incidents) {
      const journeys = new Set(i.journeys);
      for (const s of this.servicesOf(i))
        for (const e of journeysAtRisk(catalog, s)) if (e.critical) journeys.add(e.journey);
      const valueStreams = [...catalog.ValueStream.values()]
        .filter((v) => v.journeys.some((j) => journeys.has(j)))
        .map((v) => v.name);
      impacted.set(i.number, { journeys: [...journeys], valueStreams });
    }
    return mttx({
      incidents,
      impacted: (i) => impacted.get(i.number) ?? { journeys: [], valueStreams: [] },
      from,
      to,
    });
  }
}
