import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import type { GateReportBody } from '../http/gate-schemas.js';
import { type ApiFlags, apiOptions, callApi, table } from './api-client.js';
import type { Io } from './io.js';
import { UserError } from './io.js';

/** Exit codes of `nines gate check`, for CI: pass 0, fail 1, usage 2, warning 3, inconclusive 4. */
export const GATE_EXIT = { pass: 0, fail: 1, warning: 3, inconclusive: 4 } as const;

interface CheckFlags extends ApiFlags {
  service: string;
  version?: string;
  stage: 'pre' | 'post';
  change?: string;
  fix?: boolean;
  override?: string;
  wait?: boolean;
  timeout?: number;
  json?: boolean;
}

const minutes = (text: string): number => {
  const m = /^(\d+)(s|m|h)?$/.exec(text.trim());
  if (!m) throw new InvalidArgumentError('write a duration such as 45m, 90s or 2h');
  const unit = m[2] === 's' ? 1000 : m[2] === 'h' ? 3_600_000 : 60_000;
  return Number(m[1]) * unit;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const fmt = (n: number | undefined) =>
  n === undefined ? '-' : Math.abs(n) >= 100 ? n.toFixed(0) : Number(n.toPrecision(3)).toString();

/** The human summary: verdict, reasons, then the checks or objectives as a table. */
export function renderGate(r: GateReportBody): string {
  const head = `${r.stage}-deploy gate for ${r.service}${r.version ? ` ${r.version}` : ''}: ${r.result.toUpperCase()}${
    r.score === undefined ? '' : ` (score ${fmt(r.score)}%)`
  }`;
  const lines = [head, ...r.reasons.map((x) => `  - ${x}`)];
  if (r.pre) {
    lines.push(
      '',
      table([
        ['CHECK', 'SUBJECT', 'VERDICT', 'WHY'],
        ...r.pre.checks.map((c) => [c.check, c.subject, c.verdict, c.reason]),
      ]),
    );
  }
  if (r.post) {
    lines.push(
      '',
      `baseline ${r.post.baseline.from} – ${r.post.baseline.to}; evaluation ${r.post.evaluation.from} – ${r.post.evaluation.to}`,
      table([
        ['OBJECTIVE', 'VALUE', 'BASELINE', 'VERDICT', 'WHY'],
        ...r.post.objectives.map((o) => [
          `${o.displayName ?? o.name}${o.key ? ' (key)' : ''}`,
          fmt(o.value),
          fmt(o.baseline),
          o.verdict,
          o.reason,
        ]),
      ]),
    );
  }
  if (r.rollback)
    lines.push(
      '',
      `rollback hook: ${r.rollback.status}${r.rollback.httpStatus === null ? '' : ` (HTTP ${r.rollback.httpStatus})`}`,
    );
  return `${lines.join('\n')}\n`;
}

/** `nines gate check`: may this release go out (pre), did it hold (post)? Exit codes for CI. */
export function registerGate(program: Command, io: Io, setCode: (code: number) => void): void {
  const gate = program
    .command('gate')
    .description('release gates: check a release against error budgets and SLOs');
  apiOptions(
    gate
      .command('check')
      .description(
        'evaluate the release gate of a service; exit 0 pass, 1 fail (or nines unreachable), 3 warning, 4 inconclusive',
      )
      .requiredOption('--service <name>', 'the catalog service being released')
      .option('--version <version>', 'the version being released (post: finds the recorded change)')
      .addOption(
        new Option('--stage <stage>', 'pre: before the deploy; post: after it')
          .choices(['pre', 'post'])
          .default('pre'),
      )
      .option('--change <id>', 'post: the recorded change to analyse (default: the latest at --version)')
      .option('--fix', 'the release is a fix: it may ship while only fixes may')
      .option(
        '--override <reason>',
        'release despite a policy asking for an override, an open incident or a freeze',
      )
      .option('--wait', 'post: wait until the evaluation window has ended, then report the verdict')
      .option('--timeout <duration>', 'with --wait: give up after this long (default 2h)', minutes)
      .option('--json', 'print the report as JSON'),
  ).action(async (opts: CheckFlags) => {
    if (opts.wait && opts.stage !== 'post') throw new UserError('--wait is for --stage post');
    const body = {
      service: opts.service,
      stage: opts.stage,
      ...(opts.version !== undefined && { version: opts.version }),
      ...(opts.change !== undefined && { change: opts.change }),
      ...(opts.fix && { fix: true }),
      ...(opts.override !== undefined && { override: { reason: opts.override } }),
    };
    const deadline = Date.now() + (opts.timeout ?? 2 * 3_600_000);
    let report = await callApi<GateReportBody>(opts, io, 'POST', '/api/v1/gates/evaluate', body);
    while (opts.wait && report.post?.pendingUntil !== undefined) {
      const until = Date.parse(report.post.pendingUntil);
      if (until > deadline) break;
      if (!opts.json) io.stderr(`waiting for the evaluation window to end at ${report.post.pendingUntil}\n`);
      // A little past the end, so the last minute's events are in.
      await sleep(Math.max(0, until - Date.now()) + 5_000);
      report = await callApi<GateReportBody>(opts, io, 'POST', '/api/v1/gates/evaluate', body);
    }
    io.stdout(opts.json ? `${JSON.stringify(report, null, 2)}\n` : renderGate(report));
    setCode(GATE_EXIT[report.result]);
  });
}
