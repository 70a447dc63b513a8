import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadCatalog } from '../src/catalog/load.js';
import type { Catalog } from '../src/catalog/model.js';
import { startSmtp, type TestSmtp } from '../src/notify/notify.test-support.js';
import { verifyWebhook } from '../src/notify/signature.js';
import { startTestNines, type TestNines } from './support/nines.js';

/*
 * Paging end to end, on a controlled clock: an alert opens an incident, its
 * service's escalation policy pages whoever the schedule has on call, by a
 * signed webhook and by email through a real SMTP server, level after level
 * until someone acknowledges, surviving receivers that are down and restarts.
 */

const CATALOG = `apiVersion: nines/v1
kind: Team
metadata: {name: ops}
spec: {members: [alice, bob], schedule: primary, escalationPolicy: ops}
---
apiVersion: nines/v1
kind: User
metadata: {name: alice}
spec:
  email: alice@shop.example
  contacts: [{type: webhook, name: pager, url: "\${env:ALICE_PAGER}", secret: "\${env:ALICE_SECRET}"}]
---
apiVersion: nines/v1
kind: User
metadata: {name: bob}
spec:
  email: bob@shop.example
  contacts:
    - {type: email, address: bob@shop.example}
    - {type: webhook, name: pager, url: "\${env:BOB_PAGER}", secret: "\${env:BOB_SECRET}"}
  notify: [{after: 0m, via: pager}, {after: 2m, via: email}]
---
apiVersion: nines/v1
kind: Service
metadata: {name: api}
spec: {owner: ops}
---
apiVersion: nines/v1
kind: Schedule
metadata: {name: primary}
spec:
  timeZone: Europe/Berlin
  layers: [{name: weekly, users: [alice, bob], rotation: 1w, start: 2026-11-23T09:00}]
---
apiVersion: nines/v1
kind: EscalationPolicy
metadata: {name: ops}
spec:
  repeat: 1
  levels:
    - escalateAfter: 5m
      targets: [{schedule: primary}]
    - escalateAfter: 10m
      targets: [{user: bob}]
`;

/** Monday 2026-11-23 10:00 Berlin: alice's week. */
const START = Date.UTC(2026, 10, 23, 9, 0, 0);
const MINUTE = 60_000;

interface Delivery {
  readonly id: string;
  readonly body: {
    event: string;
    incident: { number: number };
    level: number | null;
    links: Record<string, string>;
  };
}

/** A webhook receiver that verifies signatures, dedupes on the delivery id, and can be "down". */
class Receiver {
  readonly deliveries: Delivery[] = [];
  readonly attempts: string[] = [];
  down = false;
  badSignatures = 0;
  private server!: Server;
  url = '';

  constructor(private readonly secret: string) {}

  async start() {
    this.server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => {
        const id = String(req.headers['x-nines-delivery']);
        this.attempts.push(id);
        if (this.down) {
          res.writeHead(503).end();
          return;
        }
        // The signature's time is nines' (controlled) clock: any age is accepted here.
        if (
          !verifyWebhook(
            req.headers['x-nines-signature'],
            body,
            this.secret,
            Math.floor(Date.now() / 1000),
            10 ** 9,
          )
        ) {
          this.badSignatures++;
          res.writeHead(401).end();
          return;
        }
        if (!this.deliveries.some((d) => d.id === id)) this.deliveries.push({ id, body: JSON.parse(body) });
        res.writeHead(204).end();
      });
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/page`;
  }

  async stop() {
    this.server.close();
    await once(this.server, 'close');
  }
}

let catalog: Catalog;
let smtp: TestSmtp;
const alice = new Receiver('alice-secret');
const bob = new Receiver('bob-secret');
const env = () => ({
  ALICE_PAGER: alice.url,
  ALICE_SECRET: 'alice-secret',
  BOB_PAGER: bob.url,
  BOB_SECRET: 'bob-secret',
});
let nines: TestNines;
let key: string;

async function startNines(options: { dataDir?: string; now?: number } = {}) {
  const n = await startTestNines({
    catalog,
    now: options.now ?? START,
    probeEnv: env(),
    env: { NINES_SMTP_URL: smtp.url, NINES_PUBLIC_URL: 'http://nines.test' },
    ...(options.dataDir !== undefined && { dataDir: options.dataDir }),
  });
  return n;
}

beforeAll(async () => {
  const loaded = loadCatalog([{ path: 'oncall.yaml', text: CATALOG }]);
  expect(loaded.diagnostics).toEqual([]);
  catalog = loaded.catalog;
  smtp = await startSmtp();
  await alice.start();
  await bob.start();
});
afterAll(async () => {
  await alice.stop();
  await bob.stop();
  await smtp.close();
});

beforeEach(async () => {
  alice.deliveries.length = 0;
  bob.deliveries.length = 0;
  alice.attempts.length = 0;
  bob.attempts.length = 0;
  smtp.messages.length = 0;
  alice.down = false;
  nines = await startNines();
  key = (await nines.intake.integrations.create({ name: 'pd', service: 'api', type: 'pagerduty' }, START))
    .key;
  return () => nines.cleanup();
});

async function trigger(dedupKey = 'api-down') {
  const res = await nines.app.inject({
    method: 'POST',
    url: '/v2/enqueue',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({
      routing_key: key,
      event_action: 'trigger',
      dedup_key: dedupKey,
      payload: { summary: 'API is down', source: 'lb', severity: 'critical' },
    }),
  });
  expect(res.statusCode).toBe(202);
  await nines.grouping.run();
}

/** Moves the clock and does everything due by then: escalation levels, then deliveries. */
async function at(ms: number, n = nines) {
  n.clock.set(ms);
  await n.escalator.run();
  await n.notifier.flush();
}

async function paging(number: number, n = nines) {
  return (await n.app.inject({ url: `/api/v1/incidents/${number}/paging`, headers: n.auth.viewer })).json();
}

describe('paging', () => {
  it('pages the schedule’s on-call by signed webhook, then the next level, until acknowledged', async () => {
    await trigger();
    await at(START);
    expect(alice.deliveries.map((d) => d.body)).toMatchObject([
      { event: 'incident.triggered', incident: { number: 1 }, level: 1 },
    ]);
    expect(alice.badSignatures).toBe(0);
    expect(bob.deliveries).toHaveLength(0);
    // Level 2 after 5 minutes: bob, by webhook at once and by email 2 minutes later.
    await at(START + 4 * MINUTE);
    expect(bob.deliveries).toHaveLength(0);
    await at(START + 5 * MINUTE);
    expect(bob.deliveries.map((d) => d.body)).toMatchObject([{ event: 'incident.escalated', level: 2 }]);
    expect(smtp.messages).toHaveLength(0);
    await at(START + 7 * MINUTE);
    expect(smtp.messages).toHaveLength(1);
    // Acknowledged: no more levels, no more notifications.
    const ack = await nines.app.inject({
      method: 'POST',
      url: '/api/v1/incidents/1/acknowledge',
      headers: nines.auth.responder,
    });
    expect(ack.statusCode).toBe(200);
    await at(START + 60 * MINUTE);
    expect(alice.deliveries).toHaveLength(1);
    expect(bob.deliveries).toHaveLength(1);
    const p = await paging(1);
    expect(p.escalations).toEqual([{ policy: 'ops', status: 'stopped', level: 1, round: 2, nextAt: null }]);
    expect(
      p.notifications.map(
        (x: { user: string; channel: string; status: string }) => `${x.user}/${x.channel}/${x.status}`,
      ),
    ).toEqual(['alice/webhook/delivered', 'bob/webhook/delivered', 'bob/email/delivered']);
    const timeline = (
      await nines.app.inject({ url: '/api/v1/incidents/1/timeline', headers: nines.auth.viewer })
    ).json().timeline;
    const messages = timeline.map((e: { message: string }) => e.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        'Escalating with policy ops',
        'Level 1 of ops: paging alice',
        'Notified alice by webhook (pager)',
        'Level 2 of ops: paging bob',
      ]),
    );
  });

  it('sends an email whose acknowledge link acknowledges the incident (after a confirmation page)', async () => {
    await trigger();
    await at(START);
    await at(START + 5 * MINUTE);
    await at(START + 7 * MINUTE);
    expect(smtp.messages).toHaveLength(1);
    const raw = (smtp.messages[0] as string).replace(/=\r?\n/g, '').replace(/=3D/g, '=');
    expect(raw).toMatch(/^Subject: .*#1/m);
    const link = /http:\/\/nines\.test(\/act\/[A-Za-z0-9_.-]+)/.exec(raw)?.[1] as string;
    expect(link).toBeDefined();
    // Opening it (a mail scanner, a preview) changes nothing.
    const page = await nines.app.inject({ url: link });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<form method="post">');
    expect((await nines.incidents.get(1)).status).toBe('triggered');
    const done = await nines.app.inject({
      method: 'POST',
      url: link,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: '',
    });
    expect(done.statusCode).toBe(200);
    expect(await nines.incidents.get(1)).toMatchObject({ status: 'acknowledged' });
    const entry = (await nines.incidents.timeline(1)).find((e) => e.type === 'acknowledged');
    expect(entry?.actor).toMatch(/^(alice|bob) \(link in a page\)$/);
    // A second use is a conflict, a forged link nothing.
    expect((await nines.app.inject({ method: 'POST', url: link, payload: '' })).statusCode).toBe(409);
    expect((await nines.app.inject({ url: `${link}x` })).statusCode).toBe(404);
  });

  it('delivers every notification exactly once to a receiver that was down, while escalation moved on', async () => {
    alice.down = true;
    await trigger();
    await at(START);
    for (let t = START; t <= START + 5 * MINUTE; t += 15_000) await at(t);
    // Alice's receiver refused every attempt; level 2 paged bob on time regardless.
    expect(alice.attempts.length).toBeGreaterThan(2);
    expect(new Set(alice.attempts).size).toBe(1);
    expect(alice.deliveries).toHaveLength(0);
    expect(bob.deliveries).toHaveLength(1);
    alice.down = false;
    for (let t = START + 5 * MINUTE; t <= START + 12 * MINUTE; t += 15_000) await at(t);
    expect(alice.deliveries).toHaveLength(1);
    expect(alice.deliveries[0]?.id).toBe(alice.attempts[0]);
    const rows = (await paging(1)).notifications.filter((x: { user: string }) => x.user === 'alice');
    expect(rows).toMatchObject([{ status: 'delivered', lastError: null }]);
    expect(rows[0].attempts).toBe(alice.attempts.length);
  });

  it('gives a notification up after the give-up time, says so on the timeline, and escalates on', async () => {
    alice.down = true;
    await trigger();
    // Round 2 pages alice again at 15 minutes; each notification is given up 60 minutes after it was due.
    for (let t = START; t <= START + 80 * MINUTE; t += 30_000) await at(t);
    const rows = (await paging(1)).notifications;
    expect(rows.filter((x: { user: string }) => x.user === 'alice')).toMatchObject([
      { status: 'failed' },
      { status: 'failed' },
    ]);
    const messages = (await nines.incidents.timeline(1)).map((e) => e.message);
    expect(messages.some((m) => m.startsWith('Could not notify alice by webhook (pager)'))).toBe(true);
    expect(messages).toContain('Policy ops exhausted: nobody acknowledged after 2 rounds');
  });

  it('continues after a restart: the remaining levels fire once, on time', async () => {
    await trigger();
    await at(START);
    expect(alice.deliveries).toHaveLength(1);
    const dataDir = nines.dataDir;
    // Stops without a graceful shutdown of the queues: only the store is closed.
    await nines.store.close();
    const second = await startNines({ dataDir, now: START + 4 * MINUTE });
    try {
      await at(START + 4 * MINUTE, second);
      expect(bob.deliveries).toHaveLength(0);
      await at(START + 5 * MINUTE, second);
      await at(START + 5 * MINUTE, second);
      expect(bob.deliveries).toHaveLength(1);
      expect(alice.deliveries).toHaveLength(1);
      const p = await paging(1, second);
      expect(p.escalations).toMatchObject([{ status: 'active', level: 1, round: 2 }]);
      expect(p.notifications.map((x: { id: string }) => x.id)).toEqual([
        '1:ops:0:0:alice:0',
        '1:ops:0:1:bob:0',
        '1:ops:0:1:bob:1',
      ]);
    } finally {
      await second.cleanup();
    }
  });

  it('pages an override instead of the schedule, and says who is on call', async () => {
    const created = await nines.app.inject({
      method: 'POST',
      url: '/api/v1/schedules/primary/overrides',
      headers: { ...nines.auth.responder, 'content-type': 'application/json' },
      payload: JSON.stringify({
        user: 'bob',
        start: START - MINUTE,
        end: START + 60 * MINUTE,
        reason: 'swap',
      }),
    });
    expect(created.statusCode).toBe(201);
    const now = (
      await nines.app.inject({ url: '/api/v1/oncall?service=api', headers: nines.auth.viewer })
    ).json();
    expect(now.schedules[0]).toMatchObject({
      schedule: 'primary',
      onCall: { user: 'bob', source: 'override' },
    });
    expect(now.service).toMatchObject({
      policy: 'ops',
      levels: [
        { level: 1, users: ['bob'] },
        { level: 2, users: ['bob'] },
      ],
    });
    await trigger();
    await at(START);
    expect(bob.deliveries).toHaveLength(1);
    expect(alice.deliveries).toHaveLength(0);
  });
});
