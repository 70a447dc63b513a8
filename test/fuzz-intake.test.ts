import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNines, type TestNines } from './support/nines.js';

let nines: TestNines;
const keys = { pagerduty: '', alertmanager: '', splunk: '' };
beforeAll(async () => {
  nines = await startTestNines();
  for (const type of ['pagerduty', 'alertmanager', 'splunk'] as const)
    keys[type] = (await nines.intake.integrations.create({ name: 'fuzz', service: 'search', type }, 0)).key;
});
afterAll(async () => {
  await nines.cleanup();
});

async function stored(): Promise<number> {
  let n = 0;
  for (const table of ['intake_alerts', 'intake_alert_events', 'intake_changes'] as const) {
    const r = await nines.store.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    n += Number(r?.n);
  }
  return n;
}

type Body = Record<string, unknown>;

/** Values no field accepts (strings are chosen per field: many fields take any string). */
const nonString = fc.oneof(
  fc.constant(-1),
  fc.constant(Number.MAX_VALUE),
  fc.constant(true),
  fc.array(fc.integer(), { minLength: 1, maxLength: 3 }),
  fc.constant({ a: 1 }),
);
const orNull = fc.oneof(nonString, fc.constant(null));
const xString = fc.string({ maxLength: 20 }).map((s) => `x${s}`);

/** Sets a dotted path (`payload.summary`, `alerts.0.labels`) in a copy of `body`. */
function broken(body: Body, path: string, value: unknown): Body {
  const copy = structuredClone(body);
  const parts = path.split('.');
  let at: Record<string, unknown> = copy;
  for (const p of parts.slice(0, -1)) {
    const next = at[p];
    // The parent was broken already: the body stays broken there.
    if (typeof next !== 'object' || next === null) return copy;
    at = next as Record<string, unknown>;
  }
  at[parts.at(-1) as string] = value;
  return copy;
}

const pdValid = (): Body => ({
  routing_key: keys.pagerduty,
  event_action: 'trigger',
  dedup_key: 'fuzz',
  payload: { summary: 's', source: 'src', severity: 'info', timestamp: '2026-11-22T12:00:00Z' },
  links: [{ href: 'https://x.example' }],
});
const pdBroken: [string, fc.Arbitrary<unknown>][] = [
  ['routing_key', fc.oneof(orNull, xString, fc.constant('0123456789abcdef0123456789abcdef'))],
  ['event_action', fc.oneof(orNull, xString)],
  ['dedup_key', fc.oneof(nonString, fc.constant(''), fc.constant('k'.repeat(256)))],
  ['payload', fc.oneof(orNull, xString)],
  ['payload.summary', fc.oneof(orNull, fc.constant(''), fc.constant('   '), fc.constant('s'.repeat(1025)))],
  ['payload.source', fc.oneof(orNull, fc.constant(''))],
  ['payload.severity', fc.oneof(orNull, xString)],
  ['payload.timestamp', fc.oneof(nonString, xString)],
  ['links', fc.oneof(fc.constant(-1), fc.constant('x'), fc.constant({}), fc.constant([{ text: 'no href' }]))],
];

const amValid = (): Body => ({
  version: '4',
  groupKey: 'g',
  status: 'firing',
  receiver: 'nines',
  groupLabels: {},
  commonLabels: {},
  commonAnnotations: {},
  externalURL: 'http://am',
  alerts: [
    {
      status: 'firing',
      labels: { alertname: 'A' },
      annotations: {},
      startsAt: '2026-11-22T12:00:00Z',
      endsAt: '0001-01-01T00:00:00Z',
      fingerprint: 'f',
    },
  ],
});
const amBroken: [string, fc.Arbitrary<unknown>][] = [
  ['version', fc.oneof(orNull, xString, fc.constant(4))],
  ['groupKey', orNull],
  ['status', fc.oneof(orNull, xString)],
  ['alerts', fc.oneof(fc.constant(null), fc.constant(-1), fc.constant({ a: 1 }), fc.constant([1]))],
  ['groupLabels', fc.oneof(fc.constant(-1), fc.constant([1]), fc.constant({ a: 1 }))],
  ['alerts.0.status', fc.oneof(orNull, xString)],
  ['alerts.0.labels', fc.oneof(orNull, fc.constant({ a: 1 }))],
  ['alerts.0.startsAt', fc.oneof(orNull, xString)],
  ['alerts.0.endsAt', fc.oneof(nonString, xString)],
  ['alerts.0.fingerprint', fc.oneof(orNull, fc.constant(''))],
];

const splunkValid = (): Body => ({ message_type: 'CRITICAL', entity_id: 'e', timestamp: 1_795_348_800 });
const splunkBroken: [string, fc.Arbitrary<unknown>][] = [
  ['message_type', fc.oneof(orNull, fc.constant('C'.repeat(1025)))],
  ['entity_id', fc.oneof(nonString, fc.constant(''), fc.constant('e'.repeat(513)))],
  ['timestamp', fc.oneof(fc.constant(-1), fc.constant(Number.MAX_VALUE), fc.constant(true), xString)],
  ['state_message', fc.oneof(nonString, fc.constant('m'.repeat(20_481)))],
  ['hostname', nonString],
];

function malformed(valid: () => Body, fields: [string, fc.Arbitrary<unknown>][]) {
  const one = fc.oneof(
    ...fields.map(([path, value]) => value.map((v) => JSON.stringify(broken(valid(), path, v)))),
  );
  return fc.oneof(
    one,
    // Two broken fields at once.
    fc
      .tuple(fc.constantFrom(...fields), fc.constantFrom(...fields), fc.nat())
      .chain(([[p1, v1], [p2, v2]]) =>
        fc.tuple(v1, v2).map(([a, b]) => JSON.stringify(broken(broken(valid(), p2, b), p1, a))),
      ),
    // Any JSON document, any text, truncated valid JSON.
    fc.json({ maxDepth: 4 }),
    fc.string({ maxLength: 200 }),
    fc.integer({ min: 0, max: 60 }).map((cut) => JSON.stringify(valid()).slice(0, cut)),
  );
}

describe('fuzzing the intake endpoints', () => {
  const cases = [
    ['POST /v2/enqueue', () => '/v2/enqueue', pdValid, pdBroken],
    [
      'POST /v2/change/enqueue',
      () => '/v2/change/enqueue',
      pdValid,
      pdBroken.filter(([p]) =>
        ['routing_key', 'payload', 'payload.summary', 'payload.timestamp', 'links'].includes(p),
      ),
    ],
    [
      'POST /integrations/alertmanager/{key}',
      () => `/integrations/alertmanager/${keys.alertmanager}`,
      amValid,
      amBroken,
    ],
    [
      'POST /integrations/splunk/{key}/{routing_key}',
      () => `/integrations/splunk/${keys.splunk}/team`,
      splunkValid,
      splunkBroken,
    ],
  ] as const;

  it.each(cases)(
    '%s answers malformed bodies with a 4xx, never a 5xx, and stores nothing',
    async (_name, url, valid, fields) => {
      const before = await stored();
      const statuses = new Set<number>();
      await fc.assert(
        fc.asyncProperty(
          malformed(valid, [...fields]),
          fc.constantFrom('application/json', 'text/plain'),
          async (payload, type) => {
            const res = await nines.app.inject({
              method: 'POST',
              url: url(),
              headers: { 'content-type': type },
              payload,
            });
            statuses.add(res.statusCode);
            expect(res.statusCode, payload.slice(0, 300)).toBeGreaterThanOrEqual(400);
            expect(res.statusCode, payload.slice(0, 300)).toBeLessThan(500);
          },
        ),
        { numRuns: 1_500 },
      );
      expect(await stored()).toBe(before);
      expect([...statuses].every((s) => s === 400 || s === 404 || s === 413)).toBe(true);
    },
    120_000,
  );
});
