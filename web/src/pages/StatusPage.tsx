/**
 * The public status page: no sign-in, no app chrome. Journeys in customer words with 90 days of
 * uptime, and the incidents customers are told about, refreshed every 30 seconds.
 */
import { useEffect } from 'react';
import { ApiError, api, call } from '../api/client';
import type { StatusPageIncident } from '../api/types';
import { Badge } from '../components/Badge';
import { ErrorNotice, Loading } from '../components/Notice';
import { UptimeBars } from '../components/UptimeBars';
import { useReady } from '../hooks/use-ready';
import { useResource } from '../hooks/use-resource';
import { useTitle } from '../hooks/use-title';
import { formatDateTime, formatPercent } from '../lib/format';
import { type PublicStatus, stageLabel, statusHeadline, statusLabel, statusTone } from '../lib/status';
import '../styles/status.css';

const REFRESH_MS = 30_000;

const GLYPH: Record<PublicStatus, string> = {
  operational: '✓',
  degraded: '!',
  partial_outage: '✕',
  major_outage: '✕',
  no_data: '?',
};

function StatusBadge({ status }: { status: PublicStatus }) {
  return (
    <Badge tone={statusTone(status)} glyph={GLYPH[status]}>
      {statusLabel(status)}
    </Badge>
  );
}

export function StatusPage() {
  const { data, error, refetch } = useResource(
    (signal) => call(api.GET('/api/v1/status', { signal })),
    'status',
  );
  useTitle(data ? `${data.title} status` : 'Status');
  useReady('status', data !== undefined);

  useEffect(() => {
    let last = Date.now();
    const tick = () => {
      if (document.visibilityState !== 'visible') return;
      last = Date.now();
      refetch();
    };
    const timer = setInterval(tick, REFRESH_MS);
    const onVisible = () => {
      if (document.visibilityState === 'visible' && Date.now() - last >= REFRESH_MS) tick();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [refetch]);

  // A 404 is a catalog without a StatusPage: nothing is published, which is no failure to retry.
  const unpublished = error instanceof ApiError && error.status === 404;
  const active = data?.incidents.filter((i) => i.resolvedAt === null) ?? [];
  const past = data?.incidents.filter((i) => i.resolvedAt !== null) ?? [];

  return (
    <div className="status-page">
      <header className="status-header">
        <h1>{data?.title ?? 'Status'}</h1>
        {data?.description && <p className="muted">{data.description}</p>}
      </header>
      <main id="main">
        <ErrorNotice
          error={error}
          prefix={
            unpublished
              ? 'No status page is published here'
              : data
                ? 'Could not refresh the status'
                : 'The status could not be loaded'
          }
        />
        {!data && !error && <Loading what="the status" />}
        {data && (
          <>
            <section
              className={`status-banner tone-${statusTone(data.status)}`}
              aria-live="polite"
              data-testid="status-headline"
              data-status={data.status}
            >
              <p>
                <span aria-hidden="true">{GLYPH[data.status]}</span> {statusHeadline(data.status)}
              </p>
              <p className="small">
                Updated <time dateTime={data.updatedAt}>{formatDateTime(data.updatedAt)}</time>
              </p>
            </section>

            {active.length > 0 && (
              <section aria-labelledby="active-heading">
                <h2 id="active-heading">Current incidents</h2>
                {active.map((i) => (
                  <Incident key={i.number} incident={i} />
                ))}
              </section>
            )}

            <section aria-labelledby="journeys-heading">
              <h2 id="journeys-heading">Services</h2>
              <ul className="status-journeys">
                {data.journeys.map((j) => (
                  <li
                    key={j.name}
                    className="status-journey"
                    data-testid={`status-journey-${j.name}`}
                    data-status={j.status}
                  >
                    <div className="status-journey-head">
                      <h3>{j.displayName}</h3>
                      <StatusBadge status={j.status} />
                    </div>
                    {j.description && <p className="muted small">{j.description}</p>}
                    <UptimeBars
                      days={j.uptime.days}
                      label={`${j.displayName}: daily uptime over the last ${j.uptime.days.length} days`}
                    />
                    <p className="uptime-legend small muted">
                      <span>{j.uptime.days.length} days ago</span>
                      <span>
                        {j.uptime.percent90d === null
                          ? 'No data'
                          : `${formatPercent(j.uptime.percent90d, 2)} uptime`}
                      </span>
                      <span>Today</span>
                    </p>
                  </li>
                ))}
              </ul>
            </section>

            {past.length > 0 && (
              <section aria-labelledby="past-heading">
                <h2 id="past-heading">Resolved in the last 7 days</h2>
                {past.map((i) => (
                  <Incident key={i.number} incident={i} />
                ))}
              </section>
            )}
          </>
        )}
      </main>
      <footer className="status-footer muted small">Powered by nines</footer>
    </div>
  );
}

function Incident({ incident: i }: { incident: StatusPageIncident }) {
  return (
    <article className="card status-incident" data-testid={`status-incident-${i.number}`}>
      <div className="status-journey-head">
        <h3>{i.title}</h3>
        {i.resolvedAt ? <Badge tone="ok">Resolved</Badge> : <StatusBadge status={i.impact} />}
      </div>
      <p className="small muted">
        {i.journeys.length > 0 && `Affects ${i.journeys.join(', ')} · `}
        Started <time dateTime={i.startedAt}>{formatDateTime(i.startedAt)}</time>
        {i.resolvedAt && (
          <>
            {' '}
            · resolved <time dateTime={i.resolvedAt}>{formatDateTime(i.resolvedAt)}</time>
          </>
        )}
      </p>
      {i.updates.length === 0 ? (
        <p>
          <strong>{stageLabel(i.status)}</strong>: we are looking into it.
        </p>
      ) : (
        <ol className="plain status-updates">
          {i.updates.map((u) => (
            <li key={`${u.at}-${u.status}`}>
              <strong>{stageLabel(u.status)}</strong> — {u.message}
              <div className="small muted">
                <time dateTime={u.at}>{formatDateTime(u.at)}</time>
              </div>
            </li>
          ))}
        </ol>
      )}
    </article>
  );
}
