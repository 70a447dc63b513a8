import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort } from './net.js';

const ALERTMANAGER = '/usr/bin/prometheus-alertmanager';
const PACKAGE = 'prometheus-alertmanager';
/** Where the Debian service listens when it is started (all interfaces). */
const DEBIAN_PORT = 9093;
const POLICY_RC_D = '/usr/sbin/policy-rc.d';

/** Whether something accepts connections on 127.0.0.1:`port`. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.setTimeout(1_000, () => done(false));
  });
}

/** Stops the package's service, whichever init system started it; quiet when there is none. */
function stopDebianService(): void {
  const quiet = { stdio: 'ignore' } as const;
  if (existsSync('/run/systemd/system')) spawnSync('systemctl', ['stop', `${PACKAGE}.service`], quiet);
  if (existsSync(`/etc/init.d/${PACKAGE}`)) spawnSync(`/etc/init.d/${PACKAGE}`, ['stop'], quiet);
}

/**
 * Installs Debian's prometheus-alertmanager package when it is missing. The
 * package's service is never left running: a policy-rc.d that forbids starting
 * services is put in place for the install when the machine has none (Debian's
 * container images ship one), and should the service start anyway it is stopped,
 * so no Alertmanager of the package's own listens on :9093 afterwards.
 */
export async function ensureAlertmanagerInstalled(): Promise<void> {
  if (existsSync(ALERTMANAGER)) return;
  const busyBefore = await listening(DEBIAN_PORT);
  const run = (args: string[]) => {
    const r = spawnSync('apt-get', args, {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (r.status !== 0)
      throw new Error(`apt-get ${args.join(' ')} failed; install ${PACKAGE} to run the Alertmanager test`);
  };
  const ownPolicy = !existsSync(POLICY_RC_D);
  if (ownPolicy) {
    // invoke-rc.d asks this before starting a service: 101 is "action forbidden".
    writeFileSync(POLICY_RC_D, '#!/bin/sh\n# nines tests: no service starts during this install\nexit 101\n');
    chmodSync(POLICY_RC_D, 0o755);
  }
  try {
    run(['update']);
    run(['install', '-y', '--no-install-recommends', PACKAGE]);
  } finally {
    if (ownPolicy) rmSync(POLICY_RC_D, { force: true });
  }
  if (!existsSync(ALERTMANAGER)) throw new Error(`${PACKAGE} was installed but ${ALERTMANAGER} is missing`);
  if (busyBefore) return; // not ours: someone's Alertmanager (or anything else) was there before
  if (await listening(DEBIAN_PORT)) stopDebianService();
  const deadline = Date.now() + 10_000;
  while (await listening(DEBIAN_PORT)) {
    if (Date.now() > deadline)
      throw new Error(`the ${PACKAGE} service started by the install still listens on :${DEBIAN_PORT}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface TestAlertmanager {
  /** e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly dir: string;
  /** The last few KB of Alertmanager's log, for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

export interface AlertmanagerOptions {
  /** alertmanager.yml: YAML text, or an object written as YAML. */
  readonly config: string | Readonly<Record<string, unknown>>;
  /** More command-line flags, e.g. `--log.level=debug`. */
  readonly args?: readonly string[];
}

/**
 * Starts a throwaway Alertmanager on loopback: the given configuration, a
 * temporary storage directory, no cluster gossip. Resolves once `/-/ready`
 * answers. Stop it when done; the directory goes with it.
 */
export async function startAlertmanager(options: AlertmanagerOptions): Promise<TestAlertmanager> {
  await ensureAlertmanagerInstalled();
  const dir = mkdtempSync(join(tmpdir(), 'nines-am-'));
  const configFile = join(dir, 'alertmanager.yml');
  writeFileSync(configFile, typeof options.config === 'string' ? options.config : stringify(options.config));
  const port = await freePort();
  const child: ChildProcess = spawn(
    ALERTMANAGER,
    [
      `--config.file=${configFile}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      ...(options.args ?? []),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (d: Buffer) => {
    log = (log + d.toString()).slice(-8000);
  });
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    // A spawn error (binary missing, not executable) has no exit code: count it as an exit.
    child.once('error', (err) => {
      log += `\n${err.message}`;
      resolve();
    });
  });
  let running = true;
  void exited.then(() => {
    running = false;
  });
  const stop = async () => {
    if (running) {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      if (running) {
        child.kill('SIGKILL');
        await exited;
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (!running) {
      await stop();
      throw new Error(`alertmanager exited with ${child.exitCode}:\n${log}`);
    }
    try {
      const res = await fetch(`${url}/-/ready`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`alertmanager did not become ready in 30 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, dir, log: () => log, stop };
}
