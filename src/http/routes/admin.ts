import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NinesError } from '../../errors.js';
import { type Actor, USER_NAME, type UserService } from '../../runtime/users.js';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../../store/passwords.js';
import { ROLES, type TokenInfo, type TokenRepository } from '../../store/tokens.js';
import type { User } from '../../store/users.js';
import { type ApiTokenBody, accountResponses, type UserBody } from '../account-schemas.js';
import { iso, isoOrNull } from '../presenters.js';
import { errorResponses } from '../schemas.js';

export interface AdminRoutesDeps {
  readonly users: UserService;
  readonly tokens: TokenRepository;
  readonly clock: () => number;
}

export const presentUser = (u: User): UserBody => ({
  name: u.name,
  role: u.role,
  createdAt: iso(u.createdAt),
  disabled: u.disabledAt !== null,
});

export const presentToken = (t: TokenInfo): ApiTokenBody => ({
  id: t.id,
  name: t.name,
  role: t.role,
  createdAt: iso(t.createdAt),
  lastUsedAt: isoOrNull(t.lastUsedAt),
  revokedAt: isoOrNull(t.revokedAt),
});

const roleEnum = z.enum(ROLES);
const password = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(MAX_PASSWORD_LENGTH);
const nameParam = z.object({ name: z.string().min(1).max(200) });

/** The admin's actor: the signed-in user, so that they cannot lock themself out; none for a token. */
const actorOf = (request: FastifyRequest): Actor =>
  request.session ? { userId: request.session.user.id, sessionHash: request.session.idHash } : {};

/** Users of the web UI and API tokens, for admins. */
export function registerAdminRoutes(app: FastifyInstance, deps: AdminRoutesDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { users, tokens } = deps;
  const tags = ['admin'];
  const config = { role: 'admin' } as const;

  r.get(
    '/api/v1/users',
    {
      config,
      schema: {
        tags,
        summary: 'Users of the web UI',
        response: { 200: accountResponses.users, ...errorResponses('FORBIDDEN') },
      },
    },
    async () => ({ users: (await users.list()).map(presentUser) }),
  );

  r.post(
    '/api/v1/users',
    {
      config,
      schema: {
        tags,
        summary: 'Add a user',
        body: z.strictObject({
          name: z
            .string()
            .regex(USER_NAME, '1 to 100 letters, digits and . _ @ + -, starting with a letter or digit'),
          password,
          role: roleEnum,
        }),
        response: {
          201: accountResponses.user,
          ...errorResponses('VALIDATION_FAILED', 'FORBIDDEN', 'CONFLICT'),
        },
      },
    },
    async (request, reply) => {
      const { body } = request;
      return reply.code(201).send(presentUser(await users.create(body.name, body.password, body.role)));
    },
  );

  r.patch(
    '/api/v1/users/:name',
    {
      config,
      schema: {
        tags,
        summary: 'Change a user’s role or password, or disable or enable them',
        description:
          'Disabling a user ends their sessions; a new password ends every other session of theirs. ' +
          'An admin cannot disable themself or take the admin role from themself (409).',
        params: nameParam,
        body: z
          .strictObject({
            role: roleEnum.optional(),
            password: password.optional(),
            disabled: z.boolean().optional(),
          })
          .refine((b) => Object.keys(b).length > 0, 'change at least one of role, password, disabled'),
        response: {
          200: accountResponses.user,
          ...errorResponses('VALIDATION_FAILED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'),
        },
      },
    },
    async (request) => {
      const { body } = request;
      const changes = {
        ...(body.role !== undefined && { role: body.role }),
        ...(body.password !== undefined && { password: body.password }),
        ...(body.disabled !== undefined && { disabled: body.disabled }),
      };
      return presentUser(await users.update(request.params.name, changes, actorOf(request)));
    },
  );

  r.delete(
    '/api/v1/users/:name',
    {
      config,
      schema: {
        tags,
        summary: 'Remove a user and end their sessions',
        description: 'An admin cannot remove themself (409).',
        params: nameParam,
        response: {
          204: z.null().describe('Removed'),
          ...errorResponses('VALIDATION_FAILED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'),
        },
      },
    },
    async (request, reply) => {
      await users.remove(request.params.name, actorOf(request));
      return reply.code(204).send(null);
    },
  );

  r.get(
    '/api/v1/tokens',
    {
      config,
      schema: {
        tags,
        summary: 'API tokens (never their secrets)',
        response: { 200: accountResponses.tokens, ...errorResponses('FORBIDDEN') },
      },
    },
    async () => ({ tokens: (await tokens.list()).map(presentToken) }),
  );

  r.post(
    '/api/v1/tokens',
    {
      config,
      schema: {
        tags,
        summary: 'Create an API token; its secret is in this answer only',
        body: z.strictObject({ name: z.string().trim().min(1).max(200), role: roleEnum }),
        response: {
          201: accountResponses.tokenCreated,
          ...errorResponses('VALIDATION_FAILED', 'FORBIDDEN'),
        },
      },
    },
    async (request, reply) => {
      const { name, role } = request.body;
      const created = await tokens.create(name, role, deps.clock());
      request.log.info({ tokenId: created.id, name, role }, 'API token created');
      return reply
        .code(201)
        .header('cache-control', 'no-store')
        .send({ id: created.id, name, role, token: created.token });
    },
  );

  r.delete(
    '/api/v1/tokens/:id',
    {
      config,
      schema: {
        tags,
        summary: 'Revoke an API token',
        params: z.object({ id: z.string().min(1).max(100) }),
        response: {
          204: z.null().describe('Revoked'),
          ...errorResponses('VALIDATION_FAILED', 'FORBIDDEN', 'NOT_FOUND'),
        },
      },
    },
    async (request, reply) => {
      if (!(await tokens.revoke(request.params.id, deps.clock())))
        throw new NinesError('NOT_FOUND', `no live token with id '${request.params.id}'`);
      return reply.code(204).send(null);
    },
  );
}
