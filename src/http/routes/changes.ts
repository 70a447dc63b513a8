import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { parseDuration, WINDOW_DURATION } from '../../catalog/duration.js';
import type { Catalog } from '../../catalog/model.js';
import { NinesError } from '../../errors.js';
import type { MaintenanceWindow } from '../../incidents/types.js';
import { CHANGE_TYPES, type ChangeRepository, type StoredChange } from '../../store/changes.js';
import type { MaintenanceWindowRepository } from '../../store/maintenance-windows.js';
import { incidentResponses } from '../incident-schemas.js';
import type { ChangeBody } from '../intake-schemas.js';
import { iso } from '../presenters.js';
import { errorResponses } from '../schemas.js';

export interface ChangeRoutesDeps {
  readonly catalog: Catalog;
  readonly changes: ChangeRepository;
  readonly windows: MaintenanceWindowRepository;
  readonly clock: () => number;
  /** Told after a maintenance window was created or ended. */
  readonly onWindowsChanged?: () => void;
}

const MAX_DATE_MS = 8.64e15;

/** An instant in a query: RFC 3339 with an offset, or epoch milliseconds; as milliseconds. */
export const timeQuery = z
  .union([z.iso.datetime({ offset: true }), z.coerce.number().int().nonnegative().max(MAX_DATE_MS)])
  .transform((t) => (typeof t === 'number' ? t : Date.parse(t)));

/** An instant in a JSON body: the same, but a number must be a number (no `[]` read as 0). */
const timeBody = z
  .union([z.iso.datetime({ offset: true }), z.number().int().nonnegative().max(MAX_DATE_MS)])
  .transform((t) => (typeof t === 'number' ? t : Date.parse(t)));

export function presentChange(c: StoredChange): ChangeBody {
  return {
    id: c.id,
    service: c.service,
    integrationId: c.integrationId,
    summary: c.summary,
    type: c.type,
    version: c.version,
    author: c.author,
    source: c.source,
    timestamp: iso(c.occurredAt),
    receivedAt: iso(c.receivedAt),
    links: [...c.links],
    customDetails: c.customDetails,
  };
}

const presentWindow = (w: MaintenanceWindow) => ({
  id: w.id,
  services: [...w.services],
  startsAt: iso(w.startsAt),
  endsAt: iso(w.endsAt),
  reason: w.reason,
  createdBy: w.createdBy,
  createdAt: iso(w.createdAt),
});

const url = z
  .string()
  .max(2048)
  .refine((u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol), 'an http(s) URL');

/** Change events (native and from PagerDuty's change endpoint) and maintenance windows. */
export function registerChangeRoutes(app: FastifyInstance, deps: ChangeRoutesDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { catalog } = deps;
  const knownService = (field: string) => (s: string, ctx: z.RefinementCtx) => {
    if (!catalog.Service.has(s))
      ctx.addIssue({
        code: 'custom',
        message: `no service named '${s}' in the catalog`,
        path: field === '' ? [] : [field],
      });
  };

  r.get(
    '/api/v1/changes',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['changes'],
        summary: 'Changes (deploys, feature flags, config), newest first',
        querystring: z.object({
          service: z.string().min(1).max(253).optional(),
          since: timeQuery.optional().describe('RFC 3339 or epoch milliseconds'),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
        response: { 200: incidentResponses.changes, ...errorResponses('VALIDATION_FAILED') },
      },
    },
    async (request) => {
      const q = request.query;
      const changes = await deps.changes.list({
        limit: q.limit,
        ...(q.service !== undefined && { service: q.service }),
        ...(q.since !== undefined && { sinceMs: q.since }),
      });
      return { changes: changes.map(presentChange) };
    },
  );

  r.post(
    '/api/v1/changes',
    {
      config: { role: 'responder' },
      schema: {
        tags: ['changes'],
        summary: 'Record a change: a deploy, a feature-flag flip, a config change (idempotent by `id`)',
        body: z.strictObject({
          service: z.string().min(1).max(253).superRefine(knownService('')),
          type: z.enum(CHANGE_TYPES).default('deploy'),
          version: z.string().trim().min(1).max(200).optional(),
          author: z.string().trim().min(1).max(200).optional(),
          summary: z
            .string()
            .trim()
            .min(1)
            .max(1024)
            .optional()
            .describe('default: "<type> <service> <version>"'),
          link: url.optional().describe('the pipeline run, pull request or release'),
          links: z
            .array(z.strictObject({ href: url, text: z.string().max(1024).optional() }))
            .max(20)
            .optional(),
          timestamp: timeBody.optional().describe('when it happened; default: now'),
          id: z
            .string()
            .min(1)
            .max(255)
            .optional()
            .describe(
              'your identity of the change per service (e.g. the pipeline run id): sent twice, stored once',
            ),
          details: z.record(z.string(), z.unknown()).optional(),
        }),
        response: {
          200: incidentResponses.changeRecorded,
          201: incidentResponses.changeRecorded,
          ...errorResponses('VALIDATION_FAILED', 'FORBIDDEN'),
        },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const now = deps.clock();
      const result = await deps.changes.add(
        {
          integrationId: 'api',
          service: b.service,
          summary: b.summary ?? [b.type, b.service, b.version].filter((x) => x !== undefined).join(' '),
          type: b.type,
          version: b.version ?? null,
          author: b.author ?? null,
          source: request.principal?.name ?? null,
          occurredAt: b.timestamp ?? now,
          links: [
            ...(b.link !== undefined ? [{ href: b.link }] : []),
            ...(b.links ?? []).map((l) => ({ href: l.href, ...(l.text !== undefined && { text: l.text }) })),
          ],
          customDetails: b.details ?? null,
          // Per service: one pipeline run may deploy several services under one id.
          ...(b.id !== undefined && { changeKey: `id:${b.service}\u0000${b.id}` }),
        },
        now,
      );
      return reply.code(result.duplicate ? 200 : 201).send(result);
    },
  );

  r.get(
    '/api/v1/maintenance-windows',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['incidents'],
        summary: 'Maintenance windows not yet over (or all since `since`)',
        querystring: z.object({ since: timeQuery.optional() }),
        response: { 200: incidentResponses.windows, ...errorResponses('VALIDATION_FAILED') },
      },
    },
    async (request) => ({
      windows: (await deps.windows.list(request.query.since ?? deps.clock())).map(presentWindow),
    }),
  );

  r.post(
    '/api/v1/maintenance-windows',
    {
      config: { role: 'responder' },
      schema: {
        tags: ['incidents'],
        summary: 'A maintenance window: alerts on its services are recorded but open no incident',
        body: z
          .strictObject({
            services: z
              .array(z.string().min(1).max(253).superRefine(knownService('')))
              .min(1)
              .max(500),
            startsAt: timeBody.optional().describe('default: now'),
            endsAt: timeBody.optional(),
            duration: z
              .string()
              .regex(WINDOW_DURATION, 'a duration like 30m, 2h or 1d')
              .optional()
              .describe('instead of endsAt'),
            reason: z.string().trim().min(1).max(1024).optional(),
          })
          .refine((b) => (b.endsAt === undefined) !== (b.duration === undefined), {
            message: 'give endsAt or duration (one of them)',
            path: ['endsAt'],
          }),
        response: { 201: incidentResponses.window, ...errorResponses('VALIDATION_FAILED', 'FORBIDDEN') },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const now = deps.clock();
      const startsAt = b.startsAt ?? now;
      const endsAt = b.endsAt ?? startsAt + (parseDuration(b.duration ?? '') ?? 0);
      if (endsAt > MAX_DATE_MS)
        throw new NinesError('VALIDATION_FAILED', 'the window ends after the last date nines can show', [
          { field: b.endsAt !== undefined ? 'endsAt' : 'duration', message: 'ends too late' },
        ]);
      if (endsAt <= startsAt || endsAt <= now)
        throw new NinesError('VALIDATION_FAILED', 'the window must end after it starts and after now', [
          {
            field: b.endsAt !== undefined ? 'endsAt' : 'duration',
            message: 'must end after it starts and after now',
          },
        ]);
      const window = await deps.windows.create(
        {
          services: [...new Set(b.services)],
          startsAt,
          endsAt,
          reason: b.reason ?? null,
          createdBy: request.principal?.name ?? 'unknown',
        },
        now,
      );
      deps.onWindowsChanged?.();
      return reply.code(201).send(presentWindow(window));
    },
  );

  r.delete(
    '/api/v1/maintenance-windows/:id',
    {
      config: { role: 'responder' },
      schema: {
        tags: ['incidents'],
        summary: 'End a window now (or remove one that has not started)',
        params: z.object({ id: z.string().min(1).max(100) }),
        response: {
          204: z.null().describe('Ended'),
          ...errorResponses('VALIDATION_FAILED', 'FORBIDDEN', 'NOT_FOUND'),
        },
      },
    },
    async (request, reply) => {
      if (!(await deps.windows.end(request.params.id, deps.clock())))
        throw new NinesError('NOT_FOUND', `no maintenance window '${request.params.id}' that is not over`);
      deps.onWindowsChanged?.();
      return reply.code(204).send(null);
    },
  );
}
