import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openapiDocument } from '../src/cli/openapi.js';
import { ERROR_CODES } from '../src/errors.js';
import { webshopCatalog } from './support/nines.js';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

describe('the committed API documents', () => {
  it('docs/openapi.json is what the server generates (run `npm run openapi` after changing routes)', async () => {
    const generated = await openapiDocument(await webshopCatalog(), pkg.version);
    const committed = JSON.parse(readFileSync('docs/openapi.json', 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(generated)));
  });

  it('web/src/api/schema.d.ts is generated from docs/openapi.json (run `npm run openapi`)', () => {
    const generated = execFileSync(
      process.execPath,
      ['node_modules/openapi-typescript/bin/cli.js', 'docs/openapi.json'],
      {
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    const formatted = execFileSync(
      process.execPath,
      ['node_modules/@biomejs/biome/bin/biome', 'format', '--stdin-file-path=web/src/api/schema.d.ts'],
      { input: generated, stdio: ['pipe', 'pipe', 'ignore'] },
    ).toString();
    expect(formatted).toBe(readFileSync('web/src/api/schema.d.ts', 'utf8'));
  });

  it('docs/api.md lists every error code', () => {
    const doc = readFileSync('docs/api.md', 'utf8');
    const documented = [...doc.matchAll(/^\| `([A-Z_]+)` *\|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(Object.keys(ERROR_CODES).sort());
  });
});
