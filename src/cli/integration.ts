import type { Command } from 'commander';
import { Option } from 'commander';
import { INTEGRATION_TYPES, type IntegrationType } from '../alerting/types.js';
import { ConfigError, readServerConfig } from '../runtime/config.js';
import { IntegrationRepository } from '../store/integrations.js';
import { requireValidCatalog } from './catalog-input.js';
import type { Io } from './io.js';
import { UserError } from './io.js';
import { type StoreFlags, storeOptions, withStore } from './store-input.js';

/** The catalog directory, as `nines serve` would find it (flag, NINES_CATALOG, default). */
function catalogDir(flags: { catalog?: string }, io: Io): string {
  try {
    return readServerConfig({ catalog: flags.catalog }, io.env).catalog;
  } catch (err) {
    if (err instanceof ConfigError) throw new UserError(err.message);
    throw err;
  }
}

function withIntegrations<T>(
  flags: StoreFlags,
  io: Io,
  fn: (repo: IntegrationRepository) => Promise<T>,
): Promise<T> {
  return withStore(flags, io, (store) => fn(new IntegrationRepository(store.db)));
}

/** Where each kind of key is sent. */
const USAGE: Record<IntegrationType, (key: string) => string> = {
  pagerduty: () =>
    'send PagerDuty Events v2 to POST /v2/enqueue (and /v2/change/enqueue) with it as routing_key',
  alertmanager: (key) => `point an Alertmanager webhook_config url at /integrations/alertmanager/${key}`,
  splunk: (key) => `send Splunk On-Call REST alerts to POST /integrations/splunk/${key}/<routing_key>`,
};

export function registerIntegration(program: Command, io: Io): void {
  const cmd = program
    .command('integration')
    .description(
      'create, list and revoke integration keys for alert intake (PagerDuty, Alertmanager, Splunk On-Call)',
    );
  storeOptions(
    cmd
      .command('create')
      .description(
        'create an integration key bound to a service; it is printed once and stored only as a hash',
      )
      .requiredOption('--service <name>', 'the catalog service its alerts belong to')
      .addOption(
        new Option('--type <type>', 'the protocol it speaks')
          .choices(INTEGRATION_TYPES)
          .makeOptionMandatory(),
      )
      .option('--name <name>', 'what sends with it', 'unnamed')
      .option('-c, --catalog <dir>', 'catalog directory (env NINES_CATALOG, default examples/webshop)')
      .option('--json', 'print {id, name, service, type, key}'),
  ).action(
    async (
      opts: StoreFlags & {
        catalog?: string;
        service: string;
        type: IntegrationType;
        name: string;
        json?: boolean;
      },
    ) => {
      const { catalog } = await requireValidCatalog(catalogDir(opts, io), io);
      if (!catalog.Service.has(opts.service)) {
        const known = [...catalog.Service.keys()].sort();
        throw new UserError(
          `no service named '${opts.service}' in the catalog; services: ${known.slice(0, 20).join(', ')}${known.length > 20 ? ', …' : ''}`,
        );
      }
      const input = { name: opts.name, service: opts.service, type: opts.type };
      const created = await withIntegrations(opts, io, (r) => r.create(input, Date.now()));
      if (opts.json) {
        io.stdout(`${JSON.stringify({ id: created.id, ...input, key: created.key })}\n`);
      } else {
        io.stdout(`${created.key}\n`);
        io.stderr(
          `created ${opts.type} integration '${opts.name}' for service ${opts.service} (id ${created.id}); it is not shown again\n${USAGE[opts.type](created.key)}\n`,
        );
      }
    },
  );
  storeOptions(
    cmd.command('list').description('list integrations (never their keys)').option('--json', 'print JSON'),
  ).action(async (opts: StoreFlags & { json?: boolean }) => {
    const list = await withIntegrations(opts, io, (r) => r.list());
    if (opts.json) {
      io.stdout(`${JSON.stringify(list, null, 2)}\n`);
      return;
    }
    for (const i of list) {
      const state = i.revokedAt !== null ? `revoked ${new Date(i.revokedAt).toISOString()}` : 'live';
      io.stdout(`${i.id}  ${i.type.padEnd(12)}  ${i.service}  ${i.name}  (${state})\n`);
    }
  });
  storeOptions(
    cmd
      .command('revoke')
      .description('revoke an integration key by id; senders get 404 within 5 seconds')
      .argument('<id>', 'integration id from `nines integration list`'),
  ).action(async (id: string, opts: StoreFlags) => {
    const done = await withIntegrations(opts, io, (r) => r.revoke(id, Date.now()));
    if (!done) throw new UserError(`no live integration with id '${id}'`);
    io.stdout(`revoked ${id}\n`);
  });
}
