import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../src/store/db.js';
import { SESSION_IDLE_MS, SESSION_MAX_MS, SessionRepository } from '../src/store/sessions.js';
import { UserRepository } from '../src/store/users.js';
import { DIALECTS, openTestStore } from './support/stores.js';

const PASSWORD = 'correct horse battery staple';
const T0 = Date.UTC(2026, 10, 22, 12);

// Users and web sessions behave the same on SQLite and PostgreSQL.
describe.each(DIALECTS)('users and sessions on %s', (dialect) => {
  let store: Store & { cleanup: () => Promise<void> };
  let users: UserRepository;
  let sessions: SessionRepository;
  beforeEach(async () => {
    store = await openTestStore(dialect);
    users = new UserRepository(store.db);
    sessions = new SessionRepository(store.db);
  });
  afterEach(async () => {
    await store.cleanup();
  });

  describe('users', () => {
    it('stores an scrypt hash, never the password, and authenticates with it', async () => {
      const ada = await users.create('ada', PASSWORD, 'admin', T0);
      expect(ada).toEqual({
        id: expect.any(String),
        name: 'ada',
        role: 'admin',
        createdAt: T0,
        updatedAt: T0,
        disabledAt: null,
      });
      const [row] = await store.db.selectFrom('users').selectAll().execute();
      expect(row?.password_hash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{86}==$/);
      expect(JSON.stringify(row)).not.toContain(PASSWORD);
      expect(await users.authenticate('ada', PASSWORD)).toEqual(ada);
      expect(await users.authenticate('ada', `${PASSWORD}!`)).toBeUndefined();
      expect(await users.authenticate('nobody', PASSWORD)).toBeUndefined();
    });

    it('keeps names unique', async () => {
      expect(await users.create('ada', PASSWORD, 'admin', T0)).toBeDefined();
      expect(await users.create('ada', PASSWORD, 'viewer', T0)).toBeUndefined();
      expect((await users.list()).map((u) => u.role)).toEqual(['admin']);
    });

    it('changes role and password, disables and enables, and deletes', async () => {
      const bea = await users.create('bea', PASSWORD, 'viewer', T0);
      const id = bea?.id as string;
      expect(
        await users.update(id, { role: 'responder', password: 'another long password' }, T0 + 1),
      ).toMatchObject({
        role: 'responder',
        updatedAt: T0 + 1,
      });
      expect(await users.authenticate('bea', PASSWORD)).toBeUndefined();
      expect(await users.authenticate('bea', 'another long password')).toMatchObject({ role: 'responder' });
      expect(await users.update(id, { disabled: true }, T0 + 2)).toMatchObject({ disabledAt: T0 + 2 });
      // Disabled again: the first time stays.
      expect(await users.update(id, { disabled: true }, T0 + 3)).toMatchObject({ disabledAt: T0 + 2 });
      expect(await users.authenticate('bea', 'another long password')).toBeUndefined();
      expect(await users.update(id, { disabled: false }, T0 + 4)).toMatchObject({ disabledAt: null });
      expect(await users.update('nope', { disabled: false }, T0)).toBeUndefined();
      expect(await users.delete(id)).toBe(true);
      expect(await users.delete(id)).toBe(false);
      expect(await users.byName('bea')).toBeUndefined();
    });
  });

  describe('sessions', () => {
    it('keeps only a hash of the session id and finds the session with its user', async () => {
      const ada = (await users.create('ada', PASSWORD, 'responder', T0)) as { id: string };
      const { id, csrfToken, cookieMaxAgeMs } = await sessions.create(ada.id, T0);
      expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(cookieMaxAgeMs).toBe(SESSION_IDLE_MS);
      const rows = await store.db.selectFrom('web_sessions').selectAll().execute();
      expect(JSON.stringify(rows)).not.toContain(id);
      expect(await sessions.find(id, T0 + 1_000)).toEqual({
        idHash: rows[0]?.id_hash,
        user: { id: ada.id, name: 'ada', role: 'responder' },
        csrfToken,
        cookieMaxAgeMs: SESSION_IDLE_MS - 1_000,
        touched: false,
      });
      expect(await sessions.find('not a session id', T0)).toBeUndefined();
      expect(await sessions.find('A'.repeat(43), T0)).toBeUndefined();
    });

    it('slides the idle limit (last_seen_at written at most once a minute) and ends sessions 7 days after sign-in', async () => {
      const ada = (await users.create('ada', PASSWORD, 'viewer', T0)) as { id: string };
      const { id } = await sessions.create(ada.id, T0);
      expect((await sessions.find(id, T0 + 30_000))?.touched).toBe(false);
      expect((await sessions.find(id, T0 + 60_000))?.touched).toBe(true);
      let now = T0 + 60_000;
      while (now + SESSION_IDLE_MS - 1 < T0 + SESSION_MAX_MS) {
        now += SESSION_IDLE_MS - 1;
        expect(await sessions.find(id, now), `at ${(now - T0) / 3_600_000} h`).toBeDefined();
      }
      expect(await sessions.find(id, T0 + SESSION_MAX_MS)).toBeUndefined();
      expect(await store.db.selectFrom('web_sessions').selectAll().execute()).toEqual([]);
    });

    it('ends a session after 12 hours idle', async () => {
      const ada = (await users.create('ada', PASSWORD, 'viewer', T0)) as { id: string };
      const { id } = await sessions.create(ada.id, T0);
      expect(await sessions.find(id, T0 + SESSION_IDLE_MS)).toBeUndefined();
    });

    it('refuses the sessions of a disabled user and ends those of a user, except one', async () => {
      const ada = (await users.create('ada', PASSWORD, 'viewer', T0)) as { id: string };
      const [a, b, c] = [
        await sessions.create(ada.id, T0),
        await sessions.create(ada.id, T0),
        await sessions.create(ada.id, T0),
      ];
      const keep = (await sessions.find(a.id, T0))?.idHash;
      expect(await sessions.deleteForUser(ada.id, keep)).toBe(2);
      expect(await sessions.find(b.id, T0)).toBeUndefined();
      expect(await sessions.find(a.id, T0)).toBeDefined();
      await users.update(ada.id, { disabled: true }, T0);
      expect(await sessions.find(a.id, T0)).toBeUndefined();
      expect(await sessions.find(c.id, T0)).toBeUndefined();
    });

    it('prunes expired sessions', async () => {
      const ada = (await users.create('ada', PASSWORD, 'viewer', T0)) as { id: string };
      await sessions.create(ada.id, T0);
      const fresh = await sessions.create(ada.id, T0 + SESSION_IDLE_MS);
      expect(await sessions.prune(T0 + SESSION_IDLE_MS)).toBe(1);
      expect(await sessions.find(fresh.id, T0 + SESSION_IDLE_MS)).toBeDefined();
    });
  });
});
