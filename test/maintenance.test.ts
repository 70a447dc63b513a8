import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Maintenance } from '../src/runtime/maintenance.js';
import { BatchRepository } from '../src/store/batches.js';
import { BucketRepository } from '../src/store/buckets.js';
import { ChangeRepository } from '../src/store/changes.js';
import type { Store } from '../src/store/db.js';
import { IntakeRepository } from '../src/store/intake.js';
import { pruneIntake } from '../src/store/intake-retention.js';
import { webshopCatalog } from './support/nines.js';
import { openTestStore } from './support/stores.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);

describe('maintenance keeps storage bounded', () => {
  let store: Store & { cleanup: () => Promise<void> };
  beforeEach(async () => {
    store = await openTestStore('sqlite');
  });
  afterEach(async () => {
    await store.cleanup();
  });

  it('prunes minute, hour and day buckets and old batch ids by their retention', async () => {
    const buckets = new BucketRepository(store.db);
    const batches = new BatchRepository(store.db);
    const row = (resolution: 'm' | 'h' | 'd', ageMs: number) => ({
      sli: 'search-ok',
      resolution,
      startMs: NOW - ageMs,
      good: 1,
      total: 1,
    });
    await buckets.add([
      row('m', HOUR),
      row('m', 13 * HOUR),
      row('h', 30 * DAY),
      row('h', 95 * DAY),
      row('d', 300 * DAY),
      row('d', 500 * DAY),
    ]);
    // order-placed feeds a timeslices SLO over a quarter: its minutes stay for the quarter.
    await buckets.add([{ sli: 'order-placed', resolution: 'm', startMs: NOW - 30 * DAY, good: 1, total: 1 }]);
    await batches.claim([
      { batchId: 'new', receivedAt: NOW - DAY, events: 1 },
      { batchId: 'old', receivedAt: NOW - 8 * DAY, events: 1 },
    ]);
    const catalog = await webshopCatalog();
    const maintenance = new Maintenance({
      catalog,
      buckets,
      batches,
      retentionDays: 400,
      clock: () => NOW,
      log: () => {},
    });
    // Hour buckets stay as long as the longest window: a calendar quarter in the web shop.
    const cutoffs = maintenance.cutoffs(NOW);
    expect(cutoffs.hour).toBeLessThan(NOW - 92 * DAY);
    expect(cutoffs.day).toBe(NOW - 400 * DAY);
    expect(await maintenance.run()).toEqual({ minutes: 1, hours: 1, days: 1, batches: 1, intake: 0 });
    expect((await buckets.since('m', 0)).map((r) => `${r.sli}@${(NOW - r.startMs) / HOUR}h`).sort()).toEqual([
      'order-placed@720h',
      'search-ok@1h',
    ]);
    expect((await buckets.since('h', 0)).map((r) => r.startMs)).toEqual([NOW - 30 * DAY]);
    expect(await batches.claim([{ batchId: 'old', receivedAt: NOW, events: 1 }])).toEqual(new Set(['old']));
  });

  it('removes resolved intake alerts, their events and changes older than the retention, never open alerts', async () => {
    const intake = new IntakeRepository(store.db);
    const origin = { id: 'i1', service: 'search' };
    const event = (action: 'trigger' | 'resolve', dedupKey: string, at: number) => ({
      action,
      dedupKey,
      summary: null,
      severity: null,
      source: null,
      occurredAt: at,
      labels: {},
      details: {},
      links: [],
    });
    const old = NOW - 500 * DAY;
    await intake.apply(origin, [event('trigger', 'gone', old), event('resolve', 'gone', old)], old);
    await intake.apply(origin, [event('trigger', 'still-open', old)], old);
    await intake.apply(origin, [event('resolve', 'nothing-open', old)], old);
    await intake.apply(
      origin,
      [event('trigger', 'recent', NOW - DAY), event('resolve', 'recent', NOW - DAY)],
      NOW - DAY,
    );
    const changes = new ChangeRepository(store.db);
    const change = (at: number) => ({
      integrationId: 'api',
      service: 'search',
      summary: 'deploy',
      type: 'deploy' as const,
      version: null,
      author: null,
      source: null,
      occurredAt: at,
      links: [],
      customDetails: null,
    });
    await changes.add(change(old), old);
    await changes.add(change(NOW - DAY), NOW - DAY);
    // 2 events and the alert of 'gone', the dropped resolve, the old change.
    expect(await pruneIntake(store.db, NOW - 400 * DAY)).toBe(5);
    const alerts = await store.db
      .selectFrom('intake_alerts')
      .select('dedup_key')
      .orderBy('dedup_key')
      .execute();
    expect(alerts.map((a) => a.dedup_key)).toEqual(['recent', 'still-open']);
    const events = await store.db
      .selectFrom('intake_alert_events')
      .select('dedup_key')
      .orderBy('dedup_key')
      .execute();
    expect(events.map((e) => e.dedup_key)).toEqual(['recent', 'recent', 'still-open']);
    expect((await changes.list({ limit: 10 })).map((c) => c.occurredAt)).toEqual([NOW - DAY]);
  });
});
