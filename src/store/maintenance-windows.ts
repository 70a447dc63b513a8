import type { Kysely } from 'kysely';
import type { MaintenanceWindow } from '../incidents/types.js';
import { sortableId } from './ids.js';
import type { Db } from './incidents.js';
import type { Database } from './schema.js';

/** Maintenance windows: alerts on their services are recorded but open no incident. */
export class MaintenanceWindowRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async create(
    window: Omit<MaintenanceWindow, 'id' | 'createdAt'>,
    nowMs: number,
  ): Promise<MaintenanceWindow> {
    const id = sortableId(nowMs);
    await this.db
      .insertInto('maintenance_windows')
      .values({
        id,
        services: JSON.stringify(window.services),
        starts_at: window.startsAt,
        ends_at: window.endsAt,
        reason: window.reason,
        created_by: window.createdBy,
        created_at: nowMs,
      })
      .execute();
    return { ...window, id, createdAt: nowMs };
  }

  /** Windows that end after `sinceMs` (not yet over then), soonest start first. */
  async list(sinceMs: number, db: Db = this.db): Promise<MaintenanceWindow[]> {
    const rows = await db
      .selectFrom('maintenance_windows')
      .selectAll()
      .where('ends_at', '>', sinceMs)
      .orderBy('starts_at')
      .orderBy('id')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      services: JSON.parse(r.services) as string[],
      startsAt: r.starts_at,
      endsAt: r.ends_at,
      reason: r.reason,
      createdBy: r.created_by,
      createdAt: r.created_at,
    }));
  }

  /**
   * Ends a window: one that has started ends now, one that has not is removed.
   * False when there is no such window or it has already ended.
   */
  async end(id: string, nowMs: number): Promise<boolean> {
    const row = await this.db
      .selectFrom('maintenance_windows')
      .select(['starts_at', 'ends_at'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row || row.ends_at <= nowMs) return false;
    if (row.starts_at > nowMs) await this.db.deleteFrom('maintenance_windows').where('id', '=', id).execute();
    else
      await this.db.updateTable('maintenance_windows').set({ ends_at: nowMs }).where('id', '=', id).execute();
    return true;
  }
}

/** The window covering `service` at `atMs`, if any. */
export function coveringWindow(
  windows: readonly MaintenanceWindow[],
  service: string,
  atMs: number,
): MaintenanceWindow | undefined {
  return windows.find((w) => w.startsAt <= atMs && atMs < w.endsAt && w.services.includes(service));
}
