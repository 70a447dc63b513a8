import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_STREAMS_PER_PRINCIPAL } from '../src/http/routes/status.js';
import { BucketRepository } from '../src/store/buckets.js';
import { startTestNines, type TestNines, webshopCatalog } from './support/nines.js';

let nines: TestNines;
const DAY = 86_400_000;
const MINUTE = 60_000;
const TODAY = Date.UTC(2026, 10, 22);

beforeAll(async () => {
  nines = await startTestNines({ now: TODAY + 12 * 3_600_000 + 30_000 });
});
afterAll(async () => {
  await nines.cleanup();
});

const at = (offsetMs = 0) => new Date(nines.clock.now + offsetMs).toISOString();

interface StatusBody {
  title: string;
  description?: string;
  updatedAt: string;
  status: string;
  journeys: {
    name: string;
    displayName: string;
    description?: string;
    status: string;
    uptime: {
      percent90d: number | null;
      days: { date: string; status: string; uptimePercent: number | null }[];
    };
  }[];
  incidents: {
    number: number;
    title: string;
    status: string;
    impact: string;
    journeys: string[];
    startedAt: string;
    resolvedAt: string | null;
    updates: { at: string; status: string; message: string }[];
  }[];
}

/** The status page as anyone on the internet reads it: no credentials. */
async function status(): Promise<StatusBody> {
  const res = await nines.app.inject({ url: '/api/v1/status' });
  expect(res.statusCode).toBe(200);
  return res.json();
}

async function push(events: unknown[]) {
  const res = await nines.app.inject({
    method: 'POST',
    url: '/api/v1/sli/events',
    headers: { ...nines.auth.responder, 'content-type': 'application/json' },
    payload: JSON.stringify(events),
  });
  expect(res.statusCode).toBe(202);
}

async function send(url: string, body: unknown = {}) {
  return nines.app.inject({
    method: 'POST',
    url,
    headers: { ...nines.auth.responder, 'content-type': 'application/json' },
    payload: JSON.stringify(body),
  });
}

/**
 * Internal names found in the page: services, SLOs and SLIs, as whole words in
 * any text. Journey names are public (`journeys[].name`); some services share
 * them (search, order), so those fields are left out of the search.
 */
function leaks(body: StatusBody): string[] {
  const { catalog } = nines.engine;
  const internal = [...catalog.Service.keys(), ...catalog.SLO.keys(), ...catalog.SLI.keys()];
  const texts: string[] = [];
  const walk = (value: unknown, key: string, parent: string): void => {
    if (typeof value === 'string') {
      if (!(key === 'name' && parent === 'journeys')) texts.push(value);
    } else if (Array.isArray(value)) {
      for (const v of value) walk(v, key, key);
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(v, k, parent === 'journeys' ? 'journeys' : key);
    }
  };
  walk(body, '', '');
  return internal.filter((name) => {
    const word = new RegExp(`(^|[^a-z0-9-])${name}([^a-z0-9-]|$)`, 'i');
    return texts.some((t) => word.test(t));
  });
}

describe('the public status page', () => {
  it('answers without credentials, cacheable for 15 s, with the example’s journeys in page order and customer words', async () => {
    const res = await nines.app.inject({ url: '/api/v1/status' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=15');
    const body: StatusBody = res.json();
    expect(body).toMatchObject({
      title: 'Webshop status',
      description: 'How our shop works for you right now',
      updatedAt: at(),
      status: 'operational',
      incidents: [],
    });
    expect(body.journeys.map((j) => [j.name, j.displayName, j.status])).toEqual([
      ['search', 'Finding products', 'operational'],
      ['order', 'Placing orders', 'operational'],
      ['pay', 'Paying', 'operational'],
    ]);
    expect(body.journeys[1]?.description).toBe('Filling your cart and checking out');
    for (const j of body.journeys) {
      expect(j.uptime.days).toHaveLength(90);
      expect(j.uptime.days[0]?.date).toBe('2026-08-25');
      expect(j.uptime.days.at(-1)).toEqual({ date: '2026-11-22', status: 'no_data', uptimePercent: null });
      expect(j.uptime.percent90d).toBeNull();
    }
    expect(leaks(body)).toEqual([]);
  });

  it('shows an incident with its public status updates only, titled in customer words', async () => {
    const key = (
      await nines.intake.integrations.create(
        { name: 'pd-top10', service: 'top10', type: 'pagerduty' },
        nines.clock.now,
      )
    ).key;
    const trigger = await nines.app.inject({
      method: 'POST',
      url: '/v2/enqueue',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({
        routing_key: key,
        event_action: 'trigger',
        dedup_key: 'top10-slow',
        payload: { summary: 'top10: analytics timeouts on db01', source: 'top10-7f9c', severity: 'error' },
      }),
    });
    expect(trigger.statusCode).toBe(202);
    await nines.grouping.run();
    const [incident] = (await status()).incidents;
    expect(incident).toMatchObject({
      title: 'Issue affecting Finding products',
      status: 'investigating',
      impact: 'operational',
      journeys: ['Finding products'],
      startedAt: at(),
      resolvedAt: null,
      updates: [],
    });
    const n = incident?.number as number;

    nines.clock.set(nines.clock.now + MINUTE);
    const updates = [
      { message: 'We are looking into slow top lists', public: true },
      { message: 'top10 cannot reach analytics; db01 failed over', status: 'identified' },
      { message: 'We found the cause and are fixing it', status: 'identified', public: true },
    ];
    for (const u of updates) {
      expect((await send(`/api/v1/incidents/${n}/status-updates`, u)).statusCode).toBe(201);
      nines.clock.set(nines.clock.now + MINUTE);
    }
    expect((await send(`/api/v1/incidents/${n}/notes`, { text: 'paging the db team' })).statusCode).toBe(201);

    const body = await status();
    expect(body.incidents).toEqual([
      {
        number: n,
        title: 'Issue affecting Finding products',
        status: 'identified',
        impact: 'operational',
        journeys: ['Finding products'],
        startedAt: at(-4 * MINUTE),
        resolvedAt: null,
        updates: [
          { at: at(-MINUTE), status: 'identified', message: 'We found the cause and are fixing it' },
          { at: at(-3 * MINUTE), status: 'investigating', message: 'We are looking into slow top lists' },
        ],
      },
    ]);
    const json = JSON.stringify(body);
    for (const secret of ['db01', 'analytics timeouts', 'paging the db team', 'top10-7f9c'])
      expect(json).not.toContain(secret);
    expect(leaks(body)).toEqual([]);

    // Resolved, it stays on the page for a week, after the open ones.
    expect((await send(`/api/v1/incidents/${n}/resolve`)).statusCode).toBe(200);
    expect((await status()).incidents[0]).toMatchObject({ number: n, status: 'resolved', resolvedAt: at() });
    nines.clock.set(nines.clock.now + 7 * DAY + MINUTE);
    expect((await status()).incidents).toEqual([]);
    nines.clock.set(nines.clock.now - 7 * DAY - MINUTE);
  });

  it('turns pay into a major outage while payments fail and a page fires, then a partial one', async () => {
    nines.clock.set(nines.clock.now + 10 * MINUTE);
    await push([{ sli: 'payment-succeeded', timestamp: at(), good: 0, total: 1_000 }]);
    await nines.evaluate();
    await nines.grouping.run();
    let body = await status();
    expect(body.status).toBe('major_outage');
    expect(body.journeys.map((j) => [j.name, j.status])).toEqual([
      ['search', 'operational'],
      ['order', 'operational'],
      ['pay', 'major_outage'],
    ]);
    expect(body.incidents).toEqual([
      expect.objectContaining({
        title: 'Issue affecting Paying',
        status: 'investigating',
        impact: 'major_outage',
        journeys: ['Paying'],
        resolvedAt: null,
        updates: [],
      }),
      // The resolved one from before, after the open one.
      expect.objectContaining({ status: 'resolved', journeys: ['Finding products'] }),
    ]);
    expect(body.journeys[2]?.uptime.days.at(-1)).toEqual({
      date: '2026-11-22',
      status: 'major_outage',
      uptimePercent: 0,
    });
    expect(leaks(body)).toEqual([]);

    // Six minutes on, nine in ten payments succeed: the page still fires, half or more are good.
    nines.clock.set(nines.clock.now + 6 * MINUTE);
    await push([{ sli: 'payment-succeeded', timestamp: at(), good: 900, total: 1_000 }]);
    await nines.evaluate();
    body = await status();
    expect(body.journeys[2]?.status).toBe('partial_outage');
    expect(body.status).toBe('partial_outage');
    expect(body.incidents[0]?.impact).toBe('partial_outage');
  });

  it('publishes nothing without a StatusPage in the catalog: the data is a 404, the page still loads to say so', async () => {
    const webDir = mkdtempSync(join(tmpdir(), 'nines-web-'));
    writeFileSync(join(webDir, 'index.html'), '<!doctype html><div id="root"></div>');
    const catalog = { ...(await webshopCatalog()), StatusPage: new Map() };
    const bare = await startTestNines({ catalog, webDir });
    try {
      const res = await bare.app.inject({ url: '/api/v1/status' });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({
        error: {
          code: 'NOT_FOUND',
          message: 'no status page is configured; add a StatusPage to the catalog',
        },
      });
      const page = await bare.app.inject({ url: '/status', headers: { accept: 'text/html' } });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('<div id="root">');
    } finally {
      await bare.cleanup();
      rmSync(webDir, { recursive: true, force: true });
    }
  });

  it('draws 90 daily bars from the day buckets', async () => {
    await new BucketRepository(nines.store.db).add(
      [
        [1, 999, 1_000],
        [2, 9_985, 10_000],
        [3, 950, 1_000],
        [4, 500, 1_000],
        [95, 0, 1_000],
      ].map(([ago, good, total]) => ({
        sli: 'order-placed',
        resolution: 'd' as const,
        startMs: TODAY - (ago as number) * DAY,
        good: good as number,
        total: total as number,
      })),
    );
    // Past the cache: nothing told the page that buckets were written behind its back.
    nines.clock.set(nines.clock.now + 20_000);
    const order = (await status()).journeys.find((j) => j.name === 'order');
    expect(order?.uptime.days.slice(-5)).toEqual([
      { date: '2026-11-18', status: 'major_outage', uptimePercent: 50 },
      { date: '2026-11-19', status: 'partial_outage', uptimePercent: 95 },
      { date: '2026-11-20', status: 'degraded', uptimePercent: 99.85 },
      { date: '2026-11-21', status: 'operational', uptimePercent: 99.9 },
      { date: '2026-11-22', status: 'no_data', uptimePercent: null },
    ]);
    expect(order?.uptime.days.filter((d) => d.status !== 'no_data')).toHaveLength(4);
    // 12,434 good of 13,000 over the 90 days (the day 95 days ago is not among them).
    expect(order?.uptime.percent90d).toBe(95.646);
  });
});

/** Reads a server-sent event stream until an event or comment matches, or fails after a timeout. */
class EventStream {
  private buffer = '';
  private readonly decoder = new TextDecoder();

  constructor(private readonly reader: ReadableStreamDefaultReader<Uint8Array>) {}

  static async open(url: string, headers: Record<string, string>) {
    const res = await fetch(url, { headers });
    return { res, stream: res.body ? new EventStream(res.body.getReader()) : undefined };
  }

  /** The next event (blocks separated by a blank line) that satisfies `match`. */
  async next(match: (block: string) => boolean, timeoutMs = 5_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      let end = this.buffer.indexOf('\n\n');
      while (end >= 0) {
        const block = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        if (match(block)) return block;
        end = this.buffer.indexOf('\n\n');
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching event within ${timeoutMs} ms`);
      let timer: NodeJS.Timeout | undefined;
      const chunk = await Promise.race([
        this.reader.read(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no matching event within ${timeoutMs} ms`)), left);
        }),
      ]).finally(() => clearTimeout(timer));
      if (chunk.done) throw new Error('the stream ended');
      this.buffer += this.decoder.decode(chunk.value, { stream: true });
    }
  }

  /** Resolves true when the server ends the stream. */
  async ended(timeoutMs = 5_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const chunk = await Promise.race([
        this.reader.read().catch(() => ({ done: true, value: undefined })),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('the stream did not end')), deadline - Date.now());
        }),
      ]).finally(() => clearTimeout(timer));
      if (chunk.done) return true;
    }
  }

  cancel(): Promise<void> {
    return this.reader.cancel();
  }
}

const kindsOf = (block: string): string[] => {
  const data = /^data: (.*)$/m.exec(block)?.[1];
  return block.startsWith('event: change') && data ? (JSON.parse(data) as { kinds: string[] }).kinds : [];
};

describe('the live-update stream', () => {
  let base: string;
  beforeAll(async () => {
    base = await nines.app.listen({ host: '127.0.0.1', port: 0 });
  });

  it('tells what changed: slos after an evaluation that changed something, incidents after an acknowledgement', async () => {
    const { res, stream } = await EventStream.open(`${base}/api/v1/stream`, nines.auth.viewer);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    if (!stream) throw new Error('no body');
    await stream.next((b) => b === ': connected');

    nines.clock.set(nines.clock.now + MINUTE);
    await push([{ sli: 'order-placed', timestamp: at(), good: 0, total: 1_000 }]);
    await nines.evaluate();
    expect(kindsOf(await stream.next((b) => kindsOf(b).includes('slos')))).toContain('slos');

    await nines.grouping.run();
    await stream.next((b) => kindsOf(b).includes('incidents'));
    await stream.cancel();

    // On a stream opened after grouping, the acknowledgement is what tells.
    const later = (await EventStream.open(`${base}/api/v1/stream`, nines.auth.viewer)).stream;
    if (!later) throw new Error('no body');
    await later.next((b) => b === ': connected');
    const { incidents } = (
      await nines.app.inject({ url: '/api/v1/incidents?status=triggered', headers: nines.auth.viewer })
    ).json() as { incidents: { number: number }[] };
    expect(incidents.length).toBeGreaterThan(0);
    expect((await send(`/api/v1/incidents/${incidents[0]?.number}/acknowledge`)).statusCode).toBe(200);
    expect(kindsOf(await later.next((b) => kindsOf(b).length > 0))).toEqual(['incidents']);
    await later.cancel();
  });

  it('merges changes into at most two events a second', async () => {
    const { stream } = await EventStream.open(`${base}/api/v1/stream`, nines.auth.viewer);
    if (!stream) throw new Error('no body');
    await stream.next((b) => b === ': connected');
    const started = Date.now();
    for (let i = 0; i < 20; i++) nines.feed.publish(i % 2 === 0 ? 'gates' : 'oncall');
    expect(kindsOf(await stream.next((b) => kindsOf(b).length > 0))).toEqual(['gates']);
    expect(kindsOf(await stream.next((b) => kindsOf(b).length > 0))).toEqual(['gates', 'oncall']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    await stream.cancel();
  });

  it(`lets one token or user hold ${MAX_STREAMS_PER_PRINCIPAL} streams open; one more is a 429`, async () => {
    const open: EventStream[] = [];
    try {
      for (let i = 0; i < MAX_STREAMS_PER_PRINCIPAL; i++) {
        const { res, stream } = await EventStream.open(`${base}/api/v1/stream`, nines.auth.viewer);
        expect(res.status).toBe(200);
        if (stream) open.push(stream);
      }
      const refused = await fetch(`${base}/api/v1/stream`, { headers: nines.auth.viewer });
      expect(refused.status).toBe(429);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
      // Another principal has its own allowance.
      const other = await EventStream.open(`${base}/api/v1/stream`, nines.auth.responder);
      expect(other.res.status).toBe(200);
      if (other.stream) open.push(other.stream);
      // A closed stream frees its place.
      await open.shift()?.cancel();
      let again = 429;
      for (let tries = 0; again === 429 && tries < 50; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        const next = await EventStream.open(`${base}/api/v1/stream`, nines.auth.viewer);
        again = next.res.status;
        if (next.stream && again === 200) open.push(next.stream);
        else await next.res.body?.cancel();
      }
      expect(again).toBe(200);
    } finally {
      await Promise.all(open.map((s) => s.cancel()));
    }
  });

  it('refuses a client without credentials', async () => {
    const res = await fetch(`${base}/api/v1/stream`);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('UNAUTHENTICATED');
  });

  it('lets the server close with a stream open, ending the stream', async () => {
    const other = await startTestNines();
    const url = await other.app.listen({ host: '127.0.0.1', port: 0 });
    const { stream } = await EventStream.open(`${url}/api/v1/stream`, other.auth.viewer);
    if (!stream) throw new Error('no body');
    await stream.next((b) => b === ': connected');
    const started = Date.now();
    await other.cleanup();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await stream.ended()).toBe(true);
  });
});
