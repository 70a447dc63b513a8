import { existsSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { SessionCookies } from './session-cookies.js';

/** web/dist of the package: this file is src/http/web.ts or dist/http/web.js, two levels below the root. */
export const WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));

export interface WebDeps {
  /** The built UI (index.html and assets/); default WEB_DIST. */
  readonly dir: string;
  readonly sessions: SessionCookies;
}

/** Paths that belong to the API, intake, feeds and links: never the UI, whatever the Accept header. */
const NOT_UI = /^\/(?:api|auth|v2|ical|act|integrations|metrics|healthz|readyz)(?:[/?]|$)/;

const HTML_HEADERS = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
};

const YEAR_MS = 365 * 86_400_000;

/**
 * Serves the web UI: hashed assets to anyone, cached for good; the sign-in and
 * status pages to anyone; every other page only with a session, else a redirect to
 * sign-in that comes back to it. GETs that are not pages (API paths, or requests
 * that do not accept HTML) never reach the UI: they answer as unknown routes do,
 * 401 without credentials, else 404, so probing reveals nothing.
 */
export function registerWebRoutes(app: FastifyInstance, deps: WebDeps): void {
  void app.register(async (scope) => {
    await scope.register(fastifyStatic, { serve: false });
    const open = { config: { public: true }, schema: { hide: true } } as const;

    scope.get<{ Params: { '*': string } }>('/assets/*', open, (request, reply) =>
      reply.sendFile(request.params['*'], join(deps.dir, 'assets'), {
        maxAge: YEAR_MS,
        immutable: true,
        index: false,
        dotfiles: 'deny',
      }),
    );

    // Only the pages the UI routes without a session: any other /status/… is an ordinary page.
    for (const url of ['/login', '/status', '/status/'])
      scope.get(url, open, (_request, reply) => page(reply, deps.dir));

    // Only page requests reach this route (the constraint); other unknown GETs go on to
    // the not-found handler as before: 401 without credentials, else 404.
    scope.addConstraintStrategy(pageRequests);
    scope.get('/*', { ...open, constraints: { [pageRequests.name]: 'yes' } }, async (request, reply) => {
      if (!built(deps.dir)) return notBuilt(reply);
      if (!(await deps.sessions.read(request, reply)))
        return reply
          .code(302)
          .header('cache-control', 'no-store')
          .header('location', `/login?next=${encodeURIComponent(request.url)}`)
          .send();
      return page(reply, deps.dir);
    });
  });
}

type Strategy = Parameters<FastifyInstance['addConstraintStrategy']>[0];
type Stored = NonNullable<ReturnType<ReturnType<Strategy['storage']>['get']>>;

/** A GET of a page: a path that is not the API's (or intake's, or a link's) from a client that wants HTML. */
const pageRequests: Strategy = {
  name: 'ninesPage',
  storage() {
    const handlers = new Map<string, Stored>();
    return {
      get: (value: string) => handlers.get(value) ?? null,
      set: (value: string, store: Stored) => {
        handlers.set(value, store);
      },
    };
  },
  validate: (value: unknown) => {
    if (value !== 'yes') throw new Error('ninesPage is only ever "yes"');
  },
  deriveConstraint: (req: IncomingMessage): string | undefined =>
    /\btext\/html\b/i.test(req.headers.accept ?? '') && !NOT_UI.test(req.url ?? '/') ? 'yes' : undefined,
  mustMatchWhenDerived: false,
};

const built = (dir: string) => existsSync(join(dir, 'index.html'));

function notBuilt(reply: FastifyReply) {
  return reply
    .code(503)
    .type('text/plain; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('x-content-type-options', 'nosniff')
    .send('the web UI is not built; run npm run build\n');
}

/** index.html: the UI routes on the client. Revalidated every time, so a new build shows at once. */
function page(reply: FastifyReply, dir: string) {
  if (!built(dir)) return notBuilt(reply);
  return reply
    .headers({ ...HTML_HEADERS, 'cache-control': 'no-cache' })
    .sendFile('index.html', dir, { cacheControl: false });
}
