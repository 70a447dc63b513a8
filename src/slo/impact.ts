/**
 * Impact analysis: how SLO statuses of services roll up into the health of the
 * journeys that need them, which journeys a service puts at risk, and which
 * services explain a journey's burn. Paths follow `dependsOn` from the services
 * a journey's steps name; a non-critical edge on the way means the dependency
 * can only degrade the journey, never put it at risk.
 */
import type { Catalog, Journey, Slo } from '../catalog/model.js';
import type { Severity } from './alert-policy.js';
import { type Closure, type ImpactIndex, impactIndex } from './closure.js';
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
  const index = impactIndex(catalog);
  const closure = index.closure(journey);
  const out = new Map<string, DependencyPath>();
  for (let i = 0; i < closure.found.length; i++) {
    const { step, path } = index.pathAt(closure, i);
    out.set(index.serviceAt(closure, i), { step, path, critical: closure.critical[i] === 1 });
  }
  return out;
}

export interface JourneyExposure extends DependencyPath {
  readonly journey: string;
}

/**
 * The journeys whose dependency closure holds `service`, in catalog order. With
 * `critical: false` the service can only degrade that journey. `step` and `path`
 * are spelled out when read (all services' exposures in a large catalog hold
 * tens of millions of path entries), so list them explicitly rather than spread.
 *
 * @example
 * journeysAtRisk(catalog, 'analytics');
 * // [{ journey: 'search', step: 'Browse', path: ['top10', 'analytics'], critical: false }]
 */
export function journeysAtRisk(catalog: Catalog, service: string): JourneyExposure[] {
  const index = impactIndex(catalog);
  return index.exposuresOf(service).map((e) => new LazyExposure(index, e.closure, e.index));
}

class LazyExposure implements JourneyExposure {
  readonly journey: string;
  readonly critical: boolean;
  readonly #index: ImpactIndex;
  readonly #closure: Closure;
  readonly #at: number;

  constructor(index: ImpactIndex, closure: Closure, at: number) {
    this.journey = closure.journey.name;
    this.critical = closure.critical[at] === 1;
    this.#index = index;
    this.#closure = closure;
    this.#at = at;
  }

  get step(): string {
    return this.#index.pathAt(this.#closure, this.#at).step;
  }

  get path(): string[] {
    return this.#index.pathAt(this.#closure, this.#at).path;
  }

  toJSON() {
    return { journey: this.journey, step: this.step, path: this.path, critical: this.critical };
  }
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
  const index = impactIndex(catalog);
  // Services recur in many closures: judge each one's SLOs once per call.
  const judge = (slos: readonly Slo[]): Judged => {
    const out: Judged = { known: 0, unknown: [], burning: [] };
    for (const slo of slos) {
      const health = sloHealth(statuses.get(slo.name));
      if (health.level === 'unknown') out.unknown.push(slo.name);
      else out.known++;
      if (health.level === 'at-risk' || health.level === 'degraded') {
        out.burning.push({ slo: slo.name, sloLevel: health.level, cause: health.cause });
      }
    }
    return out;
  };
  const judged = index.names.map((name) => judge(index.slosByService.get(name) ?? []));
  return [...catalog.Journey.values()].map((journey) => {
    const own = judge(index.slosByJourney.get(journey.name) ?? []);
    const findings: HealthFinding[] = own.burning.map((b) => ({ ...b, effect: b.sloLevel }));
    const unknown = [...own.unknown];
    let known = own.known;
    const closure = index.closure(journey);
    for (let i = 0; i < closure.found.length; i++) {
      const id = closure.service[closure.found[i] as number] as number;
      const service = judged[id];
      if (!service) continue;
      known += service.known;
      for (const name of service.unknown) unknown.push(name);
      if (service.burning.length === 0) continue;
      const critical = closure.critical[i] === 1;
      const via = { service: index.names[id] as string, ...index.pathAt(closure, i), critical };
      for (const b of service.burning)
        findings.push({ ...b, effect: critical ? b.sloLevel : 'degraded', via });
    }
    const rank = (f: HealthFinding) => (f.effect === 'at-risk' ? 0 : 1);
    findings.sort((a, b) => rank(a) - rank(b));
    const level: HealthLevel = known === 0 ? 'unknown' : (findings[0]?.effect ?? 'healthy');
    return { journey: journey.name, level, findings, unknown };
  });
}

/** The SLOs of one owner, judged. */
interface Judged {
  known: number;
  readonly unknown: string[];
  readonly burning: Pick<HealthFinding, 'slo' | 'sloLevel' | 'cause'>[];
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
  const index = impactIndex(catalog);
  const closure = index.closure(journey);
  const out: BurningService[] = [];
  for (let i = 0; i < closure.found.length; i++) {
    const service = index.serviceAt(closure, i);
    const slos: BurningService['slos'][number][] = [];
    for (const slo of index.slosByService.get(service) ?? []) {
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
      ...index.pathAt(closure, i),
      critical: closure.critical[i] === 1,
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
