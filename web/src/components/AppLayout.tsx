/** The signed-in frame: top bar with navigation, user and theme; the page; the live region. */
import { useEffect, useRef, useState } from 'react';
import { Link, NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { fetchSession, logout, type SessionUser } from '../api/auth';
import { routedPath } from '../lib/links';
import { loginUrl } from '../lib/next';
import { isAdmin } from '../lib/roles';
import { SessionContext } from '../session';
import { LiveRegion } from './LiveRegion';
import { ErrorNotice, Loading } from './Notice';
import { ThemeToggle } from './ThemeToggle';

const NAV = [
  { to: '/', label: 'Overview', end: true },
  { to: '/map', label: 'Service map', end: false },
  { to: '/incidents', label: 'Incidents', end: false },
  { to: '/oncall', label: 'On-call', end: false },
  { to: '/releases', label: 'Releases', end: false },
] as const;

export function AppLayout() {
  const location = useLocation();
  const navigate = useNavigate();
  const [user, setUser] = useState<SessionUser | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const main = useRef<HTMLElement>(null);
  const firstPath = useRef(location.pathname);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the session is read once per mount
  useEffect(() => {
    const controller = new AbortController();
    void fetchSession(controller.signal).then(
      (session) => {
        if (controller.signal.aborted) return;
        if (session) setUser(session.user);
        else void navigate(loginUrl(location.pathname + location.search), { replace: true });
      },
      (e: unknown) => {
        if (!controller.signal.aborted) setError(e);
      },
    );
    return () => controller.abort();
  }, []);

  // Plain anchors in long tables navigate in the app, without a page load.
  useEffect(() => {
    const onClick = (event: MouseEvent) => {
      const anchor = event.target instanceof Element ? event.target.closest('a') : null;
      const path = routedPath(event, anchor, window.location.origin);
      if (path === null) return;
      event.preventDefault();
      void navigate(path);
    };
    document.addEventListener('click', onClick);
    return () => document.removeEventListener('click', onClick);
  }, [navigate]);

  // After a navigation, move focus to the page so screen readers start at its content.
  useEffect(() => {
    if (location.pathname !== firstPath.current) main.current?.focus();
    firstPath.current = '';
  }, [location.pathname]);

  async function signOut() {
    try {
      await logout();
    } finally {
      void navigate('/login', { replace: true });
    }
  }

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link className="brand" to="/" aria-label="nines home">
          nines
        </Link>
        {user && (
          <nav aria-label="Main">
            <ul className="nav-list">
              {NAV.map((item) => (
                <li key={item.to}>
                  <NavLink to={item.to} end={item.end}>
                    {item.label}
                  </NavLink>
                </li>
              ))}
              {isAdmin(user.role) && (
                <li>
                  <NavLink to="/admin">Admin</NavLink>
                </li>
              )}
            </ul>
          </nav>
        )}
        <div className="topbar-end">
          {user && (
            <p className="user">
              <span className="user-name">{user.name}</span> <span className="user-role">({user.role})</span>
            </p>
          )}
          {user && (
            <button type="button" className="button-quiet" onClick={() => void signOut()}>
              Sign out
            </button>
          )}
          <ThemeToggle />
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        {error !== undefined ? (
          <ErrorNotice error={error} prefix="Could not check your session" />
        ) : user ? (
          <SessionContext.Provider value={user}>
            <Outlet />
          </SessionContext.Provider>
        ) : (
          <Loading what="your session" />
        )}
      </main>
      <LiveRegion />
    </>
  );
}
