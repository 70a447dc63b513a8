import { afterEach, describe, expect, it } from 'vitest';
import type { AlertEvent } from '../src/alerting/types.js';
import { Grouping } from '../src/runtime/grouping.js';
import { IncidentRepository } from '../src/store/incidents.js';
import { IntakeRepository } from '../src/store/intake.js';
import { webshopCatalog } from './support/nines.js';
import { openTestStore } from './support/stores.js';

/*
 * Grouping paces itself in a flood of alerts (fewer, larger batches) and groups
 * a trickle at once; a paced kick loses nothing, and `run` is never paced.
 */

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setUp(paceMs: number) {
  const store = await openTestStore('sqlite');
  const grouping = new Grouping({
    store,
    catalog: await webshopCatalog(),
    windowMs: 3_600_000,
    clock: () => NOW,
    log: (msg, err) => {
      throw new Error(`${msg}: ${String(err)}`);
    },
    paceMs,
  });
  cleanups.push(store.cleanup, () => grouping.close());
  const intake = new IntakeRepository(store.db);
  const repo = new IncidentRepository(store.db, store.dialect);
  const trigger = (count: number, prefix: string) =>
    intake.apply(
      { id: 'pd', service: 'search' },
      Array.from(
        { length: count },
        (_, i): AlertEvent => ({
          action: 'trigger',
          dedupKey: `${prefix}-${i}`,
          summary: `${prefix} ${i}`,
          severity: 'critical',
          source: null,
          occurredAt: NOW,
          labels: {},
          details: {},
          links: [],
        }),
      ),
      NOW,
    );
  const pending = async () => (await repo.pendingAlerts(store.db, 1_000)).length;
  return { grouping, trigger, pending };
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, check: () => Promise<boolean>) {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await settle(10);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('grouping in a flood', () => {
  it('waits for the pace after a batch of a flood before a kick starts the next', async () => {
    const { grouping, trigger, pending } = await setUp(60_000);
    await trigger(40, 'flood');
    grouping.kick();
    await until('the flood grouped', async () => (await pending()) === 0);
    await trigger(5, 'more');
    grouping.kick();
    await settle(50);
    expect(await pending()).toBe(5);
    // A run is never paced, and a kick meanwhile changes nothing.
    expect(await grouping.run()).toBe(5);
    grouping.kick();
    expect(await pending()).toBe(0);
  });

  it('groups what came during the pace once it has passed', async () => {
    const { grouping, trigger, pending } = await setUp(100);
    await trigger(40, 'flood');
    grouping.kick();
    await until('the flood grouped', async () => (await pending()) === 0);
    await trigger(5, 'more');
    grouping.kick();
    await until('the alerts that came during the pace grouped', async () => (await pending()) === 0);
  });

  it('groups a trickle of alerts at once', async () => {
    const { grouping, trigger, pending } = await setUp(60_000);
    await trigger(3, 'few');
    grouping.kick();
    await until('the first alerts grouped', async () => (await pending()) === 0);
    await trigger(2, 'next');
    grouping.kick();
    await until('the next alerts grouped', async () => (await pending()) === 0);
  });
});
