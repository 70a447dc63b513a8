import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import type { z } from 'zod';
import { WINDOW_DURATION } from '../catalog/duration.js';
import type { incidentResponses } from '../http/incident-schemas.js';
import { type ApiFlags, apiOptions, callApi, instant, shortTime, table } from './api-client.js';
import type { Io } from './io.js';

type Window = z.infer<typeof incidentResponses.window>;

function windowDuration(text: string): string {
  if (!WINDOW_DURATION.test(text.trim()))
    throw new InvalidArgumentError('a duration is a whole number of m, h, d or w, like 30m, 2h or 1d');
  return text.trim();
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `nines maintenance`: windows in which alerts on services are recorded but open no incident. */
export function registerMaintenance(program: Command, io: Io): void {
  const maintenance = program
    .command('maintenance')
    .description('maintenance windows: alerts on their services are recorded but open no incident');

  apiOptions(
    maintenance
      .command('start')
      .description('start a maintenance window now, for a while (--for) or until a time (--until)')
      .requiredOption('--service <name>', 'a catalog service in maintenance (repeat for more)', collect)
      .addOption(
        new Option('--for <duration>', 'how long: 30m, 2h, 1d').argParser(windowDuration).conflicts('until'),
      )
      .option('--until <time>', 'when it ends: RFC 3339 with an offset, a date or epoch ms', instant)
      .option('--reason <text>', 'why, for whoever sees the silenced alerts')
      .option('--json', 'print the window as JSON'),
  ).action(
    async (
      opts: ApiFlags & { service: string[]; for?: string; until?: number; reason?: string; json?: boolean },
      cmd: Command,
    ) => {
      if (opts.for === undefined && opts.until === undefined)
        cmd.error('error: say how long with --for <duration> or --until <time>', {
          exitCode: 2,
          code: 'nines.missingEnd',
        });
      const w = await callApi<Window>(opts, io, 'POST', '/api/v1/maintenance-windows', {
        services: opts.service,
        ...(opts.for !== undefined && { duration: opts.for }),
        ...(opts.until !== undefined && { endsAt: opts.until }),
        ...(opts.reason !== undefined && { reason: opts.reason }),
      });
      if (opts.json) return io.stdout(`${JSON.stringify(w, null, 2)}\n`);
      io.stdout(
        `started maintenance window ${w.id} on ${w.services.join(', ')} until ${shortTime(w.endsAt)}\n`,
      );
    },
  );

  apiOptions(
    maintenance
      .command('list')
      .description('maintenance windows that are not over yet')
      .option('--json', 'print JSON'),
  ).action(async (opts: ApiFlags & { json?: boolean }) => {
    const { windows } = await callApi<{ windows: Window[] }>(opts, io, 'GET', '/api/v1/maintenance-windows');
    if (opts.json) return io.stdout(`${JSON.stringify(windows, null, 2)}\n`);
    if (windows.length === 0) return io.stdout('no maintenance windows\n');
    io.stdout(
      table([
        ['ID', 'SERVICES', 'STARTS', 'ENDS', 'BY', 'REASON'],
        ...windows.map((w) => [
          w.id,
          w.services.join(','),
          shortTime(w.startsAt),
          shortTime(w.endsAt),
          w.createdBy,
          w.reason ?? '',
        ]),
      ]),
    );
  });

  apiOptions(
    maintenance
      .command('end')
      .description('end a window now (or remove one that has not started)')
      .argument('<id>', 'window id from `nines maintenance list`'),
  ).action(async (id: string, opts: ApiFlags) => {
    await callApi(opts, io, 'DELETE', `/api/v1/maintenance-windows/${encodeURIComponent(id)}`);
    io.stdout(`ended maintenance window ${id}\n`);
  });
}
