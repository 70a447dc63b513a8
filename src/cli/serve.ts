import type { Command } from 'commander';
import { countByKind } from '../catalog/model.js';
import { createNines } from '../runtime/app.js';
import { ConfigError, readServerConfig } from '../runtime/config.js';
import { requireValidCatalog } from './catalog-input.js';
import type { Io } from './io.js';
import { UserError } from './io.js';
import { summary } from './validate.js';

export interface ServeHandle {
  readonly url: string;
  close(): Promise<void>;
}

export function registerServe(
  program: Command,
  io: Io,
  version: string,
  started: (h: ServeHandle) => void,
): void {
  program
    .command('serve')
    .description('run the nines server on a catalog')
    .option('-c, --catalog <dir>', 'catalog directory (env NINES_CATALOG, default examples/webshop)')
    .option('-p, --port <port>', 'port to listen on (env NINES_PORT, default 4000; 0 picks a free port)')
    .option('--host <host>', 'address to bind (env NINES_HOST, default 127.0.0.1)')
    .option('--data-dir <dir>', 'where the SQLite store lives (env NINES_DATA_DIR, default ./.nines)')
    .option('--database <url>', 'postgres://… to keep state in PostgreSQL instead (env NINES_DATABASE_URL)')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent (env NINES_LOG_LEVEL)')
    .option(
      '--evaluation-interval <seconds>',
      'seconds between evaluations (env NINES_EVALUATION_INTERVAL, default 30)',
    )
    .option(
      '--max-event-age-hours <hours>',
      'reject older events (env NINES_MAX_EVENT_AGE_HOURS, default 168)',
    )
    .option(
      '--no-data-minutes <minutes>',
      'minutes without events before a no-data alert (env NINES_NO_DATA_MINUTES, default 10)',
    )
    .option(
      '--retention-days <days>',
      'days of hour and day buckets kept (env NINES_RETENTION_DAYS, default 400)',
    )
    .option('--body-limit-mb <mb>', 'largest request body (env NINES_BODY_LIMIT_MB, default 8)')
    .option(
      '--probe-concurrency <runs>',
      'probe runs in flight at once (env NINES_PROBE_CONCURRENCY, default 64)',
    )
    .option('--probe-history <runs>', 'runs kept per probe (env NINES_PROBE_HISTORY, default 100)')
    .option(
      '--intake-rate <events>',
      'alert events per second per integration key (env NINES_INTAKE_RATE, default 1000)',
    )
    .option(
      '--intake-burst <events>',
      'alert events an integration key may send at once (env NINES_INTAKE_BURST, default 2000)',
    )
    .option(
      '--group-window-minutes <minutes>',
      'an open incident takes related alerts while its last alert is this recent (env NINES_GROUP_WINDOW_MINUTES, default 60)',
    )
    .option(
      '--change-lookback-hours <hours>',
      'incidents list changes this many hours before they started (env NINES_CHANGE_LOOKBACK_HOURS, default 6)',
    )
    .option(
      '--public-url <url>',
      'where people reach nines, for links in pages and calendar feeds (env NINES_PUBLIC_URL, default http://<host>:<port>)',
    )
    .option('--smtp-url <url>', 'SMTP server for email pages, smtp:// or smtps:// (env NINES_SMTP_URL)')
    .option(
      '--smtp-from <address>',
      'sender of email pages (env NINES_SMTP_FROM, default nines <nines@localhost>)',
    )
    .option(
      '--notify-give-up-minutes <minutes>',
      'how long a failing notification is retried (env NINES_NOTIFY_GIVE_UP_MINUTES, default 60)',
    )
    .option(
      '--notify-timeout-seconds <seconds>',
      'one delivery attempt, all of it (env NINES_NOTIFY_TIMEOUT_SECONDS, default 10)',
    )
    .option(
      '--trust-proxy <list>',
      'reverse proxies (IPs or CIDRs, comma-separated) whose X-Forwarded-For/-Proto are believed (env NINES_TRUST_PROXY, default none)',
    )
    .action(async (opts: Record<string, string | undefined>) => {
      let config: ReturnType<typeof readServerConfig>;
      try {
        config = readServerConfig(opts, io.env);
      } catch (err) {
        if (err instanceof ConfigError) throw new UserError(err.message);
        throw err;
      }
      const { catalog } = await requireValidCatalog(config.catalog, io);
      let nines: Awaited<ReturnType<typeof createNines>>;
      try {
        nines = await createNines(config, catalog, { version });
      } catch (err) {
        throw new UserError(`cannot start: ${(err as Error).message}`);
      }
      try {
        await nines.app.listen({ port: config.port, host: config.host });
      } catch (err) {
        await nines.close();
        throw new UserError(`cannot listen on ${config.host}:${config.port}: ${(err as Error).message}`);
      }
      const address = nines.app.server.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
      io.stderr(
        `nines is serving ${config.catalog} (${summary(countByKind(catalog))}) on ${url}, state in ${nines.store.location}\n`,
      );
      started({ url, close: () => nines.close() });
    });
}
