import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { NinesError } from '../errors.js';
import { type Principal, type Role, roleAllows, type TokenRepository } from '../store/tokens.js';
import { requireCsrf, type SessionCookies } from './session-cookies.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The least role a route needs; every /api route must say, or registration fails. */
    role?: Role;
    /** Marks the few routes that are public by design (health checks). */
    public?: true;
  }
  interface FastifyRequest {
    principal?: Principal;
  }
}

const BEARER_SCHEME = /^Bearer(?:\s|$)/i;
const BEARER = /^Bearer\s+(\S+)$/i;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every route is closed unless it declares `public: true`: a route without a role
 * fails at registration, and a request without a valid token or session never
 * reaches a handler.
 *
 * A request is authenticated by `Authorization: Bearer <token>` or, without that
 * header, by the web session cookie. Another scheme (a proxy's Basic credentials)
 * is not ours: the cookie still counts. A cookie is sent by the browser on its own, so
 * a cookie-authenticated request that changes anything must also carry the
 * session's CSRF token in `x-csrf-token`, which only the UI's own pages can read.
 */
export function installAuth(
  app: FastifyInstance,
  tokens: TokenRepository,
  clock: () => number,
  sessions?: SessionCookies,
): void {
  app.addHook('onRoute', (route) => {
    const config = route.config as { role?: Role; public?: true } | undefined;
    if (config?.public !== true && config?.role === undefined) {
      throw new Error(`route ${String(route.method)} ${route.url} declares neither a role nor public: true`);
    }
  });

  async function authenticate(
    request: FastifyRequest,
    reply: FastifyReply,
    required: Role,
  ): Promise<Principal> {
    const header = request.headers.authorization;
    if (header !== undefined && BEARER_SCHEME.test(header)) {
      const token = BEARER.exec(header)?.[1];
      if (token === undefined)
        throw new NinesError('UNAUTHENTICATED', 'send an API token as Authorization: Bearer <token>');
      const principal = await tokens.verify(token, clock());
      if (!principal) throw new NinesError('UNAUTHENTICATED', 'the API token is unknown or revoked');
      if (!roleAllows(principal.role, required)) {
        throw new NinesError('FORBIDDEN', `this needs the ${required} role; the token has ${principal.role}`);
      }
      return principal;
    }
    const session = sessions && (await sessions.read(request, reply));
    if (session) {
      if (!SAFE_METHODS.has(request.method)) requireCsrf(request, session);
      const { user } = session;
      if (!roleAllows(user.role, required)) {
        throw new NinesError('FORBIDDEN', `this needs the ${required} role; ${user.name} has ${user.role}`);
      }
      // tokenId scopes idempotency keys per caller; a person's are theirs across sessions.
      return { tokenId: `user:${user.id}`, name: user.name, role: user.role } satisfies Principal;
    }
    if (sessions?.sent(request))
      throw new NinesError('UNAUTHENTICATED', 'the session has ended; sign in again');
    throw new NinesError('UNAUTHENTICATED', 'send an API token as Authorization: Bearer <token>');
  }

  app.addHook('onRequest', async (request, reply) => {
    const config = request.routeOptions.config as { role?: Role; public?: true };
    if (config.public === true) return;
    // Unknown URLs fall through to the not-found handler, which has no config; they
    // still need a token, so that probing reveals nothing about which routes exist.
    request.principal = await authenticate(request, reply, config.role ?? 'viewer');
  });
}
