import { isRouteErrorResponse, Link, useRouteError } from 'react-router';

/** What a page that crashed (or a chunk that failed to load) shows instead of a blank screen. */
export function RouteError() {
  const error = useRouteError();
  const message = isRouteErrorResponse(error)
    ? `${error.status} ${error.statusText}`
    : error instanceof Error
      ? error.message
      : 'Something went wrong.';
  return (
    <div className="route-error">
      <h1>Something went wrong</h1>
      <p role="alert">{message}</p>
      <p>
        <Link to="/">Back to the overview</Link> or reload the page.
      </p>
    </div>
  );
}

/** Shown while the first page's code loads. */
export function PageLoading() {
  return <p className="loading">Loading…</p>;
}
