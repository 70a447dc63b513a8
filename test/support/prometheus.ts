import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './net.js';

const PROMETHEUS = '/usr/bin/prometheus';
export const PROMTOOL = '/usr/bin/promtool';

/** Installs Debian's prometheus package (server and promtool) when it is missing. */
export function ensurePrometheusInstalled(): void {
  if (existsSync(PROMETHEUS) && existsSync(PROMTOOL)) return;
  const run = (args: string[]) => {
    const r = spawnSync('apt-get', args, {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (r.status !== 0)
      throw new Error(`apt-get ${args.join(' ')} failed; install prometheus to run the Prometheus tests`);
  };
  run(['update']);
  run(['install', '-y', '--no-install-recommends', 'prometheus']);
  if (!existsSync(PROMETHEUS) || !existsSync(PROMTOOL)) {
    throw new Error('prometheus was installed but /usr/bin/prometheus or /usr/bin/promtool is missing');
  }
}

export interface TestPrometheus {
  /** e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly dir: string;
  stop(): Promise<void>;
}

export interface PrometheusOptions {
  /** Targets to scrape, host:port. */
  readonly targets?: readonly string[];
  /** Scrape and rule evaluation interval; default 1s. */
  readonly interval?: string;
  /** Rule files (absolute paths) to load. */
  readonly ruleFiles?: readonly string[];
  /** History to load before starting, in OpenMetrics text (samples with timestamps, ending in `# EOF`). */
  readonly history?: string;
}

/**
 * Starts a throwaway Prometheus on loopback with a temporary data directory and
 * waits until it is ready. Stop it when done; the directory goes with it.
 */
export async function startPrometheus(options: PrometheusOptions = {}): Promise<TestPrometheus> {
  ensurePrometheusInstalled();
  const dir = mkdtempSync(join(tmpdir(), 'nines-prom-'));
  const interval = options.interval ?? '1s';
  const config = [
    'global:',
    `  scrape_interval: ${interval}`,
    `  evaluation_interval: ${interval}`,
    ...(options.ruleFiles?.length
      ? ['rule_files:', ...options.ruleFiles.map((f) => `  - ${JSON.stringify(f)}`)]
      : []),
    'scrape_configs:',
    '  - job_name: test',
    '    static_configs:',
    `      - targets: ${JSON.stringify(options.targets ?? [])}`,
  ].join('\n');
  writeFileSync(join(dir, 'prometheus.yml'), `${config}\n`);
  if (options.history !== undefined) {
    // promtool writes TSDB blocks that Prometheus loads at start: a past it never scraped.
    writeFileSync(join(dir, 'history.om'), options.history);
    const r = spawnSync(
      PROMTOOL,
      ['tsdb', 'create-blocks-from', 'openmetrics', join(dir, 'history.om'), join(dir, 'data')],
      {
        encoding: 'utf8',
      },
    );
    if (r.status !== 0) throw new Error(`promtool could not load the history: ${r.stderr}`);
  }
  const port = await freePort();
  const child: ChildProcess = spawn(
    PROMETHEUS,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-admin-api',
      '--storage.tsdb.retention.time=1d',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (d: Buffer) => {
    log = (log + d.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}:\n${log}`);
    try {
      const res = await fetch(`${url}/-/ready`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`prometheus did not become ready in 30 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    dir,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
