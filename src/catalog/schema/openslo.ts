import { z } from 'zod';
import { description as descriptionText, name, timeZone } from './common.js';

/** OpenSLO durations: `[0-9]+[mhdwMQY]` (m minutes, M months). */
export const OPENSLO_DURATION = /^(\d+)([mhdwMQY])$/;

const duration = z.string().regex(OPENSLO_DURATION, {
  error: (iss) =>
    `'${String(iss.input)}' is not an OpenSLO duration; write a number and one of m h d w M Q Y`,
});

const description = descriptionText.optional();

export const opensloMetadata = z.strictObject({
  name,
  displayName: z.string().max(63, { error: 'a displayName is at most 63 characters' }).optional(),
  labels: z.record(z.string(), z.union([z.string(), z.array(z.string())])).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});

const metricSource = z.strictObject({
  metricSourceRef: name.optional(),
  type: z.string().optional(),
  spec: z.record(z.string(), z.unknown()),
});

const metricHolder = z.strictObject({ metricSource });

export const opensloSliSpec = z.strictObject({
  description,
  thresholdMetric: metricHolder.optional(),
  ratioMetric: z
    .strictObject({
      counter: z.boolean().optional(),
      good: metricHolder.optional(),
      bad: metricHolder.optional(),
      total: metricHolder.optional(),
      raw: metricHolder.optional(),
      rawType: z.enum(['success', 'failure']).optional(),
    })
    .optional(),
});

const inlineIndicator = z.strictObject({ metadata: opensloMetadata, spec: opensloSliSpec });

const op = z.enum(['lt', 'lte', 'gt', 'gte']);

const objective = z.strictObject({
  displayName: z.string().optional(),
  op: op.optional(),
  value: z.number().optional(),
  target: z
    .number()
    .gt(0, { error: (iss) => `${String(iss.input)} is not above 0; target is a fraction in (0, 1)` })
    .lt(1, {
      error: (iss) =>
        `${String(iss.input)} is not below 1; target is a fraction in (0, 1) (use targetPercent for percentages)`,
    })
    .optional(),
  targetPercent: z
    .number()
    .gt(0, {
      error: (iss) => `${String(iss.input)} is not above 0; targetPercent is a percentage in (0, 100)`,
    })
    .lt(100, {
      error: (iss) => `${String(iss.input)} is not below 100; targetPercent is a percentage in (0, 100)`,
    })
    .optional(),
  timeSliceTarget: z
    .number()
    .gt(0, { error: 'timeSliceTarget is a fraction in (0, 1]' })
    .max(1, { error: 'timeSliceTarget is a fraction in (0, 1]' })
    .optional(),
  timeSliceWindow: duration.optional(),
  indicator: inlineIndicator.optional(),
  indicatorRef: name.optional(),
  compositeWeight: z.number().positive({ error: 'compositeWeight is above 0' }).optional(),
});

const timeWindow = z.strictObject({
  duration,
  isRolling: z.boolean(),
  calendar: z.strictObject({ startTime: z.string(), timeZone }).optional(),
});

const conditionSpec = z.strictObject({
  description,
  severity: z.string(),
  condition: z.strictObject({
    kind: z.enum(['burnrate']),
    op,
    threshold: z.number(),
    lookbackWindow: duration,
    alertAfter: duration.optional(),
  }),
});

const targetSpec = z.strictObject({ description, target: z.string() });

const inline = <T extends z.ZodType>(kind: string, spec: T) =>
  z.strictObject({ kind: z.literal(kind), metadata: opensloMetadata, spec });

const policySpec = z.strictObject({
  description,
  alertWhenNoData: z.boolean().optional(),
  alertWhenResolved: z.boolean().optional(),
  alertWhenBreaching: z.boolean().optional(),
  conditions: z.array(
    z.union([z.strictObject({ conditionRef: name }), inline('AlertCondition', conditionSpec)]),
  ),
  notificationTargets: z.array(
    z.union([z.strictObject({ targetRef: name }), inline('AlertNotificationTarget', targetSpec)]),
  ),
});

export const OPENSLO_SPECS = {
  Service: z.strictObject({ description }),
  DataSource: z.strictObject({
    description,
    type: z.string(),
    connectionDetails: z.record(z.string(), z.unknown()),
  }),
  SLI: opensloSliSpec,
  SLO: z.strictObject({
    description,
    service: name,
    indicator: inlineIndicator.optional(),
    indicatorRef: name.optional(),
    budgetingMethod: z.enum(['Occurrences', 'Timeslices', 'RatioTimeslices']),
    timeWindow: z.array(timeWindow).optional(),
    objectives: z.array(objective).min(1, { error: 'an SLO needs at least one objective' }),
    alertPolicies: z
      .array(z.union([z.strictObject({ alertPolicyRef: name }), inline('AlertPolicy', policySpec)]))
      .optional(),
  }),
  AlertCondition: conditionSpec,
  AlertNotificationTarget: targetSpec,
  AlertPolicy: policySpec,
} as const;

export type OpensloKind = keyof typeof OPENSLO_SPECS;
export type OpensloSliSpec = z.infer<typeof opensloSliSpec>;
export type OpensloSloSpec = z.infer<(typeof OPENSLO_SPECS)['SLO']>;
export type OpensloPolicySpec = z.infer<typeof policySpec>;
export type OpensloConditionSpec = z.infer<typeof conditionSpec>;
export type OpensloMetadata = z.infer<typeof opensloMetadata>;
