import { z } from 'zod';
import { ALERT_SEVERITIES, ALERT_STATUSES, INTEGRATION_TYPES } from '../alerting/types.js';
import { timestamp } from './schemas.js';

/*
 * Bodies of the intake routes. The protocol routes answer in their protocol's own
 * format (PagerDuty, Splunk On-Call), so existing clients read them unchanged.
 */

export const pagerDutyAccepted = z
  .strictObject({
    status: z.literal('success'),
    message: z.literal('Event processed'),
    dedup_key: z.string().describe('the alert key; generated when the trigger had none'),
  })
  .describe('The event is committed');

export const pagerDutyChangeAccepted = z
  .strictObject({ status: z.literal('success'), message: z.literal('Change event processed') })
  .describe('The change is committed');

export const pagerDutyError = z
  .strictObject({
    status: z.string().meta({ example: 'invalid event' }),
    message: z.string().meta({ example: 'Event object is invalid' }),
    errors: z.array(z.string()).describe('each problem, naming its field'),
  })
  .describe('PagerDuty Events API v2 error (400, 404, 413, 429 with Retry-After, 503)');

export const splunkAccepted = z
  .strictObject({ result: z.literal('success'), entity_id: z.string() })
  .describe('The event is committed');

export const splunkFailure = z
  .strictObject({
    result: z.literal('failure'),
    message: z.string().meta({ example: 'Missing fields: message_type' }),
  })
  .describe('Splunk On-Call failure (400, 404, 413, 429 with Retry-After, 503)');

export const alertmanagerAccepted = z
  .strictObject({
    status: z.literal('success'),
    alerts: z.number().describe('alerts in the notification'),
    duplicates: z.number().describe('alerts already received in an earlier delivery; nothing changed'),
  })
  .describe('Every alert of the notification is committed');

const link = z.strictObject({ href: z.string(), text: z.string().optional() });

export const intakeAlert = z.strictObject({
  id: z.string(),
  service: z.string().nullable().describe('null for the alert of a journey SLO'),
  journey: z.string().nullable().describe('the journey of a journey SLO alert (nines SLO alerts only)'),
  integration: z.strictObject({
    id: z.string(),
    name: z.string().nullable(),
    type: z
      .enum([...INTEGRATION_TYPES, 'nines'])
      .nullable()
      .describe('nines: the SLO alerts of nines itself'),
  }),
  incident: z
    .number()
    .int()
    .nullable()
    .describe('the incident it belongs to; null until grouped or when suppressed'),
  suppressedBy: z
    .string()
    .nullable()
    .describe('the maintenance window that kept it from opening an incident'),
  dedupKey: z.string().describe('dedup_key, Alertmanager fingerprint or Splunk entity_id'),
  status: z.enum(ALERT_STATUSES),
  summary: z.string().nullable(),
  severity: z.enum(ALERT_SEVERITIES).nullable(),
  source: z.string().nullable(),
  startedAt: timestamp.describe('when the sender says it started'),
  createdAt: timestamp.describe('when nines opened it'),
  lastEventAt: timestamp,
  acknowledgedAt: timestamp.nullable(),
  resolvedAt: timestamp.nullable(),
  events: z.number().describe('events that acted on it'),
  labels: z.record(z.string(), z.string()),
  details: z.record(z.string(), z.unknown()),
  links: z.array(link),
});
export type IntakeAlertBody = z.infer<typeof intakeAlert>;

export const change = z.strictObject({
  id: z.string(),
  service: z.string(),
  integrationId: z.string().describe('the integration that sent it, or `api` for POST /api/v1/changes'),
  summary: z.string(),
  type: z.enum(['deploy', 'feature-flag', 'config', 'other']).nullable(),
  version: z.string().nullable(),
  author: z.string().nullable(),
  source: z.string().nullable(),
  timestamp,
  receivedAt: timestamp,
  links: z.array(link),
  customDetails: z.unknown(),
});
export type ChangeBody = z.infer<typeof change>;

for (const [schema, id] of [
  [pagerDutyError, 'PagerDutyError'],
  [splunkFailure, 'SplunkFailure'],
  [intakeAlert, 'IntakeAlert'],
  [change, 'Change'],
] as const)
  if (!z.globalRegistry.has(schema)) z.globalRegistry.add(schema, { id });

export const intakeResponses = {
  alerts: z.strictObject({ alerts: z.array(intakeAlert) }).describe('Received alerts, newest first'),
  changes: z.strictObject({ changes: z.array(change) }).describe('Changes, newest first'),
};
