import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { signIn, startTestNines, type TestNines } from './support/nines.js';

const HOUR = 3_600_000;
const PASSWORD = 'correct horse battery staple';
const CSP =
  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; " +
  "base-uri 'none'; form-action 'self'; object-src 'none'";

let nines: TestNines;
let webDir: string;
beforeAll(async () => {
  webDir = mkdtempSync(join(tmpdir(), 'nines-web-'));
  mkdirSync(join(webDir, 'assets'));
  writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>nines</title><div id="root"></div>');
  writeFileSync(join(webDir, 'assets', 'index-abc123.js'), 'console.log("nines");');
  nines = await startTestNines({ webDir });
});
afterAll(async () => {
  await nines.cleanup();
  rmSync(webDir, { recursive: true, force: true });
});

let address = 0;
/** Sign-ins from a fresh client address each, so the per-address limit stays out of the way. */
const login = (name: string, password: string, remoteAddress = `10.9.0.${++address % 250}`) =>
  nines.app.inject({ method: 'POST', url: '/auth/login', payload: { name, password }, remoteAddress });

const get = (url: string, headers: Record<string, string> = {}) => nines.app.inject({ url, headers });
const post = (url: string, headers: Record<string, string>, body?: unknown) =>
  nines.app.inject({
    method: 'POST',
    url,
    headers: { ...headers, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { payload: JSON.stringify(body) }),
  });

describe('signing in', () => {
  it('sets an HttpOnly, SameSite=Strict session cookie and answers the user and CSRF token', async () => {
    await nines.users.create('ada', PASSWORD, 'responder');
    const res = await login('ada', PASSWORD);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toEqual({ user: { name: 'ada', role: 'responder' }, csrfToken: expect.any(String) });
    expect(res.headers['cache-control']).toBe('no-store');
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/^nines_session=[A-Za-z0-9_-]{43};/);
    expect(cookie.split('; ').slice(1).sort()).toEqual([
      'HttpOnly',
      'Max-Age=43200',
      'Path=/',
      'SameSite=Strict',
    ]);
    // Only hashes of session ids are stored.
    const id = cookie.slice('nines_session='.length).split(';')[0] as string;
    const rows = await nines.store.db.selectFrom('web_sessions').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(id);
    const me = await get('/auth/me', { cookie: `nines_session=${id}` });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toEqual(body);
  });

  it('answers a wrong password, an unknown user and a disabled user alike: 401, same body', async () => {
    await nines.users.create('bea', PASSWORD, 'viewer');
    await nines.users.create('gone', PASSWORD, 'viewer');
    await nines.users.update('gone', { disabled: true });
    const answers = [
      await login('bea', 'not the password at all'),
      await login('nobody', PASSWORD),
      await login('gone', PASSWORD),
    ];
    for (const res of answers) {
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({
        error: { code: 'UNAUTHENTICATED', message: 'name or password is wrong' },
      });
      expect(res.headers['set-cookie']).toBeUndefined();
    }
  });

  it('takes as long for an unknown user as for a wrong password (a dummy hash is checked)', async () => {
    const time = async (name: string) => {
      const start = performance.now();
      await login(name, 'wrong password, long enough');
      return performance.now() - start;
    };
    await time('nobody');
    const known = Math.min(await time('bea'), await time('bea'), await time('bea'));
    const unknown = Math.min(await time('nobody'), await time('nobody'), await time('nobody'));
    // scrypt dominates both; a skipped hash would be a hundred times faster.
    expect(unknown).toBeGreaterThan(known / 3);
  });

  it('refuses sign-ins for a name after 10 failures in 15 minutes, with Retry-After, even with the right password', async () => {
    await nines.users.create('cleo', PASSWORD, 'viewer');
    for (let i = 0; i < 10; i++) expect((await login('cleo', `wrong password ${i}`)).statusCode).toBe(401);
    const refused = await login('cleo', PASSWORD);
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.code).toBe('RATE_LIMITED');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(800);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(900);
    // Names are not case-sensitive to the limit.
    expect((await login('CLEO', PASSWORD)).statusCode).toBe(429);
    nines.clock.set(nines.clock.now + 15 * 60_000);
    expect((await login('cleo', PASSWORD)).statusCode).toBe(200);
  });

  it('refuses sign-ins from an address after 10 failures in 15 minutes, whatever the name', async () => {
    for (let i = 0; i < 10; i++)
      expect((await login(`someone-${i}`, 'wrong password', '10.7.7.7')).statusCode).toBe(401);
    expect((await login('ada', PASSWORD, '10.7.7.7')).statusCode).toBe(429);
    expect((await login('ada', PASSWORD, '10.7.7.8')).statusCode).toBe(200);
  });

  it('counts an attempt before its password check: of 50 parallel wrong sign-ins for a name at most 10 are checked', async () => {
    await nines.users.create('dan', PASSWORD, 'viewer');
    const checked = vi.spyOn(nines.users, 'signIn');
    try {
      const burst = () =>
        Promise.all(Array.from({ length: 50 }, (_, i) => login('dan', `wrong password ${i}`)));
      const first = await burst();
      const reached = checked.mock.calls.length;
      expect(reached).toBeGreaterThan(0);
      expect(reached).toBeLessThanOrEqual(10);
      expect(first.filter((r) => r.statusCode === 401)).toHaveLength(reached);
      expect(first.filter((r) => r.statusCode === 429)).toHaveLength(50 - reached);
      // More bursts spend the name's 10 attempts, and never one more.
      for (let round = 0; round < 30 && checked.mock.calls.length < 10; round++) await burst();
      expect(checked).toHaveBeenCalledTimes(10);
      expect((await burst()).every((r) => r.statusCode === 429)).toBe(true);
      const refused = await login('dan', PASSWORD);
      expect(refused.statusCode).toBe(429);
      expect(checked).toHaveBeenCalledTimes(10);
      nines.clock.set(nines.clock.now + 15 * 60_000);
      expect((await login('dan', PASSWORD)).statusCode).toBe(200);
    } finally {
      checked.mockRestore();
    }
  });

  it('checks at most two passwords at once; a sign-in beyond that is a 429 with Retry-After: 1', async () => {
    const real = nines.users.signIn.bind(nines.users);
    let running = 0;
    let most = 0;
    const checked = vi.spyOn(nines.users, 'signIn').mockImplementation(async (name, password) => {
      most = Math.max(most, ++running);
      try {
        return await real(name, password);
      } finally {
        running--;
      }
    });
    try {
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => login(`crowd-${i}`, 'wrong password')),
      );
      expect(most).toBe(2);
      const busy = answers.filter((r) => r.statusCode === 429);
      expect(busy.length).toBeGreaterThan(0);
      expect(busy.length + checked.mock.calls.length).toBe(20);
      for (const res of busy) {
        expect(res.headers['retry-after']).toBe('1');
        expect(res.json().error).toEqual({
          code: 'RATE_LIMITED',
          message: 'too many sign-ins at once; retry in 1 s',
        });
      }
    } finally {
      checked.mockRestore();
    }
    // A sign-in refused as busy was not counted against its name.
    await nines.users.create('crowd-19', PASSWORD, 'viewer');
    expect((await login('crowd-19', PASSWORD)).statusCode).toBe(200);
  });

  it('reads the client address and https from X-Forwarded-* only when the peer is a trusted proxy', async () => {
    const guess = (
      app: TestNines['app'],
      i: number,
      headers: Record<string, string>,
      remoteAddress = '127.0.0.1',
    ) =>
      app.inject({
        method: 'POST',
        url: '/auth/login',
        payload: { name: `guess-${i}`, password: 'wrong password' },
        headers,
        remoteAddress,
      });
    const behind = await startTestNines({ env: { NINES_TRUST_PROXY: '127.0.0.1' }, webDir });
    try {
      const one = { 'x-forwarded-for': '203.0.113.1' };
      for (let i = 0; i < 10; i++) expect((await guess(behind.app, i, one)).statusCode).toBe(401);
      expect((await guess(behind.app, 10, one)).statusCode).toBe(429);
      expect((await guess(behind.app, 11, { 'x-forwarded-for': '203.0.113.2' })).statusCode).toBe(401);
      await behind.users.create('ada', PASSWORD, 'viewer');
      const secure = await behind.app.inject({
        method: 'POST',
        url: '/auth/login',
        payload: { name: 'ada', password: PASSWORD },
        headers: { 'x-forwarded-for': '203.0.113.3', 'x-forwarded-proto': 'https' },
      });
      expect(String(secure.headers['set-cookie']).split('; ')).toContain('Secure');
    } finally {
      await behind.cleanup();
    }
    // Not trusted: both clients are the proxy's address, under one limit, and never https.
    const via = (forwardedFor: string) => ({ 'x-forwarded-for': forwardedFor, 'x-forwarded-proto': 'https' });
    for (let i = 0; i < 10; i++)
      expect((await guess(nines.app, 100 + i, via('203.0.113.1'), '10.4.4.4')).statusCode).toBe(401);
    expect((await guess(nines.app, 110, via('203.0.113.2'), '10.4.4.4')).statusCode).toBe(429);
    const plain = await nines.app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { name: 'ada', password: PASSWORD },
      headers: via('203.0.113.3'),
      remoteAddress: '10.5.5.5',
    });
    expect(plain.statusCode).toBe(200);
    expect(String(plain.headers['set-cookie']).split('; ')).not.toContain('Secure');
  });

  it('answers 400 for a body without a name or password', async () => {
    const res = await nines.app.inject({ method: 'POST', url: '/auth/login', payload: { name: 'ada' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_FAILED');
  });

  it('marks the cookie Secure when the public URL is https', async () => {
    const secure = await startTestNines({ env: { NINES_PUBLIC_URL: 'https://nines.example.com' }, webDir });
    try {
      await secure.users.create('ada', PASSWORD, 'viewer');
      const res = await secure.app.inject({
        method: 'POST',
        url: '/auth/login',
        payload: { name: 'ada', password: PASSWORD },
      });
      expect(String(res.headers['set-cookie']).split('; ')).toContain('Secure');
    } finally {
      await secure.cleanup();
    }
  });
});

describe('the session cookie on the API', () => {
  it('authenticates reads; changes need the CSRF header, bearer tokens do not', async () => {
    const s = await signIn(nines, 'responder');
    expect((await get('/api/v1/slos', s.get)).statusCode).toBe(200);
    const without = await post('/api/v1/evaluate', s.get);
    expect(without.statusCode).toBe(403);
    expect(without.json()).toEqual({
      error: {
        code: 'FORBIDDEN',
        message: 'missing or wrong CSRF token; send the x-csrf-token header from /auth/me',
      },
    });
    const wrong = await post('/api/v1/evaluate', { ...s.get, 'x-csrf-token': `${s.csrfToken.slice(1)}x` });
    expect(wrong.statusCode).toBe(403);
    expect((await post('/api/v1/evaluate', s.send)).statusCode).toBe(200);
    expect((await post('/api/v1/evaluate', nines.auth.responder)).statusCode).toBe(200);
  });

  it('checks roles as for tokens: a viewer cannot acknowledge an incident', async () => {
    const s = await signIn(nines, 'viewer');
    const res = await post('/api/v1/incidents/1/acknowledge', s.send);
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toEqual({
      code: 'FORBIDDEN',
      message: 'this needs the responder role; web-viewer has viewer',
    });
  });

  it('takes only a Bearer Authorization as a token: with another scheme (a proxy’s Basic) the cookie still counts', async () => {
    const s = await signIn(nines, 'viewer');
    const basic = { authorization: `Basic ${Buffer.from('proxy:secret').toString('base64')}` };
    expect((await get('/api/v1/slos', { ...s.get, ...basic })).statusCode).toBe(200);
    const alone = await get('/api/v1/slos', basic);
    expect(alone.statusCode).toBe(401);
    expect(alone.json().error.code).toBe('UNAUTHENTICATED');
    // A Bearer header is a token, right or wrong: a bad one is not rescued by the cookie.
    expect((await get('/api/v1/slos', { ...s.get, authorization: 'Bearer nines_nope' })).statusCode).toBe(
      401,
    );
    expect((await get('/api/v1/slos', { ...s.get, authorization: 'Bearer' })).statusCode).toBe(401);
  });

  it('a bearer token wins over a cookie', async () => {
    const s = await signIn(nines, 'viewer');
    const res = await post('/api/v1/evaluate', { ...s.get, ...nines.auth.responder });
    expect(res.statusCode).toBe(200);
  });

  it('logs out: needs the CSRF header, ends the session and clears the cookie', async () => {
    const s = await signIn(nines, 'viewer', 'leaving');
    expect((await post('/auth/logout', s.get)).statusCode).toBe(403);
    const out = await post('/auth/logout', s.send);
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(
      /^nines_session=; Max-Age=0; Path=\/; Expires=Thu, 01 Jan 1970/,
    );
    const after = await get('/api/v1/slos', s.get);
    expect(after.statusCode).toBe(401);
    expect(after.json().error.message).toBe('the session has ended; sign in again');
    expect((await get('/auth/me', s.get)).statusCode).toBe(401);
    // Signing out again, or without a session, only clears the cookie.
    expect((await post('/auth/logout', s.get)).statusCode).toBe(204);
    expect((await post('/auth/logout', {})).statusCode).toBe(204);
  });

  it('ends a session after 12 hours idle, keeps a used one, and ends every one after 7 days', async () => {
    const idle = await signIn(nines, 'viewer', 'idle');
    const busy = await signIn(nines, 'viewer', 'busy');
    nines.clock.set(nines.clock.now + 11 * HOUR);
    const touched = await get('/auth/me', busy.get);
    expect(touched.statusCode).toBe(200);
    // Sliding: the cookie is sent again with the idle limit from now.
    expect(String(touched.headers['set-cookie'])).toContain('Max-Age=43200');
    nines.clock.set(nines.clock.now + 2 * HOUR);
    expect((await get('/api/v1/slos', idle.get)).statusCode).toBe(401);
    expect((await get('/api/v1/slos', busy.get)).statusCode).toBe(200);
    for (let h = 13; h < 7 * 24 - 11; h += 11) {
      nines.clock.set(nines.clock.now + 11 * HOUR);
      expect((await get('/api/v1/slos', busy.get)).statusCode, `after ${h + 11} h`).toBe(200);
    }
    nines.clock.set(nines.clock.now + 11 * HOUR);
    expect((await get('/api/v1/slos', busy.get)).statusCode).toBe(401);
  });

  it('ends the sessions of a user who is disabled, and the other sessions of one whose password changes', async () => {
    const admin = await signIn(nines, 'admin');
    const dora = await signIn(nines, 'viewer', 'dora');
    const patch = (name: string, body: unknown, headers = admin.send) =>
      nines.app.inject({
        method: 'PATCH',
        url: `/api/v1/users/${name}`,
        headers: { ...headers, 'content-type': 'application/json' },
        payload: JSON.stringify(body),
      });
    expect((await patch('dora', { disabled: true })).json()).toMatchObject({ name: 'dora', disabled: true });
    expect((await get('/api/v1/slos', dora.get)).statusCode).toBe(401);
    expect((await login('dora', PASSWORD)).statusCode).toBe(401);
    expect((await patch('dora', { disabled: false })).json()).toMatchObject({ disabled: false });
    expect((await login('dora', PASSWORD)).statusCode).toBe(200);

    const other = await signIn(nines, 'admin');
    const changed = await patch('web-admin', { password: 'a new password, long enough' });
    expect(changed.statusCode).toBe(200);
    expect((await get('/auth/me', admin.get)).statusCode).toBe(200);
    expect((await get('/auth/me', other.get)).statusCode).toBe(401);
    await patch('web-admin', { password: PASSWORD });
  });
});

describe('users and tokens, for admins', () => {
  const send = (
    method: 'POST' | 'PATCH' | 'DELETE',
    url: string,
    headers: Record<string, string>,
    body?: unknown,
  ) =>
    nines.app.inject({
      method,
      url,
      headers: { ...headers, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { payload: JSON.stringify(body) }),
    });

  it('adds, lists, changes and removes users; names are unique', async () => {
    const admin = await signIn(nines, 'admin');
    const created = await send('POST', '/api/v1/users', admin.send, {
      name: 'eve',
      password: PASSWORD,
      role: 'viewer',
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({
      name: 'eve',
      role: 'viewer',
      createdAt: expect.any(String),
      disabled: false,
    });
    const again = await send('POST', '/api/v1/users', admin.send, {
      name: 'eve',
      password: PASSWORD,
      role: 'admin',
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toBe("a user named 'eve' exists");
    const short = await send('POST', '/api/v1/users', admin.send, {
      name: 'fay',
      password: 'short',
      role: 'viewer',
    });
    expect(short.statusCode).toBe(400);
    expect(short.json().error.details).toEqual([{ field: 'password', message: 'at least 12 characters' }]);
    const list = (await get('/api/v1/users', admin.get)).json();
    expect(list.users.map((u: { name: string }) => u.name)).toContain('eve');
    expect(JSON.stringify(list)).not.toContain('scrypt');
    const promoted = await send('PATCH', '/api/v1/users/eve', admin.send, { role: 'responder' });
    expect(promoted.json()).toMatchObject({ name: 'eve', role: 'responder' });
    expect((await send('PATCH', '/api/v1/users/eve', admin.send, {})).statusCode).toBe(400);
    expect((await send('PATCH', '/api/v1/users/nobody', admin.send, { role: 'viewer' })).statusCode).toBe(
      404,
    );
    expect((await send('DELETE', '/api/v1/users/eve', admin.send)).statusCode).toBe(204);
    expect((await send('DELETE', '/api/v1/users/eve', admin.send)).statusCode).toBe(404);
    expect((await login('eve', PASSWORD)).statusCode).toBe(401);
  });

  it('an admin cannot demote, disable or delete themself (409)', async () => {
    const admin = await signIn(nines, 'admin');
    const demote = await send('PATCH', '/api/v1/users/web-admin', admin.send, { role: 'responder' });
    expect(demote.statusCode).toBe(409);
    expect(demote.json().error).toEqual({
      code: 'CONFLICT',
      message: 'you cannot take the admin role from yourself; ask another admin',
    });
    expect((await send('PATCH', '/api/v1/users/web-admin', admin.send, { disabled: true })).statusCode).toBe(
      409,
    );
    expect((await send('DELETE', '/api/v1/users/web-admin', admin.send)).statusCode).toBe(409);
    expect((await get('/api/v1/users', admin.get)).json().users).toContainEqual(
      expect.objectContaining({ name: 'web-admin', role: 'admin', disabled: false }),
    );
    // An admin token is nobody's self.
    expect(
      (await send('PATCH', '/api/v1/users/web-admin', nines.auth.admin, { role: 'admin' })).statusCode,
    ).toBe(200);
  });

  it('needs the admin role', async () => {
    const responder = await signIn(nines, 'responder');
    expect((await get('/api/v1/users', responder.get)).statusCode).toBe(403);
    expect((await get('/api/v1/tokens', nines.auth.responder)).statusCode).toBe(403);
    expect(
      (await send('POST', '/api/v1/tokens', responder.send, { name: 'x', role: 'admin' })).statusCode,
    ).toBe(403);
  });

  it('creates a token shown once, lists tokens without secrets, and revokes them', async () => {
    const admin = await signIn(nines, 'admin');
    const created = await send('POST', '/api/v1/tokens', admin.send, { name: 'ci', role: 'responder' });
    expect(created.statusCode).toBe(201);
    const { id, token } = created.json();
    expect(created.json()).toEqual({
      id,
      name: 'ci',
      role: 'responder',
      token: expect.stringMatching(/^nines_/),
    });
    expect((await get('/api/v1/slos', { authorization: `Bearer ${token}` })).statusCode).toBe(200);
    const list = await get('/api/v1/tokens', admin.get);
    expect(list.json().tokens).toContainEqual({
      id,
      name: 'ci',
      role: 'responder',
      createdAt: expect.any(String),
      lastUsedAt: expect.any(String),
      revokedAt: null,
    });
    expect(list.body).not.toContain(token);
    expect((await send('DELETE', `/api/v1/tokens/${id}`, admin.send)).statusCode).toBe(204);
    expect((await get('/api/v1/slos', { authorization: `Bearer ${token}` })).statusCode).toBe(401);
    expect((await send('DELETE', `/api/v1/tokens/${id}`, admin.send)).statusCode).toBe(404);
  });
});

describe('the web UI', () => {
  const html = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

  it('sends pages without a session to sign-in, with the page to come back to', async () => {
    const root = await get('/', html);
    expect(root.statusCode).toBe(302);
    expect(root.headers.location).toBe('/login?next=%2F');
    const deep = await get('/incidents/3?x=1', html);
    expect(deep.statusCode).toBe(302);
    expect(deep.headers.location).toBe('/login?next=%2Fincidents%2F3%3Fx%3D1');
    // Only /status itself is public; deeper paths are ordinary pages.
    const under = await get('/status/shop', html);
    expect(under.statusCode).toBe(302);
    expect(under.headers.location).toBe('/login?next=%2Fstatus%2Fshop');
  });

  it('serves sign-in and status pages to anyone, with the security headers', async () => {
    for (const url of ['/login', '/login?next=%2F', '/status', '/status/', '/status?x=1']) {
      const res = await get(url, html);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers['content-security-policy']).toBe(CSP);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('same-origin');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.body).toContain('<div id="root">');
    }
  });

  it('serves pages with a session', async () => {
    const s = await signIn(nines, 'viewer');
    for (const url of ['/', '/incidents/3?x=1', '/slos/checkout']) {
      const res = await get(url, { ...html, ...s.get });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-security-policy']).toBe(CSP);
      expect(res.body).toContain('<div id="root">');
    }
  });

  it('serves hashed assets to anyone, cached for good', async () => {
    const res = await get('/assets/index-abc123.js');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await get('/assets/nope.js')).statusCode).toBe(404);
    expect((await get('/assets/../index.html')).statusCode).not.toBe(200);
  });

  it('answers API paths and requests that do not want HTML as unknown routes: 401, then 404', async () => {
    expect((await get('/api/v1/nope', html)).statusCode).toBe(401);
    expect((await get('/api/v1/nope', { ...html, ...nines.auth.viewer })).statusCode).toBe(404);
    expect((await get('/auth/nope', html)).statusCode).toBe(401);
    const plain = await get('/incidents');
    expect(plain.statusCode).toBe(401);
    expect(plain.json().error.code).toBe('UNAUTHENTICATED');
    expect((await get('/incidents', nines.auth.viewer)).statusCode).toBe(404);
  });

  it('answers 503 while the UI is not built', async () => {
    renameSync(join(webDir, 'index.html'), join(webDir, 'index.html.off'));
    try {
      for (const url of ['/', '/login', '/status']) {
        const res = await get(url, html);
        expect(res.statusCode, url).toBe(503);
        expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
        expect(res.body).toBe('the web UI is not built; run npm run build\n');
      }
    } finally {
      renameSync(join(webDir, 'index.html.off'), join(webDir, 'index.html'));
    }
  });
});
