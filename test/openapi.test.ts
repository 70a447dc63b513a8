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

  it('docs/api.md lists every error code', () => {
    const doc = readFileSync('docs/api.md', 'utf8');
    const documented = [...doc.matchAll(/^\| `([A-Z_]+)` *\|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(Object.keys(ERROR_CODES).sort());
  });
});
