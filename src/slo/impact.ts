/**
 * Impact analysis: how SLO statuses of services roll up into the health of the
 * journeys that need them, which journeys a service puts at risk, and which
 * services explain a journey's burn. Paths follow `dependsOn` from the services
 * a journey's steps name; a non-critical edge on the way means the dependency
 * can only degrade the journey, never put it at risk.
 */
import type { Catalog, Journey, Slo } from '../catalog/model.js';
import type { Severity } from './alert-policy.js';
import type { SloStatus } from './types.js';

/** How a journey reaches a service. */
export interface DependencyPath {
  /** The first journey step whose services lead to it. */
  readonly step: string;
  /** Services from the step's service to the target, both included. */
  readonly path: readonly string[];
  /** Every dependsOn edge on the path is critical (a step's own service always is). */
  readonly critical: boolean;
}

/**
 * Every service a journey needs, with the best path to it: an all-critical path
 * when one exists, else the shortest one. Same closure as `servicesOfJourney`.
 *
 * @example
 * dependencyPaths(catalog, pay).get('psp'); // { step: 'Pay', path: ['payment', 'psp'], critical: true }
 */
export function dependencyPaths(catalog: Catalog, journey: Journey): Map<string, DependencyPath> {
  const found = new Map<string, DependencyPath>();
  // Breadth first over critical edges only, then over all edges: whatever the
  // second pass adds is reachable only through a non-critical edge.
  for (const criticalOnly of [true, false]) {
    const queue: { readonly service: string; readonly via: DependencyPath }[] = [];
    const seen = new Set<string>();
    for (const step of journey.steps) {
      for (const service of step.services) {
        if (seen.has(service)) continue;
        seen.add(service);
        queue.push({ service, via: { step: step.name, path: [service], critical: true } });
      }
    }
    // The loop visits what it appends: for...of over an array reads its length on every step.
    for (const { service, via } of queue) {
      if (!found.has(service)) found.set(service, via);
      for (const dep of catalog.Service.get(service)?.dependsOn ?? []) {
        if ((criticalOnly && !dep.critical) || seen.has(dep.service)) continue;
        seen.add(dep.service);
        const path = [...via.path, dep.service];
        queue.push({
          service: dep.service,
          via: { step: via.step, path, critical: via.critical && dep.critical },
        });
      }
    }
  }
  return found;
}

export interface JourneyExposure extends DependencyPath {
  readonly journey: string;
}

/**
 * The journeys whose dependency closure holds `service`, in catalog order. With
 * `critical: false` the service can only degrade that journey.
 *
 * @example
 * journeysAtRisk(catalog, 'analytics');
 * // [{ journey: 'search', step: 'Browse', path: ['top10', 'analytics'], critical: false }]
 */
export function journeysAtRisk(catalog: Catalog, service: string): JourneyExposure[] {
  const out: JourneyExposure[] = [];
  for (const journey of catalog.Journey.values()) {
    const path = dependencyPaths(catalog, journey).get(service);
    if (path) out.push({ journey: journey.name, ...path });
  }
  return out;
}

/** An SLO status plus, when alerting ran, which severities fire (an `AlertEvaluation` fits). */
export type SloSignal = SloStatus & {
  readonly alerts?: { readonly [S in Severity]: { readonly firing: boolean } };
};

export type HealthLevel = 'healthy' | 'degraded' | 'at-risk' | 'unknown';

/** Below this share of budget left an SLO counts as degraded. */
export const LOW_BUDGET_RATIO = 0.25;

export type HealthCause = 'page-firing' | 'budget-exhausted' | 'ticket-firing' | 'budget-low';

export type SloHealth =
  | { readonly level: 'healthy' | 'unknown' }
  | { readonly level: 'at-risk' | 'degraded'; readonly cause: HealthCause };

/**
 * One SLO's health. Unknown without a status or without any event in its
 * window; at risk when a page fires or the budget is spent; degraded when a
 * ticket fires or less than `LOW_BUDGET_RATIO` of the budget is left. Burn rates
 * count through the alerts derived from them, so pass `alerts` to include them.
 *
 * @example
 * sloHealth({ ...status, alerts: evaluation }); // { level: 'at-risk', cause: 'page-firing' }
 */
export function sloHealth(signal: SloSignal | undefined): SloHealth {
  if (!signal || signal.total === 0) return { level: 'unknown' };
  if (signal.alerts?.page.firing) return { level: 'at-risk', cause: 'page-firing' };
  if (signal.budget.remainingRatio <= 0) return { level: 'at-risk', cause: 'budget-exhausted' };
  if (signal.alerts?.ticket.firing) return { level: 'degraded', cause: 'ticket-firing' };
  if (signal.budget.remainingRatio < LOW_BUDGET_RATIO) return { level: 'degraded', cause: 'budget-low' };
  return { level: 'healthy' };
}

/** An SLO that pulls a journey's health down. */
export interface HealthFinding {
  readonly slo: string;
  /** Absent for the journey's own SLOs. */
  readonly via?: DependencyPath & { readonly service: string };
  readonly sloLevel: 'at-risk' | 'degraded';
  readonly cause: HealthCause;
  /** What it does to the journey: at most `degraded` through a non-critical edge. */
  readonly effect: 'at-risk' | 'degraded';
}

export interface JourneyHealth {
  readonly journey: string;
  readonly level: HealthLevel;
  /** At-risk effects first, then degraded; own SLOs before services within each. */
  readonly findings: readonly HealthFinding[];
  /** SLOs of the journey and its services with no status or no events. */
  readonly unknown: readonly string[];
}

/**
 * The health of every journey, in catalog order: the worst effect among its own
 * SLOs and the SLOs of every service in its dependency closure. `unknown` only
 * when none of those SLOs has data (or there are none); otherwise the SLOs
 * without data are listed and the rest decide.
 *
 * @example
 * journeyHealth(catalog, new Map([['payment-ok', { ...status, alerts: evaluation }]]));
 * // [{ journey: 'pay', level: 'at-risk', findings: [{ slo: 'payment-ok', via: {...}, ... }], unknown: [] }]
 */
export function journeyHealth(catalog: Catalog, statuses: ReadonlyMap<string, SloSignal>): JourneyHealth[] {
  const index = sloIndex(catalog);
  return [...catalog.Journey.values()].map((journey) => {
    const findings: HealthFinding[] = [];
    const unknown: string[] = [];
    let known = 0;
    const consider = (slo: Slo, via?: HealthFinding['via']): void => {
      const health = sloHealth(statuses.get(slo.name));
      switch (health.level) {
        case 'unknown':
          unknown.push(slo.name);
          return;
        case 'healthy':
          known++;
          return;
        case 'at-risk':
        case 'degraded': {
          known++;
          const effect = via && !via.critical ? 'degraded' : health.level;
          const base = { slo: slo.name, sloLevel: health.level, cause: health.cause, effect };
          findings.push(via ? { ...base, via } : base);
        }
      }
    };
    for (const slo of index.byJourney.get(journey.name) ?? []) consider(slo);
    for (const [service, path] of dependencyPaths(catalog, journey)) {
      for (const slo of index.byService.get(service) ?? []) consider(slo, { service, ...path });
    }
    const rank = (f: HealthFinding) => (f.effect === 'at-risk' ? 0 : 1);
    findings.sort((a, b) => rank(a) - rank(b));
    const level: HealthLevel = known === 0 ? 'unknown' : (findings[0]?.effect ?? 'healthy');
    return { journey: journey.name, level, findings, unknown };
  });
}

/** A service whose SLOs burn, and how the journey reaches it. */
export interface BurningService extends DependencyPath {
  readonly service: string;
  /** The most severe alert firing on any of its SLOs. */
  readonly alert: Severity | 'none';
  /** Highest 1h burn rate among its burning SLOs. */
  readonly burnRate1h: number;
  readonly slos: readonly {
    readonly slo: string;
    readonly burnRate1h: number;
    readonly alert: Severity | 'none';
  }[];
}

/** Over 1h a burn rate above this spends budget faster than the period allows. */
const SUSTAINABLE_BURN = 1;

/**
 * The services in a journey's dependency closure whose SLOs burn (1h burn rate
 * above 1, or an alert firing), most severe alert first, then fastest burn.
 *
 * @example
 * explainJourney(catalog, pay, statuses)[0];
 * // { service: 'psp', path: ['payment', 'psp'], critical: true, alert: 'page', burnRate1h: 20, ... }
 */
export function explainJourney(
  catalog: Catalog,
  journey: Journey,
  statuses: ReadonlyMap<string, SloSignal>,
): BurningService[] {
  const index = sloIndex(catalog);
  const out: BurningService[] = [];
  for (const [service, path] of dependencyPaths(catalog, journey)) {
    const slos: BurningService['slos'][number][] = [];
    for (const slo of index.byService.get(service) ?? []) {
      const signal = statuses.get(slo.name);
      if (!signal) continue;
      const burnRate1h = signal.burns.find((b) => b.window === '1h')?.burnRate ?? 0;
      const alert = signal.alerts?.page.firing ? 'page' : signal.alerts?.ticket.firing ? 'ticket' : 'none';
      if (alert !== 'none' || burnRate1h > SUSTAINABLE_BURN) slos.push({ slo: slo.name, burnRate1h, alert });
    }
    if (slos.length === 0) continue;
    slos.sort(bySeverityThenBurn);
    const worst = slos[0] as (typeof slos)[number];
    out.push({
      service,
      ...path,
      alert: worst.alert,
      burnRate1h: Math.max(...slos.map((s) => s.burnRate1h)),
      slos,
    });
  }
  return out.sort((a, b) => bySeverityThenBurn(a, b) || a.service.localeCompare(b.service));
}

const ALERT_RANK: Readonly<Record<Severity | 'none', number>> = { page: 0, ticket: 1, none: 2 };

function bySeverityThenBurn(
  a: { readonly alert: Severity | 'none'; readonly burnRate1h: number },
  b: { readonly alert: Severity | 'none'; readonly burnRate1h: number },
): number {
  return ALERT_RANK[a.alert] - ALERT_RANK[b.alert] || b.burnRate1h - a.burnRate1h;
}

function sloIndex(catalog: Catalog): {
  byJourney: Map<string, Slo[]>;
  byService: Map<string, Slo[]>;
} {
  const byJourney = new Map<string, Slo[]>();
  const byService = new Map<string, Slo[]>();
  const add = (map: Map<string, Slo[]>, key: string, slo: Slo) => {
    const list = map.get(key);
    if (list) list.push(slo);
    else map.set(key, [slo]);
  };
  for (const slo of catalog.SLO.values()) {
    if (slo.journey !== undefined) add(byJourney, slo.journey, slo);
    if (slo.service !== undefined) add(byService, slo.service, slo);
  }
  return { byJourney, byService };
}
