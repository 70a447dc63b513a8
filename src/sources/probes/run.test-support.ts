import { webcrypto } from 'node:crypto';
import { once } from 'node:events';
import { createServer as createHttpServer, type RequestListener } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo, createServer as createNetServer, type Server, type Socket } from 'node:net';
import type { Probe, ProbeExpect, ProbeRequest, ProbeStep } from '../../catalog/model.js';

/**
 * A probe with test defaults (one GET step, 5 s run limit), changed by `overrides`.
 *
 * @example
 * buildProbe({ timeoutMs: 300, check: { type: 'http', steps: [buildStep({ request: { url } })] } });
 */
export function buildProbe(overrides: Partial<Probe> = {}): Probe {
  return {
    kind: 'Probe',
    name: 'shop',
    labels: {},
    annotations: {},
    intervalMs: 60_000,
    timeoutMs: 5_000,
    check: { type: 'http', steps: [buildStep()] },
    tls: { insecure: false },
    ...overrides,
  };
}

export interface StepOverrides {
  readonly name?: string;
  readonly request?: Partial<ProbeRequest>;
  readonly expect?: Partial<ProbeExpect>;
  readonly extract?: ProbeStep['extract'];
}

/**
 * A step named `home`: GET, 2 s limit, redirects followed, expecting a 2xx.
 *
 * @example
 * buildStep({ name: 'pay', request: { method: 'POST', url, body: '{}' }, expect: { status: [[201, 201]] } });
 */
export function buildStep(o: StepOverrides = {}): ProbeStep {
  return {
    name: o.name ?? 'home',
    request: {
      method: 'GET',
      url: 'http://127.0.0.1:9/',
      headers: {},
      timeoutMs: 2_000,
      followRedirects: true,
      maxRedirects: 5,
      ...o.request,
    },
    expect: { status: [[200, 299]], body: [], ...o.expect },
    extract: o.extract ?? [],
  };
}

/** An HTTP probe of these steps. */
export function httpProbe(steps: readonly ProbeStep[], overrides: Partial<Probe> = {}): Probe {
  return buildProbe({ check: { type: 'http', steps }, ...overrides });
}

export interface TestServer {
  readonly port: number;
  url(path?: string): string;
  /** Closes the server and destroys every connection still open. */
  close(): Promise<void>;
}

async function listen(server: Server, scheme: string): Promise<TestServer> {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: (path = '/') => `${scheme}://127.0.0.1:${port}${path}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** An HTTP server on 127.0.0.1 and an ephemeral port. */
export function startHttp(handler: RequestListener): Promise<TestServer> {
  return listen(createHttpServer(handler), 'http');
}

/** An HTTPS server presenting `cert` (PEM, leaf first) with `key`. */
export function startHttps(
  tls: { cert: string; key: string },
  handler: RequestListener,
): Promise<TestServer> {
  return listen(createHttpsServer(tls, handler), 'https');
}

/** A TCP server; by default it closes every connection it accepts, `onConnection` can hold them instead. */
export function startTcp(onConnection: (socket: Socket) => void = (s) => s.end()): Promise<TestServer> {
  return listen(createNetServer(onConnection), 'tcp');
}

export interface TestCertificate {
  /** The issuing CA, PEM: what a probe trusts with `tls.ca`. */
  readonly ca: string;
  /** The leaf for localhost and 127.0.0.1, PEM. */
  readonly cert: string;
  readonly key: string;
  readonly notAfter: Date;
}

const DAY = 86_400_000;
const ECDSA = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

/**
 * A CA (valid for a year) and a leaf for localhost/127.0.0.1 it signed, valid
 * between the given dates, so a test can trust the CA and meet exactly the
 * leaf's problem (expiry) rather than an unknown issuer.
 *
 * @example
 * const expired = await issueCertificate({ notBefore: daysFromNow(-30), notAfter: daysFromNow(-1) });
 */
export async function issueCertificate(validity: {
  notBefore: Date;
  notAfter: Date;
}): Promise<TestCertificate> {
  const x509 = await loadX509();
  const caKeys = await webcrypto.subtle.generateKey(ECDSA, true, ['sign', 'verify']);
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=nines test CA',
    keys: caKeys,
    signingAlgorithm: ECDSA,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 365 * DAY),
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  const keys = await webcrypto.subtle.generateKey(ECDSA, true, ['sign', 'verify']);
  const leaf = await x509.X509CertificateGenerator.create({
    subject: 'CN=localhost',
    issuer: ca.subject,
    publicKey: keys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: ECDSA,
    notBefore: validity.notBefore,
    notAfter: validity.notAfter,
    extensions: [
      new x509.BasicConstraintsExtension(false),
      new x509.SubjectAlternativeNameExtension([
        { type: 'dns', value: 'localhost' },
        { type: 'ip', value: '127.0.0.1' },
      ]),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return {
    ca: ca.toString('pem'),
    cert: leaf.toString('pem'),
    key: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY'),
    notAfter: leaf.notAfter,
  };
}

/** A date `days` away from now (negative: in the past). */
export function daysFromNow(days: number): Date {
  return new Date(Date.now() + days * DAY);
}

/**
 * @peculiar/x509 resolves its internals through tsyringe, which needs the
 * Reflect metadata polyfill loaded first (hence the dynamic import).
 */
async function loadX509(): Promise<typeof import('@peculiar/x509')> {
  await import('reflect-metadata');
  const x509 = await import('@peculiar/x509');
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  return x509;
}
