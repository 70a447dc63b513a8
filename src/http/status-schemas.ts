import { z } from 'zod';
import { PUBLIC_INCIDENT_STATUSES } from '../incidents/public.js';
import { CHANGE_KINDS } from '../runtime/change-feed.js';
import { COMPONENT_STATUSES } from '../slo/status-page.js';
import { timestamp } from './schemas.js';

/* Bodies of the public status page and the live-update stream (see schemas.ts for the conventions). */

const componentStatus = z
  .enum(COMPONENT_STATUSES)
  .describe(
    'major_outage: a page fires on a journey SLO whose last 5 minutes were under 50% good; partial_outage: a page fires otherwise; degraded: a ticket fires, or an alert on a service it depends on; else operational',
  );

const uptimeDay = z.strictObject({
  date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .describe('the UTC day'),
  status: z
    .enum([...COMPONENT_STATUSES, 'no_data'])
    .describe(
      'the worst SLO that day: operational at or above its objective, degraded below it by at most its error budget, partial_outage at 90% or more, major_outage below; no_data without events',
    ),
  uptimePercent: z
    .number()
    .nullable()
    .describe('the lowest share of good events among the SLOs that day, floored to 3 decimals'),
});

const statusJourney = z.strictObject({
  name: z.string(),
  displayName: z.string().describe('in customer words'),
  description: z.string().optional(),
  status: componentStatus,
  uptime: z.strictObject({
    percent90d: z.number().nullable().describe('the lowest share of good events of any SLO over the 90 days'),
    days: z.array(uptimeDay).describe('90 UTC days, oldest first, today last'),
  }),
});

const publicIncidentStatus = z.enum(PUBLIC_INCIDENT_STATUSES);

const statusIncident = z.strictObject({
  number: z.number().int(),
  title: z.string().describe('from the journeys it affects'),
  status: publicIncidentStatus.describe(
    'the latest public status update’s status; investigating before any; resolved once it is',
  ),
  impact: z.enum(COMPONENT_STATUSES).describe('the worst status now among the page’s journeys it affects'),
  journeys: z.array(z.string()).describe('display names of the page’s journeys it affects, in page order'),
  startedAt: timestamp,
  resolvedAt: timestamp.nullable(),
  updates: z
    .array(z.strictObject({ at: timestamp, status: publicIncidentStatus, message: z.string() }))
    .describe('public status updates, newest first'),
});

for (const [schema, id] of [
  [statusJourney, 'StatusPageJourney'],
  [statusIncident, 'StatusPageIncident'],
] as const)
  if (!z.globalRegistry.has(schema)) z.globalRegistry.add(schema, { id });

export const statusResponses = {
  page: z
    .strictObject({
      title: z.string(),
      description: z.string().optional(),
      updatedAt: timestamp,
      status: z.enum(COMPONENT_STATUSES).describe('the worst journey'),
      journeys: z.array(statusJourney).describe('in page order'),
      incidents: z
        .array(statusIncident)
        .describe('open ones affecting a journey of the page, then those resolved in the last 7 days'),
    })
    .describe('The status page'),
  /** Documents the stream; answers are not JSON, so nothing parses them with it. */
  stream: {
    description: 'Server-sent events',
    content: {
      'text/event-stream': {
        schema: z
          .string()
          .describe(
            `\`event: change\` with \`data: {"kinds": [...]}\`, kinds among ${CHANGE_KINDS.join(', ')}; at most two a second; a \`: ping\` comment every 15 s`,
          ),
      },
    },
  },
};

export type StatusPageBody = z.infer<typeof statusResponses.page>;
