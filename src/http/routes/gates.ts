import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Catalog } from '../../catalog/model.js';
import type { GateService } from '../../runtime/gates.js';
import { gateResponses, presentGate, presentStanding } from '../gate-schemas.js';
import { errorResponses } from '../schemas.js';
import { timeQuery } from './changes.js';

export interface GateRoutesDeps {
  readonly catalog: Catalog;
  readonly gates: GateService;
}

const tags = ['gates'];

/** Release gates: evaluate before and after a deploy, read stored results, and the budget policies in force. */
export function registerGateRoutes(app: FastifyInstance, deps: GateRoutesDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { catalog, gates } = deps;
  const knownService = (s: string, ctx: z.RefinementCtx) => {
    if (!catalog.Service.has(s))
      ctx.addIssue({ code: 'custom', message: `no service named '${s}' in the catalog` });
  };

  r.post(
    '/api/v1/gates/evaluate',
    {
      config: { role: 'responder' },
      schema: {
        tags,
        summary: 'Evaluate a release gate before (pre) or after (post) a deploy; the result is stored',
        description:
          'pre: error-budget policies of the service and of every journey it serves, open incidents on it and freeze windows. ' +
          "post: the SLIs after the recorded change against a baseline before it and the criteria of the service's ReleaseGate. " +
          'A post-deploy verdict reached after the evaluation window is final: later calls return it.',
        body: z.strictObject({
          service: z.string().min(1).max(253).superRefine(knownService),
          version: z.string().trim().min(1).max(200).optional(),
          stage: z.enum(['pre', 'post']).default('pre'),
          change: z
            .string()
            .min(1)
            .max(64)
            .optional()
            .describe(
              'post: the change id to analyse; default the latest change of the service (at `version`)',
            ),
          fix: z.boolean().default(false).describe('the change is a fix: it may ship while only fixes may'),
          override: z
            .strictObject({ reason: z.string().trim().min(3).max(1000) })
            .optional()
            .describe('release despite a policy that asks for an override, an open incident or a freeze'),
        }),
        response: {
          200: gateResponses.report,
          ...errorResponses('VALIDATION_FAILED', 'FORBIDDEN', 'NOT_FOUND'),
        },
      },
    },
    async (request) => {
      const b = request.body;
      const by = request.principal?.name ?? 'unknown';
      const report = await gates.evaluate({
        service: b.service,
        stage: b.stage,
        fix: b.fix,
        requestedBy: by,
        ...(b.version !== undefined && { version: b.version }),
        ...(b.change !== undefined && { changeId: b.change }),
        ...(b.override && { override: { reason: b.override.reason, by } }),
      });
      const stored = await gates.get(report.id);
      return presentGate(stored.report, stored.rollback);
    },
  );

  r.get(
    '/api/v1/gates',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'Stored gate results, newest first',
        querystring: z.object({
          service: z.string().min(1).max(253).optional(),
          change: z.string().min(1).max(64).optional(),
          stage: z.enum(['pre', 'post']).optional(),
          result: z.enum(['pass', 'warning', 'fail', 'inconclusive']).optional(),
          since: timeQuery.optional().describe('RFC 3339 or epoch milliseconds'),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
        response: { 200: gateResponses.list, ...errorResponses('VALIDATION_FAILED') },
      },
    },
    async (request) => {
      const q = request.query;
      const found = await gates.list({
        limit: q.limit,
        ...(q.service !== undefined && { service: q.service }),
        ...(q.change !== undefined && { changeIds: [q.change] }),
        ...(q.stage !== undefined && { stage: q.stage }),
        ...(q.result !== undefined && { result: q.result }),
        ...(q.since !== undefined && { sinceMs: q.since }),
      });
      return { gates: found.map((g) => presentGate(g.report, g.rollback)) };
    },
  );

  r.get(
    '/api/v1/gates/:id',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'One gate result',
        params: z.object({ id: z.string().min(1).max(64) }),
        response: { 200: gateResponses.report, ...errorResponses('VALIDATION_FAILED', 'NOT_FOUND') },
      },
    },
    async (request) => {
      const found = await gates.get(request.params.id);
      return presentGate(found.report, found.rollback);
    },
  );

  r.get(
    '/api/v1/budget-policies',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary:
          'The error-budget policy in force for every service and journey, from live budgets, with the reason',
        response: { 200: gateResponses.policies, ...errorResponses() },
      },
    },
    async () => {
      const all = gates.allStandings();
      return { services: all.services.map(presentStanding), journeys: all.journeys.map(presentStanding) };
    },
  );
}
