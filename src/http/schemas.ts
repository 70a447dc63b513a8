import { z } from 'zod';
import type { ErrorCode } from '../errors.js';
import { ALERT_TIER_IDS } from '../slo/alert-policy.js';
import { BURN_WINDOWS } from '../slo/types.js';
import { errorBody, STATUS } from './errors.js';

/*
 * The JSON bodies the API answers with. Presenters are typed by these schemas
 * (z.infer), so a field added to a presenter and not here, or the other way
 * round, fails to compile; test/responses.test.ts parses real answers with them.
 * Objects are strict: the document says every field there is, and no other.
 * The server does not validate answers against them (see server.ts); they document.
 */

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** An instant as `Date.toISOString` writes it. */
export const timestamp = z
  .string()
  .refine((s) => ISO_UTC.test(s), 'an ISO 8601 UTC timestamp')
  .meta({ format: 'date-time', example: '2026-11-22T12:00:00.000Z' });

const burnWindow = z.enum(BURN_WINDOWS.map((w) => w.name));
const tierId = z.enum(ALERT_TIER_IDS);
const severity = z.enum(['page', 'ticket']);
const alertKind = z.enum(['page', 'ticket', 'no-data']);
export const healthLevel = z.enum(['healthy', 'degraded', 'at-risk', 'unknown']);
const effect = z.enum(['at-risk', 'degraded']);

const window = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('rolling'), duration: z.string().meta({ example: '28d' }) }),
  z.strictObject({
    type: z.literal('calendar'),
    unit: z.enum(['week', 'month', 'quarter', 'year']),
    timeZone: z.string(),
    startTime: z.string().nullable().describe('local wall-clock `YYYY-MM-DD HH:MM:SS` periods align to'),
  }),
]);
export type WindowBody = z.infer<typeof window>;

const burnAlert = z.discriminatedUnion('status', [
  z.strictObject({ status: z.literal('firing'), since: timestamp, tier: tierId }),
  z.strictObject({
    status: z.literal('resolved'),
    since: timestamp.nullable().describe('null before the first evaluation'),
    tier: z.null(),
  }),
]);

const alerts = z.strictObject({
  page: burnAlert,
  ticket: burnAlert,
  noData: z.strictObject({ status: z.enum(['firing', 'resolved']), since: timestamp.nullable() }),
});

/** Burn rate per window; `period` is the SLO window so far. */
const burnRates = z.strictObject(
  Object.fromEntries([...BURN_WINDOWS.map((w) => w.name), 'period'].map((n) => [n, z.number()])) as Record<
    z.infer<typeof burnWindow> | 'period',
    z.ZodNumber
  >,
);

export const sloSummary = z.strictObject({
  name: z.string(),
  displayName: z.string().nullable(),
  journey: z.string().nullable(),
  service: z.string().nullable(),
  sli: z.string(),
  objective: z.number().nullable().describe('target of the first objective, in percent'),
  window,
  budgetingMethod: z.enum(['occurrences', 'timeslices']),
  evaluatedAt: timestamp,
  windowStart: timestamp,
  good: z.number(),
  total: z.number(),
  attainment: z.number().nullable().describe('good / total in percent over the window; null without events'),
  budget: z.strictObject({
    total: z.number().describe('bad events (or slices) allowed so far'),
    consumed: z.number(),
    remainingRatio: z.number().describe('1 - consumed / total; negative when overspent'),
    remainingMinutes: z.number().describe('minutes of full outage the remaining budget allows'),
  }),
  burnRates,
  noData: z.boolean(),
  health: healthLevel,
  alerts,
  dataSource: z
    .strictObject({
      state: z.enum(['ok', 'failing', 'pending']),
      message: z.string().nullable().describe('what fails, or a warning such as an empty result'),
      since: timestamp,
      readTo: timestamp.nullable().describe('how far the SLI has been read'),
    })
    .nullable()
    .describe(
      'for an SLI nines reads from Prometheus: how reading goes (a failing query is not an outage); null otherwise',
    ),
});
export type SloSummaryBody = z.infer<typeof sloSummary>;

const windowBurn = z.strictObject({ window: burnWindow, burnRate: z.number(), events: z.number() });

export const revenue = z.strictObject({
  currency: z.string(),
  method: z.enum(['value-per-success', 'revenue-per-hour']),
  spans: z.array(
    z.strictObject({
      span: z.enum([...BURN_WINDOWS.map((w) => w.name), 'window']),
      badEvents: z.number(),
      errorRatio: z.number(),
      amount: z.number(),
    }),
  ),
});
export type RevenueBody = z.infer<typeof revenue>;

export const sloDetail = sloSummary.extend({
  description: z.string().nullable(),
  objectives: z.array(
    z.strictObject({
      target: z.number(),
      displayName: z.string().nullable(),
      timesliceTarget: z.number().nullable(),
      timesliceWindowMinutes: z.number().nullable(),
    }),
  ),
  sla: z.strictObject({ target: z.number(), creditPercent: z.number().nullable() }).nullable(),
  windowEnd: timestamp,
  burns: z.array(
    z.strictObject({
      window: z.enum([...BURN_WINDOWS.map((w) => w.name), 'period']),
      good: z.number(),
      total: z.number(),
      errorRatio: z.number(),
      burnRate: z.number(),
    }),
  ),
  alertPolicy: z.array(
    z.strictObject({
      tier: tierId,
      severity,
      factor: z.number(),
      long: windowBurn,
      short: windowBurn,
      outcome: z.enum(['firing', 'superseded', 'suppressed', 'low-traffic', 'below-threshold', 'no-data']),
    }),
  ),
  revenueAtRisk: revenue.nullable().describe('occurrences SLOs of a journey with a business value'),
});
export type SloDetailBody = z.infer<typeof sloDetail>;

const dependencyPath = {
  step: z.string(),
  path: z.array(z.string()).describe('services from the step down to this one'),
  critical: z.boolean(),
};

export const journeyHealthBody = z.strictObject({
  level: healthLevel,
  findings: z.array(
    z.strictObject({
      slo: z.string(),
      cause: z.enum(['page-firing', 'budget-exhausted', 'ticket-firing', 'budget-low']),
      effect,
      via: z
        .strictObject({ service: z.string(), ...dependencyPath })
        .nullable()
        .describe("null for the journey's own SLOs"),
    }),
  ),
  unknown: z.array(z.string()).describe('SLOs without a status or without events'),
});
export type JourneyHealthBody = z.infer<typeof journeyHealthBody>;

export const journey = z.strictObject({
  name: z.string(),
  displayName: z.string().nullable(),
  description: z.string().nullable(),
  owner: z.string().nullable(),
  valueStreams: z.array(z.string()),
  value: z
    .strictObject({
      currency: z.string(),
      revenuePerHour: z.number().nullable(),
      valuePerSuccess: z.number().nullable(),
    })
    .nullable(),
  steps: z.array(z.strictObject({ name: z.string(), services: z.array(z.string()) })),
  health: journeyHealthBody,
  revenueAtRisk: z
    .strictObject({
      currency: z.string(),
      '1h': z.number().optional(),
      '1d': z.number().optional(),
      window: z.number().optional(),
    })
    .nullable()
    .describe('the largest amount at risk among its SLOs, per span'),
});
export type JourneyBody = z.infer<typeof journey>;

export const burningService = z.strictObject({
  service: z.string(),
  ...dependencyPath,
  alert: z.enum(['page', 'ticket', 'none']).describe('the most severe alert firing on any of its SLOs'),
  burnRate1h: z.number(),
  slos: z.array(
    z.strictObject({ slo: z.string(), burnRate1h: z.number(), alert: z.enum(['page', 'ticket', 'none']) }),
  ),
});
export type BurningServiceBody = z.infer<typeof burningService>;

export const journeyDetail = journey.extend({
  slos: z.array(sloSummary),
  burningServices: z.array(burningService).describe('services whose SLOs burn, that explain the burn'),
});

export const service = z.strictObject({
  name: z.string(),
  displayName: z.string().nullable(),
  description: z.string().nullable(),
  owner: z.string().nullable(),
  tier: z.literal([1, 2, 3, 4]).nullable(),
  external: z.boolean(),
  runbook: z.string().nullable(),
  dependsOn: z.array(z.strictObject({ service: z.string(), critical: z.boolean() })),
  slos: z.array(z.string()),
  journeysAtRisk: z.array(z.strictObject({ journey: z.string(), ...dependencyPath })),
});
export type ServiceBody = z.infer<typeof service>;

export const serviceDetail = service.extend({ sloStatuses: z.array(sloSummary) });

export const valueStream = z.strictObject({
  name: z.string(),
  displayName: z.string().nullable(),
  objective: z.string(),
  owner: z.string().nullable(),
  health: healthLevel.describe('the worst known health of its journeys'),
  journeys: z.array(z.strictObject({ name: z.string(), health: healthLevel })),
});
export type ValueStreamBody = z.infer<typeof valueStream>;

const burns = z.array(windowBurn);
const transitionBase = { slo: z.string(), at: timestamp };

export const transition = z.union([
  z.strictObject({ ...transitionBase, kind: severity, type: z.literal('fired'), tier: tierId, burns }),
  z.strictObject({ ...transitionBase, kind: z.literal('no-data'), type: z.literal('fired') }),
  z.strictObject({
    ...transitionBase,
    kind: severity,
    type: z.literal('updated'),
    from: tierId,
    to: tierId,
    direction: z.enum(['escalated', 'de-escalated']),
    firingSince: timestamp,
    burns,
  }),
  z.strictObject({
    ...transitionBase,
    kind: severity,
    type: z.literal('resolved'),
    tier: tierId,
    reason: z.enum(['recovered', 'escalated-to-page']),
    firingSince: timestamp,
    burns,
  }),
  z.strictObject({
    ...transitionBase,
    kind: z.literal('no-data'),
    type: z.literal('resolved'),
    firingSince: timestamp,
  }),
]);
export type TransitionBody = z.infer<typeof transition>;

export const firingAlert = z.strictObject({
  slo: z.string(),
  kind: alertKind,
  since: timestamp,
  tier: tierId.nullable().describe('null for no-data alerts'),
  burns: burns.describe('the burns when the tier last changed; empty for no-data alerts'),
});
export type FiringAlertBody = z.infer<typeof firingAlert>;

export const timeseries = z.strictObject({
  slo: z.string(),
  resolution: z.enum(['m', 'h', 'd']),
  from: timestamp,
  to: timestamp,
  points: z.array(
    z.strictObject({
      t: timestamp.describe('start of the bucket'),
      good: z.number(),
      total: z.number(),
      sli: z.number().nullable().describe('good / total in percent; null without events'),
      budgetRemaining: z
        .number()
        .nullable()
        .describe('share of the budget left over the events since `from`; null for timeslices SLOs'),
    }),
  ),
});

export const ingestOutcome = z.strictObject({
  accepted: z.number().describe('events counted (0 for a repeated batch)'),
  duplicate: z.boolean().describe('the batch id was committed before; nothing was counted again'),
  batchId: z.string().optional(),
});
export type IngestOutcomeBody = z.infer<typeof ingestOutcome>;

/**
 * Shapes that recur, named as components of the OpenAPI document (which refers
 * to them instead of writing each out wherever it is used).
 */
const COMPONENTS: [z.ZodType, string][] = [
  [window, 'Window'],
  [alerts, 'AlertStates'],
  [burnRates, 'BurnRates'],
  [sloSummary, 'SloSummary'],
  [windowBurn, 'WindowBurn'],
  [revenue, 'RevenueAtRisk'],
  [journeyHealthBody, 'JourneyHealth'],
  [journey, 'Journey'],
  [burningService, 'BurningService'],
  [service, 'Service'],
  [valueStream, 'ValueStream'],
  [transition, 'AlertTransition'],
  [firingAlert, 'FiringAlert'],
];
for (const [schema, id] of COMPONENTS)
  if (!z.globalRegistry.has(schema)) z.globalRegistry.add(schema, { id });

/** The 200 (202 for events) answer of each documented route. */
export const responses = {
  valueStreams: z.strictObject({ valueStreams: z.array(valueStream) }).describe('Value streams'),
  journeys: z.strictObject({ journeys: z.array(journey) }).describe('Journeys'),
  journey: journeyDetail.describe('The journey'),
  services: z.strictObject({ services: z.array(service) }).describe('Services'),
  service: serviceDetail.describe('The service'),
  slos: z.strictObject({ slos: z.array(sloSummary) }).describe('SLO statuses'),
  slo: sloDetail.describe('The SLO'),
  timeseries: timeseries.describe('Buckets oldest first'),
  alerts: z.strictObject({ alerts: z.array(firingAlert) }).describe('Alerts firing now'),
  alertHistory: z.strictObject({ transitions: z.array(transition) }).describe('Transitions, newest first'),
  evaluate: z
    .strictObject({
      evaluatedAt: timestamp,
      durationMs: z.number(),
      slos: z.number().describe('SLOs evaluated'),
      transitions: z.array(transition).describe('alert transitions this evaluation caused'),
    })
    .describe('The evaluation'),
  events: ingestOutcome.describe('The batch is committed'),
};

/**
 * Error answers a route can give, by status, for its response schema.
 *
 * @example
 * response: { 200: responses.slo, ...errorResponses('VALIDATION_FAILED', 'NOT_FOUND') }
 */
export function errorResponses(...codes: ErrorCode[]) {
  // Every /api route needs a token and may fail unexpectedly.
  const all: ErrorCode[] = ['UNAUTHENTICATED', ...codes, 'INTERNAL'];
  const sorted = all.sort((a, b) => STATUS[a] - STATUS[b]);
  return Object.fromEntries(sorted.map((code) => [STATUS[code], errorBody(code)]));
}
