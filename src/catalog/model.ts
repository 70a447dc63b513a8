/**
 * The catalog: what the business sells (value streams, journeys) mapped onto the
 * services that deliver it, and the objectives that measure it. Immutable values
 * built by the loader from nines/v1 and openslo/v1 documents.
 */

export interface Meta {
  readonly name: string;
  readonly displayName?: string;
  readonly description?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

export interface Team extends Meta {
  readonly kind: 'Team';
  readonly email?: string;
  readonly slackChannel?: string;
  readonly members: readonly string[];
}

export interface User extends Meta {
  readonly kind: 'User';
  readonly fullName?: string;
  readonly email: string;
  readonly timeZone?: string;
}

export interface ValueStream extends Meta {
  readonly kind: 'ValueStream';
  readonly objective: string;
  readonly owner?: string;
  readonly journeys: readonly string[];
}

/** Money a journey makes; drives revenue at risk. */
export interface BusinessValue {
  readonly currency: string;
  readonly revenuePerHour?: number;
  readonly valuePerSuccess?: number;
}

export interface JourneyStep {
  readonly name: string;
  readonly description?: string;
  readonly services: readonly string[];
}

export interface Journey extends Meta {
  readonly kind: 'Journey';
  readonly owner?: string;
  readonly steps: readonly JourneyStep[];
  readonly value?: BusinessValue;
}

export type Tier = 1 | 2 | 3 | 4;

export interface Dependency {
  readonly service: string;
  /** A critical dependency failing breaks the caller; a non-critical one degrades it. */
  readonly critical: boolean;
}

export interface Link {
  readonly title: string;
  readonly url: string;
}

export interface Service extends Meta {
  readonly kind: 'Service';
  readonly owner?: string;
  readonly tier?: Tier;
  readonly runbook?: string;
  readonly external: boolean;
  readonly dependsOn: readonly Dependency[];
  readonly links: readonly Link[];
}

export interface DataSource extends Meta {
  readonly kind: 'DataSource';
  /** `prometheus` is read by nines; other types are kept for OpenSLO round trips. */
  readonly type: string;
  readonly connection: Readonly<Record<string, unknown>>;
}

/** A query is PromQL text, or a foreign OpenSLO metric source spec kept verbatim. */
export type Query = string | Readonly<Record<string, unknown>>;

export type SliSource =
  | { readonly type: 'events' }
  | { readonly type: 'probe'; readonly probe: string }
  | { readonly type: 'prometheus'; readonly dataSource?: string }
  | { readonly type: 'foreign'; readonly sourceType: string; readonly dataSource?: string };

export type Indicator =
  | {
      readonly type: 'ratio';
      readonly source: SliSource;
      readonly good?: Query;
      readonly bad?: Query;
      readonly total?: Query;
    }
  | {
      readonly type: 'latency';
      readonly source: SliSource;
      /** Events at or under this many milliseconds are good. */
      readonly thresholdMs: number;
      readonly histogram?: string;
    }
  | {
      readonly type: 'raw';
      readonly source: SliSource;
      readonly rawType: 'success' | 'failure';
      readonly query?: Query;
    }
  | {
      /** A metric compared against each objective's `op` and `value` (OpenSLO thresholdMetric). */
      readonly type: 'threshold';
      readonly source: SliSource;
      readonly metric?: Query;
    };

export interface Sli extends Meta {
  readonly kind: 'SLI';
  readonly indicator: Indicator;
}

export type Window =
  | { readonly type: 'rolling'; readonly durationMs: number; readonly text: string }
  | {
      readonly type: 'calendar';
      readonly unit: 'week' | 'month' | 'quarter' | 'year';
      readonly timeZone: string;
      /** Local wall-clock `YYYY-MM-DD HH:MM:SS` the periods are aligned to. */
      readonly startTime?: string;
    };

export type BudgetingMethod = 'occurrences' | 'timeslices';

export type ThresholdOp = 'lt' | 'lte' | 'gt' | 'gte';

export interface Objective {
  readonly displayName?: string;
  /** Percentage in (0, 100). */
  readonly target: number;
  readonly op?: ThresholdOp;
  readonly value?: number;
  /** Percentage in (0, 100]; a timeslice is good when its ratio meets it. */
  readonly timesliceTarget?: number;
  readonly timesliceWindowMs?: number;
}

export interface Sla {
  /** Contractual percentage; the SLO target should be stricter. */
  readonly target: number;
  readonly creditPercent?: number;
}

export const ALERT_TIER_IDS = ['page-1h', 'page-6h', 'ticket-1d', 'ticket-3d'] as const;
export type AlertTierId = (typeof ALERT_TIER_IDS)[number];

/** Per-SLO changes to the default multi-window, multi-burn-rate alerts. */
export interface AlertingOverride {
  /** Fewest events the long window needs before a tier may fire (low-traffic guard). */
  readonly minEvents?: number;
  /** Severities or single tiers that never fire for this SLO. */
  readonly disabled: readonly ('page' | 'ticket' | AlertTierId)[];
  /** A tier with another budget share (percent of the budget spent when it fires) or burn factor. */
  readonly tiers: readonly (
    | { readonly id: AlertTierId; readonly budgetPercent: number }
    | { readonly id: AlertTierId; readonly factor: number }
  )[];
}

export interface Slo extends Meta {
  readonly kind: 'SLO';
  readonly journey?: string;
  readonly service?: string;
  /** Name of an SLI document, or of the SLO's own inlined SLI (`<slo>-sli`, see `inlineSliName`). */
  readonly sli: string;
  readonly objectives: readonly Objective[];
  readonly window: Window;
  readonly budgetingMethod: BudgetingMethod;
  readonly sla?: Sla;
  readonly alertPolicies: readonly string[];
  readonly alerting?: AlertingOverride;
}

export interface AlertCondition extends Meta {
  readonly kind: 'AlertCondition';
  readonly severity: string;
  readonly op: ThresholdOp;
  readonly threshold: number;
  readonly lookbackWindowMs: number;
  readonly alertAfterMs: number;
}

export interface AlertNotificationTarget extends Meta {
  readonly kind: 'AlertNotificationTarget';
  readonly target: string;
}

export interface AlertPolicy extends Meta {
  readonly kind: 'AlertPolicy';
  readonly alertWhenBreaching: boolean;
  readonly alertWhenResolved: boolean;
  readonly alertWhenNoData: boolean;
  readonly conditions: readonly string[];
  readonly notificationTargets: readonly string[];
}

export type Entity =
  | Team
  | User
  | ValueStream
  | Journey
  | Service
  | DataSource
  | Sli
  | Slo
  | AlertCondition
  | AlertNotificationTarget
  | AlertPolicy;

export type EntityKind = Entity['kind'];

export const ENTITY_KINDS: readonly EntityKind[] = [
  'ValueStream',
  'Journey',
  'Service',
  'SLO',
  'SLI',
  'DataSource',
  'Team',
  'User',
  'AlertPolicy',
  'AlertCondition',
  'AlertNotificationTarget',
];

type ByKind = { [K in EntityKind]: Extract<Entity, { kind: K }> };

/** All entities by kind and name, in declaration order. */
export type Catalog = { readonly [K in EntityKind]: ReadonlyMap<string, ByKind[K]> };

export function emptyCatalogMaps(): { [K in EntityKind]: Map<string, ByKind[K]> } {
  return {
    ValueStream: new Map(),
    Journey: new Map(),
    Service: new Map(),
    SLO: new Map(),
    SLI: new Map(),
    DataSource: new Map(),
    Team: new Map(),
    User: new Map(),
    AlertPolicy: new Map(),
    AlertCondition: new Map(),
    AlertNotificationTarget: new Map(),
  };
}

/** Every service a journey needs, directly or through dependencies, in discovery order. */
export function servicesOfJourney(catalog: Catalog, journey: Journey): string[] {
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const dep of catalog.Service.get(name)?.dependsOn ?? []) visit(dep.service);
  };
  for (const step of journey.steps) for (const s of step.services) visit(s);
  return [...seen];
}

/** Counts per kind, for summaries. */
export function countByKind(catalog: Catalog): Record<EntityKind, number> {
  const out = {} as Record<EntityKind, number>;
  for (const kind of ENTITY_KINDS) out[kind] = catalog[kind].size;
  return out;
}
