import { randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { INTEGRATION_TYPES, type IntegrationType } from '../alerting/types.js';
import { sha256 } from './hash.js';
import type { Database } from './schema.js';

export interface Integration {
  readonly id: string;
  readonly name: string;
  readonly service: string;
  readonly type: IntegrationType;
}

export interface IntegrationInfo extends Integration {
  readonly createdAt: number;
  readonly revokedAt: number | null;
}

const VERDICT_MS = 5_000;
/** Keys are 32 lowercase hex characters (128 random bits), the shape of a PagerDuty routing key. */
const KEY = /^[0-9a-f]{32}$/;

function isType(t: string): t is IntegrationType {
  return (INTEGRATION_TYPES as readonly string[]).includes(t);
}

/**
 * Integration keys for alert intake. A key is shown once and stored as its
 * SHA-256: it is looked up by hash, so the time a lookup takes says nothing about
 * how close a guess came. A verdict is reused for up to 5 seconds.
 */
export class IntegrationRepository {
  private readonly recent = new Map<string, { integration: Integration; until: number }>();

  constructor(private readonly db: Kysely<Database>) {}

  async create(
    input: { name: string; service: string; type: IntegrationType },
    nowMs: number,
  ): Promise<{ id: string; key: string }> {
    const id = randomUUID();
    const key = randomBytes(16).toString('hex');
    await this.db
      .insertInto('integrations')
      .values({
        id,
        name: input.name,
        service: input.service,
        type: input.type,
        key_hash: sha256(key),
        created_at: nowMs,
        revoked_at: null,
      })
      .execute();
    return { id, key };
  }

  /** The live integration a key belongs to, or undefined (unknown, malformed and revoked alike). */
  async resolve(key: string, nowMs: number): Promise<Integration | undefined> {
    if (!KEY.test(key)) return undefined;
    const h = sha256(key);
    const cached = this.recent.get(h);
    if (cached && cached.until > nowMs) return cached.integration;
    const row = await this.db
      .selectFrom('integrations')
      .select(['id', 'name', 'service', 'type', 'revoked_at'])
      .where('key_hash', '=', h)
      .executeTakeFirst();
    if (!row || row.revoked_at !== null || !isType(row.type)) {
      this.recent.delete(h);
      return undefined;
    }
    const integration = { id: row.id, name: row.name, service: row.service, type: row.type };
    if (this.recent.size > 10_000) this.recent.clear();
    this.recent.set(h, { integration, until: nowMs + VERDICT_MS });
    return integration;
  }

  async list(): Promise<IntegrationInfo[]> {
    const rows = await this.db
      .selectFrom('integrations')
      .selectAll()
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.flatMap((r) =>
      isType(r.type)
        ? [
            {
              id: r.id,
              name: r.name,
              service: r.service,
              type: r.type,
              createdAt: r.created_at,
              revokedAt: r.revoked_at,
            },
          ]
        : [],
    );
  }

  /** True when a live integration was revoked. */
  async revoke(id: string, nowMs: number): Promise<boolean> {
    this.recent.clear();
    const result = await this.db
      .updateTable('integrations')
      .set({ revoked_at: nowMs })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}
