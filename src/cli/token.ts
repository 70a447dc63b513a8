import type { Command } from 'commander';
import { Option } from 'commander';
import { ROLES, type Role, TokenRepository } from '../store/tokens.js';
import type { Io } from './io.js';
import { UserError } from './io.js';
import { type StoreFlags, storeOptions, withStore } from './store-input.js';

function withTokens<T>(flags: StoreFlags, io: Io, fn: (tokens: TokenRepository) => Promise<T>): Promise<T> {
  return withStore(flags, io, (store) => fn(new TokenRepository(store.db)));
}

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
