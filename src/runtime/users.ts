import { NinesError } from '../errors.js';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../store/passwords.js';
import type { SessionRepository } from '../store/sessions.js';
import type { Role } from '../store/tokens.js';
import type { User, UserChanges, UserRepository } from '../store/users.js';

/** A user name: what people type to sign in, and a URL path segment. */
export const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,99}$/;

/** Who asks for a change: the signed-in user and their session, when it is a person (not a token). */
export interface Actor {
  readonly userId?: string;
  readonly sessionHash?: string;
}

export interface SignedIn {
  readonly user: User;
  readonly session: { readonly id: string; readonly csrfToken: string; readonly cookieMaxAgeMs: number };
}

/**
 * The rules about users, for the API and the CLI alike: password length, unique
 * names, no admin locking themself out, and sessions that end when their user is
 * disabled, deleted or given a new password.
 */
export class UserService {
  constructor(
    private readonly deps: {
      readonly users: UserRepository;
      readonly sessions: SessionRepository;
      readonly clock: () => number;
    },
  ) {}

  list(): Promise<User[]> {
    return this.deps.users.list();
  }

  async create(name: string, password: string, role: Role): Promise<User> {
    if (!USER_NAME.test(name))
      throw new NinesError(
        'VALIDATION_FAILED',
        'a user name is 1 to 100 letters, digits and . _ @ + -, starting with a letter or digit',
      );
    checkPassword(password);
    const user = await this.deps.users.create(name, password, role, this.deps.clock());
    if (!user) throw new NinesError('CONFLICT', `a user named '${name}' exists`);
    return user;
  }

  async update(name: string, changes: UserChanges, actor: Actor = {}): Promise<User> {
    const user = await this.find(name);
    const self = actor.userId === user.id;
    if (self && changes.disabled === true)
      throw new NinesError('CONFLICT', 'you cannot disable yourself; ask another admin');
    if (self && changes.role !== undefined && changes.role !== 'admin')
      throw new NinesError('CONFLICT', 'you cannot take the admin role from yourself; ask another admin');
    if (changes.password !== undefined) checkPassword(changes.password);
    const updated = await this.deps.users.update(user.id, changes, this.deps.clock());
    if (!updated) throw notFound(name);
    if (changes.disabled === true) await this.deps.sessions.deleteForUser(user.id);
    // A new password signs out everywhere else: whoever knew the old one is out.
    else if (changes.password !== undefined)
      await this.deps.sessions.deleteForUser(user.id, self ? actor.sessionHash : undefined);
    return updated;
  }

  async remove(name: string, actor: Actor = {}): Promise<void> {
    const user = await this.find(name);
    if (actor.userId === user.id)
      throw new NinesError('CONFLICT', 'you cannot delete yourself; ask another admin');
    if (!(await this.deps.users.delete(user.id))) throw notFound(name);
    await this.deps.sessions.deleteForUser(user.id);
  }

  /** A new session for the user with this name and password; undefined when they do not match. */
  async signIn(name: string, password: string): Promise<SignedIn | undefined> {
    const now = this.deps.clock();
    const user = await this.deps.users.authenticate(name, password);
    if (!user) return undefined;
    await this.deps.sessions.prune(now);
    return { user, session: await this.deps.sessions.create(user.id, now) };
  }

  signOut(sessionHash: string): Promise<void> {
    return this.deps.sessions.deleteByHash(sessionHash);
  }

  private async find(name: string): Promise<User> {
    const user = await this.deps.users.byName(name);
    if (!user) throw notFound(name);
    return user;
  }
}

const notFound = (name: string) => new NinesError('NOT_FOUND', `no user named '${name}'`);

/** Throws VALIDATION_FAILED for a password that is too short or too long. */
export function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH)
    throw new NinesError('VALIDATION_FAILED', `a password has at least ${MIN_PASSWORD_LENGTH} characters`, [
      { field: 'password', message: `at least ${MIN_PASSWORD_LENGTH} characters` },
    ]);
  if (password.length > MAX_PASSWORD_LENGTH)
    throw new NinesError('VALIDATION_FAILED', `a password has at most ${MAX_PASSWORD_LENGTH} characters`, [
      { field: 'password', message: `at most ${MAX_PASSWORD_LENGTH} characters` },
    ]);
}
