import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DNS_LABEL } from '../../catalog/schema/common.js';
import { NinesError } from '../../errors.js';
import type { LifecycleAction } from '../../incidents/lifecycle.js';
import {
  type ActionItem,
  INCIDENT_PRIORITIES,
  INCIDENT_ROLES,
  INCIDENT_SEVERITIES,
  INCIDENT_STATUSES,
  type Incident,
  type TimelineEntry,
} from '../../incidents/types.js';
import type { IncidentService } from '../../runtime/incidents.js';
import { type IncidentBody, incidentResponses } from '../incident-schemas.js';
import { iso, isoOrNull } from '../presenters.js';
import { errorResponses } from '../schemas.js';
import { presentChange, timeQuery } from './changes.js';

export interface IncidentRoutesDeps {
  readonly incidents: IncidentService;
  readonly clock: () => number;
}

export function presentIncident(i: Incident): IncidentBody {
  return {
    number: i.number,
    title: i.title,
    status: i.status,
    severity: i.severity,
    priority: i.priority,
    subject: { kind: i.subject.kind, name: i.subject.name },
    suspectedCause: i.suspectedCause && {
      service: i.suspectedCause.service,
      chain: [...i.suspectedCause.chain],
    },
    services: [...i.services],
    journeys: [...i.journeys],
    assignee: i.assignee,
    roles: { ...i.roles },
    createdAt: iso(i.createdAt),
    acknowledgedAt: isoOrNull(i.acknowledgedAt),
    resolvedAt: isoOrNull(i.resolvedAt),
    lastAlertAt: iso(i.lastAlertAt),
    alerts: i.alertCount,
    openAlerts: i.openAlertCount,
    mergedInto: i.mergedInto,
  };
}

export const presentEntry = (e: TimelineEntry) => ({
  id: e.id,
  at: iso(e.at),
  type: e.type,
  actor: e.actor,
  message: e.message,
  data: { ...e.data },
});

export const presentActionItem = (a: ActionItem) => ({
  id: a.id,
  incident: a.incident,
  title: a.title,
  owner: a.owner,
  dueDate: a.dueDate,
  status: a.status,
  createdAt: iso(a.createdAt),
  doneAt: isoOrNull(a.doneAt),
});

const params = z.object({
  number: z.coerce
    .number()
    .int()
    .min(1)
    .max(2 ** 31 - 1),
});
const person = z.string().trim().min(1).max(200);
const text = (max: number) => z.string().trim().min(1).max(max);
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD')
  .refine(
    (d) =>
      !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
    'a real calendar date',
  );
const actorOf = (request: FastifyRequest) => request.principal?.name ?? 'unknown';

/** The incident workflow over HTTP: read as a viewer, change as a responder. */
export function registerIncidentRoutes(app: FastifyInstance, deps: IncidentRoutesDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { incidents } = deps;
  const tags = ['incidents'];

  r.get(
    '/api/v1/incidents',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'Incidents, newest first',
        querystring: z.object({
          status: z
            .enum([...INCIDENT_STATUSES, 'open'])
            .optional()
            .describe('open: triggered or acknowledged'),
          service: z
            .string()
            .regex(DNS_LABEL, 'a service name')
            .optional()
            .describe('incidents with alerts on it or naming it as cause'),
          since: timeQuery.optional().describe('created at or after; RFC 3339 or epoch milliseconds'),
          until: timeQuery.optional().describe('created before'),
          merged: z.enum(['true', 'false']).default('false').describe('include incidents merged into others'),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
        response: { 200: incidentResponses.list, ...errorResponses('VALIDATION_FAILED') },
      },
    },
    async (request) => {
      const q = request.query;
      const list = await incidents.list({
        limit: q.limit,
        includeMerged: q.merged === 'true',
        ...(q.status !== undefined && { status: q.status }),
        ...(q.service !== undefined && { service: q.service }),
        ...(q.since !== undefined && { sinceMs: q.since }),
        ...(q.until !== undefined && { untilMs: q.until }),
      });
      return { incidents: list.map(presentIncident) };
    },
  );

  r.get(
    '/api/v1/incidents/:number',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary:
          'An incident with the journeys, value streams and revenue it puts at risk and the changes before it',
        params,
        querystring: z.object({
          changesHours: z.coerce
            .number()
            .min(0)
            .max(24 * 30)
            .optional()
            .describe(
              'how many hours before the start to list changes; default from --change-lookback-hours',
            ),
        }),
        response: { 200: incidentResponses.detail, ...errorResponses('VALIDATION_FAILED', 'NOT_FOUND') },
      },
    },
    async (request) => {
      const incident = await incidents.get(request.params.number);
      const hours = request.query.changesHours;
      const [impact, changes] = await Promise.all([
        incidents.impact(incident),
        incidents.changesBefore(incident, ...(hours === undefined ? [] : [hours * 3_600_000])),
      ]);
      return {
        ...presentIncident(incident),
        impact: {
          journeys: impact.journeys.map((j) => ({
            ...j,
            via: j.via && { service: j.via.service, path: [...j.via.path] },
          })),
          valueStreams: [...impact.valueStreams],
          revenueAtRisk: [...impact.revenueAtRisk],
          budgets: [...impact.budgets],
        },
        changes: changes.map(presentChange),
      };
    },
  );

  r.get(
    '/api/v1/incidents/:number/timeline',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'Every alert, change of state or field, note, status update and notification, oldest first',
        params,
        response: { 200: incidentResponses.timeline, ...errorResponses('VALIDATION_FAILED', 'NOT_FOUND') },
      },
    },
    async (request) => {
      const incident = await incidents.get(request.params.number);
      return { timeline: (await incidents.timeline(incident.number, incident)).map(presentEntry) };
    },
  );

  const lifecycle = (action: LifecycleAction, summary: string) =>
    r.post(
      `/api/v1/incidents/:number/${action}`,
      {
        config: { role: 'responder' },
        schema: {
          tags,
          summary,
          params,
          body: z.strictObject({ message: text(2000).optional().describe('said on the timeline') }).nullish(),
          response: {
            200: incidentResponses.one,
            ...errorResponses('VALIDATION_FAILED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'),
          },
        },
      },
      async (request) =>
        presentIncident(
          await incidents.act(request.params.number, action, actorOf(request), request.body?.message),
        ),
    );
  lifecycle('acknowledge', 'Acknowledge: responders are on it and it stops notifying (409 unless triggered)');
  lifecycle('resolve', 'Resolve, with its open alerts (409 when already resolved)');
  lifecycle('reopen', 'Reopen a resolved incident (409 unless resolved)');

  r.patch(
    '/api/v1/incidents/:number',
    {
      config: { role: 'responder' },
      schema: {
        tags,
        summary: 'Change title, severity, priority, assignee or roles (null clears)',
        params,
        body: z
          .strictObject({
            title: text(500).optional(),
            severity: z.enum(INCIDENT_SEVERITIES as [string, ...string[]]).optional(),
            priority: z.enum(INCIDENT_PRIORITIES).nullable().optional(),
            assignee: person.nullable().optional(),
            roles: z
              .strictObject(
                Object.fromEntries(INCIDENT_ROLES.map((role) => [role, person.nullable().optional()])),
              )
              .optional()
              .describe('commander, communications, scribe'),
          })
          .refine((b) => Object.keys(b).length > 0, 'name at least one field to change'),
        response: {
          200: incidentResponses.one,
          ...errorResponses('VALIDATION_FAILED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'),
        },
      },
    },
    async (request) => {
      const b = request.body;
      const roles: Partial<Record<(typeof INCIDENT_ROLES)[number], string | null>> = {};
      for (const role of INCIDENT_ROLES) {
        const v = b.roles?.[role];
        if (v !== undefined) roles[role] = v;
      }
      return presentIncident(
        await incidents.patch(
          request.params.number,
          {
            ...(b.title !== undefined && { title: b.title }),
            ...(b.severity !== undefined && { severity: b.severity as Incident['severity'] }),
            ...(b.priority !== undefined && { priority: b.priority }),
            ...(b.assignee !== undefined && { assignee: b.assignee }),
            ...(b.roles !== undefined && { roles }),
          },
          actorOf(request),
        ),
      );
    },
  );

  r.post(
    '/api/v1/incidents/:number/notes',
    {
      config: { role: 'responder' },
      schema: {
        tags,
        summary: 'A note for responders on the timeline',
        params,
        body: z.strictObject({ text: text(10_000) }),
        response: {
          201: incidentResponses.entry,
          ...errorResponses('VALIDATION_FAILED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'),
        },
      },
    },
    async (request, reply) => {
      const entry = await incidents.addEntry(
        request.params.number,
        { type: 'note', message: request.body.text },
        actorOf(request),
      );
      return reply.code(201).send(presentEntry(entry));
    },
  );

  r.post(
    '/api/v1/incidents/:number/status-updates',
    {
      config: { role: 'responder' },
      schema: {
        tags,
        summary: 'A status update for stakeholders; public ones are for the status page',
        params,
        body: z.strictObject({
          message: text(5000),
          status: z.enum(['investigating', 'identified', 'monitoring', 'resolved']).optional(),
          public: z.boolean().default(false),
        }),
        response: {
          201: incidentResponses.entry,
          ...errorResponses('VALIDATION_FAILED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'),
        },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const entry = await incidents.addEntry(
        request.params.number,
        {
          type: 'status-update',
          message: b.message,
          public: b.public,
          ...(b.status !== undefined && { status: b.status }),
        },
        actorOf(request),
      );
      return reply.code(201).send(presentEntry(entry));
    },
  );

  r.get(
    '/api/v1/incidents/:number/action-items',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: "The incident's action items",
        params,
        response: { 200: incidentResponses.actionItems, ...errorResponses('VALIDATION_FAILED', 'NOT_FOUND') },
      },
    },
    async (request) => {
      await incidents.get(request.params.number);
      return {
        actionItems: (await incidents.actionItems.list({ incident: request.params.number })).map(
          presentActionItem,
        ),
      };
    },
  );

  r.post(
    '/api/v1/incidents/:number/action-items',
    {
      config: { role: 'responder' },
      schema: {
        tags,
        summary: 'Track an action item with owner and due date',
        params,
        body: z.strictObject({
          title: text(500),
          owner: person.nullable().default(null),
          dueDate: isoDate.nullable().default(null).describe('YYYY-MM-DD'),
        }),
        response: {
          201: incidentResponses.actionItem,
          ...errorResponses('VALIDATION_FAILED', 'FORBIDDEN', 'NOT_FOUND'),
        },
      },
    },
    async (request, reply) => {
      const item = await incidents.addActionItem(request.params.number, request.body, actorOf(request));
      return reply.code(201).send(presentActionItem(item));
    },
  );

  r.get(
    '/api/v1/action-items',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'Action items of every incident, oldest first',
        querystring: z.object({ status: z.enum(['open', 'done']).optional() }),
        response: { 200: incidentResponses.actionItems, ...errorResponses('VALIDATION_FAILED') },
      },
    },
    async (request) => ({
      actionItems: (
        await incidents.actionItems.list({
          ...(request.query.status !== undefined && { status: request.query.status }),
        })
      ).map(presentActionItem),
    }),
  );

  r.patch(
    '/api/v1/action-items/:id',
    {
      config: { role: 'responder' },
      schema: {
        tags,
        summary: 'Change an action item or mark it done',
        params: z.object({ id: z.string().min(1).max(100) }),
        body: z
          .strictObject({
            title: text(500).optional(),
            owner: person.nullable().optional(),
            dueDate: isoDate.nullable().optional(),
            status: z.enum(['open', 'done']).optional(),
          })
          .refine((b) => Object.keys(b).length > 0, 'name at least one field to change'),
        response: {
          200: incidentResponses.actionItem,
          ...errorResponses('VALIDATION_FAILED', 'FORBIDDEN', 'NOT_FOUND'),
        },
      },
    },
    async (request) => {
      const b = request.body;
      if (!(await incidents.actionItems.get(request.params.id)))
        throw new NinesError('NOT_FOUND', `no action item '${request.params.id}'`);
      const item = await incidents.actionItems.update(
        request.params.id,
        {
          ...(b.title !== undefined && { title: b.title }),
          ...(b.owner !== undefined && { owner: b.owner }),
          ...(b.dueDate !== undefined && { dueDate: b.dueDate }),
          ...(b.status !== undefined && { status: b.status }),
        },
        deps.clock(),
      );
      return presentActionItem(item as ActionItem);
    },
  );

  r.get(
    '/api/v1/incidents/:number/postmortem',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'A blameless postmortem draft in Markdown',
        params,
        querystring: z.object({
          timeZone: z.string().min(1).max(100).optional().describe('IANA zone for the times; UTC by default'),
        }),
        response: { 200: incidentResponses.postmortem, ...errorResponses('VALIDATION_FAILED', 'NOT_FOUND') },
      },
    },
    async (request) => ({
      incident: request.params.number,
      markdown: await incidents.postmortem(request.params.number, request.query.timeZone),
    }),
  );

  r.get(
    '/api/v1/reports/mttx',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'MTTA, MTTR, MTBF and incident counts by severity per service, journey and value stream',
        querystring: z.object({
          from: timeQuery.optional().describe('default: 30 days before `to`'),
          to: timeQuery.optional().describe('default: now'),
        }),
        response: { 200: incidentResponses.mttx, ...errorResponses('VALIDATION_FAILED') },
      },
    },
    async (request) => {
      const to = request.query.to ?? deps.clock();
      const from = request.query.from ?? to - 30 * 86_400_000;
      if (from >= to)
        throw new NinesError('VALIDATION_FAILED', 'from must be before to', [
          { field: 'from', message: 'must be before to' },
        ]);
      const report = await incidents.mttx(from, to);
      const row = (r: (typeof report)['overall']) => ({
        name: r.name,
        incidents: r.incidents,
        bySeverity: { ...r.bySeverity },
        mttaSeconds: r.mttaMs === null ? null : r.mttaMs / 1000,
        mttrSeconds: r.mttrMs === null ? null : r.mttrMs / 1000,
        mtbfSeconds: r.mtbfMs === null ? null : r.mtbfMs / 1000,
        downtimeSeconds: r.downtimeMs / 1000,
      });
      return {
        from: iso(from),
        to: iso(to),
        overall: row(report.overall),
        services: report.services.map(row),
        journeys: report.journeys.map(row),
        valueStreams: report.valueStreams.map(row),
      };
    },
  );
}
