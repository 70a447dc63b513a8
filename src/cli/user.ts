import type { Command } from 'commander';
import { Option } from 'commander';
import { NinesError } from '../errors.js';
import { UserService } from '../runtime/users.js';
import { SessionRepository } from '../store/sessions.js';
import { ROLES, type Role } from '../store/tokens.js';
import { UserRepository } from '../store/users.js';
import type { Io } from './io.js';
import { UserError } from './io.js';
import { type StoreFlags, storeOptions, withStore } from './store-input.js';

function withUsers<T>(flags: StoreFlags, io: Io, fn: (users: UserService) => Promise<T>): Promise<T> {
  return withStore(flags, io, async (store) => {
    const users = new UserService({
      users: new UserRepository(store.db),
      sessions: new SessionRepository(store.db),
      clock: Date.now,
    });
    try {
      return await fn(users);
    } catch (err) {
      if (err instanceof NinesError) throw new UserError(err.message);
      throw err;
    }
  });
}

/** The password from NINES_PASSWORD, else the first line of standard input (never an argument: it would show in `ps`). */
async function readPassword(io: Io): Promise<string> {
  const fromEnv = io.env.NINES_PASSWORD;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  // A terminal would echo it: ask for a pipe instead.
  if (process.stdin.isTTY)
    throw new UserError(
      'set NINES_PASSWORD or pipe the password on standard input (it is never an argument)',
    );
  let text = '';
  for await (const chunk of process.stdin) {
    text += String(chunk);
    if (text.includes('\n')) break;
  }
  return text.split(/\r?\n/)[0] ?? '';
}

export function registerUser(program: Command, io: Io): void {
  const user = program.command('user').description('create, list and disable users of the web UI');
  storeOptions(
    user
      .command('create')
      .description('create a user; the password comes from NINES_PASSWORD or standard input')
      .requiredOption('--name <name>', 'what they sign in with')
      .addOption(new Option('--role <role>', 'what they may do').choices(ROLES).makeOptionMandatory()),
  ).action(async (opts: StoreFlags & { name: string; role: Role }) => {
    const password = await readPassword(io);
    const created = await withUsers(opts, io, (u) => u.create(opts.name, password, opts.role));
    io.stdout(`created ${created.role} user '${created.name}'\n`);
  });
  storeOptions(user.command('list').description('list users').option('--json', 'print JSON')).action(
    async (opts: StoreFlags & { json?: boolean }) => {
      const list = await withUsers(opts, io, (u) => u.list());
      if (opts.json) {
        const rows = list.map((u) => ({
          name: u.name,
          role: u.role,
          createdAt: new Date(u.createdAt).toISOString(),
          disabled: u.disabledAt !== null,
        }));
        io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      for (const u of list)
        io.stdout(`${u.role.padEnd(9)}  ${u.name}${u.disabledAt !== null ? '  (disabled)' : ''}\n`);
    },
  );
  storeOptions(
    user
      .command('disable')
      .description('disable a user and end their sessions')
      .argument('<name>', 'user name from `nines user list`'),
  ).action(async (name: string, opts: StoreFlags) => {
    await withUsers(opts, io, (u) => u.update(name, { disabled: true }));
    io.stdout(`disabled ${name}\n`);
  });
}
