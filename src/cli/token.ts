import type { Command } from 'commander';
import { Option } from 'commander';
import { ConfigError, readServerConfig } from '../runtime/config.js';
import { openStore } from '../store/db.js';
import { ROLES, type Role, TokenRepository } from '../store/tokens.js';
import type { Io } from './io.js';
import { UserError } from './io.js';

interface StoreFlags {
  dataDir?: string;
  database?: string;
}

async function withTokens<T>(
  flags: StoreFlags,
  io: Io,
  fn: (tokens: TokenRepository) => Promise<T>,
): Promise<T> {
  let config: ReturnType<typeof readServerConfig>;
  try {
    config = readServerConfig(flags, io.env);
  } catch (err) {
    if (err instanceof ConfigError) throw new UserError(err.message);
    throw err;
  }
  let store: Awaited<ReturnType<typeof openStore>>;
  try {
    store = await openStore({ url: config.database, dataDir: config.dataDir });
  } catch (err) {
    throw new UserError(`cannot open the store: ${(err as Error).message}`);
  }
  try {
    return await fn(new TokenRepository(store.db));
  } finally {
    await store.close();
  }
}

const storeOptions = (cmd: Command) =>
  cmd
    .option('--data-dir <dir>', 'data directory of the SQLite store (env NINES_DATA_DIR, default ./.nines)')
    .option('--database <url>', 'postgres://… to use PostgreSQL (env NINES_DATABASE_URL)');

export function registerToken(program: Command, io: Io): void {
  const token = program.command('token').description('create, list and revoke API tokens');
  storeOptions(
    token
      .command('create')
      .description('create an API token; it is printed once and stored only as a hash')
      .addOption(new Option('--role <role>', 'what the token may do').choices(ROLES).makeOptionMandatory())
      .option('--name <name>', 'who or what uses it', 'unnamed')
      .option('--json', 'print {id, name, role, token}'),
  ).action(async (opts: StoreFlags & { role: Role; name: string; json?: boolean }) => {
    const created = await withTokens(opts, io, (t) => t.create(opts.name, opts.role, Date.now()));
    if (opts.json) {
      io.stdout(
        `${JSON.stringify({ id: created.id, name: opts.name, role: opts.role, token: created.token })}\n`,
      );
    } else {
      io.stdout(`${created.token}\n`);
      io.stderr(`created ${opts.role} token '${opts.name}' (id ${created.id}); it is not shown again\n`);
    }
  });
  storeOptions(
    token.command('list').description('list tokens (never their secrets)').option('--json', 'print JSON'),
  ).action(async (opts: StoreFlags & { json?: boolean }) => {
    const list = await withTokens(opts, io, (t) => t.list());
    if (opts.json) {
      io.stdout(`${JSON.stringify(list, null, 2)}\n`);
      return;
    }
    for (const t of list) {
      const state =
        t.revokedAt !== null
          ? 'revoked'
          : t.lastUsedAt !== null
            ? `last used ${new Date(t.lastUsedAt).toISOString()}`
            : 'never used';
      io.stdout(`${t.id}  ${t.role.padEnd(9)}  ${t.name}  (${state})\n`);
    }
  });
  storeOptions(
    token
      .command('revoke')
      .description('revoke a token by id')
      .argument('<id>', 'token id from `nines token list`'),
  ).action(async (id: string, opts: StoreFlags) => {
    const done = await withTokens(opts, io, (t) => t.revoke(id, Date.now()));
    if (!done) throw new UserError(`no live token with id '${id}'`);
    io.stdout(`revoked ${id}\n`);
  });
}
