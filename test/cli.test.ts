import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../src/catalog/load.js';
import { readCatalogFiles } from '../src/catalog/load-dir.js';
import { nines, tempCatalog } from './helpers.js';

const BROKEN = `apiVersion: nines/v1
kind: Service
metadata:
  name: web
spec:
  owner: shop
  tier: 7
`;

let broken: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  broken = await tempCatalog({ 'services.yaml': BROKEN });
});
afterAll(async () => {
  await broken.cleanup();
});

describe('nines validate', () => {
  it('accepts the web shop with a one-line summary and exit code 0', async () => {
    const r = await nines(['validate', 'examples/webshop']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'examples/webshop: valid: 11 files, 66 documents: 2 value streams, 4 journeys, 13 services, 12 SLOs, 11 SLIs, 1 data source, 5 teams, 5 users, 1 alert policy, 1 alert condition, 1 notification target, 2 probes, 3 schedules, 3 escalation policies, 1 error-budget policy, 2 release gates, 1 status page\n',
    );
  });

  it('prints every problem with file:line:col and exits 1', async () => {
    const r = await nines(['validate', broken.dir], { cwd: broken.dir });
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')).toEqual([
      "services.yaml:6:10 spec.owner: Team 'shop' is not in the catalog",
      'services.yaml:7:9 spec.tier: 7 is not a tier; tiers run from 1 (most critical) to 4',
      `${broken.dir}: 2 errors, 0 warnings in 1 file, 1 document`,
      '',
    ]);
  });

  it('reports in JSON for machines', async () => {
    const r = await nines(['validate', broken.dir, '--json'], { cwd: broken.dir });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ valid: false, files: 1, documents: 1, errors: 2, warnings: 0 });
    expect(report.diagnostics[1]).toEqual({
      severity: 'error',
      code: 'invalid-value',
      file: 'services.yaml',
      line: 7,
      column: 9,
      path: 'spec.tier',
      message: '7 is not a tier; tiers run from 1 (most critical) to 4',
    });
  });

  it('fails on warnings with --strict', async () => {
    const warn = await tempCatalog({
      'j.yaml':
        'apiVersion: nines/v1\nkind: Team\nmetadata: {name: t}\n---\napiVersion: nines/v1\nkind: Service\nmetadata: {name: s}\nspec: {owner: t}\n---\napiVersion: nines/v1\nkind: Journey\nmetadata: {name: j}\nspec: {steps: [{name: x, services: [s]}]}\n',
    });
    try {
      const lenient = await nines(['validate', warn.dir], { cwd: warn.dir });
      expect(lenient.code).toBe(0);
      expect(lenient.stdout).toContain(': valid (2 warnings): 1 file, 3 documents');
      const strict = await nines(['validate', '--strict', warn.dir], { cwd: warn.dir });
      expect(strict.code).toBe(1);
    } finally {
      await warn.cleanup();
    }
  });

  it('is a user error (exit 1) when the directory does not exist', async () => {
    const r = await nines(['validate', 'no/such/dir']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("nines: catalog path 'no/such/dir' does not exist\n");
  });

  it('is a user error (exit 1) naming a file that cannot be read', async () => {
    const dir = await tempCatalog({
      'teams.yaml': 'apiVersion: nines/v1\nkind: Team\nmetadata: {name: t}\n',
    });
    try {
      await symlink(join(dir.dir, 'gone.yaml'), join(dir.dir, 'slos.yaml'));
      const r = await nines(['validate', '.'], { cwd: dir.dir });
      expect(r.code).toBe(1);
      expect(r.stderr).toBe("nines: cannot read 'slos.yaml': it is a broken symbolic link\n");
    } finally {
      await dir.cleanup();
    }
  });

  it('is a usage error (exit 2) without a directory', async () => {
    const r = await nines(['validate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error: missing required argument 'dir'");
  });
});

describe('the command line', () => {
  it('lists its commands in --help and exits 0', async () => {
    const r = await nines(['--help']);
    expect(r.code).toBe(0);
    for (const cmd of ['validate', 'graph', 'export', 'serve']) expect(r.stdout).toContain(cmd);
  });

  it('gives every command --help', async () => {
    for (const argv of [['validate'], ['graph'], ['export'], ['export', 'openslo'], ['serve']]) {
      const r = await nines([...argv, '--help']);
      expect(r.code, argv.join(' ')).toBe(0);
      expect(r.stdout, argv.join(' ')).toContain('Usage: nines');
    }
  });

  it('treats unknown commands and options as usage errors (exit 2)', async () => {
    expect((await nines(['frobnicate'])).code).toBe(2);
    expect((await nines(['validate', '--bogus', 'x'])).code).toBe(2);
    expect((await nines([])).code).toBe(2);
    const r = await nines(['graph', 'examples/webshop', '--format', 'svg']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Allowed choices are text, mermaid, dot, json');
  });
});

describe('nines graph', () => {
  it('prints the tree of the web shop', async () => {
    const r = await nines(['graph', 'examples/webshop']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('value stream Online orders: Generate revenue from online orders');
    expect(r.stdout).toContain(
      '└─ payment-gateway [tier 1, owner payments, external] — SLOs: payment-gateway-availability',
    );
  });

  it('prints JSON with --json, mermaid and dot with --format', async () => {
    const json = JSON.parse((await nines(['graph', 'examples/webshop', '--json'])).stdout);
    expect(json.services).toHaveLength(13);
    expect((await nines(['graph', 'examples/webshop', '-f', 'mermaid'])).stdout).toMatch(/^flowchart LR\n/);
    expect((await nines(['graph', 'examples/webshop', '-f', 'dot'])).stdout).toMatch(/^digraph nines \{\n/);
  });

  it('refuses an invalid catalog with its problems on stderr', async () => {
    const r = await nines(['graph', broken.dir], { cwd: broken.dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('services.yaml:7:9 spec.tier');
  });
});

describe('nines export openslo', () => {
  it('writes OpenSLO v1 that nines reads back without a problem', async () => {
    const out = await tempCatalog({});
    try {
      const file = join(out.dir, 'slos.yaml');
      const r = await nines(['export', 'openslo', 'examples/webshop', '-o', file]);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe(`wrote 34 OpenSLO documents to ${file}\n`);
      const text = await readFile(file, 'utf8');
      expect(text).toMatch(
        /^# OpenSLO v1, exported by nines from examples\/webshop\napiVersion: openslo\/v1\n/,
      );
      // With the journeys it refers to, the export is a complete, valid catalog.
      const journeys = (await readCatalogFiles('examples/webshop')).filter((f) =>
        /journeys|value-streams|teams|services|probes|oncall|releases/.test(f.path),
      );
      const { diagnostics } = loadCatalog([...journeys, { path: 'slos.yaml', text }]);
      expect(diagnostics).toEqual([]);
    } finally {
      await out.cleanup();
    }
  });

  it('prints JSON documents to stdout with --json', async () => {
    const r = await nines(['export', 'openslo', 'examples/webshop', '--json']);
    const docs = JSON.parse(r.stdout) as { apiVersion: string; kind: string }[];
    expect(new Set(docs.map((d) => d.apiVersion))).toEqual(new Set(['openslo/v1']));
    expect(docs.filter((d) => d.kind === 'SLO')).toHaveLength(12);
  });
});

describe('nines serve', () => {
  it('serves health checks on the catalog it was given, with its state in the data directory', async () => {
    const data = await tempCatalog({});
    const r = await nines([
      'serve',
      '--catalog',
      'examples/webshop',
      '--port',
      '0',
      '--log-level',
      'silent',
      '--data-dir',
      data.dir,
    ]);
    expect(r.code).toBe(0);
    try {
      expect(r.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(r.stderr).toContain(`state in ${join(data.dir, 'nines.db')}`);
      const health = await fetch(`${r.url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok' });
      expect(await (await fetch(`${r.url}/readyz`)).json()).toEqual({ status: 'ready' });
      const closed = await fetch(`${r.url}/api/v1/slos`);
      expect(closed.status).toBe(401);
    } finally {
      await r.close?.();
      await data.cleanup();
    }
  });

  it('lists every configuration problem and does not start', async () => {
    const r = await nines(['serve', '--port', 'abc'], { env: { NINES_LOG_LEVEL: 'loud' } });
    expect(r.code).toBe(1);
    expect(r.close).toBeUndefined();
    expect(r.stderr).toBe(
      [
        'nines: invalid configuration:',
        '  - --port ("abc"): port must be a number',
        '  - NINES_LOG_LEVEL ("loud"): logLevel must be one of fatal, error, warn, info, debug, trace, silent',
        '',
      ].join('\n'),
    );
  });

  it('does not start on an invalid catalog', async () => {
    const r = await nines(['serve', '--catalog', broken.dir, '--port', '0'], { cwd: broken.dir });
    expect(r.code).toBe(1);
    expect(r.close).toBeUndefined();
  });
});

describe('the nines binary', () => {
  const exec = promisify(execFile);

  it('ends quietly with exit code 0 when its reader stops early (nines graph big | head -1)', async () => {
    const services = Array.from(
      { length: 20_000 },
      (_, i) => `---\napiVersion: nines/v1\nkind: Service\nmetadata: {name: s${i}}\nspec: {owner: t}\n`,
    );
    const big = await tempCatalog({
      'c.yaml': `apiVersion: nines/v1\nkind: Team\nmetadata: {name: t}\n${services.join('')}`,
    });
    try {
      const child = spawn(process.execPath, ['bin/nines.js', 'graph', big.dir], { stdio: 'pipe' });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      // Read the first chunk, then close the pipe as `head -1` does.
      child.stdout.once('data', () => child.stdout.destroy());
      const [code] = (await once(child, 'close')) as [number | null];
      expect(stderr).toBe('');
      expect(code).toBe(0);
    } finally {
      await big.cleanup();
    }
  });

  it('runs from bin/nines.js with the built code', async () => {
    const { stdout } = await exec(process.execPath, ['bin/nines.js', 'validate', 'examples/webshop']);
    expect(stdout).toContain('examples/webshop: valid');
    await expect(exec(process.execPath, ['bin/nines.js', 'validate', 'nowhere'])).rejects.toMatchObject({
      code: 1,
    });
    await expect(exec(process.execPath, ['bin/nines.js', 'nonsense'])).rejects.toMatchObject({ code: 2 });
  });
});
