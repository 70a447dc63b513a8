import { z } from 'zod';
import {
  INCIDENT_PRIORITIES,
  INCIDENT_ROLES,
  INCIDENT_SEVERITIES,
  INCIDENT_STATUSES,
  TIMELINE_TYPES,
} from '../incidents/types.js';
import { change } from './intake-schemas.js';
import { timestamp } from './schemas.js';

/* Bodies of the incident, change and maintenance-window routes (see schemas.ts for the conventions). */

const status = z.enum(INCIDENT_STATUSES);
const severity = z.enum(INCIDENT_SEVERITIES as [string, ...string[]]);
const priority = z.enum(INCIDENT_PRIORITIES);

export const incident = z.strictObject({
  number: z.number().int(),
  title: z.string(),
  status,
  severity,
  priority: priority.nullable(),
  subject: z
    .strictObject({ kind: z.enum(['service', 'journey']), name: z.string() })
    .describe('what the alert that opened it was on'),
  suspectedCause: z
    .strictObject({
      service: z.string(),
      chain: z.array(z.string()).describe('dependsOn chain from the subject down to the cause'),
    })
    .nullable()
    .describe('the deepest alerting service the others depend on; null while only a journey alerts'),
  services: z.array(z.string()).describe('services with alerts in it'),
  journeys: z.array(z.string()).describe('journeys whose SLO alerts are in it'),
  assignee: z.string().nullable(),
  roles: z.strictObject(Object.fromEntries(INCIDENT_ROLES.map((r) => [r, z.string().optional()]))),
  createdAt: timestamp,
  acknowledgedAt: timestamp.nullable(),
  resolvedAt: timestamp.nullable(),
  lastAlertAt: timestamp,
  alerts: z.number().int(),
  openAlerts: z.number().int(),
  mergedInto: z.number().int().nullable().describe('the incident it was merged into'),
});
export type IncidentBody = z.infer<typeof incident>;

export const impact = z.strictObject({
  journeys: z.array(
    z.strictObject({
      name: z.string(),
      displayName: z.string().optional(),
      critical: z.boolean().describe('false: only non-critical dependencies link it, so it degrades'),
      via: z
        .strictObject({ service: z.string(), path: z.array(z.string()) })
        .nullable()
        .describe("the incident's service the journey needs, and the path from the journey's step"),
    }),
  ),
  valueStreams: z.array(z.strictObject({ name: z.string(), displayName: z.string().optional() })),
  revenueAtRisk: z.array(
    z.strictObject({
      journey: z.string(),
      slo: z.string(),
      currency: z.string(),
      amount: z.number(),
      method: z.enum(['value-per-success', 'revenue-per-hour']),
    }),
  ),
  budgets: z.array(
    z.strictObject({
      slo: z.string(),
      badEvents: z.number(),
      consumed: z.number().describe("share of the SLO's error budget spent while the incident was open"),
    }),
  ),
});

export const timelineEntry = z.strictObject({
  id: z.string(),
  at: timestamp,
  type: z.enum(TIMELINE_TYPES),
  actor: z.string().describe('token name, integration name or nines'),
  message: z.string(),
  data: z.record(z.string(), z.unknown()),
});

export const actionItem = z.strictObject({
  id: z.string(),
  incident: z.number().int(),
  title: z.string(),
  owner: z.string().nullable(),
  dueDate: z.string().nullable(),
  status: z.enum(['open', 'done']),
  createdAt: timestamp,
  doneAt: timestamp.nullable(),
});

export const maintenanceWindow = z.strictObject({
  id: z.string(),
  services: z.array(z.string()),
  startsAt: timestamp,
  endsAt: timestamp,
  reason: z.string().nullable(),
  createdBy: z.string(),
  createdAt: timestamp,
});

const mttxRow = z.strictObject({
  name: z.string(),
  incidents: z.number().int(),
  bySeverity: z.record(z.string(), z.number()),
  mttaSeconds: z.number().nullable(),
  mttrSeconds: z.number().nullable(),
  mtbfSeconds: z.number().nullable(),
  downtimeSeconds: z.number(),
});

for (const [schema, id] of [
  [incident, 'Incident'],
  [timelineEntry, 'TimelineEntry'],
  [actionItem, 'ActionItem'],
  [maintenanceWindow, 'MaintenanceWindow'],
  [mttxRow, 'MttxRow'],
] as const)
  if (!z.globalRegistry.has(schema)) z.globalRegistry.add(schema, { id });

export const incidentResponses = {
  list: z.strictObject({ incidents: z.array(incident) }).describe('Incidents, newest first'),
  one: incident.describe('The incident'),
  detail: incident
    .extend({
      impact,
      changes: z.array(change).describe('changes on its services before it started, newest first'),
    })
    .describe('The incident with its impact and the changes before it'),
  timeline: z.strictObject({ timeline: z.array(timelineEntry) }).describe('Timeline, oldest first'),
  entry: timelineEntry.describe('The entry added'),
  actionItems: z.strictObject({ actionItems: z.array(actionItem) }).describe('Action items'),
  actionItem: actionItem.describe('The action item'),
  postmortem: z.strictObject({ incident: z.number().int(), markdown: z.string() }).describe('The draft'),
  mttx: z
    .strictObject({
      from: timestamp,
      to: timestamp,
      overall: mttxRow,
      services: z.array(mttxRow),
      journeys: z.array(mttxRow),
      valueStreams: z.array(mttxRow),
    })
    .describe('MTTA, MTTR and MTBF over the period'),
  changes: z.strictObject({ changes: z.array(change) }).describe('Changes, newest first'),
  changeRecorded: z
    .strictObject({ id: z.string().nullable(), duplicate: z.boolean() })
    .describe('The change is committed (or was already, when duplicate)'),
  windows: z.strictObject({ windows: z.array(maintenanceWindow) }).describe('Maintenance windows'),
  window: maintenanceWindow.describe('The window'),
};
