import type { Journey, Service, Slo, ValueStream, Window } from '../catalog/model.js';
import type { SloView } from '../runtime/engine.js';
import type { Queries } from '../runtime/queries.js';
import type { WindowBurn } from '../slo/alert-policy.js';
import type { AlertState, AlertTransition } from '../slo/alert-state.js';
import type { BurningService, JourneyExposure, JourneyHealth } from '../slo/impact.js';
import type { RevenueAtRisk } from '../slo/revenue.js';
import type { IngestOutcome } from '../sources/events/writer.js';
import type { SourceStatus } from '../sources/prometheus/source.js';
import type {
  BurningServiceBody,
  FiringAlertBody,
  IngestOutcomeBody,
  JourneyBody,
  JourneyHealthBody,
  RevenueBody,
  ServiceBody,
  SloDetailBody,
  SloSummaryBody,
  TransitionBody,
  ValueStreamBody,
  WindowBody,
} from './schemas.js';

// Presenters list every field they return; nothing internal leaves the server by accident.
// Their return types are the documented response schemas (schemas.ts), so the two cannot drift.

export const iso = (ms: number) => new Date(ms).toISOString();
export const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));
const round = (n: number, digits = 6) => Number(n.toFixed(digits));

export function presentWindow(w: Window): WindowBody {
  return w.type === 'rolling'
    ? { type: 'rolling' as const, duration: w.text }
    : { type: 'calendar' as const, unit: w.unit, timeZone: w.timeZone, startTime: w.startTime ?? null };
}

function presentAlert(state: AlertState | undefined): SloSummaryBody['alerts'] {
  const burn = (s: AlertState['page'] | undefined) =>
    !s
      ? { status: 'resolved' as const, since: null, tier: null }
      : s.status === 'firing'
        ? { status: 'firing' as const, since: iso(s.since), tier: s.tier }
        : { status: 'resolved' as const, since: iso(s.since), tier: null };
  return {
    page: burn(state?.page),
    ticket: burn(state?.ticket),
    noData: state
      ? { status: state.noData.status, since: iso(state.noData.since) }
      : { status: 'resolved' as const, since: null },
  };
}

export function presentSloSummary(view: SloView, queries: Queries): SloSummaryBody {
  const { slo, status } = view;
  return {
    name: slo.name,
    displayName: slo.displayName ?? null,
    journey: slo.journey ?? null,
    service: slo.service ?? null,
    sli: slo.sli,
    objective: slo.objectives[0]?.target ?? null,
    window: presentWindow(slo.window),
    budgetingMethod: slo.budgetingMethod,
    evaluatedAt: iso(status.evaluatedAt),
    windowStart: iso(status.windowStart),
    good: status.good,
    total: status.total,
    attainment: status.sli === undefined ? null : round(status.sli * 100, 6),
    budget: {
      total: round(status.budget.total, 3),
      consumed: round(status.budget.consumed, 3),
      remainingRatio: round(status.budget.remainingRatio),
      remainingMinutes: round(status.budget.remainingMinutes, 2),
    },
    // A status has a burn for every window and the period (statusOf); keys are typed by Burn['window'].
    burnRates: Object.fromEntries(
      status.burns.map((b) => [b.window, round(b.burnRate, 4)]),
    ) as SloSummaryBody['burnRates'],
    noData: status.noData,
    health: queries.sloHealth(view).level,
    alerts: presentAlert(view.alert),
    dataSource: presentSource(queries.sourceStatus(slo.sli)),
  };
}

function presentSource(s: SourceStatus | undefined): SloSummaryBody['dataSource'] {
  if (!s) return null;
  return {
    state: s.state,
    message: s.message ?? null,
    since: iso(s.since),
    readTo: s.readTo === undefined ? null : iso(s.readTo),
  };
}

export function presentSloDetail(
  view: SloView,
  queries: Queries,
  journey: Journey | undefined,
): SloDetailBody {
  const { slo, status } = view;
  const revenue =
    journey && slo.budgetingMethod === 'occurrences'
      ? queries.revenue(journey).find((r) => r.slo === slo.name)
      : undefined;
  return {
    ...presentSloSummary(view, queries),
    description: slo.description ?? null,
    objectives: slo.objectives.map((o) => ({
      target: o.target,
      displayName: o.displayName ?? null,
      timesliceTarget: o.timesliceTarget ?? null,
      timesliceWindowMinutes: o.timesliceWindowMs === undefined ? null : o.timesliceWindowMs / 60_000,
    })),
    sla: slo.sla ? { target: slo.sla.target, creditPercent: slo.sla.creditPercent ?? null } : null,
    windowEnd: iso(status.windowEnd),
    burns: status.burns.map((b) => ({
      window: b.window,
      good: b.good,
      total: b.total,
      errorRatio: round(b.errorRatio, 9),
      burnRate: round(b.burnRate, 4),
    })),
    alertPolicy: view.evaluation.tiers.map((t) => ({
      tier: t.tier,
      severity: t.severity,
      factor: round(t.factor, 6),
      long: { window: t.long.window, burnRate: round(t.long.burnRate, 4), events: t.long.total },
      short: { window: t.short.window, burnRate: round(t.short.burnRate, 4), events: t.short.total },
      outcome: t.outcome,
    })),
    revenueAtRisk: revenue ? presentRevenue(revenue) : null,
  };
}

export function presentRevenue(r: RevenueAtRisk): RevenueBody {
  return {
    currency: r.currency,
    method: r.method,
    spans: r.spans.map((s) => ({
      span: s.span,
      badEvents: s.badEvents,
      errorRatio: round(s.errorRatio, 9),
      amount: round(s.amount, 2),
    })),
  };
}

export function presentJourneyHealth(h: JourneyHealth | undefined): JourneyHealthBody {
  if (!h) return { level: 'unknown' as const, findings: [], unknown: [] };
  return {
    level: h.level,
    findings: h.findings.map((f) => ({
      slo: f.slo,
      cause: f.cause,
      effect: f.effect,
      via: f.via
        ? { service: f.via.service, step: f.via.step, path: [...f.via.path], critical: f.via.critical }
        : null,
    })),
    unknown: [...h.unknown],
  };
}

export function presentJourney(
  j: Journey,
  health: JourneyHealth | undefined,
  streams: readonly ValueStream[],
  revenue: { currency: string; spans: Record<string, number> } | undefined,
): JourneyBody {
  return {
    name: j.name,
    displayName: j.displayName ?? null,
    description: j.description ?? null,
    owner: j.owner ?? null,
    valueStreams: streams.filter((v) => v.journeys.includes(j.name)).map((v) => v.name),
    value: j.value
      ? {
          currency: j.value.currency,
          revenuePerHour: j.value.revenuePerHour ?? null,
          valuePerSuccess: j.value.valuePerSuccess ?? null,
        }
      : null,
    steps: j.steps.map((s) => ({ name: s.name, services: [...s.services] })),
    health: presentJourneyHealth(health),
    revenueAtRisk: revenue ? { currency: revenue.currency, ...roundAll(revenue.spans) } : null,
  };
}

function roundAll(spans: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(spans).map(([k, v]) => [k, round(v, 2)]));
}

export function presentBurningService(b: BurningService): BurningServiceBody {
  return {
    service: b.service,
    step: b.step,
    path: [...b.path],
    critical: b.critical,
    alert: b.alert,
    burnRate1h: round(b.burnRate1h, 4),
    slos: b.slos.map((s) => ({ slo: s.slo, burnRate1h: round(s.burnRate1h, 4), alert: s.alert })),
  };
}

export function presentService(
  s: Service,
  slos: readonly Slo[],
  exposure: readonly JourneyExposure[],
): ServiceBody {
  return {
    name: s.name,
    displayName: s.displayName ?? null,
    description: s.description ?? null,
    owner: s.owner ?? null,
    tier: s.tier ?? null,
    external: s.external,
    runbook: s.runbook ?? null,
    dependsOn: s.dependsOn.map((d) => ({ service: d.service, critical: d.critical })),
    slos: slos.map((o) => o.name),
    journeysAtRisk: exposure.map((e) => ({
      journey: e.journey,
      step: e.step,
      path: [...e.path],
      critical: e.critical,
    })),
  };
}

export function presentValueStream(
  v: ValueStream,
  health: ReadonlyMap<string, JourneyHealth>,
): ValueStreamBody {
  const levels = v.journeys.map((j) => health.get(j)?.level ?? 'unknown');
  // The worst known level speaks for the stream; unknown only when nothing is known.
  const worst = (['at-risk', 'degraded', 'healthy'] as const).find((l) => levels.includes(l)) ?? 'unknown';
  return {
    name: v.name,
    displayName: v.displayName ?? null,
    objective: v.objective,
    owner: v.owner ?? null,
    health: worst,
    journeys: v.journeys.map((j, i) => ({ name: j, health: levels[i] ?? 'unknown' })),
  };
}

function presentBurns(burns: readonly WindowBurn[]) {
  return burns.map((b) => ({ window: b.window, burnRate: round(b.burnRate, 4), events: b.total }));
}

export function presentTransition(t: AlertTransition): TransitionBody {
  const { slo } = t;
  const at = iso(t.at);
  switch (t.type) {
    case 'fired':
      return t.kind === 'no-data'
        ? { slo, kind: t.kind, type: t.type, at }
        : { slo, kind: t.kind, type: t.type, at, tier: t.tier, burns: presentBurns(t.burns) };
    case 'updated':
      return {
        slo,
        kind: t.kind,
        type: t.type,
        at,
        from: t.from,
        to: t.to,
        direction: t.direction,
        firingSince: iso(t.firingSince),
        burns: presentBurns(t.burns),
      };
    case 'resolved':
      return t.kind === 'no-data'
        ? { slo, kind: t.kind, type: t.type, at, firingSince: iso(t.firingSince) }
        : {
            slo,
            kind: t.kind,
            type: t.type,
            at,
            tier: t.tier,
            reason: t.reason,
            firingSince: iso(t.firingSince),
            burns: presentBurns(t.burns),
          };
  }
}

/** The alerts of one SLO that fire now: page and ticket with their burns, then no-data. */
export function presentFiringAlerts(view: SloView): FiringAlertBody[] {
  const a = view.alert;
  if (!a) return [];
  const firing: FiringAlertBody[] = [];
  for (const kind of ['page', 'ticket'] as const) {
    const s = a[kind];
    if (s.status === 'firing') {
      firing.push({
        slo: view.slo.name,
        kind,
        since: iso(s.since),
        tier: s.tier,
        burns: presentBurns(s.burns),
      });
    }
  }
  if (a.noData.status === 'firing') {
    firing.push({ slo: view.slo.name, kind: 'no-data', since: iso(a.noData.since), tier: null, burns: [] });
  }
  return firing;
}

/** The answer to an event batch: what the writer committed, and the batch id it was sent with. */
export function presentIngestOutcome(o: IngestOutcome, batchId: string | undefined): IngestOutcomeBody {
  return { accepted: o.accepted, duplicate: o.duplicate, ...(batchId !== undefined && { batchId }) };
}
