import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { exportOpenslo } from '../catalog/openslo-export.js';
import { requireValidCatalog } from './catalog-input.js';
import type { Io } from './io.js';
import { UserError } from './io.js';

export function registerExport(program: Command, io: Io): void {
  const exp = program.command('export').description('write the catalog in another format');
  exp
    .command('openslo')
    .description("write the catalog's SLOs, SLIs, data sources and alert policies as OpenSLO v1")
    .argument('<dir>', 'catalog directory')
    .option('-o, --output <file>', 'write to a file instead of standard output')
    .option('--json', 'print the documents as a JSON array instead of YAML')
    .action(async (dir: string, opts: { output?: string; json?: boolean }) => {
      const { catalog } = await requireValidCatalog(dir, io);
      const docs = exportOpenslo(catalog);
      const text = opts.json
        ? `${JSON.stringify(docs, null, 2)}\n`
        : `# OpenSLO v1, exported by nines from ${dir}\n${docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n')}`;
      if (opts.output === undefined) {
        io.stdout(text);
        return;
      }
      try {
        await writeFile(resolve(io.cwd, opts.output), text);
      } catch (err) {
        throw new UserError(`cannot write '${opts.output}': ${(err as Error).message}`);
      }
      io.stderr(`wrote ${docs.length} OpenSLO documents to ${opts.output}\n`);
    });
}
