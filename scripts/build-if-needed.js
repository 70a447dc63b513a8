/**
 * `npm start` runs this first: builds the server (dist/) and the web UI
 * (web/dist/) when either is missing or older than its sources, so a fresh
 * checkout or a `git pull` starts what the sources say.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

/** The newest modification time of a file, or of the files under a directory (0 when there is none). */
function newest(dir) {
  if (!existsSync(dir)) return 0;
  if (!statSync(dir).isDirectory()) return statSync(dir).mtimeMs;
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

const stale = (output, ...sources) =>
  !existsSync(output) || statSync(output).mtimeMs < Math.max(...sources.map((s) => newest(join(root, s))));

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
if (stale(join(root, 'dist', 'cli', 'main.js'), 'src')) {
  console.error('nines: building the server (dist/ is missing or older than src/)');
  execFileSync(npm, ['run', 'build:server'], { cwd: root, stdio: 'inherit' });
}
if (stale(join(root, 'web', 'dist', 'index.html'), 'web/src', 'web/index.html')) {
  console.error('nines: building the web UI (web/dist/ is missing or older than web/src/)');
  execFileSync(npm, ['run', 'build:web'], { cwd: root, stdio: 'inherit' });
}
