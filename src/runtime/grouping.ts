import type { Catalog } from '../catalog/model.js';
import { type GroupingCandidate, place, Topology } from '../incidents/grouping.js';
import { worse } from '../incidents/lifecycle.js';
import type { IncidentSeverity, Subject } from '../incidents/types.js';
import type { Store } from '../store/db.js';
import {
  type AlertMark,
  type Db,
  type GroupingAlert,
  IncidentRepository,
  type NewTimelineEntry,
} from '../store/incidents.js';
import { coveringWindow, MaintenanceWindowRepository } from '../store/maintenance-windows.js';
import { Drain } from './drain.js';
import { SLO_ALERTS } from './slo-alerts.js';

/** Alerts grouped per transaction: a flood is worked off in bounded steps. */
const BATCH = 500;

/**
 * In a flood (the last batch had at least `PACE_FROM` alerts), kicks start a run
 * at most every `paceMs`: a batch costs a commit and a few reads whatever its
 * size, so a flood is grouped in fewer, larger batches instead of one or two per
 * intake commit. A trickle of alerts is grouped at once.
 */
const PACE_MS = 25;
const PACE_FROM = 32;

export interface GroupingOptions {
  readonly store: Store;
  readonly catalog: Catalog;
  /** An open incident takes related alerts while its last alert is at most this old. */
  readonly windowMs: number;
  readonly clock: () => number;
  readonly log: (msg: string, err: unknown) => void;
  /** Told the incidents a committed batch opened or changed. */
  readonly onChange?: (incidents: readonly number[]) => void;
  /** In a flood of alerts, kicks start a run at most this often (default 25 ms). */
  readonly paceMs?: number;
  /**
   * Starts paging for an incident that opened or got a new suspected cause, in
   * grouping's transaction (so an incident never exists without its escalation);
   * what it returns goes on the timeline.
   */
  readonly escalate?: (
    trx: Db,
    incident: { number: number; subject: Subject; cause: string | null },
    at: number,
  ) => Promise<NewTimelineEntry | undefined>;
}

/**
 * Whether an alert may open an incident (any alert may join one). nines' own
 * tickets and no-data alerts do not: a ticket is for working hours, not for
 * waking someone, and no data is for whoever owns the telemetry. `info` alerts
 * from anywhere do not either.
 */
export function opensIncidents(a: Pick<GroupingAlert, 'integrationId' | 'severity'>): boolean {
  return a.integrationId === SLO_ALERTS ? a.severity === 'critical' : a.severity !== 'info';
}

/** Alert entries per incident and kind written one by one in a batch; the rest are summed up. */
const ENTRIES_PER_KIND = 10;

/**
 * Keeps an alert storm readable (and cheap): per incident, the first few
 * joined, acknowledged and resolved alerts of a batch are on the timeline one by
 * one, the others in one entry that counts them and names their services.
 */
export function condense(timeline: readonly NewTimelineEntry[]): NewTimelineEntry[] {
  const seen = new Map<string, number>();
  const rest = new Map<
    string,
    { first: NewTimelineEntry; count: number; services: Set<string>; at: number }
  >();
  const out: NewTimelineEntry[] = [];
  for (const e of timeline) {
    const kind = e.type === 'alert' ? (e.data?.event as string | undefined) : undefined;
    if (kind === undefined) {
      out.push(e);
      continue;
    }
    const key = `${e.incident}\u0000${kind}`;
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    if (n <= ENTRIES_PER_KIND) {
      out.push(e);
      continue;
    }
    const summary = rest.get(key) ?? { first: e, count: 0, services: new Set<string>(), at: e.at };
    summary.count++;
    summary.at = Math.max(summary.at, e.at);
    const subject = e.data?.subject as { name?: string } | undefined;
    if (subject?.name !== undefined) summary.services.add(subject.name);
    rest.set(key, summary);
  }
  for (const [key, r] of rest) {
    const kind = key.split('\u0000')[1] as string;
    const names = [...r.services];
    out.push({
      incident: r.first.incident,
      at: r.at,
      type: 'alert',
      actor: r.first.actor,
      message: `…and ${r.count} more alert${r.count === 1 ? '' : 's'} ${kind}${names.length > 0 ? ` (${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''})` : ''}`,
      data: { event: kind, count: r.count, summarised: true },
    });
  }
  return out;
}

const label = (a: GroupingAlert) => (a.summary ?? a.dedupKey).slice(0, 200);
const subjectOf = (a: GroupingAlert): Subject =>
  a.journey !== null ? { kind: 'journey', name: a.journey } : { kind: 'service', name: a.service };
const describe = (s: Subject) => (s.kind === 'journey' ? `journey ${s.name}` : s.name);

/**
 * Turns alerts into incidents. Intake only commits alerts; grouping picks up
 * every alert whose status it has not seen (a column beside the status, so a
 * restart or a crash loses nothing and a second run changes nothing) and
 * places it with the pure `place`, in one transaction per batch under a lock
 * that a second replica waits for.
 */
export class Grouping {
  private readonly repo: IncidentRepository;
  private readonly windows: MaintenanceWindowRepository;
  private readonly topology: Topology;
  private readonly drain: Drain;
  /** Whether the last batch was a flood's; when a kick last started a run (monotonic ms); the kick waiting. */
  private flood = false;
  private kickedAt = Number.NEGATIVE_INFINITY;
  private paced: NodeJS.Timeout | undefined;

  constructor(private readonly options: GroupingOptions) {
    this.drain = new Drain(
      () => this.batch(),
      (n) => n >= BATCH,
      (err) => this.options.log('grouping alerts into incidents failed', err),
    );
    this.repo = new IncidentRepository(options.store.db, options.store.dialect);
    this.windows = new MaintenanceWindowRepository(options.store.db);
    this.topology = new Topology(options.catalog);
  }

  /**
   * Asks for a run soon: now, or in a flood once `paceMs` have passed since a
   * kick last started one; runs asked for meanwhile fold into one.
   */
  kick(): void {
    if (this.paced) return;
    const wait = this.flood ? this.kickedAt + (this.options.paceMs ?? PACE_MS) - performance.now() : 0;
    if (wait <= 0) {
      this.start();
      return;
    }
    this.paced = setTimeout(() => {
      this.paced = undefined;
      this.start();
    }, wait);
    this.paced.unref();
  }

  private start(): void {
    this.kickedAt = performance.now();
    this.drain.kick();
  }

  /** Works off everything due or pending; resolves with how much it handled. */
  run(): Promise<number> {
    return this.drain.run();
  }

  close(): Promise<void> {
    clearTimeout(this.paced);
    this.paced = undefined;
    return this.drain.close();
  }

  private async batch(): Promise<number> {
    const changed = new Set<number>();
    const seen = await this.options.store.db.transaction().execute(async (trx) => {
      await this.repo.lockGrouping(trx);
      await this.repo.releaseSuppressed(trx, this.options.clock());
      const alerts = await this.repo.pendingAlerts(trx, BATCH);
      // A run that finds nothing (one asked for while the last ran) says nothing of the flood.
      if (alerts.length > 0) this.flood = alerts.length >= PACE_FROM;
      if (alerts.length === 0) return 0;
      const now = this.options.clock();
      const open = new Map<number, GroupingCandidate>();
      for (const i of await this.repo.open(trx))
        open.set(i.number, {
          number: i.number,
          subject: i.subject,
          cause: i.suspectedCause?.service ?? null,
          lastAlertAt: i.lastAlertAt,
        });
      const earliest = Math.min(...alerts.map((a) => a.createdAt));
      const windows = await this.windows.list(earliest, trx);
      const timeline: NewTimelineEntry[] = [];
      const severities = new Map<number, IncidentSeverity>();
      const resolvedIn = new Set<number>();
      const acknowledgedBy = new Map<number, GroupingAlert>();
      // Written in bulk: before a merge moves alerts, and once the batch is placed.
      const marks: AlertMark[] = [];
      const mergedInto = new Set<number>();
      // What this batch adds to each incident's counts; merged ones are recounted from their alerts.
      const deltas = new Map<
        number,
        { alerts: number; open: number; services: Set<string>; journeys: Set<string>; last: number }
      >();
      const deltaOf = (n: number) => {
        let d = deltas.get(n);
        if (!d) {
          d = { alerts: 0, open: 0, services: new Set(), journeys: new Set(), last: 0 };
          deltas.set(n, d);
        }
        return d;
      };
      for (const alert of alerts) {
        const actor = alert.integrationName ?? alert.integrationId;
        let incident = alert.incident;
        if (alert.groupedStatus === null && incident === null) {
          // An alert a window held back is placed as of now, when it is let go.
          const at = alert.suppressedBy !== null ? now : alert.createdAt;
          const window = alert.journey === null ? coveringWindow(windows, alert.service, at) : undefined;
          if (window) {
            marks.push({ alert, set: { suppressedBy: window.id } });
            continue;
          }
          incident = await this.placeAlert(trx, alert, at, open, timeline, marks, mergedInto);
          marks.push({ alert, set: { incident } });
          if (incident === null) continue;
          const d = deltaOf(incident);
          d.alerts++;
          if (alert.status !== 'resolved') d.open++;
          if (alert.journey !== null) d.journeys.add(alert.journey);
          else d.services.add(alert.service);
          d.last = Math.max(d.last, alert.lastEventAt);
          const severity = alert.severity ?? 'error';
          severities.set(incident, worse(severities.get(incident) ?? severity, severity));
        } else {
          marks.push({ alert, set: {} });
          if (incident !== null && alert.status === 'resolved' && alert.groupedStatus !== 'resolved')
            deltaOf(incident).open--;
        }
        if (incident === null) continue;
        changed.add(incident);
        if (alert.status === 'acknowledged') {
          acknowledgedBy.set(incident, alert);
          timeline.push({
            incident,
            at: alert.lastEventAt,
            type: 'alert',
            actor,
            message: `Alert acknowledged by ${actor}: ${label(alert)}`,
            data: { alert: alert.id, dedupKey: alert.dedupKey, status: alert.status, event: 'acknowledged' },
          });
        } else if (alert.status === 'resolved') {
          resolvedIn.add(incident);
          timeline.push({
            incident,
            at: alert.lastEventAt,
            type: 'alert',
            actor,
            message: `Alert resolved: ${label(alert)}`,
            data: { alert: alert.id, dedupKey: alert.dedupKey, status: alert.status, event: 'resolved' },
          });
        }
      }
      await this.repo.markAlerts(trx, marks.splice(0));
      for (const number of changed) {
        const current = await this.repo.get(number, trx);
        if (!current) continue;
        // Counted from the alerts only after a merge; otherwise what this batch added (an
        // alert storm into one incident must not recount all its alerts on every batch).
        const facts = mergedInto.has(number) ? await this.repo.alertFacts(trx, number) : undefined;
        const d = deltaOf(number);
        const counts = facts
          ? { alerts: facts.alerts, open: facts.open, services: facts.services, journeys: facts.journeys }
          : {
              alerts: current.alertCount + d.alerts,
              open: Math.max(0, current.openAlertCount + d.open),
              services: [...new Set([...current.services, ...d.services])],
              journeys: [...new Set([...current.journeys, ...d.journeys])],
            };
        // Raised by new alerts and by merged incidents' alerts; a responder's choice stands otherwise.
        let severity = current.severity;
        for (const raised of [severities.get(number), ...(facts?.severities ?? [])])
          if (raised !== undefined) severity = worse(severity, raised);
        await this.repo.update(
          trx,
          number,
          {
            alertCount: counts.alerts,
            openAlertCount: counts.open,
            services: counts.services,
            journeys: counts.journeys,
            lastAlertAt: Math.max(current.lastAlertAt, facts?.lastAlertAt ?? 0, d.last),
            ...(severity !== current.severity && { severity }),
          },
          now,
        );
        if (severity !== current.severity)
          timeline.push({
            incident: number,
            at: now,
            type: 'severity',
            actor: 'nines',
            message: `Severity raised from ${current.severity} to ${severity} by a new alert`,
            data: { from: current.severity, to: severity },
          });
        if (current.mergedInto !== null) continue;
        const acked = acknowledgedBy.get(number);
        if (acked && current.status === 'triggered' && counts.open > 0) {
          const actor = acked.integrationName ?? acked.integrationId;
          if (
            await this.repo.update(
              trx,
              number,
              { status: 'acknowledged', acknowledgedAt: now },
              now,
              'triggered',
            )
          )
            timeline.push({
              incident: number,
              at: now,
              type: 'acknowledged',
              actor,
              message: `Acknowledged by ${actor} through its alert`,
            });
        }
        if (resolvedIn.has(number) && counts.open === 0 && current.status !== 'resolved') {
          if (
            await this.repo.update(trx, number, { status: 'resolved', resolvedAt: now }, now, current.status)
          )
            timeline.push({
              incident: number,
              at: now,
              type: 'resolved',
              actor: 'nines',
              message: 'Resolved: every alert in it has resolved',
            });
        }
      }
      await this.repo.addTimeline(trx, condense(timeline));
      return alerts.length;
    });
    if (changed.size > 0) this.options.onChange?.([...changed]);
    return seen;
  }

  /** Finds or opens the incident of a new alert and writes what grouping decided on its timeline. */
  private async placeAlert(
    trx: Db,
    alert: GroupingAlert,
    at: number,
    open: Map<number, GroupingCandidate>,
    timeline: NewTimelineEntry[],
    marks: AlertMark[],
    mergedInto: Set<number>,
  ): Promise<number | null> {
    const subject = subjectOf(alert);
    const actor = alert.integrationName ?? alert.integrationId;
    const data = { alert: alert.id, dedupKey: alert.dedupKey, integration: alert.integrationId };
    const placement = place(subject, [...open.values()], this.topology, at, this.options.windowMs);
    switch (placement.kind) {
      case 'open': {
        if (!opensIncidents(alert)) return null;
        const cause = subject.kind === 'service' ? { service: subject.name, chain: [subject.name] } : null;
        const number = await this.repo.create(trx, {
          title: alert.summary?.slice(0, 500) ?? `${describe(subject)} is alerting`,
          severity: alert.severity ?? 'error',
          subject,
          cause,
          at,
        });
        open.set(number, { number, subject, cause: cause?.service ?? null, lastAlertAt: at });
        timeline.push({
          incident: number,
          at,
          type: 'opened',
          actor,
          message: `Opened by an alert on ${describe(subject)}: ${label(alert)}`,
          data: { ...data, subject },
        });
        const paging = await this.options.escalate?.(
          trx,
          { number, subject, cause: cause?.service ?? null },
          at,
        );
        if (paging) timeline.push(paging);
        return number;
      }
      case 'join': {
        const into = open.get(placement.incident) as GroupingCandidate;
        // Every alert of a storm comes here: objects spelled out, not spread (spreading cost more).
        if (at > into.lastAlertAt)
          open.set(into.number, {
            number: into.number,
            subject: into.subject,
            cause: into.cause,
            lastAlertAt: at,
          });
        const via =
          placement.chain.length > 1
            ? ` (${placement.chain.join(' → ')}: depends on the suspected cause ${into.cause})`
            : '';
        timeline.push({
          incident: into.number,
          at,
          type: 'alert',
          actor,
          message: `Alert on ${describe(subject)} joined${via}: ${label(alert)}`,
          data: {
            alert: alert.id,
            dedupKey: alert.dedupKey,
            integration: alert.integrationId,
            subject,
            chain: placement.chain,
            event: 'joined',
          },
        });
        return into.number;
      }
      case 'explain': {
        const into = open.get(placement.into) as GroupingCandidate;
        const chain = placement.chains.get(into.number) ?? [subject.name];
        await this.repo.update(trx, into.number, { cause: { service: subject.name, chain } }, at);
        open.set(into.number, { ...into, cause: subject.name, lastAlertAt: Math.max(into.lastAlertAt, at) });
        timeline.push({
          incident: into.number,
          at,
          type: 'alert',
          actor,
          message: `Alert on ${subject.name} joined: ${label(alert)}`,
          data: { ...data, subject },
        });
        timeline.push({
          incident: into.number,
          at,
          type: 'cause',
          actor: 'nines',
          message: `${subject.name} is the suspected cause: ${chain.join(' → ')}`,
          data: { previous: into.cause, cause: subject.name, chain },
        });
        // The new cause's owners are paged too (their policy, if it is another one).
        const paging = await this.options.escalate?.(
          trx,
          { number: into.number, subject: into.subject, cause: subject.name },
          at,
        );
        if (paging) timeline.push(paging);
        for (const number of placement.merge) {
          const merged = open.get(number) as GroupingCandidate;
          const mergedChain = placement.chains.get(number) ?? [];
          await this.repo.update(
            trx,
            number,
            { mergedInto: into.number, status: 'resolved', resolvedAt: at },
            at,
          );
          await this.repo.markAlerts(trx, marks.splice(0));
          await this.repo.moveAlerts(trx, number, into.number);
          mergedInto.add(into.number);
          open.delete(number);
          timeline.push(
            {
              incident: into.number,
              at,
              type: 'merged',
              actor: 'nines',
              message: `#${number} (${describe(merged.subject)}) merged in: ${mergedChain.join(' → ')}`,
              data: { merged: number, chain: mergedChain },
            },
            {
              incident: number,
              at,
              type: 'merged',
              actor: 'nines',
              message: `Merged into #${into.number}: ${subject.name} is the suspected cause (${mergedChain.join(' → ')})`,
              data: { into: into.number, chain: mergedChain },
            },
          );
        }
        return into.number;
      }
    }
  }
}
