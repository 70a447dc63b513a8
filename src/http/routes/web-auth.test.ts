import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { describe, expect, it } from 'vitest';
import { installErrorHandling } from '../errors.js';
import type { SessionCookies } from '../session-cookies.js';
import { registerWebAuthRoutes } from './web-auth.js';

describe('POST /auth/login', () => {
  it('logs a failed sign-in without the name as typed: people type passwords there', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const app = Fastify({ logger: { level: 'info', stream } });
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(() => (data) => JSON.stringify(data));
    installErrorHandling(app);
    registerWebAuthRoutes(app, {
      users: { signIn: async () => undefined, signOut: async () => {} },
      cookies: {} as SessionCookies,
      clock: () => 0,
    });
    const typed = 'Hunter2-my-password';
    const res = await app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { name: typed, password: 'wrong password' },
    });
    await app.close();
    expect(res.statusCode).toBe(401);
    const failed = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'failed sign-in');
    expect(failed).toMatchObject({
      nameSha256: expect.stringMatching(/^[0-9a-f]{8}$/),
      address: '127.0.0.1',
    });
    expect(lines.join('\n').toLowerCase()).not.toContain(typed.toLowerCase());
  });
});
