/** Admins: the users who sign in to the web UI, and API tokens (a new token is shown once). */
import { type FormEvent, useState } from 'react';
import type { Role } from '../api/auth';
import { api, call } from '../api/client';
import type { ApiToken, CreatedToken, WebUser } from '../api/types';
import { Badge } from '../components/Badge';
import { Empty, ErrorNotice, Loading } from '../components/Notice';
import { useAction } from '../hooks/use-action';
import { useReady } from '../hooks/use-ready';
import { useResource } from '../hooks/use-resource';
import { useTitle } from '../hooks/use-title';
import { formatDateTime } from '../lib/format';
import { isAdmin } from '../lib/roles';
import { useUser } from '../session';

const ROLES: readonly Role[] = ['viewer', 'responder', 'admin'];

/** A role picker; `onPick` gets the role chosen. */
function RoleSelect({
  value,
  onPick,
  disabled,
  id,
}: {
  value: Role;
  onPick: (role: Role) => void;
  disabled?: boolean;
  id?: string;
}) {
  return (
    <select id={id} value={value} disabled={disabled} onChange={(e) => onPick(e.target.value as Role)}>
      {ROLES.map((r) => (
        <option key={r} value={r}>
          {r}
        </option>
      ))}
    </select>
  );
}

export function AdminPage() {
  useTitle('Admin');
  const me = useUser();
  if (!isAdmin(me.role))
    return (
      <>
        <h1>Admin</h1>
        <p className="notice notice-error" role="alert">
          Only admins can manage users and API tokens; you are signed in as a {me.role}.
        </p>
      </>
    );
  return <Admin me={me.name} />;
}

function Admin({ me }: { me: string }) {
  const { data, error, refetch } = useResource(async (signal) => {
    const [users, tokens] = await Promise.all([
      call(api.GET('/api/v1/users', { signal })),
      call(api.GET('/api/v1/tokens', { signal })),
    ]);
    return { users: users.users, tokens: tokens.tokens };
  }, 'admin');
  useReady('admin', data !== undefined);
  return (
    <>
      <h1>Admin</h1>
      <ErrorNotice error={error} prefix={data ? 'Could not refresh' : 'Could not load users and tokens'} />
      {!data && !error && <Loading what="users and tokens" />}
      {data && (
        <>
          <Users users={data.users} me={me} onChanged={refetch} />
          <Tokens tokens={data.tokens} onChanged={refetch} />
        </>
      )}
    </>
  );
}

function Users({ users, me, onChanged }: { users: readonly WebUser[]; me: string; onChanged: () => void }) {
  const { error, done, busy: running, run } = useAction(onChanged);
  const busy = running !== null;
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('viewer');

  const add = (event: FormEvent) => {
    event.preventDefault();
    void run(`User ${name.trim()} added`, async () => {
      await call(api.POST('/api/v1/users', { body: { name: name.trim(), password, role } }));
      setName('');
      setPassword('');
    });
  };

  return (
    <section aria-labelledby="users-heading">
      <h2 id="users-heading">Users</h2>
      <ErrorNotice error={error} prefix="Could not change users" />
      {done && (
        <p className="notice notice-ok" role="status">
          {done}.
        </p>
      )}
      {users.length === 0 ? (
        <Empty>No users yet.</Empty>
      ) : (
        <div className="table-wrap">
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
                <th scope="col">Password</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => (
                <UserRow key={u.name} user={u} self={u.name === me} busy={busy} run={run} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form className="card admin-form" onSubmit={add}>
        <h3>Add a user</h3>
        <div className="form-grid">
          <label>
            Name
            <input value={name} onChange={(e) => setName(e.target.value)} required autoComplete="off" />
          </label>
          <label>
            Password
            <input
              type="password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              required
              autoComplete="new-password"
            />
          </label>
          <label>
            Role
            <RoleSelect value={role} onPick={setRole} />
          </label>
          <div>
            <button type="submit" className="button-primary" disabled={busy || !name.trim() || !password}>
              Add user
            </button>
          </div>
        </div>
      </form>
    </section>
  );
}

function UserRow({
  user,
  self,
  busy,
  run,
}: {
  user: WebUser;
  self: boolean;
  busy: boolean;
  run: (label: string, action: () => Promise<unknown>) => Promise<boolean>;
}) {
  const [password, setPassword] = useState('');
  const path = { params: { path: { name: user.name } } };
  return (
    <tr data-testid={`user-${user.name}`}>
      <th scope="row">
        {user.name}
        {self && <span className="muted"> (you)</span>}
      </th>
      <td>
        <label className="visually-hidden" htmlFor={`role-${user.name}`}>
          Role of {user.name}
        </label>
        <RoleSelect
          id={`role-${user.name}`}
          value={user.role}
          disabled={busy}
          onPick={(role) =>
            void run(`${user.name} is now ${role}`, () =>
              call(api.PATCH('/api/v1/users/{name}', { ...path, body: { role } })),
            )
          }
        />
      </td>
      <td>{user.disabled ? <Badge tone="neutral">Disabled</Badge> : <Badge tone="ok">Active</Badge>}</td>
      <td>{formatDateTime(user.createdAt)}</td>
      <td>
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void run(`Password of ${user.name} changed`, async () => {
              await call(api.PATCH('/api/v1/users/{name}', { ...path, body: { password } }));
              setPassword('');
            });
          }}
        >
          <label className="visually-hidden" htmlFor={`password-${user.name}`}>
            New password for {user.name}
          </label>
          <input
            id={`password-${user.name}`}
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            autoComplete="new-password"
            placeholder="new password"
          />
          <button type="submit" disabled={busy || !password}>
            Set
          </button>
        </form>
      </td>
      <td className="row-actions">
        <div>
          <button
            type="button"
            disabled={busy}
            onClick={() =>
              void run(`${user.name} ${user.disabled ? 'enabled' : 'disabled'}`, () =>
                call(api.PATCH('/api/v1/users/{name}', { ...path, body: { disabled: !user.disabled } })),
              )
            }
          >
            {user.disabled ? 'Enable' : 'Disable'}
          </button>
          <button
            type="button"
            className="button-danger"
            disabled={busy}
            aria-label={`Remove ${user.name}`}
            onClick={() =>
              void run(`${user.name} removed`, () => call(api.DELETE('/api/v1/users/{name}', path)))
            }
          >
            Remove
          </button>
        </div>
      </td>
    </tr>
  );
}

function Tokens({ tokens, onChanged }: { tokens: readonly ApiToken[]; onChanged: () => void }) {
  const { error, done, busy: running, run } = useAction(onChanged);
  const busy = running !== null;
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const [copied, setCopied] = useState(false);

  const create = (event: FormEvent) => {
    event.preventDefault();
    setCopied(false);
    void run(`Token ${name.trim()} created`, async () => {
      setCreated(await call(api.POST('/api/v1/tokens', { body: { name: name.trim(), role } })));
      setName('');
    });
  };

  return (
    <section aria-labelledby="tokens-heading">
      <h2 id="tokens-heading">API tokens</h2>
      <ErrorNotice error={error} prefix="Could not change tokens" />
      {done && !created && (
        <p className="notice notice-ok" role="status">
          {done}.
        </p>
      )}
      {created && (
        <div className="notice notice-ok created-token" role="status" data-testid="created-token">
          <p>
            Token <strong>{created.name}</strong> ({created.role}) created. Copy it now: it is not shown
            again.
          </p>
          <div className="form-row">
            <code className="secret">{created.token}</code>
            <button
              type="button"
              onClick={() =>
                void navigator.clipboard?.writeText(created.token).then(
                  () => setCopied(true),
                  () => setCopied(false),
                )
              }
            >
              Copy
            </button>
            <button type="button" className="button-quiet" onClick={() => setCreated(null)}>
              Done
            </button>
            <span className="muted">{copied ? 'Copied.' : ''}</span>
          </div>
        </div>
      )}
      {tokens.length === 0 ? (
        <Empty>No API tokens.</Empty>
      ) : (
        <div className="table-wrap">
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((t) => (
                <tr key={t.id} data-testid={`token-${t.id}`}>
                  <th scope="row">{t.name}</th>
                  <td>{t.role}</td>
                  <td>{formatDateTime(t.createdAt)}</td>
                  <td>{t.lastUsedAt ? formatDateTime(t.lastUsedAt) : 'never'}</td>
                  <td>
                    {t.revokedAt ? (
                      <Badge tone="neutral">Revoked {formatDateTime(t.revokedAt)}</Badge>
                    ) : (
                      <Badge tone="ok">Active</Badge>
                    )}
                  </td>
                  <td>
                    {!t.revokedAt && (
                      <button
                        type="button"
                        className="button-danger"
                        disabled={busy}
                        aria-label={`Revoke token ${t.name}`}
                        onClick={() =>
                          void run(`Token ${t.name} revoked`, () =>
                            call(api.DELETE('/api/v1/tokens/{id}', { params: { path: { id: t.id } } })),
                          )
                        }
                      >
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form className="card admin-form" onSubmit={create}>
        <h3>Create a token</h3>
        <div className="form-grid">
          <label>
            Name
            <input
              value={name}
              onChange={(e) => setName(e.target.value)}
              required
              placeholder="e.g. ci-pipeline"
            />
          </label>
          <label>
            Role
            <RoleSelect value={role} onPick={setRole} />
          </label>
          <div>
            <button type="submit" className="button-primary" disabled={busy || !name.trim()}>
              Create token
            </button>
          </div>
        </div>
      </form>
    </section>
  );
}
