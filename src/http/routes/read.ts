import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Catalog } from '../../catalog/model.js';
import { NinesError } from '../../errors.js';
import type { Engine, TickResult } from '../../runtime/engine.js';
import { MINUTE_RETENTION_MS } from '../../runtime/maintenance.js';
import { Queries } from '../../runtime/queries.js';
import { budgetOf, objectiveOf } from '../../slo/evaluate.js';
import type { SourceStatus } from '../../sources/prometheus/source.js';
import type { AlertRepository } from '../../store/alerts.js';
import { type BucketRepository, RESOLUTION_MS, type Resolution } from '../../store/buckets.js';
import {
  presentBurningService,
  presentFiringAlerts,
  presentJourney,
  presentService,
  presentSloDetail,
  presentSloSummary,
  presentTransition,
  presentValueStream,
} from '../presenters.js';
import { errorResponses, responses } from '../schemas.js';

export interface ReadDeps {
  readonly catalog: Catalog;
  readonly engine: Engine;
  readonly buckets: BucketRepository;
  readonly alerts: AlertRepository;
  readonly clock: () => number;
  readonly evaluate: () => Promise<TickResult>;
  readonly sourceStatus?: (sli: string) => SourceStatus | undefined;
}

const name = z.object({ name: z.string().min(1).max(253) });
/** The largest instant a Date holds, in ms since the epoch. */
const MAX_DATE_MS = 8.64e15;
const time = z.union([
  z.iso.datetime({ offset: true }),
  z.coerce.number().int().nonnegative().max(MAX_DATE_MS),
]);
const toMs = (t: string | number) => (typeof t === 'number' ? t : Date.parse(t));
const MAX_POINTS = 5_000;

function notFound(kind: string, n: string): never {
  throw new NinesError('NOT_FOUND', `no ${kind} named '${n}'`);
}

/** Read endpoints: value streams, journeys, services, SLOs, alerts. Viewer role. */
export function registerReadRoutes(app: FastifyInstance, deps: ReadDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { catalog } = deps;
  const queries = new Queries(catalog, deps.engine, deps.sourceStatus);
  const viewer = { role: 'viewer' as const };
  const streams = [...catalog.ValueStream.values()];

  r.get(
    '/api/v1/value-streams',
    {
      config: viewer,
      schema: {
        tags: ['catalog'],
        summary: 'Value streams and the health of their journeys',
        response: { 200: responses.valueStreams, ...errorResponses() },
      },
    },
    async () => {
      const health = queries.journeyHealth();
      return { valueStreams: streams.map((v) => presentValueStream(v, health)) };
    },
  );

  r.get(
    '/api/v1/journeys',
    {
      config: viewer,
      schema: {
        tags: ['catalog'],
        summary: 'Journeys with health and revenue at risk',
        response: { 200: responses.journeys, ...errorResponses() },
      },
    },
    async () => {
      const health = queries.journeyHealth();
      return {
        journeys: [...catalog.Journey.values()].map((j) =>
          presentJourney(j, health.get(j.name), streams, queries.journeyRevenue(j)),
        ),
      };
    },
  );

  r.get(
    '/api/v1/journeys/:name',
    {
      config: viewer,
      schema: {
        tags: ['catalog'],
        summary: 'A journey, its SLOs, and the services that explain its burn',
        params: name,
        response: { 200: responses.journey, ...errorResponses('VALIDATION_FAILED', 'NOT_FOUND') },
      },
    },
    async (request) => {
      const journey = catalog.Journey.get(request.params.name) ?? notFound('journey', request.params.name);
      const signals = queries.signals();
      const health = queries.journeyHealth(signals);
      return {
        ...presentJourney(journey, health.get(journey.name), streams, queries.journeyRevenue(journey)),
        slos: queries
          .slos()
          .filter((v) => v.slo.journey === journey.name)
          .map((v) => presentSloSummary(v, queries)),
        burningServices: queries.explain(journey, signals).map(presentBurningService),
      };
    },
  );

  r.get(
    '/api/v1/services',
    {
      config: viewer,
      schema: {
        tags: ['catalog'],
        summary: 'Services, their SLOs and the journeys they put at risk',
        response: { 200: responses.services, ...errorResponses() },
      },
    },
    async () => {
      const slos = [...catalog.SLO.values()];
      return {
        services: [...catalog.Service.values()].map((s) =>
          presentService(
            s,
            slos.filter((o) => o.service === s.name),
            queries.journeysAtRisk(s.name),
          ),
        ),
      };
    },
  );

  r.get(
    '/api/v1/services/:name',
    {
      config: viewer,
      schema: {
        tags: ['catalog'],
        summary: 'A service, its SLO statuses and the journeys it puts at risk',
        params: name,
        response: { 200: responses.service, ...errorResponses('VALIDATION_FAILED', 'NOT_FOUND') },
      },
    },
    async (request) => {
      const service = catalog.Service.get(request.params.name) ?? notFound('service', request.params.name);
      const slos = [...catalog.SLO.values()].filter((o) => o.service === service.name);
      return {
        ...presentService(service, slos, queries.journeysAtRisk(service.name)),
        sloStatuses: queries
          .slos()
          .filter((v) => v.slo.service === service.name)
          .map((v) => presentSloSummary(v, queries)),
      };
    },
  );

  r.get(
    '/api/v1/slos',
    {
      config: viewer,
      schema: {
        tags: ['slo'],
        summary: 'Every SLO with SLI, budget, burn rates and alerts',
        querystring: z.object({
          journey: z.string().optional(),
          service: z.string().optional(),
          health: z.enum(['healthy', 'degraded', 'at-risk', 'unknown']).optional(),
        }),
        response: { 200: responses.slos, ...errorResponses('VALIDATION_FAILED') },
      },
    },
    async (request) => {
      const q = request.query;
      const slos = queries
        .slos()
        .filter(
          (v) =>
            (q.journey === undefined || v.slo.journey === q.journey) &&
            (q.service === undefined || v.slo.service === q.service),
        )
        .map((v) => presentSloSummary(v, queries))
        .filter((s) => q.health === undefined || s.health === q.health);
      return { slos };
    },
  );

  r.get(
    '/api/v1/slos/:name',
    {
      config: viewer,
      schema: {
        tags: ['slo'],
        summary: 'One SLO in detail: burns per window, alert tiers, revenue at risk',
        params: name,
        response: { 200: responses.slo, ...errorResponses('VALIDATION_FAILED', 'NOT_FOUND') },
      },
    },
    async (request) => {
      const view = queries.slo(request.params.name) ?? notFound('SLO', request.params.name);
      const journey = view.slo.journey === undefined ? undefined : catalog.Journey.get(view.slo.journey);
      return presentSloDetail(view, queries, journey);
    },
  );

  r.get(
    '/api/v1/slos/:name/timeseries',
    {
      config: viewer,
      schema: {
        tags: ['slo'],
        summary:
          'Good and total events per bucket, with the SLI and the budget left since `from`, for charts',
        description:
          '`budgetRemaining` is the share of the error budget left over the events since `from`, for occurrences SLOs only; it is null for timeslices SLOs, whose budget counts bad slices, not bad events.',
        params: name,
        querystring: z.object({
          from: time.optional(),
          to: time.optional(),
          resolution: z.enum(['m', 'h', 'd']).optional(),
        }),
        response: { 200: responses.timeseries, ...errorResponses('VALIDATION_FAILED', 'NOT_FOUND') },
      },
    },
    async (request) => {
      const view = queries.slo(request.params.name) ?? notFound('SLO', request.params.name);
      const now = deps.clock();
      const to = request.query.to === undefined ? now : toMs(request.query.to);
      const from = request.query.from === undefined ? view.status.windowStart : toMs(request.query.from);
      if (!(from < to))
        throw new NinesError('VALIDATION_FAILED', 'from must be before to', [
          { field: 'from', message: 'must be before to' },
        ]);
      const span = to - from;
      const resolution: Resolution =
        request.query.resolution ?? (span <= MINUTE_RETENTION_MS ? 'm' : span <= 62 * 86_400_000 ? 'h' : 'd');
      const size = RESOLUTION_MS[resolution];
      if (span / size > MAX_POINTS) {
        throw new NinesError(
          'VALIDATION_FAILED',
          `that is more than ${MAX_POINTS} points; choose a coarser resolution or a shorter range`,
          [{ field: 'resolution', message: 'too fine for the range' }],
        );
      }
      const rows = await deps.buckets.range(view.slo.sli, resolution, from - (from % size), to);
      const objective = view.slo.budgetingMethod === 'occurrences' ? objectiveOf(view.slo) : undefined;
      const periodMs = view.status.windowEnd - view.status.windowStart;
      const counts = { good: 0, total: 0 };
      return {
        slo: view.slo.name,
        resolution,
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
        points: rows.map((p) => {
          counts.good += p.good;
          counts.total += p.total;
          return {
            t: new Date(p.startMs).toISOString(),
            good: p.good,
            total: p.total,
            sli: p.total === 0 ? null : Number(((p.good / p.total) * 100).toFixed(6)),
            budgetRemaining:
              objective === undefined
                ? null
                : Number(budgetOf(counts, objective, periodMs).remainingRatio.toFixed(6)),
          };
        }),
      };
    },
  );

  r.get(
    '/api/v1/alerts',
    {
      config: viewer,
      schema: {
        tags: ['alerts'],
        summary: 'Alerts firing now',
        response: { 200: responses.alerts, ...errorResponses() },
      },
    },
    async () => ({ alerts: queries.slos().flatMap(presentFiringAlerts) }),
  );

  r.get(
    '/api/v1/alerts/history',
    {
      config: viewer,
      schema: {
        tags: ['alerts'],
        summary: 'Alert transitions, newest first',
        querystring: z.object({
          slo: z.string().optional(),
          kind: z.enum(['page', 'ticket', 'no-data']).optional(),
          since: time.optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
        response: { 200: responses.alertHistory, ...errorResponses('VALIDATION_FAILED') },
      },
    },
    async (request) => {
      const q = request.query;
      const history = await deps.alerts.history({
        limit: q.limit,
        ...(q.slo !== undefined && { slo: q.slo }),
        ...(q.kind !== undefined && { kind: q.kind }),
        ...(q.since !== undefined && { sinceMs: toMs(q.since) }),
      });
      return { transitions: history.map(presentTransition) };
    },
  );

  r.post(
    '/api/v1/evaluate',
    {
      config: { role: 'responder' },
      schema: {
        tags: ['slo'],
        summary: 'Evaluate every SLO now',
        response: { 200: responses.evaluate, ...errorResponses('FORBIDDEN') },
      },
    },
    async () => {
      const result = await deps.evaluate();
      return {
        evaluatedAt: new Date(result.evaluatedAt).toISOString(),
        durationMs: Number(result.durationMs.toFixed(3)),
        slos: catalog.SLO.size,
        transitions: result.transitions.map(presentTransition),
      };
    },
  );
}
