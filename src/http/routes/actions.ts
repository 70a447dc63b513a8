import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NinesError } from '../../errors.js';
import { readActionToken } from '../../notify/action-links.js';
import { escapeHtml } from '../../notify/escape.js';
import type { IncidentService } from '../../runtime/incidents.js';

export interface ActionRoutesDeps {
  readonly incidents: Pick<IncidentService, 'get' | 'act'>;
  /** The key that signs action links (shared by replicas). */
  readonly key: () => Promise<Buffer>;
  readonly clock: () => number;
}

const WHY = {
  malformed: 'This link is not a nines link.',
  'bad-signature': 'This link was not made by this nines, or it was changed.',
  expired: 'This link has expired; open the incident in nines instead.',
} as const;

function page(reply: FastifyReply, status: number, title: string, body: string) {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)}</title>` +
        '<style>body{font:16px system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem}button{font:inherit;padding:.5rem 1rem}</style>' +
        `</head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`,
    );
}

/**
 * Acknowledge and resolve links from pages (email, Slack). Opening a link (GET)
 * only shows what it would do, with a button: mail scanners and link previews
 * open links, and must not acknowledge anything. The button POSTs to the same
 * URL, which acts. The signed token is the credential: single-purpose (its
 * action), for one incident, expiring.
 */
export function registerActionRoutes(app: FastifyInstance, deps: ActionRoutesDeps): void {
  void app.register(async (scope) => {
    // The form posts an empty urlencoded body (or a client sends anything): it is not read.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 4096 }, (_req, _body, done) =>
      done(null, null),
    );
    actionRoutes(scope, deps);
  });
}

function actionRoutes(app: FastifyInstance, deps: ActionRoutesDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const params = z.object({ token: z.string().min(1).max(2048) });
  const claimsOf = async (token: string) => readActionToken(await deps.key(), token, deps.clock());
  const unusable = (reply: FastifyReply, reason: keyof typeof WHY) =>
    page(reply, reason === 'expired' ? 410 : 404, 'Link not usable', `<p>${WHY[reason]}</p>`);

  r.get(
    '/act/:token',
    { config: { public: true }, schema: { hide: true, params } },
    async (request, reply) => {
      const read = await claimsOf(request.params.token);
      if (!read.ok) return unusable(reply, read.reason);
      const { incident: number, action } = read.claims;
      let title = `Incident #${number}`;
      try {
        const incident = await deps.incidents.get(number);
        title = `#${number} ${incident.title}`;
        if (
          incident.status === 'resolved' ||
          (action === 'acknowledge' && incident.status === 'acknowledged')
        )
          return page(reply, 200, title, `<p>It is already ${incident.status}.</p>`);
      } catch (err) {
        if (err instanceof NinesError && err.code === 'NOT_FOUND')
          return page(reply, 404, 'No such incident', `<p>Incident #${number} does not exist.</p>`);
        throw err;
      }
      const verb = action === 'acknowledge' ? 'Acknowledge' : 'Resolve';
      return page(
        reply,
        200,
        title,
        `<form method="post"><button type="submit">${verb} incident #${number}</button></form>`,
      );
    },
  );

  r.post(
    '/act/:token',
    { config: { public: true }, schema: { hide: true, params } },
    async (request, reply) => {
      const read = await claimsOf(request.params.token);
      if (!read.ok) return unusable(reply, read.reason);
      const { incident: number, action, user } = read.claims;
      try {
        const incident = await deps.incidents.act(number, action, `${user ?? 'someone'} (link in a page)`);
        return page(
          reply,
          200,
          `#${number} ${incident.title}`,
          `<p>${action === 'acknowledge' ? 'Acknowledged' : 'Resolved'}. Notifications for it stop.</p>`,
        );
      } catch (err) {
        if (err instanceof NinesError && (err.code === 'CONFLICT' || err.code === 'NOT_FOUND'))
          return page(
            reply,
            err.code === 'CONFLICT' ? 409 : 404,
            `Incident #${number}`,
            `<p>${escapeHtml(err.message)}</p>`,
          );
        throw err;
      }
    },
  );
}
