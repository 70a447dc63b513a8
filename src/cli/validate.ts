import type { Command } from 'commander';
import { formatDiagnostic } from '../catalog/diagnostics.js';
import { hasErrors } from '../catalog/load.js';
import { countByKind, ENTITY_KINDS, type EntityKind } from '../catalog/model.js';
import { readCatalog } from './catalog-input.js';
import type { Io } from './io.js';
import { EXIT } from './io.js';

const PLURAL: Record<EntityKind, [string, string]> = {
  ValueStream: ['value stream', 'value streams'],
  Journey: ['journey', 'journeys'],
  Service: ['service', 'services'],
  SLO: ['SLO', 'SLOs'],
  SLI: ['SLI', 'SLIs'],
  DataSource: ['data source', 'data sources'],
  Team: ['team', 'teams'],
  User: ['user', 'users'],
  Probe: ['probe', 'probes'],
  Schedule: ['schedule', 'schedules'],
  EscalationPolicy: ['escalation policy', 'escalation policies'],
  ErrorBudgetPolicy: ['error-budget policy', 'error-budget policies'],
  ReleaseGate: ['release gate', 'release gates'],
  StatusPage: ['status page', 'status pages'],
  AlertPolicy: ['alert policy', 'alert policies'],
  AlertCondition: ['alert condition', 'alert conditions'],
  AlertNotificationTarget: ['notification target', 'notification targets'],
};

export function summary(counts: Record<EntityKind, number>): string {
  return ENTITY_KINDS.filter((k) => counts[k] > 0)
    .map((k) => `${counts[k]} ${PLURAL[k][counts[k] === 1 ? 0 : 1]}`)
    .join(', ');
}

export function registerValidate(program: Command, io: Io, setExit: (code: number) => void): void {
  program
    .command('validate')
    .description('check a catalog directory and report every problem with file:line:col')
    .argument('<dir>', 'catalog directory (or a single YAML file)')
    .option('--json', 'print a machine-readable report')
    .option('--strict', 'treat warnings as errors')
    .action(async (dir: string, opts: { json?: boolean; strict?: boolean }) => {
      const loaded = await readCatalog(dir, io);
      const errors = loaded.diagnostics.filter((d) => d.severity === 'error').length;
      const warnings = loaded.diagnostics.length - errors;
      const failed = hasErrors(loaded.diagnostics) || (opts.strict === true && warnings > 0);
      const counts = countByKind(loaded.catalog);
      if (opts.json) {
        io.stdout(
          `${JSON.stringify(
            {
              valid: !failed,
              files: loaded.files,
              documents: loaded.documents,
              errors,
              warnings,
              counts,
              diagnostics: loaded.diagnostics,
            },
            null,
            2,
          )}\n`,
        );
      } else {
        for (const d of loaded.diagnostics) io.stdout(`${formatDiagnostic(d)}\n`);
        const files = `${loaded.files} file${loaded.files === 1 ? '' : 's'}, ${loaded.documents} document${loaded.documents === 1 ? '' : 's'}`;
        if (failed) {
          io.stdout(
            `${dir}: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'} in ${files}\n`,
          );
        } else {
          const warned = warnings ? ` (${warnings} warning${warnings === 1 ? '' : 's'})` : '';
          io.stdout(`${dir}: valid${warned}: ${files}: ${summary(counts)}\n`);
        }
      }
      setExit(failed ? EXIT.failed : EXIT.ok);
    });
}
