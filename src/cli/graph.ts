import { type Command, Option } from 'commander';
import { GRAPH_FORMATS, type GraphFormat, renderGraph } from '../catalog/graph.js';
import { requireValidCatalog } from './catalog-input.js';
import type { Io } from './io.js';

export function registerGraph(program: Command, io: Io): void {
  program
    .command('graph')
    .description('print the value stream → journey → service → dependency tree')
    .argument('<dir>', 'catalog directory')
    .addOption(new Option('-f, --format <format>', 'output format').choices(GRAPH_FORMATS).default('text'))
    .option('--json', 'same as --format json')
    .action(async (dir: string, opts: { format: GraphFormat; json?: boolean }) => {
      const { catalog } = await requireValidCatalog(dir, io);
      io.stdout(renderGraph(catalog, opts.json ? 'json' : opts.format));
    });
}
