import { z } from 'zod';
import { description, name, timeZone, url, windowDuration } from './common.js';
import { WEEKDAYS } from './oncall.js';

/* Releases in the catalog: error-budget policies and release gates. */

export const BUDGET_ACTIONS = ['warn', 'override', 'fixesOnly'] as const;

const percent = z
  .number()
  .gt(0, {
    error: (iss) => `${String(iss.input)} is not above 0; write a percentage of the budget in (0, 100]`,
  })
  .max(100, {
    error: (iss) => `${String(iss.input)} is above 100; write a percentage of the budget in (0, 100]`,
  });

const budgetRule = z
  .strictObject({
    budgetBelow: percent.optional(),
    budgetExhausted: z.literal(true).optional(),
    action: z.enum(BUDGET_ACTIONS, {
      error: (iss) =>
        `'${String(iss.input)}' is not an action; use warn (gates warn), override (releases need an override with a reason) or fixesOnly (only changes tagged as fixes ship)`,
    }),
    description: description.optional(),
  })
  .refine((r) => (r.budgetBelow === undefined) !== (r.budgetExhausted === undefined), {
    error: 'a rule has either budgetBelow: <percent remaining> or budgetExhausted: true',
  });

export const errorBudgetPolicySpec = z.strictObject({
  description: description.optional(),
  default: z.boolean().optional(),
  rules: z.array(budgetRule).min(1, { error: 'an error-budget policy needs at least one rule' }),
});

const WALL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;
const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;

const freeze = z
  .strictObject({
    name,
    description: description.optional(),
    timeZone,
    start: z
      .string()
      .regex(WALL, {
        error: (iss) =>
          `'${String(iss.input)}' is not a wall-clock time; write YYYY-MM-DDTHH:mm in the freeze's zone`,
      })
      .optional(),
    end: z
      .string()
      .regex(WALL, {
        error: (iss) =>
          `'${String(iss.input)}' is not a wall-clock time; write YYYY-MM-DDTHH:mm in the freeze's zone`,
      })
      .optional(),
    weekly: z
      .array(
        z.strictObject({
          days: z.array(z.enum(WEEKDAYS)).min(1, { error: 'name at least one day (mon … sun)' }),
          start: z
            .string()
            .regex(HH_MM, { error: (iss) => `'${String(iss.input)}' is not a time; write HH:mm` }),
          end: z.string().regex(HH_MM, {
            error: (iss) => `'${String(iss.input)}' is not a time; write HH:mm (24:00 for midnight)`,
          }),
        }),
      )
      .min(1, { error: 'a weekly freeze needs at least one window' })
      .optional(),
    allowFixes: z.boolean().optional(),
  })
  .refine((f) => (f.weekly === undefined) === (f.start !== undefined || f.end !== undefined), {
    error: 'a freeze has either start and end (once) or weekly windows',
  })
  .refine((f) => f.weekly !== undefined || (f.start !== undefined && f.end !== undefined), {
    error: 'a one-off freeze needs both start and end',
  });

export const GATE_METRICS = [
  'errorPercent',
  'successPercent',
  'burnRate',
  'throughput',
  'latencyP50',
  'latencyP90',
  'latencyP95',
  'latencyP99',
] as const;

/** Criteria: a list of strings that must all hold, or Keptn's `[{criteria: [...]}, ...]` (any entry holds). */
const criteria = z.union(
  [
    z.array(z.string()).min(1),
    z.array(
      z.strictObject({ criteria: z.array(z.string()).min(1, { error: 'criteria lists at least one' }) }),
    ),
  ],
  { error: 'criteria are a list like ["<=0.5", "<=+10%"] or [{criteria: [...]}, {criteria: [...]}]' },
);

const analysisObjective = z.strictObject({
  slo: name.optional(),
  sli: name.optional(),
  metric: z.enum(GATE_METRICS, {
    error: (iss) => `'${String(iss.input)}' is not a metric; use one of ${GATE_METRICS.join(', ')}`,
  }),
  displayName: z.string().max(200).optional(),
  key: z.boolean().optional(),
  weight: z
    .number()
    .gt(0, { error: 'a weight is a number above 0' })
    .max(1000, { error: 'a weight is at most 1000' })
    .optional(),
  pass: criteria.optional(),
  warning: criteria.optional(),
});

const scorePercent = z
  .number()
  .min(0, { error: 'a total score threshold is a percentage from 0 to 100' })
  .max(100, { error: 'a total score threshold is a percentage from 0 to 100' });

export const releaseGateSpec = z.strictObject({
  description: description.optional(),
  default: z.boolean().optional(),
  openIncidents: z
    .enum(['fail', 'warn', 'ignore'], {
      error: (iss) => `'${String(iss.input)}' is not fail, warn or ignore`,
    })
    .optional(),
  freezes: z.array(freeze).optional(),
  analysis: z
    .strictObject({
      delay: windowDuration.optional(),
      window: windowDuration.optional(),
      baseline: windowDuration.optional(),
      minEvents: z
        .number()
        .int({ error: 'minEvents is a whole number of events' })
        .min(1, { error: 'minEvents is at least 1' })
        .optional(),
      totalScore: z.strictObject({ pass: scorePercent, warning: scorePercent }).optional(),
      objectives: z.array(analysisObjective).optional(),
    })
    .optional(),
  rollback: z
    .strictObject({
      url: z.union([z.string().regex(/^\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}$/), url], {
        error: (iss) => `'${String(iss.input)}' is neither an http(s) URL nor \${env:NAME}`,
      }),
      secret: z
        .string()
        .min(1, { error: `a rollback hook needs a signing secret, e.g. \${env:ROLLBACK_SECRET}` }),
    })
    .optional(),
});
