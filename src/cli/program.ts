import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { registerChange } from './change.js';
import { registerExport } from './export.js';
import { registerGate } from './gate.js';
import { registerGraph } from './graph.js';
import { registerIncident } from './incident.js';
import { registerIntegration } from './integration.js';
import type { Io } from './io.js';
import { EXIT, UserError } from './io.js';
import { registerMaintenance } from './maintenance.js';
import { registerOnCall } from './oncall.js';
import { registerOpenapi } from './openapi.js';
import { registerProbe } from './probe.js';
import { registerReport } from './report.js';
import { registerRules } from './rules.js';
import type { ServeHandle } from './serve.js';
import { registerServe } from './serve.js';
import { registerToken } from './token.js';
import { registerUser } from './user.js';
import { registerValidate } from './validate.js';

const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };

export interface RunResult {
  readonly code: number;
  /** Set when `serve` started a server that keeps running. */
  readonly server?: ServeHandle;
}

/**
 * Runs the nines CLI with `argv` (without `node` and the script) and returns the
 * exit code: 0 success, 1 a user error or failed check, 2 a usage error.
 */
export async function run(argv: readonly string[], io: Io): Promise<RunResult> {
  let code: number = EXIT.ok;
  let server: ServeHandle | undefined;
  const program = new Command('nines')
    .description('reliability as code: value streams, journeys, services and SLOs, checked and acted on')
    .version(pkg.version, '-V, --version')
    // Options after a subcommand are its own: `nines change record --version 1.4.2`.
    .enablePositionalOptions()
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  program.configureHelp({ sortSubcommands: true });
  registerValidate(program, io, (c) => {
    code = c;
  });
  registerGraph(program, io);
  registerExport(program, io);
  registerToken(program, io);
  registerUser(program, io);
  registerIntegration(program, io);
  registerOpenapi(program, io, pkg.version);
  registerRules(program, io);
  registerProbe(program, io, (c) => {
    code = c;
  });
  registerServe(program, io, pkg.version, (h) => {
    server = h;
  });
  registerIncident(program, io);
  registerChange(program, io);
  registerGate(program, io, (c) => {
    code = c;
  });
  registerReport(program, io);
  registerMaintenance(program, io);
  registerOnCall(program, io);
  for (const cmd of program.commands) {
    cmd.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
    for (const sub of cmd.commands)
      sub.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  }
  if (argv.length === 0) {
    io.stderr(program.helpInformation());
    return { code: EXIT.usage };
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and --version exit 0; anything else commander rejects is a usage error.
      return { code: err.exitCode === 0 ? EXIT.ok : EXIT.usage };
    }
    if (err instanceof UserError) {
      io.stderr(`nines: ${err.message}\n`);
      return { code: err.exitCode };
    }
    throw err;
  }
  return server ? { code, server } : { code };
}
