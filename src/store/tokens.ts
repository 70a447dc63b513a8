import { randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { sha256 } from './hash.js';
import type { Database } from './schema.js';

export const ROLES = ['viewer', 'responder', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface TokenInfo {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  readonly createdAt: number;
  readonly lastUsedAt: number | null;
  readonly revokedAt: number | null;
}

/** What a valid token proves. */
export interface Principal {
  readonly tokenId: string;
  readonly name: string;
  readonly role: Role;
}

const PREFIX = 'nines_';
const VERDICT_MS = 5_000;

function isRole(r: string): r is Role {
  return (ROLES as readonly string[]).includes(r);
}

/**
 * API tokens: 32 random bytes, shown once, stored as a SHA-256 hash (a token has
 * enough entropy that a slow hash adds nothing; lookups stay one indexed read).
 */
export class TokenRepository {
  /** Last write of last_used_at per token, so a busy client does not write on every request. */
  private readonly touched = new Map<string, number>();

  constructor(private readonly db: Kysely<Database>) {}

  async create(name: string, role: Role, nowMs: number): Promise<{ id: string; token: string }> {
    const id = randomUUID();
    const token = `${PREFIX}${randomBytes(32).toString('base64url')}`;
    await this.db
      .insertInto('api_tokens')
      .values({
        id,
        name,
        role,
        token_hash: sha256(token),
        created_at: nowMs,
        last_used_at: null,
        revoked_at: null,
      })
      .execute();
    return { id, token };
  }

  /** Tokens verified in the last few seconds, so a busy client costs no query per request. */
  private readonly recent = new Map<string, { principal: Principal; until: number }>();

  /**
   * The principal of a live token, or undefined for an unknown, malformed or revoked
   * one. A verdict is reused for up to 5 seconds: a revocation takes effect within that.
   */
  async verify(token: string, nowMs: number): Promise<Principal | undefined> {
    if (!token.startsWith(PREFIX) || token.length > 200) return undefined;
    const key = sha256(token);
    const cached = this.recent.get(key);
    if (cached && cached.until > nowMs) return cached.principal;
    const principal = await this.lookup(key, nowMs);
    if (principal) {
      if (this.recent.size > 10_000) this.recent.clear();
      this.recent.set(key, { principal, until: nowMs + VERDICT_MS });
    } else {
      this.recent.delete(key);
    }
    return principal;
  }

  private async lookup(tokenHash: string, nowMs: number): Promise<Principal | undefined> {
    const row = await this.db
      .selectFrom('api_tokens')
      .select(['id', 'name', 'role', 'revoked_at'])
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    if (!row || row.revoked_at !== null || !isRole(row.role)) return undefined;
    const last = this.touched.get(row.id);
    if (last === undefined || nowMs - last > 60_000) {
      this.touched.set(row.id, nowMs);
      await this.db.updateTable('api_tokens').set({ last_used_at: nowMs }).where('id', '=', row.id).execute();
    }
    return { tokenId: row.id, name: row.name, role: row.role };
  }

  async list(): Promise<TokenInfo[]> {
    const rows = await this.db.selectFrom('api_tokens').selectAll().orderBy('created_at').execute();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      role: isRole(r.role) ? r.role : 'viewer',
      createdAt: r.created_at,
      lastUsedAt: r.last_used_at,
      revokedAt: r.revoked_at,
    }));
  }

  /** True when a live token was revoked. */
  async revoke(id: string, nowMs: number): Promise<boolean> {
    this.recent.clear();
    const result = await this.db
      .updateTable('api_tokens')
      .set({ revoked_at: nowMs })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}

/** Whether `role` may do what `required` allows: viewer < responder < admin. */
export function roleAllows(role: Role, required: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(required);
}
