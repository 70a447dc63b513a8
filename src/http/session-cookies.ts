import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { NinesError } from '../errors.js';
import type { ActiveSession, SessionRepository } from '../store/sessions.js';

export const SESSION_COOKIE = 'nines_session';
export const CSRF_HEADER = 'x-csrf-token';

declare module 'fastify' {
  interface FastifyRequest {
    /** The web session the request's cookie named, once read (SessionCookies.read). */
    session?: ActiveSession;
  }
}

/**
 * The browser's side of a session: an HttpOnly, SameSite=Strict cookie holding the
 * session id. `Secure` when the request came over https or the public URL is https.
 */
export class SessionCookies {
  constructor(
    private readonly deps: {
      readonly sessions: SessionRepository;
      readonly clock: () => number;
      /** True when nines is reached over https (its public URL). */
      readonly secure: boolean;
    },
  ) {}

  /**
   * The live session the request's cookie names, or undefined. A cookie naming no
   * live session is cleared; one whose session slid is sent again with the new age.
   */
  async read(request: FastifyRequest, reply: FastifyReply): Promise<ActiveSession | undefined> {
    if (request.session) return request.session;
    const id = request.cookies[SESSION_COOKIE];
    if (id === undefined || id === '') return undefined;
    const session = await this.deps.sessions.find(id, this.deps.clock());
    if (!session) {
      this.clear(request, reply);
      return undefined;
    }
    if (session.touched) this.set(request, reply, id, session.cookieMaxAgeMs);
    request.session = session;
    return session;
  }

  /** Whether the request carries a session cookie at all (live or not). */
  sent(request: FastifyRequest): boolean {
    return (request.cookies[SESSION_COOKIE] ?? '') !== '';
  }

  set(request: FastifyRequest, reply: FastifyReply, id: string, maxAgeMs: number): void {
    void reply.setCookie(SESSION_COOKIE, id, {
      httpOnly: true,
      sameSite: 'strict',
      path: '/',
      maxAge: Math.floor(maxAgeMs / 1000),
      secure: this.secure(request),
    });
  }

  clear(request: FastifyRequest, reply: FastifyReply): void {
    void reply.clearCookie(SESSION_COOKIE, {
      httpOnly: true,
      sameSite: 'strict',
      path: '/',
      secure: this.secure(request),
    });
  }

  private secure(request: FastifyRequest): boolean {
    return this.deps.secure || request.protocol === 'https';
  }
}

/**
 * Throws FORBIDDEN unless the request's x-csrf-token header is the session's token
 * (compared in constant time). Another site can make a browser send the cookie, but
 * cannot read the token: it is only in answers to the UI's own requests (/auth/me).
 */
export function requireCsrf(request: FastifyRequest, session: ActiveSession): void {
  const sent = request.headers[CSRF_HEADER];
  const [a, b] = [Buffer.from(typeof sent === 'string' ? sent : ''), Buffer.from(session.csrfToken)];
  if (a.length !== b.length || !timingSafeEqual(a, b))
    throw new NinesError(
      'FORBIDDEN',
      `missing or wrong CSRF token; send the ${CSRF_HEADER} header from /auth/me`,
    );
}
