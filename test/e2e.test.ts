import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './support/browser.js';
import { startTestNines, type TestNines, triggerIncident } from './support/nines.js';

/**
 * The web UI end to end: the built UI served by nines, driven in Debian's
 * Chromium with playwright-core. Every page's screenshot is written to
 * test-artifacts/ui/ and checked to be more than a blank page.
 */

const START = Date.UTC(2026, 10, 22, 12, 0, 0);
const PASSWORD = 'correct horse battery staple';
const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'ui');

let n: TestNines;
let base: string;
let browser: Browser;
let closeBrowser: () => Promise<void>;

beforeAll(async () => {
  n = await startTestNines({ now: START });
  for (const role of ['admin', 'responder', 'viewer'] as const)
    await n.users.create(`ui-${role}`, PASSWORD, role);
  base = await n.app.listen({ port: 0, host: '127.0.0.1' });
  ({ browser, close: closeBrowser } = await launchBrowser());
  mkdirSync(ARTIFACTS, { recursive: true });
}, 60_000);

afterAll(async () => {
  await closeBrowser?.();
  await n?.cleanup();
});

/**
 * How many distinct colours a screenshot has (up to 65), counted in the browser
 * on a canvas, so no image library is needed. Browser code, so written as text.
 */
const COUNT_COLOURS = `async (b64) => {
  const img = new Image();
  img.src = 'data:image/png;base64,' + b64;
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = img.width;
  canvas.height = img.height;
  const ctx = canvas.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const data = ctx.getImageData(0, 0, img.width, img.height).data;
  const seen = new Set();
  for (let i = 0; i < data.length && seen.size <= 64; i += 28) seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
  return seen.size;
}`;

async function distinctColours(page: Page, png: Buffer): Promise<number> {
  return page.evaluate(`(${COUNT_COLOURS})(${JSON.stringify(png.toString('base64'))})`) as Promise<number>;
}

/** Screenshot of the page as it is, written as an artifact and checked not to be blank. */
async function shoot(page: Page, name: string): Promise<void> {
  const png = await page.screenshot({ fullPage: true });
  writeFileSync(join(ARTIFACTS, `${name}.png`), png);
  expect(png.length, name).toBeGreaterThan(5_000);
  const probe = await page.context().newPage();
  try {
    expect(await distinctColours(probe, png), `${name} looks blank`).toBeGreaterThan(8);
  } finally {
    await probe.close();
  }
}

async function signIn(
  role: 'admin' | 'responder' | 'viewer',
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${base}/`);
  await page.waitForURL(/\/login\?next=%2F$/);
  await page.getByLabel('Name').fill(`ui-${role}`);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${base}/`);
  return { context, page };
}

/** The little of the browser's DOM the predicates below touch (the tests compile without DOM types). */
type Dom = { document: { body: { dataset: Record<string, string | undefined> } } };

/**
 * Waits until the page says its first data is on screen (`document.body.dataset.ready`).
 * A function, not a string: the UI's Content-Security-Policy forbids eval.
 */
const ready = (page: Page, what: string) =>
  page.waitForFunction((w) => (globalThis as unknown as Dom).document.body.dataset.ready === w, what, {
    timeout: 15_000,
  });

async function push(events: unknown[]): Promise<void> {
  const res = await n.app.inject({
    method: 'POST',
    url: '/api/v1/sli/events',
    headers: { ...n.auth.responder, 'content-type': 'application/json' },
    payload: JSON.stringify(events),
  });
  expect(res.statusCode, res.body).toBe(202);
}

describe('the web UI in Chromium', { timeout: 60_000 }, () => {
  it('sends every page but /status to sign-in without a session', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      for (const path of [
        '/',
        '/map',
        '/incidents',
        '/incidents/1',
        '/oncall',
        '/releases',
        '/admin',
        '/slos/search-latency',
      ]) {
        await page.goto(`${base}${path}`);
        expect(page.url(), path).toBe(`${base}/login?next=${encodeURIComponent(path)}`);
      }
      await shoot(page, 'login');
      await page.goto(`${base}/status`);
      expect(page.url()).toBe(`${base}/status`);
      await ready(page, 'status');
    } finally {
      await context.close();
    }
  });

  it('signs in and shows the shop journeys on the overview; a failing SLO turns its journey red', async () => {
    const { context, page } = await signIn('admin');
    try {
      await ready(page, 'overview');
      for (const journey of ['search', 'order', 'pay', 'discover'])
        await expect.poll(() => page.getByTestId(`journey-row-${journey}`).count()).toBe(1);
      await expect(page.getByTestId('journey-row-pay').getAttribute('data-health')).resolves.not.toBe(
        'at-risk',
      );
      await shoot(page, 'overview');

      // Payments fail: the pay journey's SLO pages, and the open overview shows it without a reload.
      const now = n.clock.now;
      await push(
        Array.from({ length: 10 }, (_, i) => ({
          sli: 'payment-succeeded',
          timestamp: now - i * 60_000,
          good: 10,
          total: 200,
        })),
      );
      await n.evaluate();
      await expect
        .poll(() => page.getByTestId('journey-row-pay').getAttribute('data-health'), { timeout: 20_000 })
        .toBe('at-risk');
      await shoot(page, 'overview-failing');
    } finally {
      await context.close();
    }
  });

  it('selects the payment gateway on the service map and highlights what it puts at risk', async () => {
    const { context, page } = await signIn('viewer');
    try {
      await page.goto(`${base}/map`);
      await ready(page, 'map');
      const node = page.getByTestId('map-node-payment-gateway');
      await node.click();
      await expect.poll(() => node.getAttribute('aria-pressed')).toBe('true');
      const selection = page.getByTestId('map-selection');
      await expect.poll(() => selection.textContent()).toMatch(/pay/i);
      await expect.poll(() => selection.textContent()).toMatch(/order/i);
      await shoot(page, 'map');
    } finally {
      await context.close();
    }
  });

  it('acknowledges and resolves an incident as a responder; a viewer cannot acknowledge', async () => {
    await triggerIncident(n, 'payment-gateway', 'gateway-5xx', 'payment gateway answers 503');
    const { incidents } = (
      await n.app.inject({
        url: '/api/v1/incidents?status=open&service=payment-gateway',
        headers: n.auth.viewer,
      })
    ).json() as { incidents: { number: number }[] };
    const number = incidents[0]?.number;
    expect(number).toBeDefined();

    const viewer = await signIn('viewer');
    try {
      await viewer.page.goto(`${base}/incidents/${number}`);
      await ready(viewer.page, 'incident');
      const ack = viewer.page.getByRole('button', { name: 'Acknowledge' });
      expect((await ack.count()) === 0 || (await ack.isDisabled())).toBe(true);
    } finally {
      await viewer.context.close();
    }

    const { context, page } = await signIn('responder');
    try {
      await page.goto(`${base}/incidents`);
      await ready(page, 'incidents');
      await shoot(page, 'incidents');
      await page.goto(`${base}/incidents/${number}`);
      await ready(page, 'incident');
      await page.getByRole('button', { name: 'Acknowledge' }).click();
      await expect.poll(async () => (await n.incidents.get(number as number)).status).toBe('acknowledged');
      await page.getByRole('button', { name: 'Resolve' }).click();
      await expect.poll(async () => (await n.incidents.get(number as number)).status).toBe('resolved');
      await expect.poll(() => page.textContent('main')).toMatch(/resolved/i);
      await shoot(page, 'incident');
    } finally {
      await context.close();
    }
  });

  it('shows the outage on the public status page without signing in', async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    try {
      await page.goto(`${base}/status`);
      await ready(page, 'status');
      const pay = page.getByTestId('status-journey-pay');
      await expect.poll(() => pay.getAttribute('data-status')).toMatch(/^(partial_outage|major_outage)$/);
      await shoot(page, 'status');
    } finally {
      await context.close();
    }
  });

  it('renders every other page', async () => {
    const { context, page } = await signIn('admin');
    try {
      for (const [path, marker, name] of [
        ['/slos/payment-success', 'slo', 'slo'],
        ['/oncall', 'oncall', 'oncall'],
        ['/releases', 'releases', 'releases'],
        ['/admin', 'admin', 'admin'],
      ] as const) {
        await page.goto(`${base}${path}`);
        await ready(page, marker);
        await shoot(page, name);
      }
      // An admin adds a user with a role, then changes the role in the table.
      const form = page.locator('form', { has: page.getByRole('heading', { name: 'Add a user' }) });
      await form.getByLabel('Name').fill('ui-new');
      await form.getByLabel('Password').fill(PASSWORD);
      await form.getByLabel('Role').selectOption('responder');
      await form.getByRole('button', { name: 'Add user' }).click();
      await expect
        .poll(async () => (await n.users.list()).find((u) => u.name === 'ui-new')?.role)
        .toBe('responder');
      await page.getByTestId('user-ui-new').getByLabel('Role of ui-new').selectOption('viewer');
      await expect
        .poll(async () => (await n.users.list()).find((u) => u.name === 'ui-new')?.role)
        .toBe('viewer');
    } finally {
      await context.close();
    }
  });
});
