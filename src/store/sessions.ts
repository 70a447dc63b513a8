import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { sha256 } from './hash.js';
import type { Database } from './schema.js';
import { ROLES, type Role } from './tokens.js';

/** A session ends after this long without a request… */
export const SESSION_IDLE_MS = 12 * 3_600_000;
/** …and this long after sign-in, however busy. */
export const SESSION_MAX_MS = 7 * 86_400_000;
/** last_seen_at is written at most this often per session. */
const TOUCH_MS = 60_000;

const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/** A live session and who it belongs to. */
export interface ActiveSession {
  /** SHA-256 of the session id: what the store keys it by. */
  readonly idHash: string;
  readonly user: { readonly id: string; readonly name: string; readonly role: Role };
  readonly csrfToken: string;
  /** Until when the cookie should live: the idle limit from now, capped by the absolute one. */
  readonly cookieMaxAgeMs: number;
  /** True when this read moved last_seen_at (the cookie should be sent again with the new age). */
  readonly touched: boolean;
}

const cookieAge = (lastSeenAt: number, expiresAt: number, nowMs: number) =>
  Math.max(0, Math.min(lastSeenAt + SESSION_IDLE_MS, expiresAt) - nowMs);

/**
 * Web sessions: the id is 32 random bytes shown only to the browser, stored as its
 * SHA-256 (a stolen database does not yield live sessions). Idle sessions expire after
 * 12 hours (sliding), every session after 7 days.
 */
export class SessionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** A new session for the user: its id (for the cookie) and CSRF token. */
  async create(
    userId: string,
    nowMs: number,
  ): Promise<{ id: string; csrfToken: string; cookieMaxAgeMs: number }> {
    const id = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    const expiresAt = nowMs + SESSION_MAX_MS;
    await this.db
      .insertInto('web_sessions')
      .values({
        id_hash: sha256(id),
        user_id: userId,
        csrf_token: csrfToken,
        created_at: nowMs,
        expires_at: expiresAt,
        last_seen_at: nowMs,
      })
      .execute();
    return { id, csrfToken, cookieMaxAgeMs: cookieAge(nowMs, expiresAt, nowMs) };
  }

  /**
   * The live session with this id, or undefined for an unknown, malformed or expired
   * one or a disabled user. Sliding: each use moves the idle limit (written at most once a minute).
   */
  async find(id: string, nowMs: number): Promise<ActiveSession | undefined> {
    if (!SESSION_ID.test(id)) return undefined;
    const idHash = sha256(id);
    const row = await this.db
      .selectFrom('web_sessions as s')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .select(['s.csrf_token', 's.expires_at', 's.last_seen_at', 'u.id', 'u.name', 'u.role', 'u.disabled_at'])
      .where('s.id_hash', '=', idHash)
      .executeTakeFirst();
    if (!row) return undefined;
    const [expiresAt, lastSeenAt] = [Number(row.expires_at), Number(row.last_seen_at)];
    if (
      expiresAt <= nowMs ||
      lastSeenAt + SESSION_IDLE_MS <= nowMs ||
      row.disabled_at !== null ||
      !(ROLES as readonly string[]).includes(row.role)
    ) {
      await this.deleteByHash(idHash);
      return undefined;
    }
    const touched = nowMs - lastSeenAt >= TOUCH_MS;
    if (touched)
      await this.db
        .updateTable('web_sessions')
        .set({ last_seen_at: nowMs })
        .where('id_hash', '=', idHash)
        .execute();
    return {
      idHash,
      user: { id: row.id, name: row.name, role: row.role as Role },
      csrfToken: row.csrf_token,
      cookieMaxAgeMs: cookieAge(touched ? nowMs : lastSeenAt, expiresAt, nowMs),
      touched,
    };
  }

  async deleteByHash(idHash: string): Promise<void> {
    await this.db.deleteFrom('web_sessions').where('id_hash', '=', idHash).execute();
  }

  /** Ends every session of the user but `except` (the hash of the session making the change). */
  async deleteForUser(userId: string, except?: string): Promise<number> {
    let query = this.db.deleteFrom('web_sessions').where('user_id', '=', userId);
    if (except !== undefined) query = query.where('id_hash', '!=', except);
    const result = await query.executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Removes expired sessions; returns how many. */
  async prune(nowMs: number): Promise<number> {
    const result = await this.db
      .deleteFrom('web_sessions')
      .where((eb) =>
        eb.or([eb('expires_at', '<=', nowMs), eb('last_seen_at', '<=', nowMs - SESSION_IDLE_MS)]),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
