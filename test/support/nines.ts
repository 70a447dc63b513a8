import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalog } from '../../src/catalog/load.js';
import { readCatalogFiles } from '../../src/catalog/load-dir.js';
import type { Catalog } from '../../src/catalog/model.js';
import { createNines, type Nines } from '../../src/runtime/app.js';
import { readServerConfig } from '../../src/runtime/config.js';
import { TokenRepository } from '../../src/store/tokens.js';

export interface TestNines extends Nines {
  /** Bearer headers for a token of each role. */
  readonly auth: {
    viewer: Record<string, string>;
    responder: Record<string, string>;
    admin: Record<string, string>;
  };
  /** The test's clock; move it with `clock.set`. */
  readonly clock: { now: number; set(ms: number): void };
  readonly dataDir: string;
  cleanup(): Promise<void>;
}

export async function webshopCatalog(): Promise<Catalog> {
  const { catalog, diagnostics } = loadCatalog(await readCatalogFiles('examples/webshop'));
  if (diagnostics.length > 0) throw new Error('the example catalog does not validate');
  return catalog;
}

/**
 * A nines on a fresh SQLite store (or the given database URL) with a controllable
 * clock and one token per role; no evaluation loop, tests call `evaluate()`.
 */
export async function startTestNines(
  options: {
    catalog?: Catalog;
    database?: string | undefined;
    /** Reuse a data directory (it is then not removed by cleanup). */
    dataDir?: string;
    now?: number;
    env?: Record<string, string>;
    minEvents?: number;
    /** Run the evaluation loop and the probe scheduler on the real clock (default: neither). */
    live?: boolean;
    /** What probes see as their environment. */
    probeEnv?: Record<string, string>;
    /** The built web UI to serve (default web/dist). */
    webDir?: string;
  } = {},
): Promise<TestNines> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'nines-app-'));
  const clock = {
    now: options.now ?? Date.UTC(2026, 10, 22, 12, 0, 30),
    set(ms: number) {
      this.now = ms;
    },
  };
  const config = readServerConfig(
    { dataDir, logLevel: 'silent', ...(options.database !== undefined && { database: options.database }) },
    options.env ?? {},
  );
  const nines = await createNines(config, options.catalog ?? (await webshopCatalog()), {
    clock: options.live ? Date.now : () => clock.now,
    loop: options.live ?? false,
    env: options.probeEnv ?? {},
    ...(options.minEvents !== undefined && { minEvents: options.minEvents }),
    ...(options.webDir !== undefined && { webDir: options.webDir }),
  });
  const tokens = new TokenRepository(nines.store.db);
  const header = async (role: 'viewer' | 'responder' | 'admin') => ({
    authorization: `Bearer ${(await tokens.create(`test-${role}`, role, clock.now)).token}`,
  });
  const auth = {
    viewer: await header('viewer'),
    responder: await header('responder'),
    admin: await header('admin'),
  };
  return Object.assign(nines, {
    auth,
    clock,
    dataDir,
    async cleanup() {
      await nines.close();
      if (options.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  });
}

/** A web user signed in through POST /auth/login: headers that send the cookie (and the CSRF token). */
export interface WebSession {
  readonly name: string;
  readonly cookie: string;
  readonly csrfToken: string;
  /** The cookie alone: enough for GET. */
  readonly get: Record<string, string>;
  /** The cookie and x-csrf-token: what the UI sends with anything but GET. */
  readonly send: Record<string, string>;
}

/** Creates a user with the role (unless one of that name exists) and signs them in. */
export async function signIn(
  nines: TestNines,
  role: 'viewer' | 'responder' | 'admin',
  name = `web-${role}`,
  password = 'correct horse battery staple',
): Promise<WebSession> {
  if (!(await nines.users.list()).some((u) => u.name === name))
    await nines.users.create(name, password, role);
  const res = await nines.app.inject({ method: 'POST', url: '/auth/login', payload: { name, password } });
  if (res.statusCode !== 200) throw new Error(`signing in as ${name}: ${res.statusCode} ${res.body}`);
  const cookie = String(res.headers['set-cookie']).split(';')[0] ?? '';
  const { csrfToken } = res.json() as { csrfToken: string };
  return { name, cookie, csrfToken, get: { cookie }, send: { cookie, 'x-csrf-token': csrfToken } };
}

/**
 * A PagerDuty Events v2 trigger on a service through a new integration key,
 * answered 202, then grouped into an incident.
 */
export async function triggerIncident(
  nines: TestNines,
  service: string,
  dedupKey: string,
  summary: string,
  severity: 'critical' | 'error' | 'warning' = 'critical',
): Promise<void> {
  const { key } = await nines.intake.integrations.create(
    { name: `pd-${service}-${dedupKey}`, service, type: 'pagerduty' },
    nines.clock.now,
  );
  const res = await nines.app.inject({
    method: 'POST',
    url: '/v2/enqueue',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({
      routing_key: key,
      event_action: 'trigger',
      dedup_key: dedupKey,
      payload: { summary, source: 'test', severity },
    }),
  });
  if (res.statusCode !== 202) throw new Error(`trigger on ${service}: ${res.statusCode} ${res.body}`);
  await nines.grouping.run();
}
