import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestNines, type TestNines } from './support/nines.js';

/*
 * The incident, change and maintenance-window routes take arbitrary and
 * near-valid bodies: every one is a 4xx, never a 5xx, and changes nothing.
 */

let nines: TestNines;
let incident: number;
let actionItem: string;

beforeAll(async () => {
  nines = await startTestNines();
  const { key } = await nines.intake.integrations.create(
    { name: 'f', service: 'search', type: 'pagerduty' },
    0,
  );
  await nines.app.inject({
    method: 'POST',
    url: '/v2/enqueue',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({
      routing_key: key,
      event_action: 'trigger',
      payload: { summary: 's', source: 'x', severity: 'error' },
    }),
  });
  await nines.grouping.run();
  incident = (await nines.incidents.list({ limit: 1 }))[0]?.number as number;
  actionItem = (
    await nines.incidents.addActionItem(incident, { title: 't', owner: null, dueDate: null }, 'f')
  ).id;
});
afterAll(async () => {
  await nines.cleanup();
});

/** Everything the routes below could change, as one fingerprint. */
async function state(): Promise<string> {
  const db = nines.store.db;
  return JSON.stringify([
    await db.selectFrom('incidents').selectAll().execute(),
    await db.selectFrom('incident_timeline').selectAll().execute(),
    await db.selectFrom('action_items').selectAll().execute(),
    await db.selectFrom('intake_changes').selectAll().execute(),
    await db.selectFrom('maintenance_windows').selectAll().execute(),
    await db.selectFrom('gate_results').selectAll().execute(),
  ]);
}

/** Values of another JSON type than `like`, or strings no field takes. */
function junkFor(like: unknown) {
  // null clears nullable fields, so it is valid there; whole-body null is in `bodies`.
  const all = [
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.constantFrom('', '   ', 'x'.repeat(20_000)),
    fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
  ];
  const type = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
  return fc
    .oneof(...all)
    .filter((v) => like === undefined || typeof v === 'string' || type(v) !== type(like));
}

/** A valid body with one field replaced by junk (or an unknown field added), or any JSON that is no object. */
function bodies(valid: Record<string, unknown>) {
  const fields = [...Object.keys(valid), 'unknownField'];
  return fc.oneof(
    fc
      .constantFrom(...fields)
      .chain((field) => junkFor(valid[field]).map((value) => JSON.stringify({ ...valid, [field]: value }))),
    // A JSON null body is no body, which the lifecycle routes take.
    fc.json({ maxDepth: 3 }).filter((j) => !j.startsWith('{') && j !== 'null'),
    fc.string({ maxLength: 40 }),
  );
}

describe('fuzzing the incident routes', () => {
  const cases: [string, 'POST' | 'PATCH', () => string, Record<string, unknown>][] = [
    [
      'PATCH /api/v1/incidents/{n}',
      'PATCH',
      () => `/api/v1/incidents/${incident}`,
      { priority: 'P1', assignee: 'a', severity: 'error' },
    ],
    ['POST …/notes', 'POST', () => `/api/v1/incidents/${incident}/notes`, { text: 'n' }],
    [
      'POST …/status-updates',
      'POST',
      () => `/api/v1/incidents/${incident}/status-updates`,
      { message: 'm', status: 'identified', public: true },
    ],
    [
      'POST …/action-items',
      'POST',
      () => `/api/v1/incidents/${incident}/action-items`,
      { title: 't', owner: 'o', dueDate: '2026-12-01' },
    ],
    [
      'PATCH /api/v1/action-items/{id}',
      'PATCH',
      () => `/api/v1/action-items/${actionItem}`,
      { status: 'done', dueDate: '2026-12-01' },
    ],
    ['POST …/acknowledge', 'POST', () => `/api/v1/incidents/${incident}/acknowledge`, { message: 'm' }],
    [
      'POST /api/v1/changes',
      'POST',
      () => '/api/v1/changes',
      {
        service: 'search',
        version: '1',
        type: 'deploy',
        link: 'https://ci.example/1',
        timestamp: 1_795_000_000_000,
      },
    ],
    [
      'POST /api/v1/gates/evaluate',
      'POST',
      () => '/api/v1/gates/evaluate',
      { service: 'search', stage: 'pre', version: '1.0', fix: false, override: { reason: 'a reason' } },
    ],
    [
      'POST /api/v1/maintenance-windows',
      'POST',
      () => '/api/v1/maintenance-windows',
      { services: ['search'], duration: '1h', reason: 'r' },
    ],
  ];

  it.each(cases)(
    '%s answers malformed bodies with a 4xx and changes nothing',
    async (_name, method, url, valid) => {
      const before = await state();
      await fc.assert(
        fc.asyncProperty(bodies(valid), async (payload) => {
          const res = await nines.app.inject({
            method,
            url: url(),
            headers: { ...nines.auth.responder, 'content-type': 'application/json' },
            payload,
          });
          expect(res.statusCode, payload.slice(0, 200)).toBeGreaterThanOrEqual(400);
          expect(res.statusCode, payload.slice(0, 200)).toBeLessThan(500);
        }),
        { numRuns: 400 },
      );
      expect(await state()).toBe(before);
    },
    60_000,
  );

  it('refuses junk in paths and queries with a 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 30 }), async (s) => {
        const part = encodeURIComponent(s);
        for (const url of [
          `/api/v1/incidents/${part}`,
          `/api/v1/incidents/${part}/timeline`,
          `/api/v1/incidents?status=${part}x`,
          `/api/v1/reports/mttx?from=${part}x`,
          `/api/v1/incidents/${incident}/postmortem?timeZone=${part}x`,
          `/api/v1/gates/${part}`,
          `/api/v1/gates?service=${part}&stage=${part}x&since=${part}x`,
        ]) {
          const res = await nines.app.inject({ url, headers: nines.auth.viewer });
          expect(res.statusCode, url).toBeLessThan(500);
        }
      }),
      { numRuns: 200 },
    );
  });
});
