import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyRequest, LogController } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject, validatorCompiler } from 'fastify-type-provider-zod';
import type { Catalog } from '../catalog/model.js';
import type { TokenRepository } from '../store/tokens.js';
import { installAuth } from './auth.js';
import { frameworkErrors, installErrorHandling } from './errors.js';
import type { Metrics } from './metrics.js';
import { type EventsDeps, registerEventRoutes } from './routes/events.js';
import type { SessionCookies } from './session-cookies.js';

export interface ServerDeps {
  readonly catalog: () => Catalog;
  readonly tokens: TokenRepository;
  /** Web sessions: without them only API tokens authenticate. */
  readonly sessions?: SessionCookies;
  readonly clock: () => number;
  readonly metrics: Metrics;
  readonly ready: () => boolean;
  readonly events?: EventsDeps;
  /** Extra route groups (read API), registered after auth and errors are in place. */
  readonly routes?: readonly ((app: FastifyInstance) => void)[];
  readonly logLevel?: string;
  readonly bodyLimitBytes?: number;
  readonly version?: string;
  /**
   * Proxies (IPs, CIDRs) whose X-Forwarded-For and -Proto give `request.ip` and
   * `request.protocol`; none by default, when those headers are ignored.
   */
  readonly trustProxy?: readonly string[];
}

/**
 * The nines HTTP server. Health checks are the only open routes; everything else
 * needs an API token or a web session with a sufficient role (see auth.ts).
 */
export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger:
      deps.logLevel === undefined || deps.logLevel === 'silent'
        ? false
        : {
            level: deps.logLevel,
            redact: ['req.headers.authorization', 'req.headers.cookie'],
            // Alertmanager and Splunk On-Call keys travel in the URL: never log them.
            serializers: {
              req: (req: FastifyRequest) => ({
                method: req.method,
                url: redactKeys(req.url),
                hostname: req.hostname,
                remoteAddress: req.ip,
              }),
            },
          },
    bodyLimit: deps.bodyLimitBytes ?? 8 * 1024 * 1024,
    trustProxy: deps.trustProxy && deps.trustProxy.length > 0 ? [...deps.trustProxy] : false,
    // Over-long names must reach authentication (401) and then the route's own
    // schema (names are at most 253), not a 414 that tells anyone the route exists.
    routerOptions: { maxParamLength: 2048 },
    frameworkErrors,
    // One log line per request would drown the log at ingest rates; debug turns them on.
    logController: new LogController({
      disableRequestLogging: deps.logLevel !== 'debug' && deps.logLevel !== 'trace',
    }),
  });
  app.setValidatorCompiler(validatorCompiler);
  // Response schemas document the API; presenters are typed by them and a test parses
  // real answers with them. Validating every answer with zod before stringifying takes
  // about four times as long as JSON.stringify on a 10,000-SLO list, so answers are
  // stringified as they are.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  installErrorHandling(app);
  // Cookies are parsed in an onRequest hook that must run before authentication's.
  await app.register(cookie);
  installAuth(app, deps.tokens, deps.clock, deps.sessions);
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'nines API',
        version: deps.version ?? '0.0.0',
        description: 'Reliability as code: SLIs in, budgets, burn rates, alerts and business impact out.',
      },
      components: {
        securitySchemes: {
          token: { type: 'http', scheme: 'bearer' },
          session: {
            type: 'apiKey',
            in: 'cookie',
            name: 'nines_session',
            description: 'set by POST /auth/login; requests other than GET also need x-csrf-token',
          },
        },
      },
      security: [{ token: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: (doc) => withoutUnusedInputs(jsonSchemaTransformObject(doc)),
  });

  app.addHook('onResponse', async (request, reply) => {
    deps.metrics.httpDuration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unknown',
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });

  app.get('/healthz', { config: { public: true }, schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { public: true }, schema: { hide: true } }, async (_request, reply) =>
    deps.ready() ? { status: 'ready' } : reply.code(503).send({ status: 'starting' }),
  );
  app.get('/metrics', { config: { role: 'viewer' }, schema: { hide: true } }, async (_request, reply) => {
    void reply.header('content-type', deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });
  app.get('/api/v1/openapi.json', { config: { role: 'viewer' }, schema: { hide: true } }, async () =>
    app.swagger(),
  );

  if (deps.events) registerEventRoutes(app, deps.events);
  for (const register of deps.routes ?? []) register(app);
  return app;
}

/**
 * The zod transform writes every named schema twice, as output and as `…Input`;
 * answers only use the output ones, so unreferenced `…Input` copies are left out.
 */
function withoutUnusedInputs<T>(doc: T): T {
  const components = (doc as { components?: { schemas?: Record<string, unknown> } }).components;
  const schemas = components?.schemas;
  if (!schemas) return doc;
  const paths = JSON.stringify((doc as { paths?: unknown }).paths ?? {});
  // Removing one copy can leave the copies it referred to unused: repeat until none goes.
  for (let removed = true; removed; ) {
    removed = false;
    const nested = JSON.stringify(schemas);
    for (const id of Object.keys(schemas)) {
      const ref = `"#/components/schemas/${id}"`;
      if (id.endsWith('Input') && !paths.includes(ref) && nested.split(ref).length <= 1) {
        delete schemas[id];
        removed = true;
      }
    }
  }
  return doc;
}

/**
 * A URL with the integration keys in it replaced: they are credentials.
 *
 * @example
 * redactKeys('/integrations/splunk/0123…cdef/team'); // '/integrations/splunk/[redacted]/team'
 */
export function redactKeys(url: string): string {
  return url.replace(/^(\/integrations\/(?:alertmanager|splunk)\/)[^/?#]+/, '$1[redacted]');
}
