import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCatalog } from '../src/catalog/load.js';
import { Engine } from '../src/runtime/engine.js';
import { startTestNines, type TestNines, webshopCatalog } from './support/nines.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('pushing events', () => {
  let nines: TestNines;
  beforeEach(async () => {
    nines = await startTestNines();
  });
  afterEach(async () => {
    await nines.cleanup();
  });

  const push = (body: string, headers: Record<string, string>, contentType = 'application/json') =>
    nines.app.inject({
      method: 'POST',
      url: '/api/v1/sli/events',
      headers: { ...headers, 'content-type': contentType },
      payload: body,
    });
  const event = (extra: Record<string, unknown> = {}) =>
    JSON.stringify([{ sli: 'order-placed', timestamp: nines.clock.now, good: 1, total: 1, ...extra }]);

  it('scopes batch ids to the token that sent them', async () => {
    const { TokenRepository } = await import('../src/store/tokens.js');
    const other = await new TokenRepository(nines.store.db).create('payments', 'responder', nines.clock.now);
    const theirs = { authorization: `Bearer ${other.token}` };
    expect((await push(event(), { ...nines.auth.responder, 'idempotency-key': '1' })).json().duplicate).toBe(
      false,
    );
    expect((await push(event(), { ...theirs, 'idempotency-key': '1' })).json().duplicate).toBe(false);
    expect((await push(event(), { ...theirs, 'idempotency-key': '1' })).json().duplicate).toBe(true);
  });

  it('refuses batch ids with control characters, text bodies and dates that do not exist', async () => {
    const nul = await push(
      JSON.stringify({ batchId: 'bad\u0000id', events: JSON.parse(event()) }),
      nines.auth.responder,
    );
    expect(nul.statusCode).toBe(400);
    const text = await push(
      `{"sli":"order-placed","timestamp":${nines.clock.now},"ok":true}`,
      nines.auth.responder,
      'text/plain',
    );
    expect(text.statusCode).toBe(415);
    const feb30 = await push(
      JSON.stringify([{ sli: 'order-placed', timestamp: '2026-02-30T10:00:00Z', ok: true }]),
      nines.auth.responder,
    );
    expect(feb30.json().error.details[0]).toMatchObject({ index: 0, field: 'timestamp' });
  });

  it('keeps alert transitions that could not be stored, and stores them on the next tick', async () => {
    await sql`CREATE TRIGGER fail_history BEFORE INSERT ON alert_history BEGIN SELECT RAISE(ABORT, 'disk full'); END`.execute(
      nines.store.db,
    );
    await push(
      JSON.stringify([
        { sli: 'payment-succeeded', timestamp: nines.clock.now - MINUTE, good: 0, total: 500 },
      ]),
      nines.auth.responder,
    );
    await expect(nines.evaluate()).rejects.toThrow(/disk full/);
    await sql`DROP TRIGGER fail_history`.execute(nines.store.db);
    const retried = await nines.evaluate();
    expect(retried.transitions).toContainEqual(
      expect.objectContaining({ slo: 'payment-success', kind: 'page', type: 'fired' }),
    );
    const states = await nines.store.db
      .selectFrom('alert_states')
      .select('state')
      .where('slo', '=', 'payment-success')
      .execute();
    expect(JSON.parse(states[0]?.state ?? '{}').page.status).toBe('firing');
  });

  it('does not raise no-data alerts for SLIs that no source feeds yet', async () => {
    await nines.evaluate();
    for (const slo of ['payment-gateway-availability', 'shipping-availability']) {
      const view = nines.engine.view(slo);
      expect(view?.status.noData, slo).toBe(true);
      expect(view?.alert, slo).toBeUndefined();
    }
    // An SLI fed by pushed events does raise it.
    expect(nines.engine.view('order-success')?.alert?.noData.status).toBe('firing');
  });
});

describe('the engine', () => {
  it('counts a late event of a timeslices SLO live, as a restart would', async () => {
    const catalog = await webshopCatalog();
    const now = Date.UTC(2026, 10, 22, 12, 0, 30);
    const engine = new Engine(catalog, { noDataMs: 10 * MINUTE, minEvents: 10 });
    engine.start({ minuteRows: [], hourRows: [], alertStates: new Map() }, now);
    const late = now - 8 * HOUR;
    expect(
      engine.ingest([{ sli: 'order-placed', minuteMs: late - (late % MINUTE), good: 0, total: 10 }], now),
    ).toBe(0);
    engine.tick(now);
    expect(engine.view('checkout-minutes')?.status.total).toBe(1);
  });

  it('leaves the previous period out of a calendar window that starts on the half hour', () => {
    const { catalog, diagnostics } = loadCatalog([
      {
        path: 'k.yaml',
        text: `apiVersion: nines/v1
kind: Team
metadata: {name: t}
---
apiVersion: nines/v1
kind: Service
metadata: {name: s}
spec: {owner: t}
---
apiVersion: nines/v1
kind: SLO
metadata: {name: kolkata}
spec:
  service: s
  indicator: {ratio: {}}
  objectives: [{target: 99}]
  window: {calendar: month, timeZone: Asia/Kolkata}
`,
      },
    ]);
    expect(diagnostics).toEqual([]);
    const start = Date.UTC(2026, 1, 28, 18, 30); // 1 March 00:00 in Kolkata
    const now = start + 10 * HOUR;
    const engine = new Engine(catalog, { noDataMs: 10 * MINUTE, minEvents: 10 });
    engine.start({ minuteRows: [], hourRows: [], alertStates: new Map() }, start - 2 * HOUR);
    engine.ingest(
      [{ sli: 'kolkata-sli', minuteMs: start - 20 * MINUTE, good: 0, total: 100 }],
      start - 10 * MINUTE,
    );
    engine.ingest(
      [{ sli: 'kolkata-sli', minuteMs: start + 2 * HOUR, good: 200, total: 200 }],
      start + 2 * HOUR,
    );
    engine.tick(now);
    expect(engine.view('kolkata')?.status).toMatchObject({ good: 200, total: 200 });
  });
});
