import type { Criterion } from '../gates/criteria.js';

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
  /** The schedule whose on-call person stands for the team in escalation policies. */
  readonly schedule?: string;
  /** The policy for the team's services that name none themselves. */
  readonly escalationPolicy?: string;
}

/**
 * Where a person is reached. Secrets (a webhook's signing secret, a Slack
 * incoming-webhook URL) are written as `${env:NAME}` and resolved at run time.
 */
export type ContactMethod =
  | { readonly name: string; readonly type: 'email'; readonly address: string }
  | { readonly name: string; readonly type: 'slack'; readonly url: string }
  | { readonly name: string; readonly type: 'webhook'; readonly url: string; readonly secret: string };

/** Notify through contact method `via` this long after the person is paged. */
export interface NotificationRule {
  readonly afterMs: number;
  readonly via: string;
}

export interface User extends Meta {
  readonly kind: 'User';
  readonly fullName?: string;
  readonly email: string;
  readonly timeZone?: string;
  /** Contact methods; an `email` one at the user's address when none are given. */
  readonly contacts: readonly ContactMethod[];
  /** Personal notification rules; "email at once" when none are given. */
  readonly notify: readonly NotificationRule[];
}

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/**
 * A weekly window in the schedule's zone, e.g. Monday–Friday 09:00–17:00. `end`
 * at or before `start` runs past midnight into the next day; `24:00` is midnight.
 */
export interface Restriction {
  readonly days: readonly Weekday[];
  /** `HH:mm`, wall-clock. */
  readonly start: string;
  /** `HH:mm`, wall-clock; `24:00` allowed. */
  readonly end: string;
}

/**
 * One rotation: users take turns of a fixed length in calendar units, every
 * handoff at the same wall-clock time in the schedule's zone (a 1-week turn is
 * 7 calendar days, 167 or 169 hours across a DST change).
 */
export interface ScheduleLayer {
  readonly name: string;
  readonly users: readonly string[];
  readonly rotation: { readonly unit: 'hours' | 'days' | 'weeks'; readonly count: number };
  /** Wall-clock start of the first turn in the schedule's zone, `YYYY-MM-DDTHH:mm`. */
  readonly start: string;
  /** Wall-clock end of the layer, if it ends. */
  readonly end?: string;
  /** When the layer is on; always when empty. Outside them the layers below show through. */
  readonly restrictions: readonly Restriction[];
}

export interface Schedule extends Meta {
  readonly kind: 'Schedule';
  /** IANA zone of every wall-clock time in the schedule. */
  readonly timeZone: string;
  /** Later layers cover earlier ones where they have someone on call. */
  readonly layers: readonly ScheduleLayer[];
}

export type EscalationTarget =
  | { readonly type: 'user'; readonly name: string }
  | { readonly type: 'schedule'; readonly name: string }
  | { readonly type: 'team'; readonly name: string };

export interface EscalationLevel {
  readonly targets: readonly EscalationTarget[];
  /** How long this level has to acknowledge before the next one is paged. */
  readonly escalateAfterMs: number;
}

export interface EscalationPolicy extends Meta {
  readonly kind: 'EscalationPolicy';
  readonly levels: readonly EscalationLevel[];
  /** Times the whole policy runs again after its last level, while nobody acknowledges. */
  readonly repeat: number;
}

/** What a release needs as a budget runs low: a warning, an override with a reason, or being a fix. */
export type BudgetAction = 'warn' | 'override' | 'fixesOnly';

export interface BudgetRule {
  /** Applies while the budget remaining is below this percentage (`exhausted`: at or below 0). */
  readonly belowPercent: number;
  readonly exhausted: boolean;
  readonly action: BudgetAction;
  readonly description?: string;
}

/** How releases are held back as an error budget runs out; the strictest matching rule applies. */
export interface ErrorBudgetPolicy extends Meta {
  readonly kind: 'ErrorBudgetPolicy';
  /** Applies to every service and journey that names no policy. */
  readonly default: boolean;
  readonly rules: readonly BudgetRule[];
}

/** A time when releases stop: once (wall-clock start and end) or every week in some windows. */
export interface FreezeWindow {
  readonly name: string;
  readonly description?: string;
  readonly timeZone: string;
  readonly once?: { readonly start: string; readonly end: string };
  readonly weekly: readonly Restriction[];
  /** Changes tagged as fixes may still ship. */
  readonly allowFixes: boolean;
}

export type GateMetric =
  | 'errorPercent'
  | 'successPercent'
  | 'burnRate'
  | 'throughput'
  | 'latencyP50'
  | 'latencyP90'
  | 'latencyP95'
  | 'latencyP99';

/** One SLI measured after a deploy and compared with the criteria (Keptn's objective). */
export interface AnalysisObjective {
  /** Unique in the gate: `<slo or sli>/<metric>`. */
  readonly name: string;
  readonly displayName?: string;
  /** Exactly one of `slo` (its SLI, and its target for `burnRate`) and `sli`. */
  readonly slo?: string;
  readonly sli?: string;
  readonly metric: GateMetric;
  readonly key: boolean;
  readonly weight: number;
  /** Any list holds when all its criteria hold; no lists: informational. */
  readonly pass: readonly (readonly Criterion[])[];
  readonly warning: readonly (readonly Criterion[])[];
}

export interface PostDeployAnalysis {
  /** Skipped after the change (warm-up). */
  readonly delayMs: number;
  /** Measured after the delay. */
  readonly windowMs: number;
  /** Measured before the change, for relative criteria. */
  readonly baselineMs: number;
  /** Fewer events than this in a window leaves the objective inconclusive. */
  readonly minEvents: number;
  readonly totalScore: { readonly pass: number; readonly warning: number };
  /** Empty: every SLO of the service and of the journeys it serves must not burn faster than allowed. */
  readonly objectives: readonly AnalysisObjective[];
}

/** How a service's releases are checked before and after they go out. */
export interface ReleaseGate extends Meta {
  readonly kind: 'ReleaseGate';
  /** Applies to every service that names no gate. */
  readonly default: boolean;
  /** What an open incident on the service does to a pre-deploy gate (fixes pass regardless). */
  readonly openIncidents: 'fail' | 'warn' | 'ignore';
  readonly freezes: readonly FreezeWindow[];
  readonly analysis: PostDeployAnalysis;
  /** Called (signed) when a post-deploy gate fails; url and secret may be `${env:NAME}`. */
  readonly rollback?: { readonly url: string; readonly secret: string };
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
  /** The error-budget policy for releases that touch the journey; else the default policy. */
  readonly budgetPolicy?: string;
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
  /** Who is paged for its incidents; else its owner team's policy. */
  readonly escalationPolicy?: string;
  /** The error-budget policy of its own SLOs; else the default policy. */
  readonly budgetPolicy?: string;
  /** The release gate its deploys go through; else the default gate. */
  readonly releaseGate?: string;
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
  | {
      readonly type: 'probe';
      readonly probe: string;
      /** Count this step of a multi-step probe only; without it, whole runs. */
      readonly step?: string;
    }
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

/**
 * A text that may hold `${name}` (a value extracted by an earlier step) and
 * `${env:NAME}` (an environment variable, the only place secrets come from).
 * Kept as written; the probe runner fills it in for each run.
 */
export type Template = string;

/** A JSON value as YAML gives it. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | readonly JsonValue[]
  | { readonly [k: string]: JsonValue };

export type BodyAssertion =
  /** The body holds this text (after templating). */
  | { readonly type: 'contains'; readonly text: Template }
  /** The JSONPath (RFC 9535) selects at least one node (`exists: true`) or none (`exists: false`). */
  | { readonly type: 'exists'; readonly path: string; readonly exists: boolean }
  /** The JSONPath selects exactly one node, deeply equal to `value`. */
  | { readonly type: 'equals'; readonly path: string; readonly value: JsonValue }
  /** The body is JSON valid against this JSON Schema (draft 2020-12). */
  | { readonly type: 'schema'; readonly schema: { readonly [k: string]: JsonValue } };

/** A value taken from a response for later steps: `${name}`. */
export type Extraction =
  | { readonly name: string; readonly from: 'jsonPath'; readonly path: string; readonly secret: boolean }
  | { readonly name: string; readonly from: 'header'; readonly header: string; readonly secret: boolean };

export interface ProbeRequest {
  readonly method: string;
  readonly url: Template;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, Template>>;
  readonly body?: Template;
  /** This request's own limit; the probe's `timeoutMs` bounds the whole run as well. */
  readonly timeoutMs: number;
  /** Follow 3xx answers (cookies carried), at most `maxRedirects` of them. */
  readonly followRedirects: boolean;
  readonly maxRedirects: number;
}

export interface ProbeExpect {
  /** Accepted final status codes as inclusive ranges, e.g. [[200, 299]]. */
  readonly status: readonly (readonly [number, number])[];
  /** The request (headers and body) must complete within this many milliseconds. */
  readonly latencyMs?: number;
  readonly body: readonly BodyAssertion[];
}

export interface ProbeStep {
  readonly name: string;
  readonly request: ProbeRequest;
  readonly expect: ProbeExpect;
  readonly extract: readonly Extraction[];
}

export type ProbeCheck =
  /** One request (a single step named after the probe) or an ordered journey of them. */
  | { readonly type: 'http'; readonly steps: readonly ProbeStep[] }
  /** A TCP connection opens. */
  | { readonly type: 'tcp'; readonly host: Template; readonly port: number }
  /** A TLS handshake succeeds and the certificate stays valid for at least `minValidityMs`. */
  | {
      readonly type: 'tls';
      readonly host: Template;
      readonly port: number;
      readonly serverName?: string;
      readonly minValidityMs: number;
    };

export interface ProbeTls {
  /** Extra trusted CA certificates (PEM), for internal endpoints. */
  readonly ca?: string;
  /** Skip certificate verification (never for a `tls` check, whose point is the certificate). */
  readonly insecure: boolean;
}

/** A synthetic check nines runs itself, on an interval, feeding the SLIs that name it. */
export interface Probe extends Meta {
  readonly kind: 'Probe';
  readonly journey?: string;
  readonly service?: string;
  readonly intervalMs: number;
  /** Hard limit on a whole run; never more than the interval, so runs cannot overlap. */
  readonly timeoutMs: number;
  /** A run slower than this fails (whole run, all steps). */
  readonly latencyMs?: number;
  readonly check: ProbeCheck;
  readonly tls: ProbeTls;
}

/** A journey as a public status page shows it. */
export interface StatusPageJourney {
  readonly journey: string;
  /** In the customer's words; else the journey's displayName or name. */
  readonly displayName?: string;
  /** Shown under the name; the journey's own description is written for the team and never shown. */
  readonly description?: string;
}

/** The public status page: which journeys customers see, in which order and words. At most one. */
export interface StatusPage extends Meta {
  readonly kind: 'StatusPage';
  readonly title: string;
  /** In page order, each journey once; empty: every journey in catalog order. */
  readonly journeys: readonly StatusPageJourney[];
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
  | AlertPolicy
  | Probe
  | Schedule
  | EscalationPolicy
  | ErrorBudgetPolicy
  | ReleaseGate
  | StatusPage;

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
  'Probe',
  'Schedule',
  'EscalationPolicy',
  'ErrorBudgetPolicy',
  'ReleaseGate',
  'StatusPage',
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
    Probe: new Map(),
    Schedule: new Map(),
    EscalationPolicy: new Map(),
    ErrorBudgetPolicy: new Map(),
    ReleaseGate: new Map(),
    StatusPage: new Map(),
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
