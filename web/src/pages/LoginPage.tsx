/** Sign in with a name and password; then back to where the user was going. */
import { type FormEvent, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { login } from '../api/auth';
import { ThemeToggle } from '../components/ThemeToggle';
import { useReady } from '../hooks/use-ready';
import { useTitle } from '../hooks/use-title';
import { safeNext } from '../lib/next';

export function LoginPage() {
  useTitle('Sign in');
  useReady('login', true);
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const result = await login(name.trim(), password);
      if (result.ok) {
        void navigate(safeNext(params.get('next')), { replace: true });
        return;
      }
      setError(
        result.status === 401
          ? 'The name or the password is wrong.'
          : result.status === 429
            ? `Too many attempts. ${result.message}`
            : result.message,
      );
    } catch {
      setError('Could not reach the server. Try again in a moment.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="login-page">
      <header className="login-header">
        <p className="brand">nines</p>
        <ThemeToggle />
      </header>
      <main id="main" className="login-main">
        <h1>Sign in</h1>
        <form
          className="login-form"
          onSubmit={(e) => void submit(e)}
          aria-describedby={error ? 'login-error' : undefined}
        >
          <label htmlFor="login-name">Name</label>
          <input
            id="login-name"
            name="name"
            autoComplete="username"
            required
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
          <label htmlFor="login-password">Password</label>
          <input
            id="login-password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          {error && (
            <p id="login-error" className="notice notice-error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" className="button-primary" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      </main>
    </div>
  );
}
