import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../test/support/net.js';
import { startHttp, type TestServer } from '../sources/probes/run.test-support.js';
import { renderPage } from './message.js';
import { buildIncident } from './notify.test-support.js';
import { sendSlack, sendWebhook } from './senders.js';
import { verifyWebhook } from './signature.js';

const SECRET = 'whsec_loopback';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function http(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void) {
  const s = await startHttp((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString('utf8');
    });
    req.on('end', () => handler(req, res, body));
  });
  servers.push(s);
  return s;
}

interface Delivery {
  readonly id: string | undefined;
  readonly verified: boolean;
  readonly headers: IncomingMessage['headers'];
  readonly body: unknown;
}

/** A receiver that verifies each delivery's signature and answers `statuses` in turn (then 200). */
async function receiver(statuses: number[] = []) {
  const deliveries: Delivery[] = [];
  const server = await http((req, res, body) => {
    const verified = verifyWebhook(
      req.headers['x-nines-signature'],
      body,
      SECRET,
      Math.floor(Date.now() / 1000),
    );
    deliveries.push({
      id: req.headers['x-nines-delivery'] as string | undefined,
      verified,
      headers: req.headers,
      body: JSON.parse(body),
    });
    const status = verified ? (statuses.shift() ?? 200) : 401;
    res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : `status ${status}`);
  });
  return { server, deliveries };
}

const webhookBody = renderPage({
  incident: buildIncident(),
  kind: 'triggered',
  journeysAtRisk: ['checkout'],
  links: { view: 'https://nines.example/incidents/12', acknowledge: 'https://nines.example/a/t' },
}).webhook;

const send = (url: string, overrides: Partial<Parameters<typeof sendWebhook>[0]> = {}) =>
  sendWebhook({
    url,
    secret: SECRET,
    body: webhookBody,
    idempotencyId: 'n-1842',
    timeoutMs: 2_000,
    now: Date.now(),
    ...overrides,
  });

describe('sendWebhook', () => {
  it('delivers a signed body that the receiver verifies, with the delivery headers', async () => {
    const { server, deliveries } = await receiver();
    const now = Date.now();
    expect(await send(server.url('/hooks/nines'), { now })).toEqual({ ok: true, status: 200 });
    expect(deliveries).toHaveLength(1);
    const [d] = deliveries;
    expect(d?.verified).toBe(true);
    expect(d?.body).toEqual(webhookBody);
    expect(d?.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'nines',
      'x-nines-delivery': 'n-1842',
      'x-nines-timestamp': String(Math.floor(now / 1000)),
    });
    expect(d?.headers['x-nines-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
  });

  it('a receiver refuses a delivery signed with another secret', async () => {
    const { server, deliveries } = await receiver();
    expect(await send(server.url(), { secret: 'wrong' })).toMatchObject({
      ok: false,
      retryable: false,
      status: 401,
    });
    expect(deliveries[0]?.verified).toBe(false);
  });

  it('calls a 500 retryable, and the retry carries the same delivery id', async () => {
    const { server, deliveries } = await receiver([500]);
    expect(await send(server.url())).toEqual({
      ok: false,
      retryable: true,
      status: 500,
      error: 'HTTP 500: status 500',
    });
    expect(await send(server.url())).toEqual({ ok: true, status: 200 });
    expect(deliveries.map((d) => d.id)).toEqual(['n-1842', 'n-1842']);
  });

  it('retries 408, 425, 429 and 5xx, not other 4xx', async () => {
    const statuses = [408, 425, 429, 502, 503, 400, 403, 404, 410, 422];
    const { server } = await receiver([...statuses]);
    const results = [];
    for (const _ of statuses) results.push(await send(server.url()));
    expect(results.map((r) => [r.status, !r.ok && r.retryable])).toEqual([
      [408, true],
      [425, true],
      [429, true],
      [502, true],
      [503, true],
      [400, false],
      [403, false],
      [404, false],
      [410, false],
      [422, false],
    ]);
  });

  it("passes on a 429's Retry-After", async () => {
    const server = await http((_req, res) => res.writeHead(429, { 'retry-after': '7' }).end());
    expect(await send(server.url())).toEqual({
      ok: false,
      retryable: true,
      status: 429,
      error: 'HTTP 429',
      retryAfterMs: 7_000,
    });
  });

  it('does not follow a redirect, and calls it not retryable', async () => {
    const { server: target, deliveries } = await receiver();
    const server = await http((_req, res) => res.writeHead(307, { location: target.url('/moved') }).end());
    expect(await send(server.url())).toEqual({
      ok: false,
      retryable: false,
      status: 307,
      error: `HTTP 307: redirect to ${target.url('/moved')} not followed`,
    });
    expect(deliveries).toHaveLength(0);
  });

  it('gives up on a receiver that never answers within the timeout, retryably', async () => {
    const server = await http(() => {});
    const started = performance.now();
    const result = await send(server.url(), { timeoutMs: 300 });
    const took = performance.now() - started;
    expect(result).toEqual({ ok: false, retryable: true, error: 'timed out after 300 ms' });
    expect(took).toBeGreaterThanOrEqual(280);
    expect(took).toBeLessThan(800);
  });

  it('counts reading the response body in the timeout', async () => {
    const server = await http((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('half an answer');
    });
    const started = performance.now();
    expect(await send(server.url(), { timeoutMs: 300 })).toMatchObject({ ok: false, retryable: true });
    expect(performance.now() - started).toBeLessThan(800);
  });

  it('does not let a hanging receiver delay a send to a healthy one', async () => {
    const hanging = await http(() => {});
    const { server: healthy } = await receiver();
    const started = performance.now();
    let healthyAt = 0;
    const [slow, fast] = await Promise.all([
      send(hanging.url(), { timeoutMs: 1_500 }),
      send(healthy.url(), { idempotencyId: 'n-2' }).then((r) => {
        healthyAt = performance.now() - started;
        return r;
      }),
    ]);
    expect(fast).toEqual({ ok: true, status: 200 });
    expect(healthyAt).toBeLessThan(500);
    expect(slow).toMatchObject({ ok: false, retryable: true, error: 'timed out after 1500 ms' });
  });

  it('reads no more than 64 KB of an endless response', async () => {
    let written = 0;
    const server = await http((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const chunk = Buffer.alloc(16 * 1024, 'x');
      const pump = () => {
        while (!res.destroyed && written < 50 * 1024 * 1024 && res.write(chunk)) written += chunk.length;
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    });
    const started = performance.now();
    expect(await send(server.url(), { timeoutMs: 5_000 })).toEqual({ ok: true, status: 200 });
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(written).toBeLessThan(50 * 1024 * 1024);
  });

  it('calls a refused connection retryable', async () => {
    const port = await freePort();
    const result = await send(`http://127.0.0.1:${port}/`);
    expect(result).toMatchObject({ ok: false, retryable: true });
    expect(!result.ok && result.error).toContain('ECONNREFUSED');
  });

  it('refuses for good what no retry can mend, without a request', async () => {
    expect(await send('not a url')).toEqual({ ok: false, retryable: false, error: 'invalid URL' });
    expect(await send('ftp://127.0.0.1/')).toMatchObject({ ok: false, retryable: false });
    expect(await send('http://127.0.0.1:9/', { idempotencyId: 'a\r\nb' })).toMatchObject({
      ok: false,
      retryable: false,
    });
    expect(await send('http://127.0.0.1:9/', { timeoutMs: 0 })).toMatchObject({
      ok: false,
      retryable: false,
    });
    expect(await send('http://127.0.0.1:9/', { timeoutMs: Number.NaN })).toMatchObject({
      ok: false,
      retryable: false,
    });
    expect(await send('http://127.0.0.1:9/', { secret: '' })).toMatchObject({ ok: false, retryable: false });
    expect(await send('http://127.0.0.1:9/', { now: Number.NaN })).toMatchObject({
      ok: false,
      retryable: false,
    });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(await send('http://127.0.0.1:9/', { body: cyclic })).toMatchObject({
      ok: false,
      retryable: false,
    });
  });
});

describe('sendSlack', () => {
  it('posts the payload as JSON', async () => {
    const received: unknown[] = [];
    const server = await http((req, res, body) => {
      received.push({ type: req.headers['content-type'], body: JSON.parse(body) });
      res.writeHead(200).end('ok');
    });
    const payload = { text: 'hello', blocks: [] };
    expect(await sendSlack({ url: server.url('/services/T/B/X'), payload, timeoutMs: 2_000 })).toEqual({
      ok: true,
      status: 200,
    });
    expect(received).toEqual([{ type: 'application/json', body: payload }]);
  });

  it("reports Slack's reason, and a 404 no_service as final", async () => {
    const server = await http((_req, res) => res.writeHead(404).end('no_service'));
    expect(await sendSlack({ url: server.url(), payload: {}, timeoutMs: 2_000 })).toEqual({
      ok: false,
      retryable: false,
      status: 404,
      error: 'HTTP 404: no_service',
    });
  });
});
