import { mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import type { Catalog } from '../catalog/model.js';
import { createNines } from '../runtime/app.js';
import { readServerConfig } from '../runtime/config.js';
import { requireValidCatalog } from './catalog-input.js';
import type { Io } from './io.js';

/** The OpenAPI document of the running server's routes, built by registering them for real. */
export async function openapiDocument(catalog: Catalog, version: string): Promise<unknown> {
  const dataDir = mkdtempSync(join(tmpdir(), 'nines-openapi-'));
  try {
    const nines = await createNines(readServerConfig({ dataDir, logLevel: 'silent' }, {}), catalog, {
      loop: false,
      version,
    });
    try {
      await nines.app.ready();
      return nines.app.swagger();
    } finally {
      await nines.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export function registerOpenapi(program: Command, io: Io, version: string): void {
  program
    .command('openapi')
    .description('print the OpenAPI 3 document of the HTTP API')
    .option('-o, --output <file>', 'write to a file instead of standard output')
    .action(async (opts: { output?: string }) => {
      // The example that ships with nines, wherever the command runs from.
      const example = fileURLToPath(new URL('../../examples/webshop', import.meta.url));
      const { catalog } = await requireValidCatalog(example, io);
      const text = `${JSON.stringify(await openapiDocument(catalog, version), null, 2)}\n`;
      if (opts.output === undefined) io.stdout(text);
      else await writeFile(resolve(io.cwd, opts.output), text);
    });
}
