import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { z } from 'zod';
import { isTimeZone, timeZoneMessage } from '../catalog/time-zone.js';
import type { incidentResponses } from '../http/incident-schemas.js';
import { humanDuration } from '../incidents/postmortem.js';
import { INCIDENT_SEVERITIES } from '../incidents/types.js';
import { type ApiFlags, apiOptions, callApi, incidentNumber, shortTime, table } from './api-client.js';
import type { Io } from './io.js';
import { UserError } from './io.js';
import { timeArg } from './time.js';

type Mttx = z.infer<typeof incidentResponses.mttx>;
type Row = Mttx['overall'];

function timeZone(text: string): string {
  if (!isTimeZone(text)) throw new InvalidArgumentError(timeZoneMessage(text));
  return text;
}

/** `nines postmortem` and `nines report mttx`: learning from incidents. */
export function registerReport(program: Command, io: Io): void {
  apiOptions(
    program
      .command('postmortem')
      .description("a blameless postmortem draft of an incident, in Markdown, from nines' record of it")
      .argument('<number>', 'incident number', incidentNumber)
      .option('--time-zone <zone>', 'IANA zone for the times (default UTC)', timeZone)
      .option('-o, --output <file>', 'write to a file instead of standard output'),
  ).action(async (n: number, opts: ApiFlags & { timeZone?: string; output?: string }) => {
    const q = opts.timeZone === undefined ? '' : `?${new URLSearchParams({ timeZone: opts.timeZone })}`;
    const { markdown } = await callApi<{ markdown: string }>(
      opts,
      io,
      'GET',
      `/api/v1/incidents/${n}/postmortem${q}`,
    );
    const text = markdown.endsWith('\n') ? markdown : `${markdown}\n`;
    if (opts.output === undefined) return io.stdout(text);
    try {
      await writeFile(resolve(io.cwd, opts.output), text);
    } catch (err) {
      throw new UserError(`cannot write '${opts.output}': ${(err as Error).message}`);
    }
    io.stdout(`wrote the postmortem draft of incident #${n} to ${opts.output}\n`);
  });

  const report = program.command('report').description('reports on incidents');
  apiOptions(
    report
      .command('mttx')
      .description('incidents by severity, MTTA, MTTR and MTBF per service, journey and value stream')
      .option(
        '--from <time>',
        'start: RFC 3339, a date, epoch ms or a duration ago like 90d (default 30d)',
        (t) => timeArg(t),
      )
      .option('--to <time>', 'end, likewise (default now)', (t) => timeArg(t))
      .option('--json', 'print JSON'),
  ).action(async (opts: ApiFlags & { from?: number; to?: number; json?: boolean }) => {
    const query = new URLSearchParams();
    if (opts.from !== undefined) query.set('from', String(opts.from));
    if (opts.to !== undefined) query.set('to', String(opts.to));
    const q = query.size > 0 ? `?${query}` : '';
    const r = await callApi<Mttx>(opts, io, 'GET', `/api/v1/reports/mttx${q}`);
    io.stdout(opts.json ? `${JSON.stringify(r, null, 2)}\n` : renderMttx(r));
  });
}

const duration = (seconds: number | null) => (seconds === null ? '—' : humanDuration(seconds * 1000));

function bySeverity(counts: Row['bySeverity']): string {
  const known = INCIDENT_SEVERITIES.filter((s) => (counts[s] ?? 0) > 0).map((s) => `${s} ${counts[s]}`);
  const other = Object.entries(counts)
    .filter(([s, n]) => !(INCIDENT_SEVERITIES as readonly string[]).includes(s) && n > 0)
    .map(([s, n]) => `${s} ${n}`);
  return [...known, ...other].join(', ') || '—';
}

/** The report as tables: overall, then per service, journey and value stream. */
export function renderMttx(r: Mttx): string {
  const section = (title: string, rows: readonly Row[]) =>
    rows.length === 0
      ? `${title}: none\n`
      : table([
          [title.toUpperCase(), 'INCIDENTS', 'BY SEVERITY', 'MTTA', 'MTTR', 'MTBF'],
          ...rows.map((row) => [
            row.name,
            String(row.incidents),
            bySeverity(row.bySeverity),
            duration(row.mttaSeconds),
            duration(row.mttrSeconds),
            duration(row.mtbfSeconds),
          ]),
        ]);
  return [
    `incidents from ${shortTime(r.from)} to ${shortTime(r.to)}\n`,
    section('overall', [r.overall]),
    section('services', r.services),
    section('journeys', r.journeys),
    section('value streams', r.valueStreams),
  ].join('\n');
}
