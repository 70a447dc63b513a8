import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestNines } from './support/nines.js';
import { DIALECTS, freshDatabase, type TestDialect } from './support/stores.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

// The engine keeps SLIs in memory; a restart must rebuild exactly the same state
// from the store, on both databases: series from minute and hour buckets, alert
// states from their rows (so a firing page does not fire again).
describe.each(DIALECTS)('a restart on %s', (dialect: TestDialect) => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let dataDir: string;
  beforeEach(async () => {
    db = await freshDatabase(dialect);
    dataDir = mkdtempSync(join(tmpdir(), 'nines-restart-'));
  });
  afterEach(async () => {
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('rebuilds budgets, burn rates and alert states from the store', async () => {
    const start = Date.UTC(2026, 10, 20, 0, 0, 30);
    const first = await startTestNines({ database: db.url, dataDir, now: start });
    // Two days of traffic, one event batch every 20 minutes, then a bad last hour.
    const events = [];
    for (let t = start; t < start + 48 * HOUR; t += 20 * MINUTE) {
      const bad = t >= start + 47 * HOUR;
      events.push({ sli: 'payment-succeeded', timestamp: t, good: bad ? 50 : 100, total: 100 });
      events.push({ sli: 'order-placed', timestamp: t, good: 1000, total: 1000 });
    }
    // Five minutes after the last batch: recent enough that the SLO is not "no data".
    const now = start + 47 * HOUR + 45 * MINUTE;
    first.clock.set(now);
    const post = await first.app.inject({
      method: 'POST',
      url: '/api/v1/sli/events',
      headers: { ...first.auth.responder, 'content-type': 'application/json' },
      payload: JSON.stringify(events),
    });
    let statusBefore: ReturnType<typeof first.engine.view>;
    let orderBefore: ReturnType<typeof first.engine.view>;
    try {
      expect(post.statusCode).toBe(202);
      const before = await first.evaluate();
      expect(before.transitions).toContainEqual(
        expect.objectContaining({ slo: 'payment-success', kind: 'page', type: 'fired' }),
      );
      statusBefore = first.engine.view('payment-success');
      orderBefore = first.engine.view('order-success');
    } finally {
      await first.close();
    }

    const second = await startTestNines({ database: db.url, dataDir, now });
    try {
      const after = second.engine.view('payment-success')?.status;
      expect(after?.total).toBe(48 * 3 * 100);
      expect(after?.good).toBe(statusBefore?.status.good);
      expect(after?.total).toBe(statusBefore?.status.total);
      expect(after?.burns).toEqual(statusBefore?.status.burns);
      expect(second.engine.view('order-success')?.status.budget).toEqual(orderBefore?.status.budget);
      // The page was firing before the restart and still is: no second "fired".
      expect(second.engine.view('payment-success')?.alert?.page.status).toBe('firing');
      const tick = await second.evaluate();
      expect(tick.transitions.filter((t) => t.type === 'fired')).toEqual([]);
    } finally {
      await second.cleanup();
    }
  });
});
