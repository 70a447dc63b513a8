/** Incidents, newest first, filtered by status, severity and service (kept in the URL). */
import { type FormEvent, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, call } from '../api/client';
import type { Incident, Severity } from '../api/types';
import { IncidentStatusBadge, SeverityBadge } from '../components/Badge';
import { Empty, ErrorNotice, Loading } from '../components/Notice';
import { useReady } from '../hooks/use-ready';
import { useResource } from '../hooks/use-resource';
import { useTitle } from '../hooks/use-title';
import { formatDateTime, formatRelative } from '../lib/format';
import { useLive } from '../live';

type StatusFilter = 'open' | 'triggered' | 'acknowledged' | 'resolved' | 'all';
const STATUSES: readonly StatusFilter[] = ['open', 'triggered', 'acknowledged', 'resolved', 'all'];
const SEVERITIES: readonly Severity[] = ['critical', 'error', 'warning', 'info'];

function asStatus(v: string | null): StatusFilter {
  return STATUSES.includes(v as StatusFilter) ? (v as StatusFilter) : 'open';
}

function asSeverity(v: string | null): Severity | 'all' {
  return SEVERITIES.includes(v as Severity) ? (v as Severity) : 'all';
}

export function IncidentsPage() {
  useTitle('Incidents');
  const [params, setParams] = useSearchParams();
  const status = asStatus(params.get('status'));
  const severity = asSeverity(params.get('severity'));
  const service = params.get('service') ?? '';
  const [serviceText, setServiceText] = useState(service);

  const { data, error, refetch } = useResource(
    async (signal) =>
      (
        await call(
          api.GET('/api/v1/incidents', {
            params: {
              query: {
                ...(status !== 'all' && { status }),
                ...(service && { service }),
                limit: 500,
              },
            },
            signal,
          }),
        )
      ).incidents,
    `${status}|${service}`,
  );
  useLive(['incidents'], refetch);
  useReady('incidents', data !== undefined);

  const shown = useMemo(
    () => (data ?? []).filter((i) => severity === 'all' || i.severity === severity),
    [data, severity],
  );

  const set = (key: string, value: string, fallback: string) =>
    setParams(
      (p) => {
        const out = new URLSearchParams(p);
        if (value === fallback) out.delete(key);
        else out.set(key, value);
        return out;
      },
      { replace: true },
    );

  const applyService = (event: FormEvent) => {
    event.preventDefault();
    set('service', serviceText.trim(), '');
  };

  return (
    <>
      <h1>Incidents</h1>
      <search aria-label="Filter incidents">
        <form className="filters" onSubmit={applyService}>
          <label>
            Status
            <select value={status} onChange={(e) => set('status', e.target.value, 'open')}>
              <option value="open">Open</option>
              <option value="triggered">Triggered</option>
              <option value="acknowledged">Acknowledged</option>
              <option value="resolved">Resolved</option>
              <option value="all">All</option>
            </select>
          </label>
          <label>
            Severity
            <select value={severity} onChange={(e) => set('severity', e.target.value, 'all')}>
              <option value="all">All</option>
              {SEVERITIES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
          <label>
            Service
            <input
              value={serviceText}
              onChange={(e) => setServiceText(e.target.value)}
              placeholder="service name"
            />
          </label>
          <button type="submit">Apply</button>
          {service && (
            <button
              type="button"
              className="button-quiet"
              onClick={() => {
                setServiceText('');
                set('service', '', '');
              }}
            >
              Clear service
            </button>
          )}
        </form>
      </search>
      <ErrorNotice error={error} prefix={data ? 'Could not refresh' : 'Could not load incidents'} />
      {!data && !error && <Loading what="incidents" />}
      {data &&
        (shown.length === 0 ? (
          <Empty>No incidents match.</Empty>
        ) : (
          <div className="table-wrap">
            <table className="data-table">
              <caption className="visually-hidden">Incidents, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Title</th>
                  <th scope="col">Status</th>
                  <th scope="col">Severity</th>
                  <th scope="col">Priority</th>
                  <th scope="col">Suspected cause</th>
                  <th scope="col">Journeys</th>
                  <th scope="col">Opened</th>
                  <th scope="col">Assignee</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((i) => (
                  <IncidentRow key={i.number} incident={i} />
                ))}
              </tbody>
            </table>
          </div>
        ))}
    </>
  );
}

function IncidentRow({
  incident: i,
}: {
  incident: Pick<
    Incident,
    | 'number'
    | 'title'
    | 'status'
    | 'severity'
    | 'priority'
    | 'suspectedCause'
    | 'services'
    | 'journeys'
    | 'createdAt'
    | 'assignee'
    | 'mergedInto'
  >;
}) {
  return (
    <tr data-testid={`incident-row-${i.number}`} data-status={i.status}>
      <th scope="row">
        <a href={`/incidents/${i.number}`}>#{i.number}</a>
      </th>
      <td>
        <a href={`/incidents/${i.number}`}>{i.title}</a>
        {i.mergedInto !== null && <span className="muted"> (merged into #{i.mergedInto})</span>}
      </td>
      <td>
        <IncidentStatusBadge status={i.status} />
      </td>
      <td>
        <SeverityBadge severity={i.severity} />
      </td>
      <td>{i.priority ?? '—'}</td>
      <td>{i.suspectedCause?.service ?? (i.services.length > 0 ? i.services.join(', ') : '—')}</td>
      <td>{i.journeys.length > 0 ? i.journeys.join(', ') : '—'}</td>
      <td>
        <time dateTime={i.createdAt} title={formatDateTime(i.createdAt)}>
          {formatRelative(i.createdAt)}
        </time>
      </td>
      <td>{i.assignee ?? '—'}</td>
    </tr>
  );
}
