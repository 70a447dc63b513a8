import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlertEvent } from '../src/alerting/types.js';
import type { AlertState, AlertTransition } from '../src/slo/alert-state.js';
import type { ProbeRunResult } from '../src/sources/probes/run.js';
import { AlertRepository } from '../src/store/alerts.js';
import { BatchRepository } from '../src/store/batches.js';
import { BucketRepository } from '../src/store/buckets.js';
import { ChangeRepository } from '../src/store/changes.js';
import type { Store } from '../src/store/db.js';
import { IntakeRepository } from '../src/store/intake.js';
import { IntegrationRepository } from '../src/store/integrations.js';
import { migrate } from '../src/store/migrations.js';
import { ProbeRunRepository } from '../src/store/probe-runs.js';
import { roleAllows, TokenRepository } from '../src/store/tokens.js';
import { DIALECTS, openTestStore } from './support/stores.js';

// One suite, every database: the same behaviour on SQLite and PostgreSQL.
describe.each(DIALECTS)('the store on %s', (dialect) => {
  let store: Store & { cleanup: () => Promise<void> };
  beforeEach(async () => {
    store = await openTestStore(dialect);
  });
  afterEach(async () => {
    await store.cleanup();
  });

  it('migrates once; a second run changes nothing', async () => {
    expect(await migrate(store.db)).toEqual([]);
  });

  describe('tokens', () => {
    it('verifies a created token and never stores it in clear', async () => {
      const tokens = new TokenRepository(store.db);
      const { id, token } = await tokens.create('ci', 'responder', 1_000);
      expect(token).toMatch(/^nines_[A-Za-z0-9_-]{43}$/);
      expect(await tokens.verify(token, 2_000)).toEqual({ tokenId: id, name: 'ci', role: 'responder' });
      const rows = await store.db.selectFrom('api_tokens').selectAll().execute();
      expect(JSON.stringify(rows)).not.toContain(token);
      expect(rows[0]?.last_used_at).toBe(2_000);
    });

    it('rejects unknown, malformed and revoked tokens', async () => {
      const tokens = new TokenRepository(store.db);
      const { id, token } = await tokens.create('old', 'admin', 1_000);
      expect(await tokens.verify('nines_nope', 1)).toBeUndefined();
      expect(await tokens.verify('Bearer x', 1)).toBeUndefined();
      expect(await tokens.revoke(id, 5_000)).toBe(true);
      expect(await tokens.revoke(id, 6_000)).toBe(false);
      expect(await tokens.verify(token, 7_000)).toBeUndefined();
      expect((await tokens.list())[0]).toMatchObject({ id, name: 'old', role: 'admin', revokedAt: 5_000 });
    });

    it('orders roles viewer < responder < admin', () => {
      expect(roleAllows('admin', 'responder')).toBe(true);
      expect(roleAllows('responder', 'responder')).toBe(true);
      expect(roleAllows('viewer', 'responder')).toBe(false);
    });
  });

  describe('SLI buckets', () => {
    it('adds counts into existing buckets instead of overwriting them', async () => {
      const buckets = new BucketRepository(store.db);
      await buckets.add([
        { sli: 'a', resolution: 'm', startMs: 60_000, good: 9, total: 10 },
        { sli: 'a', resolution: 'h', startMs: 0, good: 9, total: 10 },
      ]);
      await buckets.add([{ sli: 'a', resolution: 'm', startMs: 60_000, good: 5, total: 5 }]);
      expect(await buckets.since('m', 0)).toEqual([
        { sli: 'a', resolution: 'm', startMs: 60_000, good: 14, total: 15 },
      ]);
      expect(await buckets.range('a', 'h', 0, 3_600_000)).toEqual([
        { sli: 'a', resolution: 'h', startMs: 0, good: 9, total: 10 },
      ]);
    });

    it('writes many buckets in one call and prunes old ones', async () => {
      const buckets = new BucketRepository(store.db);
      const rows = Array.from({ length: 2_500 }, (_, i) => ({
        sli: `s${i % 5}`,
        resolution: 'm' as const,
        startMs: Math.floor(i / 5) * 60_000,
        good: 1,
        total: 2,
      }));
      await buckets.add(rows);
      expect(await buckets.since('m', 0)).toHaveLength(2_500);
      expect(await buckets.since('m', 0, 's3')).toHaveLength(500);
      expect(await buckets.prune('m', 250 * 60_000)).toBe(1_250);
      expect((await buckets.since('m', 0))[0]?.startMs).toBe(250 * 60_000);
    });

    it('keeps epoch milliseconds beyond 32 bits and fractional counts exact', async () => {
      const buckets = new BucketRepository(store.db);
      await buckets.add([
        { sli: 'big', resolution: 'd', startMs: 1_795_305_600_000, good: 0.5, total: 1e12 },
      ]);
      expect(await buckets.since('d', 0)).toEqual([
        { sli: 'big', resolution: 'd', startMs: 1_795_305_600_000, good: 0.5, total: 1e12 },
      ]);
    });
  });

  describe('batches', () => {
    it('claims a batch id once, also within one call', async () => {
      const batches = new BatchRepository(store.db);
      expect(await batches.claim([{ batchId: 'b1', receivedAt: 10, events: 3 }])).toEqual(new Set(['b1']));
      expect(
        await batches.claim([
          { batchId: 'b1', receivedAt: 11, events: 3 },
          { batchId: 'b2', receivedAt: 11, events: 1 },
        ]),
      ).toEqual(new Set(['b2']));
      expect(await batches.prune(11)).toBe(1);
      expect(await batches.claim([{ batchId: 'b1', receivedAt: 12, events: 3 }])).toEqual(new Set(['b1']));
    });

    it('rolls back everything in a failed transaction', async () => {
      const batches = new BatchRepository(store.db);
      const buckets = new BucketRepository(store.db);
      await expect(
        store.db.transaction().execute(async (trx) => {
          await batches.claim([{ batchId: 'lost', receivedAt: 1, events: 1 }], trx);
          await buckets.add([{ sli: 'x', resolution: 'm', startMs: 0, good: 1, total: 1 }], trx);
          throw new Error('disk full');
        }),
      ).rejects.toThrow('disk full');
      expect(await buckets.since('m', 0)).toEqual([]);
      expect(await batches.claim([{ batchId: 'lost', receivedAt: 2, events: 1 }])).toEqual(new Set(['lost']));
    });
  });

  describe('alerts', () => {
    const state = (slo: string, at: number): AlertState => ({
      slo,
      page: {
        status: 'firing',
        since: at,
        tier: 'page-1h',
        changedAt: at,
        burns: [{ window: '1h', burnRate: 20, total: 500 }],
      },
      ticket: { status: 'resolved', since: at, burns: [] },
      noData: { status: 'resolved', since: at },
    });
    const fired = (slo: string, at: number): AlertTransition => ({
      type: 'fired',
      slo,
      kind: 'page',
      at,
      tier: 'page-1h',
      burns: [{ window: '1h', burnRate: 20, total: 500 }],
    });

    it('keeps one state per SLO and every transition, newest first', async () => {
      const alerts = new AlertRepository(store.db);
      await alerts.record(
        [state('a', 1_000), state('b', 1_000)],
        [fired('a', 1_000), fired('b', 1_000)],
        1_000,
      );
      await alerts.record(
        [state('a', 2_000)],
        [{ type: 'fired', slo: 'a', kind: 'no-data', at: 2_000 }],
        2_000,
      );
      const states = await alerts.states();
      expect(states.size).toBe(2);
      expect(states.get('a')).toEqual(state('a', 2_000));
      const history = await alerts.history({ limit: 10 });
      expect(history.map((t) => `${t.slo}:${t.kind}:${t.at}`)).toEqual([
        'a:no-data:2000',
        'b:page:1000',
        'a:page:1000',
      ]);
      expect(await alerts.history({ slo: 'a', kind: 'page', limit: 10 })).toEqual([fired('a', 1_000)]);
      expect(await alerts.history({ sinceMs: 1_500, limit: 10 })).toHaveLength(1);
    });
  });

  describe('probe runs', () => {
    const run = (probe: string, startedAt: number, ok = true): ProbeRunResult => ({
      probe,
      startedAt,
      durationMs: 12.5,
      ok,
      ...(!ok && { failedStep: 'pay', error: "step 'pay': expected status 200-299, got 500" }),
      steps: [{ name: 'pay', ok, durationMs: 12.5, status: ok ? 200 : 500, url: 'http://shop/pay' }],
    });

    it('keeps runs newest first, the newest of each probe, and prunes to the last N', async () => {
      const runs = new ProbeRunRepository(store.db);
      await runs.record([
        { trigger: 'schedule', result: run('checkout', 1_000) },
        { trigger: 'schedule', result: run('checkout', 2_000, false) },
        { trigger: 'manual', result: run('checkout', 3_000) },
        { trigger: 'schedule', result: run('search', 1_500) },
      ]);
      const latest = await runs.latest('checkout', 2);
      expect(latest.map((r) => [r.trigger, r.result])).toEqual([
        ['manual', run('checkout', 3_000)],
        ['schedule', run('checkout', 2_000, false)],
      ]);
      const newest = await runs.newestOfEach();
      expect([...newest].map(([probe, r]) => [probe, r.result.startedAt]).sort()).toEqual([
        ['checkout', 3_000],
        ['search', 1_500],
      ]);
      expect(await runs.prune(2)).toBe(1);
      expect((await runs.latest('checkout', 10)).map((r) => r.result.startedAt)).toEqual([3_000, 2_000]);
      expect(await runs.latest('search', 10)).toHaveLength(1);
      expect(await runs.latest('nope', 10)).toEqual([]);
    });
  });

  describe('alert intake', () => {
    const event = (over: Partial<AlertEvent> = {}): AlertEvent => ({
      action: 'trigger',
      dedupKey: 'db/disk',
      summary: 'disk full',
      severity: 'critical',
      source: 'db-1',
      occurredAt: 1_000,
      labels: { team: 'db' },
      details: { custom_details: { free: '1%' } },
      links: [],
      ...over,
    });

    it('keeps integration keys only as hashes and refuses revoked, unknown and malformed keys alike', async () => {
      const repo = new IntegrationRepository(store.db);
      const { id, key } = await repo.create({ name: 'am', service: 'search', type: 'alertmanager' }, 1_000);
      expect(key).toMatch(/^[0-9a-f]{32}$/);
      expect(await repo.resolve(key, 2_000)).toEqual({
        id,
        name: 'am',
        service: 'search',
        type: 'alertmanager',
      });
      expect(JSON.stringify(await store.db.selectFrom('integrations').selectAll().execute())).not.toContain(
        key,
      );
      expect(await repo.resolve('0'.repeat(32), 2_000)).toBeUndefined();
      expect(await repo.resolve('not a key', 2_000)).toBeUndefined();
      expect(await repo.revoke(id, 3_000)).toBe(true);
      expect(await repo.revoke(id, 3_000)).toBe(false);
      expect(await repo.resolve(key, 4_000)).toBeUndefined();
      expect((await repo.list())[0]).toMatchObject({ id, revokedAt: 3_000 });
    });

    it('runs the lifecycle: dedup on the open alert, ack, resolve, a new alert after resolve', async () => {
      const integrations = new IntegrationRepository(store.db);
      const created = await integrations.create({ name: 'pd', service: 'search', type: 'pagerduty' }, 0);
      const integration = { id: created.id, name: 'pd', service: 'search', type: 'pagerduty' as const };
      const repo = new IntakeRepository(store.db);
      const outcomes = await store.db
        .transaction()
        .execute((trx) =>
          repo.apply(
            integration,
            [
              event(),
              event(),
              event({ action: 'acknowledge' }),
              event({ action: 'acknowledge' }),
              event({ action: 'resolve' }),
              event({ action: 'resolve' }),
              event({ action: 'trigger' }),
              event({ action: 'info' }),
            ],
            5_000,
            trx,
          ),
        );
      expect(outcomes.map((o) => o.outcome)).toEqual([
        'opened',
        'updated',
        'acknowledged',
        'unchanged',
        'resolved',
        'dropped',
        'opened',
        'noted',
      ]);
      const list = await repo.alerts({ limit: 10 });
      expect(list.map((a) => [a.status, a.eventCount])).toEqual([
        ['triggered', 1],
        ['resolved', 4],
      ]);
      expect(list[1]).toMatchObject({
        dedupKey: 'db/disk',
        service: 'search',
        summary: 'disk full',
        severity: 'critical',
        startedAt: 1_000,
        acknowledgedAt: 5_000,
        resolvedAt: 5_000,
        labels: { team: 'db' },
        details: { custom_details: { free: '1%' } },
        integration: { id: created.id, name: 'pd', type: 'pagerduty' },
      });
      expect(await repo.alerts({ limit: 10, status: 'open' })).toHaveLength(1);
      expect(await repo.alerts({ limit: 10, service: 'other' })).toEqual([]);
      const history = await repo.events({ integrationId: created.id, dedupKey: 'db/disk' });
      expect(history.map((h) => h.outcome)).toEqual(outcomes.map((o) => o.outcome));
    });

    it('applies a group of requests exactly as it would apply them one by one', async () => {
      const integration = { id: 'i1', name: 'pd', service: 'search', type: 'pagerduty' as const };
      const repo = new IntakeRepository(store.db);
      await repo.apply(integration, [event({ dedupKey: 'open-before' })], 1_000);
      const jobs = [
        { integration, events: [event({ dedupKey: 'a' }), event({ dedupKey: 'b' })], receivedAt: 2_000 },
        { integration, events: [event({ dedupKey: 'open-before' })], receivedAt: 2_000 },
        {
          integration,
          events: [event({ dedupKey: 'a', action: 'resolve' }), event({ dedupKey: 'a' })],
          receivedAt: 2_000,
        },
        { integration, events: [event({ dedupKey: 'c', action: 'acknowledge' })], receivedAt: 2_000 },
      ];
      const results = await store.db.transaction().execute((trx) => repo.applyMany(jobs, trx));
      expect(results.map((r) => r.map((x) => `${x.dedupKey}:${x.outcome}`))).toEqual([
        ['a:opened', 'b:opened'],
        ['open-before:updated'],
        ['a:resolved', 'a:opened'],
        ['c:dropped'],
      ]);
      const list = await repo.alerts({ limit: 10 });
      expect(list.map((a) => `${a.dedupKey}:${a.status}:${a.eventCount}`).sort()).toEqual([
        'a:resolved:2',
        'a:triggered:1',
        'b:triggered:1',
        'open-before:triggered:2',
      ]);
      expect(await repo.events({ dedupKey: 'a' })).toHaveLength(3);
    });

    it('applies a delivery once, even when two writers race with it', async () => {
      const integration = { id: 'i1', name: 'am', service: 'search', type: 'alertmanager' as const };
      const repo = new IntakeRepository(store.db);
      const firing = event({ dedupKey: 'fp', deliveryKey: 'g|fp|firing|t1', startedAt: 1_000 });
      const results = await Promise.all(
        [0, 1, 2].map(() =>
          store.db.transaction().execute((trx) => repo.apply(integration, [firing], 2_000, trx)),
        ),
      );
      expect(
        results
          .flat()
          .map((r) => r.outcome)
          .sort(),
      ).toEqual(['duplicate', 'duplicate', 'opened']);
      expect(await repo.alerts({ limit: 10 })).toHaveLength(1);
      // Two writers triggering one key without a delivery key open one alert between them.
      const racing = await Promise.all(
        [0, 1].map(() =>
          store.db
            .transaction()
            .execute((trx) => repo.apply(integration, [event({ dedupKey: 'k' })], 3_000, trx)),
        ),
      );
      expect(
        racing
          .flat()
          .map((r) => r.outcome)
          .sort(),
      ).toEqual(['opened', 'updated']);
      // A resolve of an older occurrence does not close a newer one.
      const stale = event({ action: 'resolve', dedupKey: 'fp', startedAt: 500, deliveryKey: 'old' });
      expect((await repo.apply(integration, [stale], 4_000))[0]?.outcome).toBe('dropped');
    });

    it('stores a change with a timestamp once and lists changes newest first', async () => {
      const repo = new ChangeRepository(store.db);
      const change = {
        integrationId: 'i1',
        service: 'search',
        summary: 'deploy 42',
        type: 'deploy' as const,
        version: '1.4.2',
        author: 'ada',
        source: 'ci',
        occurredAt: 10_000,
        customDetails: { sha: 'abc' },
        links: [{ href: 'https://ci.example/42' }],
        changeKey: 'deploy 42|10000',
      };
      expect((await repo.add(change, 11_000)).duplicate).toBe(false);
      expect((await repo.add(change, 12_000)).duplicate).toBe(true);
      const { changeKey: _omit, ...untimed } = change;
      await repo.add({ ...untimed, occurredAt: 20_000 }, 20_000);
      await repo.add({ ...untimed, occurredAt: 20_000 }, 20_000);
      const list = await repo.list({ limit: 10, service: 'search' });
      expect(list.map((c) => c.occurredAt)).toEqual([20_000, 20_000, 10_000]);
      expect(list[2]).toMatchObject({
        summary: 'deploy 42',
        source: 'ci',
        version: '1.4.2',
        author: 'ada',
        customDetails: { sha: 'abc' },
      });
      expect(await repo.list({ limit: 10, services: ['search', 'order'], beforeMs: 15_000 })).toHaveLength(1);
      expect(await repo.list({ limit: 10, sinceMs: 15_000 })).toHaveLength(2);
    });
  });
});
