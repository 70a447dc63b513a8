import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NinesError } from '../../errors.js';
import type { UserService } from '../../runtime/users.js';
import { MAX_PASSWORD_LENGTH } from '../../store/passwords.js';
import { accountResponses, type SignedInBody } from '../account-schemas.js';
import { errorBody } from '../errors.js';
import { FailureLimit } from '../login-limit.js';
import { errorResponses } from '../schemas.js';
import { requireCsrf, type SessionCookies } from '../session-cookies.js';

export interface WebAuthDeps {
  readonly users: Pick<UserService, 'signIn' | 'signOut'>;
  readonly cookies: SessionCookies;
  readonly clock: () => number;
  /** Failed sign-ins allowed per name and per client address in 15 minutes; default 10. */
  readonly maxFailures?: number;
  /** Password checks (scrypt, on libuv's thread pool) running at once; beyond it a 429. Default 2. */
  readonly maxChecksInFlight?: number;
}

const present = (user: { name: string; role: SignedInBody['user']['role'] }, csrfToken: string) =>
  ({ user: { name: user.name, role: user.role }, csrfToken }) satisfies SignedInBody;

/** Enough to tell attempts on one name apart from others, too little to recover what was typed. */
const sha256Prefix = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 8);

// Answers carry the CSRF token: no cache may keep them.
const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store');

/**
 * Signing in to the web UI: a name and password give a session cookie (HttpOnly,
 * SameSite=Strict) and the session's CSRF token. These routes are public and read
 * the cookie themselves; every other route accepts the cookie through auth.ts.
 */
export function registerWebAuthRoutes(app: FastifyInstance, deps: WebAuthDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { cookies } = deps;
  const failures = new FailureLimit(deps.maxFailures ?? 10, 15 * 60_000);
  const maxInFlight = deps.maxChecksInFlight ?? 2;
  let inFlight = 0;
  const tags = ['auth'];

  r.post(
    '/auth/login',
    {
      config: { public: true },
      schema: {
        tags,
        summary: 'Sign in with a name and password',
        description:
          'Sets the `nines_session` cookie (HttpOnly, SameSite=Strict, Secure over https; 12 hours idle, 7 days at most). ' +
          'After 10 failed attempts for a name or from an address within 15 minutes, sign-ins are refused with 429 until the oldest leaves the window. ' +
          'While two sign-ins are being checked, another is refused with 429 and Retry-After: 1.',
        security: [],
        body: z.object({
          name: z.string().min(1).max(200),
          password: z.string().min(1).max(MAX_PASSWORD_LENGTH),
        }),
        response: {
          200: accountResponses.signedIn,
          ...errorResponses('VALIDATION_FAILED', 'RATE_LIMITED'),
        },
      },
    },
    async (request, reply) => {
      const { name, password } = request.body;
      const now = deps.clock();
      const keys = [`name:${name.toLowerCase()}`, `address:${request.ip}`];
      const wait = failures.retryAfterMs(keys, now);
      if (wait > 0) {
        const seconds = Math.max(1, Math.ceil(wait / 1000));
        void reply.header('retry-after', String(seconds));
        throw new NinesError('RATE_LIMITED', `too many failed sign-ins; retry in ${seconds} s`);
      }
      // scrypt runs on libuv's small thread pool, shared with file and DNS work: a burst of
      // sign-ins must not take all of it.
      if (inFlight >= maxInFlight) {
        void reply.header('retry-after', '1');
        throw new NinesError('RATE_LIMITED', 'too many sign-ins at once; retry in 1 s');
      }
      // Counted as failed before the check, so concurrent attempts cannot all pass the
      // limit while the first are still hashing; a success takes it back.
      failures.fail(keys, now);
      inFlight++;
      let signedIn: Awaited<ReturnType<typeof deps.users.signIn>>;
      try {
        signedIn = await deps.users.signIn(name, password);
      } finally {
        inFlight--;
      }
      if (!signedIn) {
        // What was typed as a name is sometimes a password: log only a short hash of it.
        request.log.info(
          { nameSha256: sha256Prefix(name.toLowerCase()), address: request.ip },
          'failed sign-in',
        );
        throw new NinesError('UNAUTHENTICATED', 'name or password is wrong');
      }
      failures.undo(keys, now);
      failures.forget(keys[0] as string);
      // The browser's previous session, if any, ends: one cookie, one session.
      const previous = await cookies.read(request, reply);
      if (previous) await deps.users.signOut(previous.idHash);
      cookies.set(request, reply, signedIn.session.id, signedIn.session.cookieMaxAgeMs);
      request.log.info({ user: signedIn.user.name }, 'signed in');
      return noStore(reply).send(present(signedIn.user, signedIn.session.csrfToken));
    },
  );

  r.post(
    '/auth/logout',
    {
      config: { public: true },
      schema: {
        tags,
        summary: 'Sign out: ends the session and clears its cookie',
        description:
          'Needs the x-csrf-token header when a live session cookie is sent. Without one it only clears the cookie.',
        security: [{ session: [] }],
        response: {
          204: z.null().describe('Signed out'),
          403: errorBody('FORBIDDEN'),
          500: errorBody('INTERNAL'),
        },
      },
    },
    async (request, reply) => {
      const session = await cookies.read(request, reply);
      if (session) {
        requireCsrf(request, session);
        await deps.users.signOut(session.idHash);
      }
      cookies.clear(request, reply);
      return reply.code(204).send(null);
    },
  );

  r.get(
    '/auth/me',
    {
      config: { public: true },
      schema: {
        tags,
        summary: 'Who is signed in, and the CSRF token of the session',
        security: [{ session: [] }],
        response: { 200: accountResponses.signedIn, ...errorResponses() },
      },
    },
    async (request, reply) => {
      const session = await cookies.read(request, reply);
      if (!session) {
        throw new NinesError(
          'UNAUTHENTICATED',
          cookies.sent(request) ? 'the session has ended; sign in again' : 'not signed in; POST /auth/login',
        );
      }
      return noStore(reply).send(present(session.user, session.csrfToken));
    },
  );
}
