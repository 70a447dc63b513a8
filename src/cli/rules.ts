import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { parseDuration, WINDOW_DURATION } from '../catalog/duration.js';
import { DEFAULT_NINES_URL, generateRules } from '../rules/generate.js';
import { renderRules } from '../rules/render.js';
import { requireValidCatalog } from './catalog-input.js';
import type { Io } from './io.js';
import { UserError } from './io.js';

interface GenerateFlags {
  output?: string;
  period?: string;
  ninesUrl: string;
}

export function registerRules(program: Command, io: Io): void {
  const rules = program
    .command('rules')
    .description('Prometheus rules for SLOs whose SLIs Prometheus computes (Prometheus, Thanos, Mimir)');
  rules
    .command('generate')
    .description(
      'write recording and alerting rules (Sloth-compatible names, events-weighted period SLI, nines alert tiers) for every SLO with a Prometheus SLI',
    )
    .argument('<dir>', 'catalog directory')
    .option('-o, --output <file>', 'write to a file instead of standard output')
    .option(
      '--period <duration>',
      'SLO period for every SLO, e.g. 30d or 4w; default: each rolling window, and 30d for calendar windows',
    )
    .option('--nines-url <url>', 'base URL of nines for links in alert annotations', DEFAULT_NINES_URL)
    .action(async (dir: string, opts: GenerateFlags) => {
      const periodMs = opts.period === undefined ? undefined : parsePeriod(opts.period);
      let url: URL;
      try {
        url = new URL(opts.ninesUrl);
      } catch {
        throw new UserError(`--nines-url '${opts.ninesUrl}' is not a URL, e.g. https://nines.example.com`);
      }
      const { catalog } = await requireValidCatalog(dir, io);
      const result = generateRules(catalog, {
        ...(periodMs !== undefined && { periodMs }),
        ninesUrl: url.href,
      });
      const text = renderRules(result);
      if (opts.output === undefined) io.stdout(text);
      else {
        try {
          await writeFile(resolve(io.cwd, opts.output), text);
        } catch (err) {
          throw new UserError(`cannot write '${opts.output}': ${(err as Error).message}`);
        }
        const rulesCount = result.slos.reduce((n, s) => n + s.rules, 0);
        io.stderr(
          `wrote ${rulesCount} rules for ${result.slos.length} SLO${result.slos.length === 1 ? '' : 's'} to ${opts.output}\n`,
        );
      }
      for (const s of result.skipped) {
        io.stderr(`${s.kind === 'unsupported' ? 'note' : 'error'}: SLO ${s.slo} has no rules: ${s.reason}\n`);
      }
      const failed = result.skipped.filter((s) => s.kind === 'invalid').length;
      if (failed > 0) {
        throw new UserError(
          `${failed} SLO${failed === 1 ? '' : 's'} with a Prometheus SLI could not be turned into rules; the others were written`,
        );
      }
    });
}

function parsePeriod(text: string): number {
  const ms = parseDuration(text, WINDOW_DURATION);
  if (ms === undefined || ms < 3_600_000) {
    throw new UserError(`--period '${text}' is not a duration of 1h or more such as 30d, 4w or 720h`);
  }
  return ms;
}
