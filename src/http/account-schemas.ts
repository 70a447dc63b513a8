import { z } from 'zod';
import { ROLES } from '../store/tokens.js';
import { timestamp } from './schemas.js';

/* Bodies of sign-in, users and API tokens (see schemas.ts for the conventions). */

const role = z.enum(ROLES);

export const user = z.strictObject({
  name: z.string(),
  role,
  createdAt: timestamp,
  disabled: z.boolean().describe('a disabled user cannot sign in and has no sessions'),
});
export type UserBody = z.infer<typeof user>;

export const apiToken = z.strictObject({
  id: z.string(),
  name: z.string(),
  role,
  createdAt: timestamp,
  lastUsedAt: timestamp.nullable().describe('to the minute; null when never used'),
  revokedAt: timestamp.nullable(),
});
export type ApiTokenBody = z.infer<typeof apiToken>;

export const signedIn = z.strictObject({
  user: z.strictObject({ name: z.string(), role }),
  csrfToken: z
    .string()
    .describe('send it as the x-csrf-token header with every cookie-authenticated request but GET and HEAD'),
});
export type SignedInBody = z.infer<typeof signedIn>;

for (const [schema, id] of [
  [user, 'User'],
  [apiToken, 'ApiToken'],
  [signedIn, 'SignedIn'],
] as const)
  if (!z.globalRegistry.has(schema)) z.globalRegistry.add(schema, { id });

export const accountResponses = {
  signedIn: signedIn.describe('Signed in: the user and the CSRF token of the session'),
  users: z.strictObject({ users: z.array(user) }).describe('Users, by name'),
  user: user.describe('The user'),
  tokens: z.strictObject({ tokens: z.array(apiToken) }).describe('API tokens, oldest first'),
  tokenCreated: z
    .strictObject({
      id: z.string(),
      name: z.string(),
      role,
      token: z.string().describe('the secret: shown this once, stored only as a hash'),
    })
    .describe('The token; its secret is not shown again'),
};
