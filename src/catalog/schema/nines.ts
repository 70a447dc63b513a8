import { z } from 'zod';
import { ALERT_TIER_IDS } from '../model.js';
import {
  description,
  email,
  latencyThreshold,
  name,
  percentTarget,
  timeZone,
  url,
  windowDuration,
} from './common.js';
import { escalationPolicySpec, scheduleSpec, userOnCallFields } from './oncall.js';
import { probeDuration, probeSpec } from './probe.js';
import { errorBudgetPolicySpec, releaseGateSpec } from './release.js';

/** Shorthand: a string stands for `{ <key>: string }`. */
function shorthand<T extends z.ZodType>(key: string, schema: T) {
  return z.preprocess((v) => (typeof v === 'string' ? { [key]: v } : v), schema);
}

export const teamSpec = z.strictObject({
  description: description.optional(),
  email: email.optional(),
  slackChannel: z.string().optional(),
  members: z.array(name).optional(),
  schedule: name.optional(),
  escalationPolicy: name.optional(),
});

export const userSpec = z.strictObject({
  fullName: z.string().optional(),
  email,
  timeZone: timeZone.optional(),
  description: description.optional(),
  ...userOnCallFields,
});

export const valueStreamSpec = z.strictObject({
  description: description.optional(),
  objective: z
    .string()
    .min(1, { error: 'state the business objective, e.g. "generate revenue from online orders"' }),
  owner: name.optional(),
  journeys: z.array(name).min(1, { error: 'a value stream needs at least one journey' }),
});

const nonNegative = (what: string) =>
  z.number().nonnegative({ error: (iss) => `${String(iss.input)} is negative; ${what} is zero or more` });

export const businessValue = z.strictObject({
  currency: z.string().regex(/^[A-Z]{3}$/, {
    error: (iss) => `'${String(iss.input)}' is not an ISO 4217 currency code such as EUR or USD`,
  }),
  revenuePerHour: nonNegative('revenue per hour').optional(),
  valuePerSuccess: nonNegative('value per successful event').optional(),
});

export const journeySpec = z.strictObject({
  description: description.optional(),
  owner: name.optional(),
  steps: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        description: description.optional(),
        services: z.array(name).min(1, { error: 'a step needs at least one service' }),
      }),
    )
    .min(1, { error: 'a journey needs at least one step' }),
  value: businessValue.optional(),
  budgetPolicy: name.optional(),
});

export const dependency = shorthand(
  'service',
  z.strictObject({
    service: name,
    critical: z.boolean().optional(),
  }),
);

export const serviceSpec = z.strictObject({
  description: description.optional(),
  owner: name,
  tier: z
    .number()
    .int({ error: 'a tier is a whole number from 1 (most critical) to 4' })
    .min(1, { error: (iss) => `${String(iss.input)} is not a tier; tiers run from 1 (most critical) to 4` })
    .max(4, { error: (iss) => `${String(iss.input)} is not a tier; tiers run from 1 (most critical) to 4` })
    .optional(),
  runbook: url.optional(),
  external: z.boolean().optional(),
  dependsOn: z.array(dependency).optional(),
  links: z.array(z.strictObject({ title: z.string(), url })).optional(),
  escalationPolicy: name.optional(),
  budgetPolicy: name.optional(),
  releaseGate: name.optional(),
});

export const dataSourceSpec = z.strictObject({
  type: z.enum(['prometheus']),
  description: description.optional(),
  url,
  headers: z.record(z.string(), z.string()).optional(),
  /** Per query: `10s`, `1m`. */
  timeout: probeDuration.optional(),
});

export const sliSource = z.strictObject({
  type: z.enum(['events', 'probe', 'prometheus']),
  probe: name.optional(),
  /** A step of a journey probe, to count that step alone. */
  step: z.string().optional(),
  dataSource: name.optional(),
});

export const sliSpec = z.strictObject({
  description: description.optional(),
  source: shorthand('type', sliSource).optional(),
  ratio: z
    .strictObject({ good: z.string().optional(), bad: z.string().optional(), total: z.string().optional() })
    .optional(),
  latency: z.strictObject({ threshold: latencyThreshold, histogram: z.string().optional() }).optional(),
  raw: z
    .strictObject({ rawType: z.enum(['success', 'failure']).optional(), query: z.string().optional() })
    .optional(),
});

export const window = shorthand(
  'rolling',
  z.strictObject({
    rolling: windowDuration.optional(),
    calendar: z.enum(['week', 'month', 'quarter', 'year']).optional(),
    timeZone: timeZone.optional(),
    startTime: z.string().optional(),
  }),
);

export const objective = z.strictObject({
  displayName: z.string().optional(),
  target: percentTarget,
  timesliceTarget: z
    .number()
    .gt(0, {
      error: (iss) => `${String(iss.input)} is not above 0; a timeslice target is a percentage in (0, 100]`,
    })
    .max(100, {
      error: (iss) => `${String(iss.input)} is above 100; a timeslice target is a percentage in (0, 100]`,
    })
    .optional(),
  timesliceWindow: windowDuration.optional(),
});

export const alerting = z.strictObject({
  minEvents: z
    .number()
    .int({ error: 'minEvents is a whole number of events' })
    .min(0, { error: 'minEvents is 0 or more' })
    .optional(),
  disabled: z.array(z.enum(['page', 'ticket', ...ALERT_TIER_IDS])).optional(),
  tiers: z
    .array(
      z.strictObject({
        id: z.enum(ALERT_TIER_IDS),
        budgetPercent: z
          .number()
          .gt(0, { error: 'budgetPercent is a share of the budget in (0, 100]' })
          .max(100, { error: 'budgetPercent is a share of the budget in (0, 100]' })
          .optional(),
        factor: z.number().gt(0, { error: 'factor is a burn rate above 0' }).optional(),
      }),
    )
    .optional(),
});

export const sloSpec = z.strictObject({
  description: description.optional(),
  journey: name.optional(),
  service: name.optional(),
  sli: name.optional(),
  indicator: sliSpec.optional(),
  objectives: z.array(objective).min(1, { error: 'an SLO needs at least one objective' }),
  window,
  budgetingMethod: z.enum(['occurrences', 'timeslices']).optional(),
  sla: z
    .strictObject({
      target: percentTarget,
      creditPercent: z
        .number()
        .gt(0, { error: 'a credit is a percentage in (0, 100]' })
        .max(100, { error: 'a credit is a percentage in (0, 100]' })
        .optional(),
    })
    .optional(),
  alertPolicies: z.array(name).optional(),
  alerting: alerting.optional(),
});

export const statusPageSpec = z.strictObject({
  title: z.string().min(1, { error: 'a status page needs the title customers see, e.g. "Webshop status"' }),
  description: description.optional(),
  journeys: z
    .array(
      shorthand(
        'journey',
        z.strictObject({
          journey: name,
          displayName: z
            .string()
            .min(1, { error: 'a displayName is the journey in customer words' })
            .optional(),
          description: description.optional(),
        }),
      ),
    )
    .min(1, { error: 'list at least one journey, or leave journeys out to show every journey' })
    .optional(),
});

export const NINES_SPECS = {
  Team: teamSpec,
  User: userSpec,
  ValueStream: valueStreamSpec,
  Journey: journeySpec,
  Service: serviceSpec,
  DataSource: dataSourceSpec,
  SLI: sliSpec,
  SLO: sloSpec,
  Probe: probeSpec,
  Schedule: scheduleSpec,
  EscalationPolicy: escalationPolicySpec,
  ErrorBudgetPolicy: errorBudgetPolicySpec,
  ReleaseGate: releaseGateSpec,
  StatusPage: statusPageSpec,
} as const;

export type NinesKind = keyof typeof NINES_SPECS;
/** Kinds whose spec may be left out (ownership stubs). A User's email is required, so not User. */
export const OPTIONAL_SPEC: ReadonlySet<string> = new Set(['Team']);

/**
 * Lists whose items nothing refers to by position: an item with a schema error is
 * left out whole and the rest of the document is still checked. Items of other
 * lists (dependsOn, steps, objectives) cannot be: later paths count on their indices.
 */
export const DROPPABLE_LISTS: ReadonlySet<string> = new Set(['links']);
