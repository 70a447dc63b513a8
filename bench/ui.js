/**
 * The web UI in headless Chromium (Debian's, driven by playwright-core): the
 * overview of a generated catalog of 1,000 services and 200 journeys served by
 * `nines serve` (SQLite). Measured in the page: from the last API answer the
 * overview waited for to the moment it says its data is on screen
 * (`document.body.dataset.ready = 'overview'`), after the browser has laid it out.
 * Baseline in the same run and browser: the same journeys JSON turned into a bare
 * HTML table (innerHTML) and laid out. Also the production bundle's size.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { generateCatalog } from './generate.js';
import { median, startNines, stopNode } from './util.js';

const ROOT = new URL('..', import.meta.url).pathname;
const PASSWORD = 'bench password 1234';

/** Sizes of the built UI: raw and gzip, JS and CSS. */
export function bundleSize() {
  const dir = join(ROOT, 'web', 'dist', 'assets');
  let js = 0;
  let css = 0;
  let jsGzip = 0;
  let cssGzip = 0;
  for (const f of readdirSync(dir)) {
    const path = join(dir, f);
    if (f.endsWith('.js')) {
      js += statSync(path).size;
      jsGzip += gzipSync(readFileSync(path)).length;
    } else if (f.endsWith('.css')) {
      css += statSync(path).size;
      cssGzip += gzipSync(readFileSync(path)).length;
    }
  }
  return { js, css, jsGzip, cssGzip };
}

// In the page before any script: note when the overview says it is ready, after the next paint.
const READY_PROBE = `
  new MutationObserver((_, obs) => {
    if (document.body && document.body.dataset.ready === 'overview') {
      obs.disconnect();
      requestAnimationFrame(() => setTimeout(() => { window.__readyAt = performance.now(); }, 0));
    }
  }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-ready'] });
`;

/** In the page (a function, not text: the UI's Content-Security-Policy forbids eval). */
async function baselineTable() {
  const res = await fetch('/api/v1/journeys');
  const body = await res.json();
  const rows = body.journeys;
  const t0 = performance.now();
  const esc = (s) => String(s).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const html = `<table><thead><tr><th>Journey</th><th>Health</th><th>Value stream</th></tr></thead><tbody>${rows
    .map(
      (j) =>
        `<tr><td>${esc(j.displayName ?? j.name)}</td><td>${esc(JSON.stringify(j.health))}</td><td>${esc(j.valueStreams ?? '')}</td></tr>`,
    )
    .join('')}</tbody></table>`;
  const host = document.createElement('div');
  document.body.appendChild(host);
  host.innerHTML = html;
  host.getBoundingClientRect();
  await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  const ms = performance.now() - t0;
  host.remove();
  return { ms, rows: rows.length };
}

function timings() {
  const api = performance
    .getEntriesByType('resource')
    .filter(
      (e) => e.name.includes('/api/v1/') && !e.name.includes('/stream') && e.responseEnd <= window.__readyAt,
    );
  return { readyAt: window.__readyAt, dataAt: Math.max(...api.map((e) => e.responseEnd)), calls: api.length };
}

export async function benchUi({ rounds = 5 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'nines-bench-ui-'));
  const catalogDir = join(dir, 'catalog');
  for (const f of generateCatalog({
    services: 1000,
    journeys: 200,
    slos: 1000,
    teams: 20,
    valueStreams: 20,
  })) {
    const path = join(catalogDir, f.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, f.text);
  }
  execFileSync(
    process.execPath,
    [join(ROOT, 'bin/nines.js'), 'user', 'create', '--name', 'bench', '--role', 'admin', '--data-dir', dir],
    { env: { ...process.env, NINES_PASSWORD: PASSWORD }, stdio: 'ignore' },
  );
  const { child, port } = await startNines(dir, ['--catalog', catalogDir]);
  const base = `http://127.0.0.1:${port}`;
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const login = await context.request.post(`${base}/auth/login`, {
      data: { name: 'bench', password: PASSWORD },
    });
    if (!login.ok()) throw new Error(`signing in: ${login.status()}`);
    await context.addInitScript(READY_PROBE);
    const render = [];
    const load = [];
    const baseline = [];
    let rows = 0;
    for (let i = 0; i < rounds; i++) {
      const page = await context.newPage();
      await page.goto(`${base}/`);
      await page.waitForFunction(() => window.__readyAt !== undefined, undefined, { timeout: 60_000 });
      const t = await page.evaluate(timings);
      render.push(t.readyAt - t.dataAt);
      load.push(t.readyAt);
      const b = await page.evaluate(baselineTable);
      baseline.push(b.ms);
      rows = b.rows;
      await page.close();
    }
    return {
      journeys: rows,
      renderMs: median(render),
      renderMaxMs: Math.max(...render),
      pageLoadMs: median(load),
      baselineMs: median(baseline),
      bundle: bundleSize(),
    };
  } finally {
    await browser.close();
    await stopNode(child);
    rmSync(dir, { recursive: true, force: true });
  }
}
