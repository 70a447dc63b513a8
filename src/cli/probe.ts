import type { Command } from 'commander';
import { didYouMean } from '../catalog/diagnostics.js';
import type { Probe } from '../catalog/model.js';
import { type ProbeRunResult, runProbe } from '../sources/probes/run.js';
import { requireValidCatalog } from './catalog-input.js';
import type { Io } from './io.js';
import { EXIT, UserError } from './io.js';

/** `nines probe run NAME`: one run, every step printed; for writing and debugging a catalog. */
export function registerProbe(program: Command, io: Io, setCode: (code: number) => void): void {
  const probe = program.command('probe').description('synthetic probes of the catalog');
  probe
    .command('run')
    .description('run one probe once, here, and print each step (exit 1 when it fails)')
    .argument('<name>', 'probe name')
    .option('-c, --catalog <dir>', 'catalog directory', io.env.NINES_CATALOG ?? 'examples/webshop')
    .option('--json', 'print the run as JSON')
    .action(async (name: string, opts: { catalog: string; json?: boolean }) => {
      const { catalog } = await requireValidCatalog(opts.catalog, io);
      const found = catalog.Probe.get(name);
      if (!found) {
        const names = [...catalog.Probe.keys()];
        throw new UserError(
          names.length === 0
            ? `the catalog in '${opts.catalog}' has no probes`
            : `no probe named '${name}'${didYouMean(name, names)}; probes: ${names.join(', ')}`,
        );
      }
      const result = await runProbe(found, { env: io.env });
      io.stdout(opts.json ? `${JSON.stringify(result, null, 2)}\n` : renderRun(found, result));
      setCode(result.ok ? EXIT.ok : EXIT.failed);
    });
}

/**
 * A run as people read it: one line per step with its outcome and time, the
 * reason and a snippet of the answer under the failing one.
 *
 * @example
 * renderRun(probe, result);
 * // ✓ basket   201  84 ms  http://127.0.0.1:4100/baskets
 * // ✗ pay      500  12 ms  http://127.0.0.1:4100/pay
 * //     expected status 200-299, got 500
 */
export function renderRun(probe: Probe, result: ProbeRunResult): string {
  const lines: string[] = [];
  const width = Math.max(4, ...result.steps.map((s) => s.name.length));
  for (const s of result.steps) {
    const status = s.status === undefined ? '   ' : String(s.status);
    const where = s.url ?? '';
    lines.push(
      `${s.ok ? '✓' : '✗'} ${s.name.padEnd(width)}  ${status}  ${formatMs(s.durationMs).padStart(7)}  ${where}`.trimEnd(),
    );
    if (!s.ok && s.error !== undefined) lines.push(`    ${s.error}`);
    if (!s.ok && s.snippet !== undefined && s.snippet !== '') {
      for (const l of s.snippet.split('\n').slice(0, 10)) lines.push(`    | ${l}`);
    }
  }
  const verdict = result.ok ? 'passed' : 'FAILED';
  const reason =
    !result.ok && result.error !== undefined && result.failedStep === undefined ? `: ${result.error}` : '';
  lines.push(`probe ${probe.name} ${verdict} in ${formatMs(result.durationMs)}${reason}`);
  return `${lines.join('\n')}\n`;
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}
