/** Small helpers every benchmark uses. */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

/** A port nothing listens on, on loopback. */
export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => resolve(a.port));
    });
  });
}

/** Starts `node ARGS…` and resolves once it prints `readyText` (stdout or stderr). */
export function startNode(args, readyText) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const onData = (d) => {
      out += d.toString();
      if (out.includes(readyText)) resolve(child);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}: ${out}`)));
  });
}

/** Stops a child started by `startNode` and waits for it to exit. */
export function stopNode(child) {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
}

/** Writes OpenMetrics history as TSDB blocks under `dir/data` with Debian's promtool. */
export function loadHistory(text, dir) {
  writeFileSync(join(dir, 'history.om'), text);
  const r = spawnSync('/usr/bin/promtool', [
    'tsdb',
    'create-blocks-from',
    'openmetrics',
    join(dir, 'history.om'),
    join(dir, 'data'),
  ]);
  if (r.status !== 0) throw new Error(`promtool: ${r.stderr}`);
  rmSync(join(dir, 'history.om'));
}

/**
 * Runs Debian's prometheus on loopback over `dir` (its prometheus.yml and data/,
 * written by the caller); resolves once it is ready. `stop` kills it and removes `dir`.
 */
export async function spawnPrometheus(dir) {
  if (!existsSync('/usr/bin/prometheus'))
    throw new Error('install Debian prometheus (apt-get install prometheus)');
  const port = await freePort();
  const child = spawn(
    '/usr/bin/prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=30d',
    ],
    { stdio: 'ignore' },
  );
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    stop() {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const NINES_BIN = new URL('../bin/nines.js', import.meta.url).pathname;

/** Runs `nines ARGS…` to completion and returns what it printed on stdout, trimmed (a token, a key). */
export function ninesOutput(args) {
  return execFileSync(process.execPath, [NINES_BIN, ...args], { stdio: ['ignore', 'pipe', 'ignore'] })
    .toString()
    .trim();
}

/** Starts `nines serve` on `dataDir` and a free port, logging errors only; resolves with the child and its port. */
export async function startNines(dataDir, flags = []) {
  const port = await freePort();
  const child = await startNode(
    [
      '--max-semi-space-size=64',
      NINES_BIN,
      'serve',
      '--data-dir',
      dataDir,
      '--port',
      String(port),
      '--log-level',
      'error',
      ...flags,
    ],
    'nines is serving',
  );
  return { child, port };
}
