/** The web UI: routes, theme and the API client's sign-in redirect. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { setUnauthorizedHandler } from './api/client';
import { AppLayout } from './components/AppLayout';
import { loginUrl } from './lib/next';
import { applyTheme, initialTheme } from './lib/theme';
import { LoginPage } from './pages/LoginPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { OverviewPage } from './pages/OverviewPage';
import { PageLoading, RouteError } from './pages/RouteError';
import './styles/theme.css';
import './styles/base.css';
import './styles/layout.css';
import './styles/components.css';

applyTheme(initialTheme());

/** Pages other than the overview load on first visit: the first screen stays small. */
const router = createBrowserRouter([
  { path: '/login', Component: LoginPage },
  {
    path: '/status',
    HydrateFallback: PageLoading,
    lazy: () => import('./pages/StatusPage').then((m) => ({ Component: m.StatusPage })),
  },
  {
    path: '/',
    Component: AppLayout,
    HydrateFallback: PageLoading,
    children: [
      {
        // A page that fails shows its error inside the frame, with the navigation still there.
        ErrorBoundary: RouteError,
        children: [
          { index: true, Component: OverviewPage },
          { path: 'map', lazy: () => import('./pages/MapPage').then((m) => ({ Component: m.MapPage })) },
          {
            path: 'slos/:name',
            lazy: () => import('./pages/SloPage').then((m) => ({ Component: m.SloPage })),
          },
          {
            path: 'incidents',
            lazy: () => import('./pages/IncidentsPage').then((m) => ({ Component: m.IncidentsPage })),
          },
          {
            path: 'incidents/:number',
            lazy: () => import('./pages/IncidentPage').then((m) => ({ Component: m.IncidentPage })),
          },
          {
            path: 'incidents/:number/postmortem',
            lazy: () => import('./pages/PostmortemPage').then((m) => ({ Component: m.PostmortemPage })),
          },
          {
            path: 'oncall',
            lazy: () => import('./pages/OnCallPage').then((m) => ({ Component: m.OnCallPage })),
          },
          {
            path: 'releases',
            lazy: () => import('./pages/ReleasesPage').then((m) => ({ Component: m.ReleasesPage })),
          },
          {
            path: 'admin',
            lazy: () => import('./pages/AdminPage').then((m) => ({ Component: m.AdminPage })),
          },
          { path: '*', Component: NotFoundPage },
        ],
      },
    ],
  },
]);

setUnauthorizedHandler(() => {
  const { pathname, search } = window.location;
  // The public status page and the sign-in page never send anyone to sign in.
  if (pathname === '/login' || pathname === '/status') return;
  void router.navigate(loginUrl(pathname + search), { replace: true });
});

const root = document.getElementById('root');
if (root)
  createRoot(root).render(
    <StrictMode>
      <RouterProvider router={router} />
    </StrictMode>,
  );
