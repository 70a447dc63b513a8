import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Catalog, Probe } from '../../catalog/model.js';
import { NinesError } from '../../errors.js';
import type { ProbeRunResult } from '../../sources/probes/run.js';
import type { ProbeRunRepository, ProbeTrigger } from '../../store/probe-runs.js';
import { errorResponses, timestamp } from '../schemas.js';

export interface ProbeRoutesDeps {
  readonly catalog: Catalog;
  readonly runs: ProbeRunRepository;
  readonly runNow: (probe: Probe) => Promise<ProbeRunResult>;
  /** Runs kept per probe: the most a history request returns. */
  readonly history: number;
}

const stepBody = z.strictObject({
  name: z.string(),
  ok: z.boolean(),
  durationMs: z.number(),
  url: z.string().nullable().describe('final URL after redirects, secrets redacted'),
  status: z.number().int().nullable(),
  redirects: z.number().int(),
  error: z.string().nullable().describe('why the step failed: the failing assertion or the transport error'),
  snippet: z.string().nullable().describe("start of the failing step's response body, redacted and capped"),
});

const runBody = z.strictObject({
  id: z.string().nullable().describe('null for a run not stored'),
  trigger: z.enum(['schedule', 'manual']),
  probe: z.string(),
  startedAt: timestamp,
  durationMs: z.number(),
  ok: z.boolean(),
  failedStep: z.string().nullable(),
  error: z.string().nullable(),
  steps: z.array(stepBody),
});

const checkBody = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('http'),
    steps: z.array(
      z.strictObject({
        name: z.string(),
        method: z.string(),
        url: z.string().describe('as written in the catalog: ${env:NAME} references, never their values'),
        headers: z.array(z.string()).describe('header names only'),
        extracts: z.array(z.string()),
      }),
    ),
  }),
  z.strictObject({ type: z.literal('tcp'), host: z.string(), port: z.number().int() }),
  z.strictObject({
    type: z.literal('tls'),
    host: z.string(),
    port: z.number().int(),
    minValidityMs: z.number(),
  }),
]);

const probeBody = z.strictObject({
  name: z.string(),
  displayName: z.string().nullable(),
  journey: z.string().nullable(),
  service: z.string().nullable(),
  intervalMs: z.number(),
  timeoutMs: z.number(),
  latencyMs: z.number().nullable(),
  slis: z.array(z.string()).describe('SLIs this probe feeds'),
  check: checkBody,
  lastRun: runBody.nullable(),
});

const probeDetail = probeBody.extend({ runs: z.array(runBody).describe('newest first') });

// Named components of the OpenAPI document.
for (const [schema, id] of [
  [stepBody, 'ProbeStepResult'],
  [runBody, 'ProbeRun'],
  [checkBody, 'ProbeCheck'],
  [probeBody, 'Probe'],
] as const) {
  if (!z.globalRegistry.has(schema)) z.globalRegistry.add(schema, { id });
}

type RunBody = z.infer<typeof runBody>;

const name = z.object({ name: z.string().min(1).max(253) });

export function presentRun(result: ProbeRunResult, trigger: ProbeTrigger, id: string | null): RunBody {
  return {
    id,
    trigger,
    probe: result.probe,
    startedAt: new Date(result.startedAt).toISOString(),
    durationMs: Math.round(result.durationMs * 10) / 10,
    ok: result.ok,
    failedStep: result.failedStep ?? null,
    error: result.error ?? null,
    steps: result.steps.map((s) => ({
      name: s.name,
      ok: s.ok,
      durationMs: Math.round(s.durationMs * 10) / 10,
      url: s.url ?? null,
      status: s.status ?? null,
      redirects: s.redirects ?? 0,
      error: s.error ?? null,
      snippet: s.snippet ?? null,
    })),
  };
}

function presentCheck(probe: Probe): z.infer<typeof checkBody> {
  const c = probe.check;
  switch (c.type) {
    case 'http':
      return {
        type: 'http',
        steps: c.steps.map((s) => ({
          name: s.name,
          method: s.request.method,
          url: s.request.url,
          headers: Object.keys(s.request.headers),
          extracts: s.extract.map((x) => x.name),
        })),
      };
    case 'tcp':
      return { type: 'tcp', host: c.host, port: c.port };
    case 'tls':
      return { type: 'tls', host: c.host, port: c.port, minValidityMs: c.minValidityMs };
  }
}

/** Probes and their run history (viewer); running one now (responder). */
export function registerProbeRoutes(app: FastifyInstance, deps: ProbeRoutesDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { catalog } = deps;
  const slisOf = new Map<string, string[]>();
  for (const sli of catalog.SLI.values()) {
    const s = sli.indicator.source;
    if (s.type === 'probe') slisOf.set(s.probe, [...(slisOf.get(s.probe) ?? []), sli.name]);
  }
  const find = (n: string): Probe => {
    const probe = catalog.Probe.get(n);
    if (!probe) throw new NinesError('NOT_FOUND', `no probe named '${n}'`);
    return probe;
  };
  const present = (probe: Probe, last: RunBody | null): z.infer<typeof probeBody> => ({
    name: probe.name,
    displayName: probe.displayName ?? null,
    journey: probe.journey ?? null,
    service: probe.service ?? null,
    intervalMs: probe.intervalMs,
    timeoutMs: probe.timeoutMs,
    latencyMs: probe.latencyMs ?? null,
    slis: slisOf.get(probe.name) ?? [],
    check: presentCheck(probe),
    lastRun: last,
  });

  r.get(
    '/api/v1/probes',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['probes'],
        summary: 'Probes with their last run',
        response: { 200: z.strictObject({ probes: z.array(probeBody) }), ...errorResponses() },
      },
    },
    async () => {
      const newest = await deps.runs.newestOfEach();
      return {
        probes: [...catalog.Probe.values()].map((p) => {
          const last = newest.get(p.name);
          return present(p, last ? presentRun(last.result, last.trigger, last.id) : null);
        }),
      };
    },
  );

  r.get(
    '/api/v1/probes/:name',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['probes'],
        summary:
          'A probe and its latest runs: status, step timings, the failing assertion, a redacted snippet',
        params: name,
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(deps.history).default(Math.min(20, deps.history)),
        }),
        response: { 200: probeDetail, ...errorResponses('VALIDATION_FAILED', 'NOT_FOUND') },
      },
    },
    async (request) => {
      const probe = find(request.params.name);
      const runs = (await deps.runs.latest(probe.name, request.query.limit)).map((x) =>
        presentRun(x.result, x.trigger, x.id),
      );
      return { ...present(probe, runs[0] ?? null), runs };
    },
  );

  r.post(
    '/api/v1/probes/:name/run',
    {
      config: { role: 'responder' },
      schema: {
        tags: ['probes'],
        summary: 'Run a probe now, outside its schedule; kept in its history, counted in no SLI',
        params: name,
        response: {
          200: runBody,
          ...errorResponses('FORBIDDEN', 'VALIDATION_FAILED', 'NOT_FOUND', 'RATE_LIMITED'),
        },
      },
    },
    async (request) => presentRun(await deps.runNow(find(request.params.name)), 'manual', null),
  );
}
