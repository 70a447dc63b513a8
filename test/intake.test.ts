import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IntegrationType } from '../src/alerting/types.js';
import { nines as cli } from './helpers.js';
import { startTestNines, type TestNines } from './support/nines.js';

let nines: TestNines;
beforeAll(async () => {
  nines = await startTestNines();
});
afterAll(async () => {
  await nines.cleanup();
});

const create = (type: IntegrationType, service = 'search') =>
  nines.intake.integrations.create({ name: `test-${type}`, service, type }, nines.clock.now);

async function post(url: string, body: unknown, contentType = 'application/json') {
  return nines.app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': contentType },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function alerts(query = '') {
  const res = await nines.app.inject({ url: `/api/v1/alerts/intake${query}`, headers: nines.auth.viewer });
  expect(res.statusCode).toBe(200);
  return res.json().alerts as { dedupKey: string; status: string; events: number; [k: string]: unknown }[];
}

async function rows(table: 'intake_alerts' | 'intake_alert_events' | 'intake_changes') {
  return nines.store.db.selectFrom(table).selectAll().execute();
}

const trigger = (routingKey: string, extra: Record<string, unknown> = {}) => ({
  routing_key: routingKey,
  event_action: 'trigger',
  payload: { summary: 'orders: 14.4x burn over 1h', source: 'nines', severity: 'critical' },
  ...extra,
});

describe('PagerDuty Events API v2', () => {
  let key: string;
  beforeAll(async () => {
    key = (await create('pagerduty')).key;
  });

  it('answers a trigger with PagerDuty’s 202 body, byte for byte, after storing the alert', async () => {
    const res = await post(
      '/v2/enqueue',
      trigger(key, {
        dedup_key: 'orders/slo/page',
        client: 'nines',
        links: [{ href: 'https://example.com/runbook', text: 'runbook' }],
        payload: {
          summary: 'orders: 14.4x burn over 1h',
          source: 'prod-db-1',
          severity: 'critical',
          timestamp: '2015-07-17T08:42:58.315+0000',
          component: 'mysql',
          group: 'prod',
          class: 'disk',
          custom_details: { slo: 'orders-availability', burn_rate: 15.2 },
        },
      }),
    );
    expect(res.statusCode).toBe(202);
    expect(res.body).toBe('{"status":"success","message":"Event processed","dedup_key":"orders/slo/page"}');
    const [alert] = await alerts('?service=search');
    expect(alert).toMatchObject({
      service: 'search',
      dedupKey: 'orders/slo/page',
      status: 'triggered',
      summary: 'orders: 14.4x burn over 1h',
      severity: 'critical',
      source: 'prod-db-1',
      startedAt: '2015-07-17T08:42:58.315Z',
      labels: { component: 'mysql', group: 'prod', class: 'disk' },
      details: { custom_details: { slo: 'orders-availability', burn_rate: 15.2 }, client: 'nines' },
      links: [{ href: 'https://example.com/runbook', text: 'runbook' }],
      integration: { name: 'test-pagerduty', type: 'pagerduty' },
      events: 1,
    });
  });

  it('generates a dedup key for a trigger without one: each such trigger is a new alert', async () => {
    const a = (await post('/v2/enqueue', trigger(key))).json();
    const b = (await post('/v2/enqueue', trigger(key))).json();
    expect(a.dedup_key).toMatch(/^[0-9a-f-]{36}$/);
    expect(b.dedup_key).not.toBe(a.dedup_key);
    const keys = (await alerts()).map((x) => x.dedupKey);
    expect(keys).toContain(a.dedup_key);
    expect(keys).toContain(b.dedup_key);
  });

  it('deduplicates triggers on the open alert, keeps it acknowledged, and opens a new one after resolve', async () => {
    const send = (action: string) =>
      post('/v2/enqueue', { ...trigger(key), event_action: action, dedup_key: 'db/disk' });
    expect((await send('trigger')).statusCode).toBe(202);
    expect((await send('trigger')).statusCode).toBe(202);
    let mine = (await alerts()).filter((a) => a.dedupKey === 'db/disk');
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ status: 'triggered', events: 2 });
    await send('acknowledge');
    await send('trigger'); // an acknowledged alert stays silent
    mine = (await alerts()).filter((a) => a.dedupKey === 'db/disk');
    expect(mine[0]).toMatchObject({ status: 'acknowledged', events: 4 });
    expect(mine[0]?.acknowledgedAt).not.toBeNull();
    await send('resolve');
    const again = await send('trigger');
    expect(again.json().dedup_key).toBe('db/disk');
    mine = (await alerts()).filter((a) => a.dedupKey === 'db/disk');
    expect(mine.map((a) => a.status)).toEqual(['triggered', 'resolved']);
  });

  it('answers acknowledge and resolve with nothing open with 202 and drops them', async () => {
    const before = (await rows('intake_alerts')).length;
    for (const action of ['acknowledge', 'resolve']) {
      const res = await post('/v2/enqueue', {
        routing_key: key,
        event_action: action,
        dedup_key: 'never-opened',
      });
      expect(res.statusCode).toBe(202);
      expect(res.json()).toEqual({
        status: 'success',
        message: 'Event processed',
        dedup_key: 'never-opened',
      });
    }
    expect((await rows('intake_alerts')).length).toBe(before);
    const history = (await rows('intake_alert_events')).filter((e) => e.dedup_key === 'never-opened');
    expect(history.map((e) => [e.action, e.outcome, e.alert_id])).toEqual([
      ['acknowledge', 'dropped', null],
      ['resolve', 'dropped', null],
    ]);
  });

  it('keeps dedup keys apart per routing key: a resolve on another key does not touch the alert', async () => {
    const other = (await create('pagerduty', 'product-catalog')).key;
    await post('/v2/enqueue', trigger(key, { dedup_key: 'shared' }));
    await post('/v2/enqueue', { routing_key: other, event_action: 'resolve', dedup_key: 'shared' });
    expect((await alerts('?service=search')).find((a) => a.dedupKey === 'shared')?.status).toBe('triggered');
    expect((await alerts('?service=product-catalog')).filter((a) => a.dedupKey === 'shared')).toEqual([]);
  });

  it('answers every problem of a bad event at once in PagerDuty’s 400 body and stores nothing', async () => {
    const before = (await rows('intake_alert_events')).length;
    const res = await post('/v2/enqueue', {
      routing_key: key,
      event_action: 'trigger',
      dedup_key: 'x'.repeat(256),
      payload: { summary: '', severity: 'fatal', timestamp: 'yesterday' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      status: 'invalid event',
      message: 'Event object is invalid',
      errors: [
        "'dedup_key' is longer than 255 characters",
        "'payload.summary' is missing or blank",
        "'payload.source' is missing",
        "'payload.severity' must be one of critical, error, warning, info",
        "'payload.timestamp' must be an ISO 8601 date-time with a zone",
      ],
    });
    const cases: [unknown, string[]][] = [
      [{ routing_key: key }, ["'event_action' is missing"]],
      [
        { routing_key: key, event_action: 'snooze' },
        ["'event_action' must be one of trigger, acknowledge, resolve"],
      ],
      [{ routing_key: key, event_action: 'resolve' }, ["'dedup_key' is required to resolve"]],
      [{ routing_key: key, event_action: 'trigger' }, ["'payload' is missing"]],
      [{ event_action: 'trigger' }, ["'routing_key' is missing"]],
      [{ routing_key: 'short' }, ["'routing_key' is the wrong length (should be 32 characters)"]],
      [[1, 2], ['the event must be a JSON object']],
      [trigger(key, { links: [{ text: 'no href' }] }), ["'links[0].href' is missing"]],
      [trigger(key, { summary: 'x' }).payload, ["'routing_key' is missing"]],
    ];
    for (const [body, errors] of cases) {
      const r = await post('/v2/enqueue', body);
      expect(r.statusCode, JSON.stringify(body)).toBe(400);
      expect(r.json()).toEqual({ status: 'invalid event', message: 'Event object is invalid', errors });
    }
    expect((await rows('intake_alert_events')).length).toBe(before);
  });

  it('refuses custom_details nested deeper than 32 levels with 400, storing nothing (not a 5xx for everyone)', async () => {
    const before = (await rows('intake_alert_events')).length;
    // Sent as text: 5,000 levels deep, more than JSON.stringify (and the store) could take.
    const deep = `${'{"d":'.repeat(5_000)}1${'}'.repeat(5_000)}`;
    const body = JSON.stringify(
      trigger(key, { payload: { summary: 's', source: 'x', severity: 'error', custom_details: 0 } }),
    );
    const res = await post('/v2/enqueue', body.replace('"custom_details":0', `"custom_details":${deep}`));
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual(["'payload.custom_details' nests deeper than 32 levels"]);
    expect(await rows('intake_alert_events')).toHaveLength(before);
  });

  it('answers a body that is not JSON like PagerDuty does', async () => {
    for (const body of ['{"routing_key":', '', 'routing_key=abc']) {
      const res = await post(
        '/v2/enqueue',
        body,
        body.includes('=') ? 'application/x-www-form-urlencoded' : 'application/json',
      );
      expect(res.statusCode).toBe(400);
      expect(res.body).toBe(
        '{"status":"Unrecognized object","message":"Event object format is unrecognized","errors":["JSON parse error"]}',
      );
    }
  });

  it('accepts JSON sent with another content type (curl -d), as PagerDuty does', async () => {
    const res = await post('/v2/enqueue', trigger(key), 'application/x-www-form-urlencoded');
    expect(res.statusCode).toBe(202);
  });

  it('answers unknown, revoked and wrong-protocol keys with the same 404, revealing nothing', async () => {
    const revoked = await create('pagerduty');
    await nines.intake.integrations.revoke(revoked.id, nines.clock.now);
    const am = await create('alertmanager');
    const bodies = [];
    for (const k of ['0123456789abcdef0123456789abcdef', revoked.key, am.key, 'X'.repeat(32)]) {
      const res = await post('/v2/enqueue', trigger(k));
      expect(res.statusCode).toBe(404);
      bodies.push(res.body);
    }
    expect(new Set(bodies).size).toBe(1);
    expect(JSON.parse(bodies[0] as string)).toEqual({
      status: 'invalid routing key',
      message: 'Routing key not found',
      errors: ['no live integration has this key'],
    });
  });

  it('refuses a body over 512 KB with 413 in PagerDuty’s format', async () => {
    const res = await post(
      '/v2/enqueue',
      trigger(key, {
        payload: { summary: 's', source: 's', severity: 'info', custom_details: { x: 'y'.repeat(530_000) } },
      }),
    );
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ status: 'payload too large', message: 'Event object is too large' });
  });

  it('stores change events, once per content and timestamp, and lists them', async () => {
    const change = {
      routing_key: key,
      payload: {
        summary: 'Build Success: Increase snapshot create timeout to 30 seconds',
        timestamp: '2026-11-22T11:00:00.000+0000',
        source: 'acme-build-pipeline',
        custom_details: { build_number: '2' },
      },
      links: [{ href: 'https://acme.example/build/2', text: 'View more details' }],
    };
    for (let i = 0; i < 2; i++) {
      const res = await post('/v2/change/enqueue', change);
      expect(res.statusCode).toBe(202);
      expect(res.body).toBe('{"status":"success","message":"Change event processed"}');
    }
    const res = await nines.app.inject({
      url: '/api/v1/changes?service=search&since=2026-11-22T10:00:00Z',
      headers: nines.auth.viewer,
    });
    expect(res.json().changes).toEqual([
      {
        id: expect.any(String),
        service: 'search',
        integrationId: expect.any(String),
        summary: 'Build Success: Increase snapshot create timeout to 30 seconds',
        type: null,
        version: null,
        author: null,
        source: 'acme-build-pipeline',
        timestamp: '2026-11-22T11:00:00.000Z',
        receivedAt: new Date(nines.clock.now).toISOString(),
        links: [{ href: 'https://acme.example/build/2', text: 'View more details' }],
        customDetails: { build_number: '2' },
      },
    ]);
    const bad = await post('/v2/change/enqueue', { routing_key: key, payload: { source: 'x' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toEqual(["'payload.summary' is missing"]);
  });
});

const notification = (
  status: 'firing' | 'resolved',
  alerts: Record<string, unknown>[],
  groupKey = '{}:{alertname="OrdersBurn"}',
) => ({
  version: '4',
  groupKey,
  truncatedAlerts: 0,
  status,
  receiver: 'nines',
  groupLabels: { alertname: 'OrdersBurn' },
  commonLabels: { alertname: 'OrdersBurn' },
  commonAnnotations: {},
  externalURL: 'http://am.example:9093',
  alerts,
});
const amAlert = (fingerprint: string, status: 'firing' | 'resolved', startsAt = '2026-11-22T11:58:00Z') => ({
  status,
  labels: { alertname: 'OrdersBurn', severity: 'page', instance: 'db-1' },
  annotations: { summary: `orders burning (${fingerprint})` },
  startsAt,
  endsAt: status === 'firing' ? '0001-01-01T00:00:00Z' : '2026-11-22T12:00:00.123456789Z',
  generatorURL: 'http://prom.example/graph',
  fingerprint,
});

describe('Alertmanager webhook', () => {
  let url: string;
  beforeAll(async () => {
    url = `/integrations/alertmanager/${(await create('alertmanager', 'recommendations')).key}`;
  });
  const mine = async () => alerts('?service=recommendations');

  it('opens one alert per firing fingerprint and answers 200 after commit', async () => {
    const res = await post(
      url,
      notification('firing', [amAlert('aaa1', 'firing'), amAlert('bbb2', 'firing')]),
    );
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'success', alerts: 2, duplicates: 0 });
    const list = await mine();
    expect(list.map((a) => [a.dedupKey, a.status]).sort()).toEqual([
      ['aaa1', 'triggered'],
      ['bbb2', 'triggered'],
    ]);
    expect(list.find((a) => a.dedupKey === 'aaa1')).toMatchObject({
      summary: 'orders burning (aaa1)',
      severity: 'critical',
      source: 'db-1',
      startedAt: '2026-11-22T11:58:00.000Z',
      labels: { alertname: 'OrdersBurn', severity: 'page', instance: 'db-1' },
      links: [{ href: 'http://prom.example/graph', text: 'source' }],
    });
  });

  it('changes nothing when the same notification comes again (retry, HA peer)', async () => {
    const before = { alerts: await rows('intake_alerts'), events: await rows('intake_alert_events') };
    const body = notification('firing', [amAlert('aaa1', 'firing'), amAlert('bbb2', 'firing')]);
    const res = await post(url, body);
    expect(res.json()).toEqual({ status: 'success', alerts: 2, duplicates: 2 });
    expect(await rows('intake_alerts')).toEqual(before.alerts);
    expect(await rows('intake_alert_events')).toEqual(before.events);
  });

  it('resolves per fingerprint; a late duplicate firing does not reopen; a new occurrence does', async () => {
    const resolved = notification('firing', [amAlert('aaa1', 'resolved'), amAlert('bbb2', 'firing')]);
    expect((await post(url, resolved)).json()).toEqual({ status: 'success', alerts: 2, duplicates: 1 });
    expect((await post(url, resolved)).json().duplicates).toBe(2);
    let list = await mine();
    expect(list.find((a) => a.dedupKey === 'aaa1')?.status).toBe('resolved');
    expect(list.find((a) => a.dedupKey === 'bbb2')?.status).toBe('triggered');
    // An HA peer's copy of the first firing notification arrives late.
    await post(url, notification('firing', [amAlert('aaa1', 'firing')]));
    list = await mine();
    expect(list.filter((a) => a.dedupKey === 'aaa1').map((a) => a.status)).toEqual(['resolved']);
    // The alert fires again later: a new occurrence, a new alert.
    await post(url, notification('firing', [amAlert('aaa1', 'firing', '2026-11-22T12:30:00Z')]));
    list = await mine();
    expect(list.filter((a) => a.dedupKey === 'aaa1').map((a) => a.status)).toEqual(['triggered', 'resolved']);
    // A first-time resolve of the old occurrence does not close the new one.
    await post(url, notification('resolved', [amAlert('aaa1', 'resolved')], 'another-group'));
    list = await mine();
    expect(list.filter((a) => a.dedupKey === 'aaa1').map((a) => a.status)).toEqual(['triggered', 'resolved']);
  });

  it('names every bad field with 400 and stores nothing of the notification', async () => {
    const before = (await rows('intake_alert_events')).length;
    const body = {
      ...notification('firing', [amAlert('ok1', 'firing'), { ...amAlert('', 'firing'), startsAt: 'soon' }]),
      version: '3',
    };
    const res = await post(url, body);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      error: {
        code: 'VALIDATION_FAILED',
        message: 'the notification is invalid; nothing was stored',
        details: [
          { field: 'version', message: '\'version\' must be "4"' },
          { field: 'alerts[1].startsAt', message: "'alerts[1].startsAt' must be an RFC 3339 time" },
          { field: 'alerts[1].fingerprint', message: "'alerts[1].fingerprint' is missing or blank" },
        ],
      },
    });
    expect((await rows('intake_alert_events')).length).toBe(before);
    const notJson = await post(url, '{"version":');
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json().error).toEqual({
      code: 'VALIDATION_FAILED',
      message: 'the body is not valid JSON',
    });
  });

  it('answers an unknown key with 404 in the nines error format', async () => {
    const res = await post(
      '/integrations/alertmanager/0123456789abcdef0123456789abcdef',
      notification('firing', []),
    );
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'no live integration has this key' } });
  });
});

describe('Splunk On-Call REST endpoint', () => {
  let url: string;
  beforeAll(async () => {
    url = `/integrations/splunk/${(await create('splunk', 'purchase-history')).key}/database-team`;
  });
  const mine = async () => alerts('?service=purchase-history');

  it('rolls events with one entity_id into one alert through its lifecycle, case-insensitively', async () => {
    const res = await post(url, {
      message_type: 'CRITICAL',
      entity_id: 'disk/db1',
      entity_display_name: 'Disk full on db1',
      state_message: 'the disk is 99% full',
      monitoring_tool: 'nagios',
      timestamp: 1_795_348_800,
      'vo_annotate.u.Runbook': 'https://runbooks.example/disk',
      team_note: 'custom field',
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('{"result":"success","entity_id":"disk/db1"}');
    await post(url, { message_type: 'warning', entity_id: 'disk/db1' });
    let [alert] = await mine();
    expect(alert).toMatchObject({
      dedupKey: 'disk/db1',
      status: 'triggered',
      summary: 'Disk full on db1',
      severity: 'critical',
      source: 'nagios',
      events: 2,
      startedAt: '2026-11-22T12:00:00.000Z',
      labels: { routing_key: 'database-team', message_type: 'CRITICAL' },
      links: [{ href: 'https://runbooks.example/disk', text: 'Runbook' }],
    });
    expect(alert?.details).toMatchObject({
      team_note: 'custom field',
      state_message: 'the disk is 99% full',
    });
    await post(url, { message_type: 'acknowledgement', entity_id: 'disk/db1', ack_author: 'ana' });
    expect((await mine())[0]?.status).toBe('acknowledged');
    await post(url, { message_type: 'RECOVERY', entity_id: 'disk/db1' });
    [alert] = await mine();
    expect(alert?.status).toBe('resolved');
  });

  it('generates an entity_id when there is none, and INFO never opens an alert', async () => {
    const res = await post(url, { message_type: 'CRITICAL', state_message: 'no id' });
    expect(res.json().entity_id).toMatch(/^[0-9a-f-]{36}$/);
    const before = (await rows('intake_alerts')).length;
    const info = await post(url, { message_type: 'INFO', entity_id: 'just-saying' });
    expect(info.json()).toEqual({ result: 'success', entity_id: 'just-saying' });
    const unknown = await post(url, { message_type: 'WHATEVER', entity_id: 'just-saying' });
    expect(unknown.statusCode).toBe(200);
    expect((await rows('intake_alerts')).length).toBe(before);
    const noted = (await rows('intake_alert_events')).filter((e) => e.dedup_key === 'just-saying');
    expect(noted.map((e) => e.outcome)).toEqual(['noted', 'noted']);
  });

  it('answers bad bodies with Splunk’s failure shape and stores nothing', async () => {
    const before = (await rows('intake_alert_events')).length;
    const missing = await post(url, { entity_id: 'x' });
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toBe('{"result":"failure","message":"Missing fields: message_type"}');
    const invalid = await post(url, {
      message_type: 'CRITICAL',
      entity_id: 'x'.repeat(513),
      timestamp: 'noon',
    });
    expect(invalid.json()).toEqual({
      result: 'failure',
      message:
        "Invalid fields: 'entity_id' is longer than 512 characters; 'timestamp' must be a time in epoch seconds",
    });
    const notJson = await post(url, 'message_type=CRITICAL');
    expect(notJson.json()).toEqual({ result: 'failure', message: 'the body is not valid JSON' });
    expect((await rows('intake_alert_events')).length).toBe(before);
  });

  it('answers an unknown key with 404 in Splunk’s failure shape', async () => {
    const res = await post('/integrations/splunk/0123456789abcdef0123456789abcdef/team', {
      message_type: 'INFO',
    });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ result: 'failure', message: 'no live integration has this key' });
  });
});

describe('rate limits per integration key', () => {
  it('answers Alertmanager and Splunk On-Call over the limit with 503 and Retry-After, which they retry', async () => {
    const limited = await startTestNines({ env: { NINES_INTAKE_RATE: '1', NINES_INTAKE_BURST: '1' } });
    try {
      const am = await limited.intake.integrations.create(
        { name: 'am', service: 'search', type: 'alertmanager' },
        limited.clock.now,
      );
      const send = (fingerprint: string) =>
        limited.app.inject({
          method: 'POST',
          url: `/integrations/alertmanager/${am.key}`,
          payload: notification('firing', [amAlert(fingerprint, 'firing')]),
        });
      expect((await send('a')).statusCode).toBe(200);
      const over = await send('b');
      expect(over.statusCode).toBe(503);
      expect(over.headers['retry-after']).toBe('1');
      const splunk = await limited.intake.integrations.create(
        { name: 'vo', service: 'search', type: 'splunk' },
        limited.clock.now,
      );
      const vo = (entity: string) =>
        limited.app.inject({
          method: 'POST',
          url: `/integrations/splunk/${splunk.key}/team`,
          payload: { message_type: 'CRITICAL', entity_id: entity },
        });
      expect((await vo('x')).statusCode).toBe(200);
      const voOver = await vo('y');
      expect(voOver.statusCode).toBe(503);
      expect(voOver.json()).toEqual({
        result: 'failure',
        message: 'this integration key sends more events than allowed; retry in 1 s',
      });
      expect(
        await limited.store.db
          .selectFrom('intake_alerts')
          .selectAll()
          .where('integration_id', '<>', 'nines')
          .execute(),
      ).toHaveLength(2);
    } finally {
      await limited.cleanup();
    }
  });

  it('answers 429 with Retry-After and PagerDuty’s throttle body, storing nothing, until tokens refill', async () => {
    const limited = await startTestNines({ env: { NINES_INTAKE_RATE: '1', NINES_INTAKE_BURST: '2' } });
    try {
      const { key } = await limited.intake.integrations.create(
        { name: 'pd', service: 'search', type: 'pagerduty' },
        limited.clock.now,
      );
      const send = () =>
        limited.app.inject({
          method: 'POST',
          url: '/v2/enqueue',
          headers: { 'content-type': 'application/json' },
          payload: JSON.stringify(trigger(key)),
        });
      expect((await send()).statusCode).toBe(202);
      expect((await send()).statusCode).toBe(202);
      const res = await send();
      expect(res.statusCode).toBe(429);
      expect(res.headers['retry-after']).toBe('1');
      expect(res.json()).toEqual({
        status: 'throttle event',
        message: 'Requests for this service are arriving too quickly. Please retry later.',
        errors: ['this integration key sends more events than allowed; retry in 1 s'],
      });
      expect(
        await limited.store.db
          .selectFrom('intake_alerts')
          .selectAll()
          .where('integration_id', '<>', 'nines')
          .execute(),
      ).toHaveLength(2);
      limited.clock.set(limited.clock.now + 1_000);
      expect((await send()).statusCode).toBe(202);
      // Another key has its own bucket.
      const other = await limited.intake.integrations.create(
        { name: 'am', service: 'search', type: 'alertmanager' },
        limited.clock.now,
      );
      const am = await limited.app.inject({
        method: 'POST',
        url: `/integrations/alertmanager/${other.key}`,
        payload: notification('firing', [amAlert('f', 'firing')]),
      });
      expect(am.statusCode).toBe(200);
    } finally {
      await limited.cleanup();
    }
  });
});

describe('GET /api/v1/alerts/intake', () => {
  it('filters by status (open = triggered or acknowledged) and needs a token', async () => {
    const open = await alerts('?status=open&limit=1000');
    expect(open.length).toBeGreaterThan(0);
    expect(open.every((a) => a.status !== 'resolved')).toBe(true);
    const resolved = await alerts('?status=resolved');
    expect(resolved.every((a) => a.status === 'resolved')).toBe(true);
    expect((await nines.app.inject({ url: '/api/v1/alerts/intake' })).statusCode).toBe(401);
    const bad = await nines.app.inject({
      url: '/api/v1/alerts/intake?status=firing',
      headers: nines.auth.viewer,
    });
    expect(bad.statusCode).toBe(400);
  });
});

describe('nines integration', () => {
  it('creates a key for a catalog service (printed once), lists without keys, and revokes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nines-integration-'));
    try {
      const created = await cli([
        'integration',
        'create',
        '--service',
        'search',
        '--type',
        'splunk',
        '--data-dir',
        dir,
      ]);
      expect(created.code).toBe(0);
      const key = created.stdout.trim();
      expect(key).toMatch(/^[0-9a-f]{32}$/);
      expect(created.stderr).toContain(`/integrations/splunk/${key}/<routing_key>`);
      const list = await cli(['integration', 'list', '--json', '--data-dir', dir]);
      expect(list.stdout).not.toContain(key);
      const [info] = JSON.parse(list.stdout) as {
        id: string;
        service: string;
        type: string;
        revokedAt: null;
      }[];
      expect(info).toMatchObject({ service: 'search', type: 'splunk', revokedAt: null });
      expect((await cli(['integration', 'revoke', info?.id ?? '', '--data-dir', dir])).code).toBe(0);
      expect((await cli(['integration', 'revoke', info?.id ?? '', '--data-dir', dir])).code).toBe(1);
      const unknown = await cli([
        'integration',
        'create',
        '--service',
        'serch',
        '--type',
        'pagerduty',
        '--data-dir',
        dir,
      ]);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain("no service named 'serch' in the catalog");
      const badType = await cli([
        'integration',
        'create',
        '--service',
        'search',
        '--type',
        'opsgenie',
        '--data-dir',
        dir,
      ]);
      expect(badType.code).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
