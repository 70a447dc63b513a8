import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IntakeAlertBody } from '../src/http/intake-schemas.js';
import { startAlertmanager, type TestAlertmanager } from './support/alertmanager.js';
import { startTestNines, type TestNines } from './support/nines.js';

/**
 * A real Alertmanager (Debian's prometheus-alertmanager) on loopback notifies a
 * real nines over HTTP, through both ways the README documents: the webhook
 * (`/integrations/alertmanager/<key>`) and the PagerDuty notifier (`/v2/enqueue`),
 * from one receiver. Tests push alerts into Alertmanager's API and watch what
 * nines stored. Alertmanager and nines are shared by the file: give each test its
 * own alertname, so it has its own group and its own alerts.
 */

const SERVICE = 'search';
/** Alertmanager flushes a group this often; every wait below is a few of these. */
const GROUP_INTERVAL_MS = 1_000;

let nines: TestNines;
let am: TestAlertmanager;
let ninesUrl: string;
let keys: { alertmanager: string; pagerduty: string };

beforeAll(async () => {
  nines = await startTestNines({ now: Date.now() });
  // Alertmanager stamps alerts with the real time, so nines keeps the real time too
  // (clock.set does nothing here).
  Object.defineProperty(nines.clock, 'now', { get: () => Date.now(), set: () => {}, configurable: true });
  await nines.app.listen({ host: '127.0.0.1', port: 0 });
  ninesUrl = `http://127.0.0.1:${(nines.app.server.address() as AddressInfo).port}`;
  const create = (type: 'alertmanager' | 'pagerduty') =>
    nines.intake.integrations.create({ name: `am-${type}`, service: SERVICE, type }, nines.clock.now);
  keys = { alertmanager: (await create('alertmanager')).key, pagerduty: (await create('pagerduty')).key };
  am = await startAlertmanager({
    config: {
      // What an alert posted without endsAt lasts; far longer than the test.
      global: { resolve_timeout: '5m' },
      route: {
        receiver: 'nines',
        group_by: ['alertname'],
        group_wait: '1s',
        group_interval: `${GROUP_INTERVAL_MS / 1000}s`,
        repeat_interval: '1h',
      },
      receivers: [
        {
          name: 'nines',
          webhook_configs: [
            { url: `${ninesUrl}/integrations/alertmanager/${keys.alertmanager}`, send_resolved: true },
          ],
          pagerduty_configs: [
            { routing_key: keys.pagerduty, url: `${ninesUrl}/v2/enqueue`, send_resolved: true },
          ],
        },
      ],
    },
  });
});

afterAll(async () => {
  await am?.stop();
  await nines?.cleanup();
});

// ---- helpers ---------------------------------------------------------------

interface TestAlert {
  readonly labels: Record<string, string>;
  readonly annotations?: Record<string, string>;
  readonly startsAt: string;
  readonly endsAt?: string;
}

/** Pushes alerts into Alertmanager as Prometheus would (API v2). */
async function postAlerts(alerts: readonly TestAlert[]): Promise<void> {
  const res = await fetch(`${am.url}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(alerts),
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

/** The same alerts, resolved a moment ago. */
const resolved = (alerts: readonly TestAlert[]): TestAlert[] =>
  alerts.map((a) => ({ ...a, endsAt: new Date(Date.now() - 1_000).toISOString() }));

/**
 * Polls `probe` until it returns something other than undefined (or false), then
 * returns that. On timeout fails with `what`, the last value seen and Alertmanager's log.
 */
async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    last = value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})\n${am.log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What nines stored for the service, newest first (GET /api/v1/alerts/intake, viewer token). */
async function intakeAlerts(): Promise<IntakeAlertBody[]> {
  const res = await fetch(`${ninesUrl}/api/v1/alerts/intake?service=${SERVICE}&limit=1000`, {
    headers: nines.auth.viewer,
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { alerts: IntakeAlertBody[] }).alerts;
}

/** One alertname's alerts in nines: the webhook's (one per fingerprint) and the PagerDuty notifier's (one per group). */
async function alertsOf(alertname: string) {
  const all = await intakeAlerts();
  const groupKey = groupKeyOf(alertname);
  return {
    webhook: all.filter((a) => a.integration.type === 'alertmanager' && a.labels.alertname === alertname),
    pagerduty: all.filter((a) => a.integration.type === 'pagerduty' && a.dedupKey === pagerDutyKey(groupKey)),
  };
}

/** Incidents on the service, newest first (merged ones included, so a stray one shows). */
async function incidents(): Promise<
  { number: number; status: string; alerts: number; openAlerts: number }[]
> {
  const res = await fetch(`${ninesUrl}/api/v1/incidents?service=${SERVICE}&merged=true`, {
    headers: nines.auth.viewer,
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { incidents: [] }).incidents;
}

/** Alertmanager's group key for the root route grouping by alertname. */
const groupKeyOf = (alertname: string) => `{}:{alertname=${JSON.stringify(alertname)}}`;
/** What Alertmanager's PagerDuty notifier sends as dedup_key: SHA-256 of the group key, in hex. */
const pagerDutyKey = (groupKey: string) => createHash('sha256').update(groupKey).digest('hex');

/** Alertmanager's fingerprint of each active alert of `alertname`, by its `instance` label. */
async function fingerprints(alertname: string): Promise<Map<string, string>> {
  const res = await fetch(`${am.url}/api/v2/alerts?filter=${encodeURIComponent(`alertname="${alertname}"`)}`);
  expect(res.status).toBe(200);
  const alerts = (await res.json()) as { fingerprint: string; labels: Record<string, string> }[];
  return new Map(alerts.map((a) => [a.labels.instance ?? '', a.fingerprint]));
}

/**
 * Notifications Alertmanager sent through `integration` that did not fail, from
 * its /metrics. Counted when a send starts: wait on nines for what it stored.
 */
async function delivered(integration: 'webhook' | 'pagerduty'): Promise<number> {
  const text = await (await fetch(`${am.url}/metrics`)).text();
  const sum = (metric: string) =>
    text
      .split('\n')
      .filter((l) => l.startsWith(`${metric}{`) && l.includes(`integration="${integration}"`))
      .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
  return sum('alertmanager_notifications_total') - sum('alertmanager_notifications_failed_total');
}

// ---- tests -----------------------------------------------------------------

describe('a real Alertmanager notifying nines', () => {
  it('makes one incident per group from both receivers, changes nothing on repeats, and resolves with the group', async () => {
    const alertname = 'NinesCheckoutErrors';
    const startsAt = new Date(Date.now() - 60_000).toISOString();
    const alert = (instance: string): TestAlert => ({
      labels: { alertname, service: SERVICE, instance, severity: 'critical' },
      annotations: { summary: `checkout errors on ${instance}` },
      startsAt,
    });
    const firing = [alert('web-1'), alert('web-2')];
    const groupKey = groupKeyOf(alertname);

    // Firing: both alerts fall into one group, notified once through each integration.
    await postAlerts(firing);
    const fps = await waitFor('Alertmanager to hold both alerts', async () => {
      const m = await fingerprints(alertname);
      return m.size === 2 && m;
    });
    const opened = await waitFor('nines to show 2 webhook alerts and 1 PagerDuty alert', async () => {
      const a = await alertsOf(alertname);
      return a.webhook.length >= 2 && a.pagerduty.length >= 1 && a;
    });
    expect(opened.webhook.map((a) => a.dedupKey).sort()).toEqual([...fps.values()].sort());
    for (const a of opened.webhook) {
      expect(a).toMatchObject({
        service: SERVICE,
        status: 'triggered',
        severity: 'critical',
        source: a.labels.instance,
        summary: `checkout errors on ${a.labels.instance}`,
        startedAt: startsAt,
        resolvedAt: null,
        events: 1,
        integration: { type: 'alertmanager', name: 'am-alertmanager' },
      });
      expect(a.dedupKey).toBe(fps.get(a.labels.instance ?? ''));
      expect(a.details).toMatchObject({ groupKey, groupLabels: { alertname }, receiver: 'nines' });
    }
    expect(opened.pagerduty).toHaveLength(1);
    expect(opened.pagerduty[0]).toMatchObject({
      service: SERVICE,
      status: 'triggered',
      dedupKey: pagerDutyKey(groupKey),
      events: 1,
      integration: { type: 'pagerduty', name: 'am-pagerduty' },
    });
    const ids = new Set([...opened.webhook, ...opened.pagerduty].map((a) => a.id));
    expect((await intakeAlerts()).map((a) => a.id).sort()).toEqual([...ids].sort());
    // One incident for the group: every alert of both integrations is on the same service.
    const [incident] = await waitFor('one incident with the three alerts', async () => {
      const list = await incidents();
      return list.length === 1 && list[0]?.alerts === 3 && list;
    });
    expect(incident).toMatchObject({ status: 'triggered', alerts: 3, openAlerts: 3 });
    expect(new Set((await intakeAlerts()).map((a) => a.incident))).toEqual(new Set([incident?.number]));

    // The same alerts again: Alertmanager merges them and, nothing having changed,
    // sends nothing new in the next group intervals; nines shows the same alerts.
    const sent = { webhook: await delivered('webhook'), pagerduty: await delivered('pagerduty') };
    expect(sent).toEqual({ webhook: 1, pagerduty: 1 });
    await postAlerts(firing);
    await sleep(2.5 * GROUP_INTERVAL_MS);
    expect(await alertsOf(alertname)).toEqual(opened);
    expect({ webhook: await delivered('webhook'), pagerduty: await delivered('pagerduty') }).toEqual(sent);

    // A real repeat: web-1 resolves, so Alertmanager notifies the group again. The
    // webhook repeats web-2 firing (the same delivery as before), the PagerDuty
    // notifier repeats its trigger (the group still fires). Nothing new opens.
    await postAlerts(resolved([alert('web-1')]));
    const repeated = await waitFor('nines to resolve web-1 and take the repeated trigger', async () => {
      const a = await alertsOf(alertname);
      const web1 = a.webhook.find((x) => x.labels.instance === 'web-1');
      return web1?.status === 'resolved' && (a.pagerduty[0]?.events ?? 0) >= 2 && a;
    });
    expect({ webhook: await delivered('webhook'), pagerduty: await delivered('pagerduty') }).toEqual({
      webhook: 2,
      pagerduty: 2,
    });
    expect(repeated.webhook).toHaveLength(2);
    expect(repeated.pagerduty).toHaveLength(1);
    expect(repeated.webhook.find((x) => x.labels.instance === 'web-2')).toMatchObject({
      status: 'triggered',
      events: 1, // the repeated delivery changed nothing
    });
    expect(repeated.pagerduty[0]).toMatchObject({ status: 'triggered', events: 2 });
    expect(new Set((await intakeAlerts()).map((a) => a.id))).toEqual(ids);
    // The repeats changed no incident: still one, web-1 resolved in it.
    expect(
      await waitFor('the incident to count web-1 resolved', async () => {
        const list = await incidents();
        return list[0]?.openAlerts === 2 && list;
      }),
    ).toMatchObject([{ number: incident?.number, status: 'triggered', alerts: 3, openAlerts: 2 }]);

    // Resolved: both alerts end, Alertmanager sends the resolved group through both.
    await postAlerts(resolved(firing));
    const closed = await waitFor('nines to show every alert resolved', async () => {
      const a = await alertsOf(alertname);
      return [...a.webhook, ...a.pagerduty].every((x) => x.status === 'resolved') && a;
    });
    expect(closed.webhook).toHaveLength(2);
    expect(closed.pagerduty).toHaveLength(1);
    for (const a of closed.webhook) expect(a).toMatchObject({ events: 2, resolvedAt: expect.any(String) });
    expect(closed.pagerduty[0]).toMatchObject({ events: 3, resolvedAt: expect.any(String) });
    expect(new Set((await intakeAlerts()).map((a) => a.id))).toEqual(ids);
    // Alertmanager resolved the group, so the incident resolved itself; still the only one.
    const done = await waitFor('the incident to resolve', async () => {
      const list = await incidents();
      return list[0]?.status === 'resolved' && list;
    });
    expect(done).toMatchObject([{ number: incident?.number, status: 'resolved', alerts: 3, openAlerts: 0 }]);
    const timeline = (await (
      await fetch(`${ninesUrl}/api/v1/incidents/${incident?.number}/timeline`, { headers: nines.auth.viewer })
    ).json()) as { timeline: unknown[] };
    expect(timeline.timeline.at(-1)).toMatchObject({
      type: 'resolved',
      message: 'Resolved: every alert in it has resolved',
    });
  });
});
