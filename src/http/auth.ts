import type { FastifyInstance, FastifyRequest } from 'fastify';
import { NinesError } from '../errors.js';
import { type Principal, type Role, roleAllows, type TokenRepository } from '../store/tokens.js';

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

const BEARER = /^Bearer\s+(\S+)$/i;

/**
 * Every route is closed unless it declares `public: true`: a route without a role
 * fails at registration, and a request without a valid token never reaches a handler.
 */
export function installAuth(app: FastifyInstance, tokens: TokenRepository, clock: () => number): void {
  app.addHook('onRoute', (route) => {
    const config = route.config as { role?: Role; public?: true } | undefined;
    if (config?.public !== true && config?.role === undefined) {
      throw new Error(`route ${String(route.method)} ${route.url} declares neither a role nor public: true`);
    }
  });
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const config = request.routeOptions.config as { role?: Role; public?: true };
    if (config.public === true) return;
    // Unknown URLs fall through to the not-found handler, which has no config; they
    // still need a token, so that probing reveals nothing about which routes exist.
    const header = request.headers.authorization;
    const token = typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined;
    if (token === undefined)
      throw new NinesError('UNAUTHENTICATED', 'send an API token as Authorization: Bearer <token>');
    const principal = await tokens.verify(token, clock());
    if (!principal) throw new NinesError('UNAUTHENTICATED', 'the API token is unknown or revoked');
    const required = config.role ?? 'viewer';
    if (!roleAllows(principal.role, required)) {
      throw new NinesError('FORBIDDEN', `this needs the ${required} role; the token has ${principal.role}`);
    }
    request.principal = principal;
  });
}
