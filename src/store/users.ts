import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { hashPassword, UNMATCHABLE_HASH, verifyPassword } from './passwords.js';
import type { Database } from './schema.js';
import { ROLES, type Role } from './tokens.js';

/** A person who signs in to the web UI. The password hash never leaves this module. */
export interface User {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly disabledAt: number | null;
}

export interface UserChanges {
  readonly role?: Role;
  readonly password?: string;
  readonly disabled?: boolean;
}

type Row = Database['users'];

const isRole = (r: string): r is Role => (ROLES as readonly string[]).includes(r);

const toUser = (r: Omit<Row, 'password_hash'>): User => ({
  id: r.id,
  name: r.name,
  // A role this version does not know grants the least.
  role: isRole(r.role) ? r.role : 'viewer',
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
  disabledAt: r.disabled_at === null ? null : Number(r.disabled_at),
});

const COLUMNS = ['id', 'name', 'role', 'created_at', 'updated_at', 'disabled_at'] as const;

/**
 * Users with scrypt password hashes. Sign-in takes as long for an unknown name as
 * for a known one: a dummy hash is checked instead, so timing does not tell which
 * names exist.
 */
export class UserRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** The new user, or undefined when the name is taken. */
  async create(name: string, password: string, role: Role, nowMs: number): Promise<User | undefined> {
    const row: Row = {
      id: randomUUID(),
      name,
      password_hash: await hashPassword(password),
      role,
      created_at: nowMs,
      updated_at: nowMs,
      disabled_at: null,
    };
    const inserted = await this.db
      .insertInto('users')
      .values(row)
      .onConflict((oc) => oc.column('name').doNothing())
      .returning('id')
      .executeTakeFirst();
    return inserted ? toUser(row) : undefined;
  }

  async byName(name: string): Promise<User | undefined> {
    const row = await this.db.selectFrom('users').select(COLUMNS).where('name', '=', name).executeTakeFirst();
    return row && toUser(row);
  }

  async list(): Promise<User[]> {
    const rows = await this.db.selectFrom('users').select(COLUMNS).orderBy('name').execute();
    return rows.map(toUser);
  }

  /**
   * The user whose name and password these are, unless disabled; undefined for a
   * wrong password, an unknown name or a disabled user alike.
   */
  async authenticate(name: string, password: string): Promise<User | undefined> {
    const row = await this.db
      .selectFrom('users')
      .select([...COLUMNS, 'password_hash'])
      .where('name', '=', name)
      .executeTakeFirst();
    const matches = await verifyPassword(password, row?.password_hash ?? UNMATCHABLE_HASH);
    if (!row || !matches || row.disabled_at !== null) return undefined;
    return toUser(row);
  }

  /** The user after the changes, or undefined when there is no such user. */
  async update(id: string, changes: UserChanges, nowMs: number): Promise<User | undefined> {
    const hash = changes.password === undefined ? undefined : await hashPassword(changes.password);
    const row = await this.db
      .updateTable('users')
      .set({
        updated_at: nowMs,
        ...(changes.role !== undefined && { role: changes.role }),
        ...(hash !== undefined && { password_hash: hash }),
        // Disabling a disabled user keeps the time it was first disabled.
        ...(changes.disabled !== undefined && {
          disabled_at: changes.disabled ? sql<number>`coalesce(disabled_at, ${nowMs})` : null,
        }),
      })
      .where('id', '=', id)
      .returning(COLUMNS)
      .executeTakeFirst();
    return row && toUser(row);
  }

  /** True when the user existed. Their sessions are the caller's to end (SessionRepository). */
  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('users').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
