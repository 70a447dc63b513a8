import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNines, type TestNines } from './support/nines.js';

let nines: TestNines;
beforeAll(async () => {
  nines = await startTestNines();
});
afterAll(async () => {
  await nines.cleanup();
});

async function storedRows(): Promise<number> {
  const r = await nines.store.db
    .selectFrom('sli_buckets')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  const b = await nines.store.db
    .selectFrom('sli_batches')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  return Number(r?.n) + Number(b?.n);
}

async function post(payload: string, contentType: string) {
  return nines.app.inject({
    method: 'POST',
    url: '/api/v1/sli/events',
    headers: { ...nines.auth.responder, 'content-type': contentType },
    payload,
  });
}

const valid = () => ({
  sli: 'order-placed',
  timestamp: new Date(nines.clock.now).toISOString(),
  good: 1,
  total: 1,
});
const FIELDS = ['sli', 'timestamp', 'good', 'total', 'ok', 'latencyMs'] as const;

/** A value that makes the field it replaces invalid (every generated batch must be rejected). */
const badValue = fc.oneof(
  fc.constant(null),
  fc.constant(-1),
  fc.constant(Number.MAX_VALUE),
  fc.constant('not-a-time'),
  fc.constant(''),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.object({ maxDepth: 2 }),
  fc.string({ maxLength: 20 }).map((s) => `x${s}`),
);

describe('fuzzing POST /api/v1/sli/events', () => {
  it('answers every malformed body with a 4xx, never a 5xx, and stores nothing', async () => {
    const before = await storedRows();
    const statuses = new Map<number, number>();
    const count = (s: number) => statuses.set(s, (statuses.get(s) ?? 0) + 1);
    const cases: fc.Arbitrary<{ payload: string; type: string }>[] = [
      // Any JSON document that is not an event batch.
      fc.json({ maxDepth: 4 }).map((payload) => ({ payload, type: 'application/json' })),
      // Any text at all, as JSON and as NDJSON.
      fc.string({ maxLength: 200 }).map((payload) => ({ payload, type: 'application/json' })),
      fc
        .string({ maxLength: 200 })
        .map((payload) => ({ payload: `${payload}\n{`, type: 'application/x-ndjson' })),
      // A valid batch with one event broken in one field.
      fc
        .tuple(fc.integer({ min: 1, max: 20 }), fc.nat(), fc.constantFrom(...FIELDS), badValue)
        .map(([n, at, field, value]) => {
          const events: Record<string, unknown>[] = Array.from({ length: n }, valid);
          const target = events[at % n] as Record<string, unknown>;
          target[field] = value;
          if (field === 'ok' || field === 'latencyMs') delete target.good;
          return { payload: JSON.stringify({ batchId: `fuzz-${at}`, events }), type: 'application/json' };
        }),
      // Truncated valid JSON.
      fc.integer({ min: 1, max: 60 }).map((cut) => ({
        payload: JSON.stringify([valid(), valid()]).slice(0, cut),
        type: 'application/json',
      })),
    ];
    await fc.assert(
      fc.asyncProperty(fc.oneof(...cases), async ({ payload, type }) => {
        const res = await post(payload, type);
        count(res.statusCode);
        expect(res.statusCode).toBeGreaterThanOrEqual(400);
        expect(res.statusCode).toBeLessThan(500);
        expect(res.json().error.code).toMatch(/^[A-Z_]+$/);
      }),
      { numRuns: 3_000 },
    );
    expect(await storedRows()).toBe(before);
    expect([...statuses.keys()].every((s) => s === 400 || s === 413 || s === 415)).toBe(true);
  }, 120_000);
});
