// biome-ignore-all lint/suspicious/noTemplateCurlyInString: probe templates use ${…} on purpose
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/support/net.js';
import { type ProbeRunResult, runProbe } from './run.js';
import {
  buildProbe,
  buildStep,
  daysFromNow,
  httpProbe,
  issueCertificate,
  startHttp,
  startHttps,
  startTcp,
  type TestServer,
} from './run.test-support.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
async function http(handler: Handler): Promise<TestServer> {
  const s = await startHttp(handler);
  servers.push(s);
  return s;
}

/** A one-step probe of `url`; `step` changes the step, `probe` the probe. */
function probeOf(
  url: string,
  step: Parameters<typeof buildStep>[0] = {},
  probe: Parameters<typeof httpProbe>[1] = {},
) {
  return httpProbe([buildStep({ ...step, request: { url, ...step.request } })], probe);
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

async function readBody(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text;
}

function failure(r: ProbeRunResult) {
  return { ok: r.ok, failedStep: r.failedStep, error: r.error };
}

describe('an HTTP journey', () => {
  it('passes end to end: JSON POST, env auth header, JSONPath and header extraction, session cookie, 303 to GET', async () => {
    const seen: string[] = [];
    const server = await http(async (req, res) => {
      const body = await readBody(req);
      seen.push(`${req.method} ${req.url} cookie=${req.headers.cookie ?? '-'} body=${body || '-'}`);
      if (req.method === 'POST' && req.url === '/login') {
        if (req.headers.authorization !== 'Bearer shop-token-123') return json(res, 401, { error: 'who?' });
        if (JSON.parse(body).user !== 'ann') return json(res, 400, { error: 'bad body' });
        return json(
          res,
          200,
          { token: 'tok-7', user: { id: 17 } },
          {
            'set-cookie': 'session=s-4f9a2b; Path=/; HttpOnly',
            'x-basket': 'b-42',
          },
        );
      }
      if (req.headers.cookie !== 'session=s-4f9a2b') return json(res, 403, { error: 'no session' });
      if (req.url === '/baskets/b-42?user=17' && req.headers['x-token'] === 'tok-7') {
        return json(res, 200, { items: [{ sku: 'mug', price: 12.5 }] });
      }
      if (req.method === 'POST' && req.url === '/orders') {
        res.writeHead(303, { location: '/orders/o-1' }).end();
        return;
      }
      if (req.method === 'GET' && req.url === '/orders/o-1') return json(res, 200, { status: 'placed' });
      return json(res, 404, { error: 'not found' });
    });
    const probe = httpProbe([
      buildStep({
        name: 'login',
        request: {
          method: 'POST',
          url: server.url('/login'),
          headers: { authorization: 'Bearer ${env:SHOP_TOKEN}', 'content-type': 'application/json' },
          body: '{"user":"ann"}',
        },
        extract: [
          { name: 'token', from: 'jsonPath', path: '$.token', secret: true },
          { name: 'userId', from: 'jsonPath', path: '$.user.id', secret: false },
          { name: 'basket', from: 'header', header: 'x-basket', secret: false },
        ],
      }),
      buildStep({
        name: 'basket',
        request: {
          url: `${server.url('/baskets/${basket}')}?user=\${userId}`,
          headers: { 'x-token': '${token}' },
        },
        expect: {
          body: [
            { type: 'equals', path: '$.items[0].sku', value: 'mug' },
            { type: 'exists', path: '$.items[?@.price > 10]', exists: true },
            { type: 'exists', path: '$.error', exists: false },
            { type: 'schema', schema: { type: 'object', required: ['items'] } },
          ],
        },
      }),
      buildStep({
        name: 'order',
        request: {
          method: 'POST',
          url: server.url('/orders'),
          headers: { 'content-type': 'application/json' },
          body: '{"basket":"${basket}"}',
        },
        expect: { body: [{ type: 'contains', text: 'placed' }] },
      }),
    ]);

    const result = await runProbe(probe, { env: { SHOP_TOKEN: 'shop-token-123' } });

    expect(failure(result)).toEqual({ ok: true, failedStep: undefined, error: undefined });
    expect(result.steps.map((s) => [s.name, s.ok, s.status, s.redirects])).toEqual([
      ['login', true, 200, 0],
      ['basket', true, 200, 0],
      ['order', true, 200, 1],
    ]);
    expect(result.steps[2]?.url).toBe(server.url('/orders/o-1'));
    expect(seen).toEqual([
      'POST /login cookie=- body={"user":"ann"}',
      'GET /baskets/b-42?user=17 cookie=session=s-4f9a2b body=-',
      'POST /orders cookie=session=s-4f9a2b body={"basket":"b-42"}',
      'GET /orders/o-1 cookie=session=s-4f9a2b body=-',
    ]);
  });

  it('stops at a failing step and names it: a 500 with a capped snippet of its body', async () => {
    const server = await http((req, res) => {
      if (req.url === '/pay') {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`payment backend down ${'x'.repeat(2_000)}`);
      } else {
        json(res, 200, { ok: true });
      }
    });
    const probe = httpProbe([
      buildStep({ name: 'cart', request: { url: server.url('/cart') } }),
      buildStep({ name: 'pay', request: { url: server.url('/pay') } }),
      buildStep({ name: 'receipt', request: { url: server.url('/receipt') } }),
    ]);

    const result = await runProbe(probe, { env: {}, snippetBytes: 32 });

    expect(failure(result)).toEqual({
      ok: false,
      failedStep: 'pay',
      error: "step 'pay': expected status 200-299, got 500",
    });
    expect(result.steps.map((s) => s.name)).toEqual(['cart', 'pay']);
    expect(result.steps[0]?.snippet).toBeUndefined();
    expect(result.steps[1]?.snippet).toBe(`payment backend down ${'x'.repeat(11)}…`);
  });

  it('times out at the request limit when the server is slow', async () => {
    const server = await http(() => {}); // accepts the request, never answers
    const result = await runProbe(probeOf(server.url(), { request: { timeoutMs: 200 } }), { env: {} });
    expect(failure(result)).toEqual({
      ok: false,
      failedStep: 'home',
      error: "step 'home': timed out after 200 ms",
    });
    expect(result.durationMs).toBeLessThan(1_000);
  });

  it("stops at the probe's timeout when it comes before the request's", async () => {
    const server = await http((req, res) => {
      if (req.url === '/fast') return json(res, 200, {});
      res.writeHead(200);
      res.write('first bytes, then nothing');
    });
    const probe = httpProbe(
      [
        buildStep({ name: 'fast', request: { url: server.url('/fast') } }),
        buildStep({ name: 'stuck', request: { url: server.url('/stuck'), timeoutMs: 5_000 } }),
      ],
      { timeoutMs: 300 },
    );
    const result = await runProbe(probe, { env: {} });
    expect(failure(result)).toEqual({
      ok: false,
      failedStep: 'stuck',
      error: "step 'stuck': probe timed out after 300 ms",
    });
    expect(result.durationMs).toBeLessThan(1_000);
  });

  it('reports a connection reset mid-response', async () => {
    const server = await http((req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('abc');
      setTimeout(() => req.socket.resetAndDestroy(), 50);
    });
    const result = await runProbe(probeOf(server.url()), { env: {} });
    expect(result.failedStep).toBe('home');
    expect(result.error).toMatch(
      /^step 'home': connection reset by peer( while reading the body \(after 3 of 100 bytes\))?$/,
    );
  });

  it('reports a body cut short of its content-length', async () => {
    const server = await http((req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('abc');
      setTimeout(() => req.socket.end(), 20);
    });
    const result = await runProbe(probeOf(server.url()), { env: {} });
    expect(failure(result)).toEqual({
      ok: false,
      failedStep: 'home',
      error: "step 'home': response body truncated: the server closed the connection after 3 of 100 bytes",
    });
  });

  it('refuses to read a body larger than maxBodyBytes', async () => {
    const server = await http((_req, res) => res.end('y'.repeat(5_000)));
    const result = await runProbe(probeOf(server.url()), { env: {}, maxBodyBytes: 1_024 });
    expect(result.error).toBe("step 'home': response body is larger than 1 KiB, the most a probe reads");
  });

  it('reports connection refused', async () => {
    const port = await freePort();
    const result = await runProbe(probeOf(`http://127.0.0.1:${port}/`), { env: {} });
    expect(result.error).toBe(`step 'home': connection refused (127.0.0.1:${port})`);
  });

  it('fails JSON assertions on a body that is not JSON', async () => {
    const server = await http((_req, res) => res.end('<html>oops</html>'));
    const probe = probeOf(server.url(), {
      expect: { body: [{ type: 'exists', path: '$.id', exists: true }] },
    });
    const result = await runProbe(probe, { env: {} });
    expect(result.error).toMatch(/^step 'home': response is not valid JSON: Unexpected token/);
    expect(result.steps[0]?.snippet).toBe('<html>oops</html>');
  });

  const catalogue = { items: [{ sku: 'mug', price: '12.50' }, { sku: 'cup' }], status: 'pending' };
  it.each([
    [{ type: 'contains', text: 'teapot' }, 'body does not contain "teapot"'],
    [{ type: 'exists', path: '$.basket', exists: true }, '$.basket matches nothing'],
    [{ type: 'exists', path: '$.items[*]', exists: false }, '$.items[*] matches 2 nodes, expected none'],
    [{ type: 'equals', path: '$.status', value: 'paid' }, '$.status is "pending", expected "paid"'],
    [
      { type: 'equals', path: '$.items[*].sku', value: 'mug' },
      '$.items[*].sku matches 2 nodes, expected exactly one equal to "mug"',
    ],
    [
      { type: 'equals', path: '$.items[0]', value: { sku: 'mug', price: 12.5 } },
      '$.items[0] is {"sku":"mug","price":"12.50"}, expected {"sku":"mug","price":12.5}',
    ],
    [
      {
        type: 'schema',
        schema: {
          type: 'object',
          required: ['total'],
          properties: { items: { type: 'array', items: { properties: { price: { type: 'number' } } } } },
        },
      },
      "body does not match the schema: / must have required property 'total'; /items/0/price must be number",
    ],
  ] as const)('fails on wrong content: %j', async (assertion, message) => {
    const server = await http((_req, res) => json(res, 200, catalogue));
    const result = await runProbe(probeOf(server.url(), { expect: { body: [assertion] } }), { env: {} });
    expect(failure(result)).toEqual({ ok: false, failedStep: 'home', error: `step 'home': ${message}` });
  });

  it('checks the status before the body, and names an extraction that finds nothing', async () => {
    const server = await http((req, res) => json(res, req.url === '/gone' ? 410 : 200, { id: 1 }));
    const gone = probeOf(server.url('/gone'), { expect: { body: [{ type: 'contains', text: 'teapot' }] } });
    expect((await runProbe(gone, { env: {} })).error).toBe("step 'home': expected status 200-299, got 410");
    const noToken = probeOf(server.url(), {
      extract: [{ name: 'token', from: 'jsonPath', path: '$.token', secret: true }],
    });
    expect((await runProbe(noToken, { env: {} })).error).toBe(
      "step 'home': cannot extract token: $.token matches nothing",
    );
  });

  it('names a redirect loop', async () => {
    const server = await http((req, res) => {
      res.writeHead(302, { location: req.url === '/a' ? '/b' : '/a' });
      res.end();
    });
    const result = await runProbe(probeOf(server.url('/a')), { env: {} });
    expect(failure(result)).toEqual({
      ok: false,
      failedStep: 'home',
      error: "step 'home': redirect loop: /a → /b → /a",
    });
    expect(result.steps[0]?.redirects).toBe(2);
  });

  it('fails after more redirects than allowed, naming the limit', async () => {
    const server = await http((req, res) => {
      res.writeHead(301, { location: `/r${Number(req.url?.slice(2)) + 1}` });
      res.end();
    });
    const result = await runProbe(probeOf(server.url('/r0'), { request: { maxRedirects: 2 } }), { env: {} });
    expect(result.error).toBe("step 'home': too many redirects (more than 2): /r0 → /r1 → /r2 → /r3");
  });

  it('fails a step slower than its latency limit, and a run slower than the probe latency with no failed step', async () => {
    const server = await http((_req, res) => setTimeout(() => json(res, 200, {}), 120));
    const slowStep = await runProbe(probeOf(server.url(), { expect: { latencyMs: 50 } }), { env: {} });
    expect(slowStep.error).toMatch(/^step 'home': took \d+ ms, over the 50 ms latency limit$/);

    const slowRun = await runProbe(probeOf(server.url(), {}, { latencyMs: 100 }), { env: {} });
    expect(slowRun.ok).toBe(false);
    expect(slowRun.failedStep).toBeUndefined();
    expect(slowRun.steps[0]?.ok).toBe(true);
    expect(slowRun.error).toBe(`run took ${slowRun.durationMs} ms, over the probe's 100 ms latency limit`);
  });

  it('fails before sending anything when an environment variable is missing', async () => {
    let requests = 0;
    const server = await http((_req, res) => {
      requests++;
      json(res, 200, {});
    });
    const probe = httpProbe([
      buildStep({ name: 'cart', request: { url: server.url('/cart') } }),
      buildStep({
        name: 'pay',
        request: { url: server.url('/pay'), headers: { authorization: 'Bearer ${env:PAY_TOKEN}' } },
      }),
    ]);
    const result = await runProbe(probe, { env: {} });
    expect(failure(result)).toEqual({
      ok: false,
      failedStep: 'pay',
      error: "step 'pay': environment variable PAY_TOKEN is not set (header authorization)",
    });
    expect(requests).toBe(0);
  });

  it('redacts secrets from the URL, the error and the snippet', async () => {
    const token = 'tok-9f8e7d6c5b';
    const server = await http((req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(
        `hello ${new URL(req.url ?? '/', 'http://x').searchParams.get('token')}, auth=${req.headers.authorization}`,
      );
    });
    const probe = probeOf(`${server.url('/account')}?token=\${env:SHOP_TOKEN}`, {
      request: { headers: { authorization: 'Bearer ${env:SHOP_TOKEN}' } },
      expect: { body: [{ type: 'contains', text: 'welcome ${env:SHOP_TOKEN}' }] },
    });
    const result = await runProbe(probe, { env: { SHOP_TOKEN: token } });

    expect(result.error).toBe(`step 'home': body does not contain "welcome [redacted]"`);
    expect(result.steps[0]?.url).toBe(`${server.url('/account')}?token=[redacted]`);
    // The whole authorization value is a credential, scheme included.
    expect(result.steps[0]?.snippet).toBe('hello [redacted], auth=[redacted]');
    expect(JSON.stringify(result)).not.toContain(token);
  });

  it('ends with "run cancelled" when the caller aborts', async () => {
    const server = await http(() => {});
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const result = await runProbe(probeOf(server.url()), { env: {}, signal: controller.signal });
    expect(result.error).toBe("step 'home': run cancelled");
  });
});

describe('TLS', () => {
  async function https(validity: { notBefore: Date; notAfter: Date }) {
    const certificate = await issueCertificate(validity);
    const server = await startHttps(certificate, (_req, res) => res.end('secure'));
    servers.push(server);
    return { server, certificate };
  }
  const tlsProbe = (port: number, minValidityDays: number, tls: { ca?: string; insecure: boolean }) =>
    buildProbe({
      name: 'shop-cert',
      check: { type: 'tls', host: '127.0.0.1', port, minValidityMs: minValidityDays * 86_400_000 },
      tls,
    });

  it('fails an HTTPS request on an expired certificate, its CA trusted, and passes a valid one', async () => {
    const expired = await https({ notBefore: daysFromNow(-30), notAfter: daysFromNow(-1) });
    const result = await runProbe(
      probeOf(expired.server.url(), {}, { tls: { ca: expired.certificate.ca, insecure: false } }),
      {
        env: {},
      },
    );
    expect(failure(result)).toEqual({
      ok: false,
      failedStep: 'home',
      error: "step 'home': certificate has expired",
    });

    const valid = await https({ notBefore: daysFromNow(-1), notAfter: daysFromNow(90) });
    const ok = await runProbe(
      probeOf(valid.server.url(), {}, { tls: { ca: valid.certificate.ca, insecure: false } }),
      {
        env: {},
      },
    );
    expect(failure(ok)).toEqual({ ok: true, failedStep: undefined, error: undefined });
  });

  it('fails a certificate check inside the warning window and passes outside it', async () => {
    const { server, certificate } = await https({ notBefore: daysFromNow(-1), notAfter: daysFromNow(3) });
    const tight = await runProbe(tlsProbe(server.port, 14, { ca: certificate.ca, insecure: false }), {
      env: {},
    });
    expect(failure(tight)).toEqual({
      ok: false,
      failedStep: 'shop-cert',
      error: `step 'shop-cert': certificate expires in 3 days (${certificate.notAfter.toISOString()}), less than the 14 days required`,
    });
    const loose = await runProbe(tlsProbe(server.port, 2, { ca: certificate.ca, insecure: false }), {
      env: {},
    });
    expect(loose.ok).toBe(true);
  });

  it('verifies the certificate in a certificate check even when the probe is insecure', async () => {
    const { server } = await https({ notBefore: daysFromNow(-1), notAfter: daysFromNow(90) });
    const check = await runProbe(tlsProbe(server.port, 14, { insecure: true }), { env: {} });
    expect(check.error).toBe(
      "step 'shop-cert': certificate chain ends in a self-signed root that is not trusted (add the root to tls.ca)",
    );
    const request = await runProbe(probeOf(server.url(), {}, { tls: { insecure: true } }), { env: {} });
    expect(request.ok).toBe(true);
  });
  it('is held to its timeout even while a TLS handshake never completes', async () => {
    // undici does not abort a connection still being set up; the run must end on time anyway.
    const silent = await startTcp(() => {});
    servers.push(silent);
    const probe = probeOf(
      `https://127.0.0.1:${silent.port}/`,
      { request: { timeoutMs: 5_000 } },
      { timeoutMs: 300 },
    );
    const result = await runProbe(probe, { env: {} });
    expect(failure(result)).toEqual({
      ok: false,
      failedStep: 'home',
      error: "step 'home': probe timed out after 300 ms",
    });
    expect(result.durationMs).toBeLessThan(1_000);
  });
});

describe('TCP', () => {
  const tcpProbe = (port: number) =>
    buildProbe({ name: 'db', check: { type: 'tcp', host: '127.0.0.1', port } });

  it('passes when the port accepts a connection', async () => {
    const server = await startTcp();
    servers.push(server);
    const result = await runProbe(tcpProbe(server.port), { env: {} });
    expect(result).toMatchObject({ probe: 'db', ok: true, steps: [{ name: 'db', ok: true }] });
  });

  it('fails with connection refused when nothing listens', async () => {
    const port = await freePort();
    const result = await runProbe(tcpProbe(port), { env: {} });
    expect(failure(result)).toEqual({
      ok: false,
      failedStep: 'db',
      error: `step 'db': connection refused (127.0.0.1:${port})`,
    });
  });
});
