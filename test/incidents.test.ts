import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestNines, type TestNines } from './support/nines.js';

let nines: TestNines;
const keys = new Map<string, string>();
const START = Date.UTC(2026, 10, 22, 12, 0, 30);

beforeAll(async () => {
  nines = await startTestNines({ now: START });
  for (const service of [
    'search',
    'top10',
    'product-catalog',
    'order',
    'payment',
    'payment-gateway',
    'shipping',
  ])
    keys.set(
      service,
      (await nines.intake.integrations.create({ name: `pd-${service}`, service, type: 'pagerduty' }, START))
        .key,
    );
});
afterAll(async () => {
  await nines.cleanup();
});

/** Each test starts an hour and a half after the last, so grouping windows never overlap. */
beforeEach(() => {
  nines.clock.set(nines.clock.now + 3 * 3_600_000);
});

async function pd(
  service: string,
  action: 'trigger' | 'acknowledge' | 'resolve',
  dedupKey: string,
  extra = {},
) {
  const res = await nines.app.inject({
    method: 'POST',
    url: '/v2/enqueue',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({
      routing_key: keys.get(service),
      event_action: action,
      dedup_key: dedupKey,
      ...(action === 'trigger' && {
        payload: { summary: `${service}: ${dedupKey}`, source: 'test', severity: 'error', ...extra },
      }),
    }),
  });
  expect(res.statusCode).toBe(202);
  await nines.grouping.run();
}

type Headers = Record<string, string>;
async function api(
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  body?: unknown,
  headers?: Headers,
) {
  return nines.app.inject({
    method,
    url,
    headers: {
      ...(headers ?? (method === 'GET' ? nines.auth.viewer : nines.auth.responder)),
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { payload: JSON.stringify(body) }),
  });
}

async function openIncidents() {
  const res = await api('GET', '/api/v1/incidents?status=open');
  expect(res.statusCode).toBe(200);
  return res.json().incidents as { number: number; [k: string]: unknown }[];
}

async function resolveAll() {
  for (const i of await openIncidents())
    expect((await api('POST', `/api/v1/incidents/${i.number}/resolve`)).statusCode).toBe(200);
}

const later = (ms: number) => nines.clock.set(nines.clock.now + ms);

type TimelineBody = {
  id: string;
  at: string;
  type: string;
  actor: string;
  message: string;
  data: Record<string, unknown>;
};

/** An incident's timeline without paging entries (the paging tests look at those). */
async function timelineOf(url: string) {
  const res = await api('GET', url);
  expect(res.statusCode).toBe(200);
  const timeline: TimelineBody[] = res.json().timeline;
  return timeline.filter((e) => e.type !== 'notification');
}

describe('grouping on the web shop', () => {
  beforeEach(resolveAll);

  it('a payment-gateway failure is one incident naming the gateway, with the pay and order journeys at risk', async () => {
    await pd('order', 'trigger', 'order-errors');
    later(30_000);
    await pd('payment', 'trigger', 'payment-errors');
    later(30_000);
    await pd('payment-gateway', 'trigger', 'psp-errors');
    const open = await openIncidents();
    expect(open).toHaveLength(1);
    const incident = open[0] as { number: number };
    const detail = (await api('GET', `/api/v1/incidents/${incident.number}`)).json();
    expect(detail).toMatchObject({
      status: 'triggered',
      subject: { kind: 'service', name: 'order' },
      suspectedCause: { service: 'payment-gateway', chain: ['order', 'payment-gateway'] },
      services: ['order', 'payment', 'payment-gateway'],
      alerts: 3,
      openAlerts: 3,
    });
    const journeys = detail.impact.journeys.map((j: { name: string; critical: boolean }) => [
      j.name,
      j.critical,
    ]);
    expect(journeys).toEqual(
      expect.arrayContaining([
        ['order', true],
        ['pay', true],
      ]),
    );
    expect(journeys.map((j: [string]) => j[0])).not.toContain('search');
    expect(detail.impact.valueStreams).toEqual([{ name: 'online-orders', displayName: 'Online orders' }]);
    const timeline = await timelineOf(`/api/v1/incidents/${incident.number}/timeline`);
    expect(timeline.map((e: { type: string }) => e.type)).toEqual(['opened', 'alert', 'alert', 'cause']);
    expect(timeline[1]?.message).toContain('payment → order');
    expect(timeline[3]).toMatchObject({
      type: 'cause',
      message: 'payment-gateway is the suspected cause: order → payment-gateway',
      data: { previous: 'order', cause: 'payment-gateway', chain: ['order', 'payment-gateway'] },
    });
  });

  it('gives the same one incident when the gateway alerts first', async () => {
    await pd('payment-gateway', 'trigger', 'psp-errors');
    later(10_000);
    await pd('payment', 'trigger', 'payment-errors');
    await pd('order', 'trigger', 'order-errors');
    const open = await openIncidents();
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({
      subject: { name: 'payment-gateway' },
      suspectedCause: { service: 'payment-gateway', chain: ['payment-gateway'] },
      alerts: 3,
    });
    const timeline = await timelineOf(`/api/v1/incidents/${open[0]?.number}/timeline`);
    expect(timeline[1]?.message).toContain('payment → payment-gateway');
  });

  it('merges incidents of services that share a failing dependency into the oldest, naming the dependency', async () => {
    await pd('search', 'trigger', 'search-slow');
    await pd('top10', 'trigger', 'top10-errors');
    expect(await openIncidents()).toHaveLength(2);
    const [second, first] = await openIncidents();
    await pd('product-catalog', 'trigger', 'catalog-down');
    const open = await openIncidents();
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({
      number: first?.number,
      suspectedCause: { service: 'product-catalog', chain: ['search', 'product-catalog'] },
      services: ['search', 'top10', 'product-catalog'],
      alerts: 3,
    });
    const merged = (await api('GET', `/api/v1/incidents/${second?.number}`)).json();
    expect(merged).toMatchObject({ status: 'resolved', mergedInto: first?.number });
    const types = (await timelineOf(`/api/v1/incidents/${first?.number}/timeline`)).map(
      (e: { type: string }) => e.type,
    );
    expect(types).toContain('merged');
    expect((await api('POST', `/api/v1/incidents/${second?.number}/reopen`)).json().error.code).toBe(
      'CONFLICT',
    );
  });

  it('keeps unrelated services apart and opens a new incident after the grouping window', async () => {
    await pd('shipping', 'trigger', 'shipping-1');
    await pd('search', 'trigger', 'search-1');
    expect(await openIncidents()).toHaveLength(2);
    later(61 * 60_000);
    await pd('shipping', 'trigger', 'shipping-2');
    expect(await openIncidents()).toHaveLength(3);
    later(60_000);
    await pd('shipping', 'trigger', 'shipping-3');
    expect(await openIncidents()).toHaveLength(3);
  });

  it('a repeated trigger adds to the open alert, not to the incident', async () => {
    await pd('shipping', 'trigger', 'same');
    await pd('shipping', 'trigger', 'same');
    const [incident] = await openIncidents();
    expect(incident).toMatchObject({ alerts: 1 });
  });
});

describe('lifecycle', () => {
  beforeEach(resolveAll);

  it('acknowledges, rejects impossible moves with 409, resolves with its alerts, and reopens', async () => {
    await pd('shipping', 'trigger', 'lifecycle');
    const [incident] = await openIncidents();
    const url = `/api/v1/incidents/${incident?.number}`;
    expect((await api('POST', `${url}/acknowledge`, {}, nines.auth.viewer)).statusCode).toBe(403);
    const acked = await api('POST', `${url}/acknowledge`, { message: 'looking' });
    expect(acked.statusCode).toBe(200);
    expect(acked.json()).toMatchObject({
      status: 'acknowledged',
      acknowledgedAt: new Date(nines.clock.now).toISOString(),
    });
    const again = await api('POST', `${url}/acknowledge`);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toEqual({
      error: {
        code: 'CONFLICT',
        message: `incident #${incident?.number} is acknowledged and cannot be acknowledged`,
      },
    });
    expect((await api('POST', `${url}/reopen`)).statusCode).toBe(409);
    later(5 * 60_000);
    expect((await api('POST', `${url}/resolve`)).json()).toMatchObject({ status: 'resolved', openAlerts: 0 });
    expect((await api('POST', `${url}/resolve`)).statusCode).toBe(409);
    expect((await api('POST', `${url}/acknowledge`)).statusCode).toBe(409);
    // The alert was resolved with it: the same dedup key opens a new alert and a new incident.
    await pd('shipping', 'trigger', 'lifecycle');
    const open = await openIncidents();
    expect(open).toHaveLength(1);
    expect(open[0]?.number).not.toBe(incident?.number);
    expect((await api('POST', `${url}/reopen`)).json()).toMatchObject({
      status: 'triggered',
      resolvedAt: null,
    });
    const timeline = await timelineOf(`${url}/timeline`);
    expect(timeline.map((e: { type: string }) => e.type)).toEqual([
      'opened',
      'acknowledged',
      'resolved',
      'alert',
      'reopened',
    ]);
    expect(timeline[1]).toMatchObject({
      actor: 'test-responder',
      message: 'Acknowledged by test-responder: looking',
    });
    const ats = timeline.map((e: { at: string }) => e.at);
    expect([...ats].sort()).toEqual(ats);
  });

  it('resolves itself when every alert resolves, and is acknowledged through its alert', async () => {
    await pd('shipping', 'trigger', 'a');
    await pd('shipping', 'trigger', 'b');
    const [incident] = await openIncidents();
    await pd('shipping', 'acknowledge', 'a');
    expect((await api('GET', `/api/v1/incidents/${incident?.number}`)).json()).toMatchObject({
      status: 'acknowledged',
    });
    await pd('shipping', 'resolve', 'a');
    expect((await api('GET', `/api/v1/incidents/${incident?.number}`)).json()).toMatchObject({
      status: 'acknowledged',
      openAlerts: 1,
    });
    await pd('shipping', 'resolve', 'b');
    const done = (await api('GET', `/api/v1/incidents/${incident?.number}`)).json();
    expect(done).toMatchObject({ status: 'resolved', openAlerts: 0, alerts: 2 });
    const last = (await timelineOf(`/api/v1/incidents/${incident?.number}/timeline`)).at(-1);
    expect(last).toMatchObject({
      type: 'resolved',
      actor: 'nines',
      message: 'Resolved: every alert in it has resolved',
    });
  });

  it('changes severity, priority, assignee and roles, takes notes and status updates, each on the timeline', async () => {
    await pd('shipping', 'trigger', 'fields', { severity: 'warning' });
    const [incident] = await openIncidents();
    const url = `/api/v1/incidents/${incident?.number}`;
    const patched = await api('PATCH', url, {
      severity: 'critical',
      priority: 'P1',
      assignee: 'ada',
      roles: { commander: 'grace', scribe: 'linus' },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({
      severity: 'critical',
      priority: 'P1',
      assignee: 'ada',
      roles: { commander: 'grace', scribe: 'linus' },
    });
    expect((await api('PATCH', url, { roles: { scribe: null } })).json().roles).toEqual({
      commander: 'grace',
    });
    expect((await api('PATCH', url, { priority: 'P9' })).json().error.details[0].field).toBe('priority');
    expect((await api('PATCH', url, {})).statusCode).toBe(400);
    expect((await api('POST', `${url}/notes`, { text: 'restarted the pods' })).statusCode).toBe(201);
    const update = await api('POST', `${url}/status-updates`, {
      message: 'Payments fail for some customers',
      status: 'identified',
      public: true,
    });
    expect(update.json()).toMatchObject({
      type: 'status-update',
      data: { status: 'identified', public: true },
    });
    const types = (await timelineOf(`${url}/timeline`)).map((e: { type: string }) => e.type);
    expect(types).toEqual([
      'opened',
      'severity',
      'priority',
      'assigned',
      'role',
      'role',
      'role',
      'note',
      'status-update',
    ]);
    expect((await api('GET', '/api/v1/incidents/99999')).statusCode).toBe(404);
    expect((await api('GET', '/api/v1/incidents/abc')).statusCode).toBe(400);
  });
});

describe('maintenance windows', () => {
  beforeEach(resolveAll);

  it('records alerts on a service in maintenance but opens no incident', async () => {
    const created = await api('POST', '/api/v1/maintenance-windows', {
      services: ['shipping'],
      duration: '1h',
      reason: 'db upgrade',
    });
    expect(created.statusCode).toBe(201);
    await pd('shipping', 'trigger', 'during-maintenance');
    expect(await openIncidents()).toHaveLength(0);
    const alerts = (await api('GET', '/api/v1/alerts/intake?service=shipping&status=open')).json().alerts;
    expect(alerts[0]).toMatchObject({
      dedupKey: 'during-maintenance',
      incident: null,
      suppressedBy: created.json().id,
    });
    // Other services are not in maintenance.
    await pd('search', 'trigger', 'not-in-maintenance');
    expect(await openIncidents()).toHaveLength(1);
    expect((await api('DELETE', `/api/v1/maintenance-windows/${created.json().id}`)).statusCode).toBe(204);
    // The alert it held back is still open: it opens an incident now.
    await nines.grouping.run();
    const held = (await api('GET', '/api/v1/alerts/intake?service=shipping&status=open')).json().alerts;
    expect(held[0]).toMatchObject({ dedupKey: 'during-maintenance', incident: expect.any(Number) });
    await pd('shipping', 'trigger', 'after-maintenance');
    expect(await openIncidents()).toHaveLength(2);
    expect(
      (await api('POST', '/api/v1/maintenance-windows', { services: ['nope'], duration: '1h' })).json().error
        .details[0],
    ).toMatchObject({
      field: 'services.0',
    });
  });
});

describe('changes', () => {
  beforeEach(resolveAll);

  it('lists the changes on the incident’s services before it started, newest first', async () => {
    const now = nines.clock.now;
    const record = (body: Record<string, unknown>) => api('POST', '/api/v1/changes', body);
    const psp = {
      service: 'payment-gateway',
      version: 'psp-config-7',
      type: 'config',
      timestamp: now - 3_600_000,
      id: 'run-1',
    };
    const first = await record(psp);
    expect(first.statusCode).toBe(201);
    const again = await record(psp);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ id: first.json().id, duplicate: true });
    // The same run id on another service is another change (one run, two deploys).
    expect((await record({ ...psp, service: 'shipping' })).statusCode).toBe(201);
    await record({
      service: 'order',
      version: '1.4.2',
      author: 'ada',
      link: 'https://ci.example/runs/42',
      timestamp: now - 600_000,
    });
    await record({ service: 'order', version: '1.4.1', timestamp: now - 7 * 3_600_000 });
    await record({ service: 'search', version: '9.9.9', timestamp: now - 60_000 });
    const bad = await record({ service: 'nope', version: '1' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0]).toMatchObject({
      field: 'service',
      message: "no service named 'nope' in the catalog",
    });
    // A PagerDuty change event counts too.
    const pdChange = await nines.app.inject({
      method: 'POST',
      url: '/v2/change/enqueue',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({
        routing_key: keys.get('payment'),
        payload: { summary: 'flag new-checkout on', timestamp: new Date(now - 120_000).toISOString() },
      }),
    });
    expect(pdChange.statusCode).toBe(202);
    await pd('order', 'trigger', 'order-errors');
    await pd('payment-gateway', 'trigger', 'psp-errors');
    const [incident] = await openIncidents();
    const detail = (await api('GET', `/api/v1/incidents/${incident?.number}`)).json();
    expect(detail.changes.map((c: { summary: string }) => c.summary)).toEqual([
      'deploy order 1.4.2',
      'config payment-gateway psp-config-7',
    ]);
    expect(detail.changes[0]).toMatchObject({
      author: 'ada',
      version: '1.4.2',
      type: 'deploy',
      links: [{ href: 'https://ci.example/runs/42' }],
    });
    const wider = (await api('GET', `/api/v1/incidents/${incident?.number}?changesHours=8`)).json();
    expect(wider.changes.map((c: { version: string | null }) => c.version)).toEqual([
      '1.4.2',
      'psp-config-7',
      '1.4.1',
    ]);
  });
});

describe('learning', () => {
  it('drafts a postmortem, tracks action items and reports MTTA, MTTR and MTBF', async () => {
    await resolveAll();
    const from = nines.clock.now;
    await pd('payment-gateway', 'trigger', 'psp-down', { severity: 'critical' });
    await pd('payment', 'trigger', 'payment-errors');
    const [incident] = await openIncidents();
    const url = `/api/v1/incidents/${incident?.number}`;
    later(4 * 60_000);
    await api('POST', `${url}/acknowledge`);
    later(20 * 60_000);
    await api('POST', `${url}/resolve`);
    const item = await api('POST', `${url}/action-items`, {
      title: 'Fail over to the second PSP automatically',
      owner: 'payments',
      dueDate: '2026-12-15',
    });
    expect(item.statusCode).toBe(201);
    expect((await api('POST', `${url}/action-items`, { title: 'x', dueDate: '2026-02-30' })).statusCode).toBe(
      400,
    );
    const done = await api('PATCH', `/api/v1/action-items/${item.json().id}`, { status: 'done' });
    expect(done.json()).toMatchObject({ status: 'done', owner: 'payments', dueDate: '2026-12-15' });
    const { markdown } = (await api('GET', `${url}/postmortem`)).json();
    for (const heading of [
      '## Summary',
      '## Customer and business impact',
      '## Timeline',
      '## Changes before the incident',
      '## Contributing factors',
      '## Action items',
    ])
      expect(markdown).toContain(heading);
    expect(markdown).toContain('payment-gateway');
    expect(markdown).toContain('Fail over to the second PSP automatically');
    const report = (await api('GET', `/api/v1/reports/mttx?from=${from}&to=${nines.clock.now + 1}`)).json();
    expect(report.overall).toMatchObject({
      incidents: 1,
      mttaSeconds: 240,
      mttrSeconds: 1440,
      bySeverity: { critical: 1 },
    });
    const gateway = report.services.find((s: { name: string }) => s.name === 'payment-gateway');
    expect(gateway).toMatchObject({ incidents: 1, mttrSeconds: 1440 });
    expect(report.journeys.map((j: { name: string }) => j.name)).toEqual(
      expect.arrayContaining(['pay', 'order']),
    );
    expect(report.valueStreams.map((v: { name: string }) => v.name)).toEqual(['online-orders']);
  });
});

describe("nines' own SLO alerts", () => {
  beforeEach(resolveAll);

  it('open an incident on the journey, which the failing gateway then explains', async () => {
    const at = new Date(nines.clock.now - 30_000).toISOString();
    const pushed = await api('POST', '/api/v1/sli/events', [
      { sli: 'payment-succeeded', timestamp: at, good: 500, total: 1_000 },
    ]);
    expect(pushed.statusCode).toBe(202);
    const tick = await nines.evaluate();
    expect(tick.transitions).toContainEqual(
      expect.objectContaining({ slo: 'payment-success', kind: 'page', type: 'fired' }),
    );
    await nines.grouping.run();
    const [incident] = await openIncidents();
    expect(incident).toMatchObject({
      subject: { kind: 'journey', name: 'pay' },
      suspectedCause: null,
      journeys: ['pay'],
      severity: 'critical',
    });
    const alerts = (await api('GET', '/api/v1/alerts/intake?status=open')).json().alerts;
    expect(alerts).toContainEqual(
      expect.objectContaining({
        service: null,
        journey: 'pay',
        dedupKey: 'payment-success/page',
        integration: { id: 'nines', name: 'nines SLO alerts', type: 'nines' },
        incident: incident?.number,
      }),
    );
    // The no-data alerts of the first evaluation (an empty store) were recorded but opened nothing.
    const noData = alerts.filter((a: { dedupKey: string }) => a.dedupKey.endsWith('/no-data'));
    expect(noData.length).toBeGreaterThan(0);
    expect(noData.every((a: { incident: number | null }) => a.incident === null)).toBe(true);
    await pd('payment-gateway', 'trigger', 'psp-errors');
    const open = await openIncidents();
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({
      number: incident?.number,
      suspectedCause: { service: 'payment-gateway', chain: ['pay', 'payment', 'payment-gateway'] },
    });
    const detail = (await api('GET', `/api/v1/incidents/${incident?.number}`)).json();
    // 500 failed payments at 64.5 EUR each while the incident is open.
    expect(detail.impact.revenueAtRisk).toContainEqual(
      expect.objectContaining({
        journey: 'pay',
        currency: 'EUR',
        amount: 500 * 64.5,
        method: 'value-per-success',
      }),
    );
    expect(detail.impact.budgets).toContainEqual(
      expect.objectContaining({ slo: 'payment-success', badEvents: 500 }),
    );
    // Resolved, its figures are fixed: they outlive the minute buckets they came from.
    later(60_000);
    expect((await api('POST', `/api/v1/incidents/${incident?.number}/resolve`)).statusCode).toBe(200);
    await nines.store.db.deleteFrom('sli_buckets').execute();
    const kept = (await api('GET', `/api/v1/incidents/${incident?.number}`)).json();
    expect(kept.impact.revenueAtRisk).toEqual(detail.impact.revenueAtRisk);
    expect(kept.impact.budgets).toEqual(detail.impact.budgets);
  });
});
