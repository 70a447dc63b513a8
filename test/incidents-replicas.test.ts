import { afterAll, describe, expect, it } from 'vitest';
import { startTestNines, type TestNines } from './support/nines.js';
import { DIALECTS, freshDatabase } from './support/stores.js';

/*
 * Two replicas on one database take alerts at once and group them at once:
 * grouping state lives in the database (each alert remembers the status
 * grouping saw) and one replica groups at a time, so nothing is lost or doubled.
 */

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function trigger(nines: TestNines, key: string, dedupKey: string) {
  const res = await nines.app.inject({
    method: 'POST',
    url: '/v2/enqueue',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({
      routing_key: key,
      event_action: 'trigger',
      dedup_key: dedupKey,
      payload: { summary: dedupKey, source: 'test', severity: 'critical' },
    }),
  });
  expect(res.statusCode).toBe(202);
}

describe.each(DIALECTS)('two replicas on %s', (dialect) => {
  it('group alerts sent to both at once into one incident per failure, each alert once', async () => {
    const db = await freshDatabase(dialect);
    cleanups.push(db.drop);
    const now = Date.UTC(2026, 10, 22, 12, 0, 0);
    const a = await startTestNines({ database: db.url, dataDir: db.dataDir, now });
    const b = await startTestNines({ database: db.url, dataDir: db.dataDir, now });
    cleanups.push(a.cleanup, b.cleanup);
    const key = async (service: string) =>
      (await a.intake.integrations.create({ name: service, service, type: 'pagerduty' }, now)).key;
    const [shipping, search, catalog] = [
      await key('shipping'),
      await key('search'),
      await key('product-catalog'),
    ];
    const sends: Promise<void>[] = [];
    for (let i = 0; i < 60; i++) {
      const replica = i % 2 === 0 ? a : b;
      sends.push(trigger(replica, shipping, `shipping-${i}`));
      sends.push(trigger(replica, i % 3 === 0 ? catalog : search, `storefront-${i}`));
      // Both replicas group while alerts keep arriving.
      if (i % 10 === 0)
        sends.push(
          a.grouping.run().then(() => {}),
          b.grouping.run().then(() => {}),
        );
    }
    await Promise.all(sends);
    await Promise.all([a.grouping.run(), b.grouping.run()]);
    await a.grouping.run();
    const incidents = (
      await a.app.inject({ url: '/api/v1/incidents?merged=true', headers: a.auth.viewer })
    ).json().incidents as { number: number; services: string[]; alerts: number; mergedInto: number | null }[];
    const live = incidents.filter((i) => i.mergedInto === null);
    expect(live.map((i) => [i.services.sort(), i.alerts]).sort()).toEqual([
      [['product-catalog', 'search'], 60],
      [['shipping'], 60],
    ]);
    const alerts = await a.store.db
      .selectFrom('intake_alerts')
      .select(['incident_number', 'grouped_status', 'status'])
      .where('integration_id', '<>', 'nines')
      .execute();
    expect(alerts).toHaveLength(120);
    expect(alerts.every((r) => r.grouped_status === r.status)).toBe(true);
    const numbers = new Set(live.map((i) => i.number));
    expect(alerts.every((r) => r.incident_number !== null && numbers.has(r.incident_number))).toBe(true);
    // Every alert joined its incident once on the timeline.
    for (const i of live) {
      const timeline = (
        await b.app.inject({ url: `/api/v1/incidents/${i.number}/timeline`, headers: b.auth.viewer })
      ).json().timeline as { type: string; data: { alert?: string } }[];
      const joined = timeline.filter(
        (e) => e.data.alert !== undefined && (e.type === 'alert' || e.type === 'opened'),
      );
      expect(new Set(joined.map((e) => e.data.alert)).size).toBe(joined.length);
    }
  });
});

describe('a restart', () => {
  it('groups alerts a stopped server committed but never grouped, once', async () => {
    const db = await freshDatabase('sqlite');
    cleanups.push(db.drop);
    const now = Date.UTC(2026, 10, 22, 12, 0, 0);
    // A server that committed alerts and stopped before grouping them: written with the store alone.
    const first = await startTestNines({ dataDir: db.dataDir, now });
    const origin = { id: 'crashed', service: 'payment' };
    const event = (dedupKey: string) => ({
      action: 'trigger' as const,
      dedupKey,
      summary: dedupKey,
      severity: 'critical' as const,
      source: null,
      occurredAt: now,
      labels: {},
      details: {},
      links: [],
    });
    await first.intake.repository.apply(origin, [event('a'), event('b')], now);
    await first.intake.repository.apply({ id: 'crashed', service: 'payment-gateway' }, [event('psp')], now);
    await first.store.close();
    // Not first.cleanup(): the data directory stays for the next start.
    const second = await startTestNines({ dataDir: db.dataDir, now: now + 60_000 });
    cleanups.push(second.cleanup);
    const incidents = await second.incidents.list({ limit: 10 });
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ alertCount: 3, suspectedCause: { service: 'payment-gateway' } });
    // Grouping again finds nothing left.
    expect(await second.grouping.run()).toBe(0);
    expect(await second.incidents.list({ limit: 10 })).toHaveLength(1);
  });
});
