import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './net.js';

/** A throwaway PostgreSQL server on loopback, in a temporary directory. */
export interface TestPostgres {
  readonly url: string;
  stop(): void;
}

function binDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin');
}

/** Installs Debian's postgresql when its server binaries are missing. */
function ensureInstalled(): string {
  let bin = binDir();
  if (bin) return bin;
  const run = (args: string[]) => {
    const r = spawnSync('apt-get', args, {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (r.status !== 0)
      throw new Error(`apt-get ${args.join(' ')} failed; install postgresql to run the store tests`);
  };
  run(['update']);
  run(['install', '-y', '--no-install-recommends', 'postgresql']);
  bin = binDir();
  if (!bin) throw new Error('postgresql was installed but no initdb was found under /usr/lib/postgresql');
  return bin;
}

/**
 * Starts PostgreSQL: initdb into a temp dir, pg_ctl start on 127.0.0.1 and a free
 * port, trust auth. PostgreSQL refuses to run as root, so as root the server runs
 * as the `postgres` user, which owns the directory.
 */
export async function startPostgres(): Promise<TestPostgres> {
  const bin = ensureInstalled();
  const dir = mkdtempSync(join(tmpdir(), 'nines-pg-'));
  const asRoot = process.getuid?.() === 0;
  const user = asRoot ? Number(execFileSync('id', ['-u', 'postgres']).toString().trim()) : undefined;
  const group = asRoot ? Number(execFileSync('id', ['-g', 'postgres']).toString().trim()) : undefined;
  if (user !== undefined && group !== undefined) chownSync(dir, user, group);
  const as = (cmd: string, args: string[]) =>
    asRoot
      ? execFileSync('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args], { stdio: 'pipe' })
      : execFileSync(join(bin, cmd), args, { stdio: 'pipe' });
  const data = join(dir, 'data');
  as('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const port = await freePort();
  as('pg_ctl', [
    '-D',
    data,
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`,
    '-l',
    join(dir, 'log'),
    '-w',
    'start',
  ]);
  let stopped = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        as('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
