/**
 * One incident for responders: what it puts at risk (journeys, value streams, money, budgets),
 * the suspected cause and its dependency chain, the changes before it, the timeline (gate
 * results included), paging, and the actions responders take.
 */
import { Link, useParams } from 'react-router';
import { api, call } from '../api/client';
import type { IncidentDetail, Paging, TimelineEntry } from '../api/types';
import { Badge, GateBadge, IncidentStatusBadge, SeverityBadge, type Tone } from '../components/Badge';
import { ChangesTable } from '../components/ChangesTable';
import { IncidentActions } from '../components/IncidentActions';
import { Empty, ErrorNotice, Loading } from '../components/Notice';
import { useReady } from '../hooks/use-ready';
import { useResource } from '../hooks/use-resource';
import { useTitle } from '../hooks/use-title';
import {
  formatCount,
  formatDateTime,
  formatDuration,
  formatMoney,
  formatMoneyTotals,
  formatRatio,
  formatTimestamp,
} from '../lib/format';
import { canRespond } from '../lib/roles';
import { useLive } from '../live';
import { useUser } from '../session';

async function loadIncident(number: number, signal: AbortSignal) {
  const path = { params: { path: { number } }, signal };
  const [incident, timeline, paging] = await Promise.all([
    call(api.GET('/api/v1/incidents/{number}', path)),
    call(api.GET('/api/v1/incidents/{number}/timeline', path)),
    call(api.GET('/api/v1/incidents/{number}/paging', path)),
  ]);
  return { incident, timeline: timeline.timeline, paging };
}

export function IncidentPage() {
  const raw = useParams().number ?? '';
  const number = Number(raw);
  const valid = Number.isInteger(number) && number > 0;
  useTitle(`Incident #${raw}`);
  const user = useUser();
  const { data, error, refetch } = useResource(
    (signal) =>
      valid ? loadIncident(number, signal) : Promise.reject(new Error(`“${raw}” is not an incident number.`)),
    raw,
  );
  useLive(['incidents', 'gates'], refetch);
  useReady('incident', data !== undefined);

  if (error && !data) return <ErrorNotice error={error} prefix={`Could not load incident #${raw}`} />;
  if (!data) return <Loading what={`incident #${raw}`} />;
  const { incident, timeline, paging } = data;
  const responder = canRespond(user.role);

  return (
    <>
      <p className="breadcrumb">
        <Link to="/incidents">Incidents</Link> / #{incident.number}
      </p>
      <div className="page-head">
        <h1>
          #{incident.number} {incident.title}
        </h1>
        <span data-testid="incident-status" data-status={incident.status}>
          <IncidentStatusBadge status={incident.status} />
        </span>
        <SeverityBadge severity={incident.severity} />
        {incident.priority && <Badge tone="info">{incident.priority}</Badge>}
        <Link to={`/incidents/${incident.number}/postmortem`}>Postmortem draft</Link>
      </div>
      <ErrorNotice error={error} prefix="Could not refresh" />
      {incident.mergedInto !== null && (
        <p className="notice notice-info">
          Merged into <Link to={`/incidents/${incident.mergedInto}`}>incident #{incident.mergedInto}</Link>.
        </p>
      )}
      <div className={responder ? 'incident-layout' : ''}>
        <div className="incident-main">
          <Summary incident={incident} />
          <Impact impact={incident.impact} />
          <Cause incident={incident} />
          <section aria-labelledby="changes-heading">
            <h2 id="changes-heading">Changes before it started</h2>
            {incident.changes.length === 0 ? (
              <Empty>No changes were recorded on its services before it started.</Empty>
            ) : (
              <ChangesTable changes={incident.changes} />
            )}
          </section>
          <Timeline entries={timeline} />
          <PagingView paging={paging} />
        </div>
        {responder ? (
          <aside className="incident-side" aria-label="Actions">
            <IncidentActions incident={incident} onChanged={refetch} />
          </aside>
        ) : (
          <p className="notice notice-info">
            You have read-only access (viewer): responders acknowledge, resolve and update incidents.
          </p>
        )}
      </div>
    </>
  );
}

function Summary({ incident }: { incident: IncidentDetail }) {
  const end = incident.resolvedAt ? Date.parse(incident.resolvedAt) : Date.now();
  const roles = Object.entries(incident.roles).filter(([, v]) => v);
  return (
    <section className="card" aria-labelledby="summary-heading">
      <h2 id="summary-heading">Summary</h2>
      <dl className="facts">
        <dt>On</dt>
        <dd>
          {incident.subject.kind}{' '}
          <Link to={`/map?${incident.subject.kind}=${encodeURIComponent(incident.subject.name)}`}>
            {incident.subject.name}
          </Link>
        </dd>
        <dt>Opened</dt>
        <dd>
          {formatDateTime(incident.createdAt)}{' '}
          <span className="muted">
            ({formatDuration(end - Date.parse(incident.createdAt))} {incident.resolvedAt ? 'long' : 'so far'})
          </span>
        </dd>
        <dt>Acknowledged</dt>
        <dd>{formatDateTime(incident.acknowledgedAt)}</dd>
        <dt>Resolved</dt>
        <dd>{formatDateTime(incident.resolvedAt)}</dd>
        <dt>Alerts</dt>
        <dd>
          {incident.alerts} ({incident.openAlerts} open)
        </dd>
        <dt>Services</dt>
        <dd>{incident.services.length > 0 ? incident.services.join(', ') : '—'}</dd>
        <dt>Assignee</dt>
        <dd>{incident.assignee ?? '—'}</dd>
        <dt>Roles</dt>
        <dd>{roles.length > 0 ? roles.map(([k, v]) => `${k}: ${v}`).join(', ') : '—'}</dd>
      </dl>
    </section>
  );
}

function Impact({ impact }: { impact: IncidentDetail['impact'] }) {
  const totals = new Map<string, number>();
  for (const r of impact.revenueAtRisk) totals.set(r.currency, (totals.get(r.currency) ?? 0) + r.amount);
  return (
    <section className="card" aria-labelledby="impact-heading">
      <h2 id="impact-heading">Impact</h2>
      <p className="impact-line">
        <strong>{formatMoneyTotals(totals, 'No revenue')}</strong> at risk while it was open ·{' '}
        {impact.journeys.length} journey{impact.journeys.length === 1 ? '' : 's'} ·{' '}
        {impact.valueStreams.length > 0
          ? impact.valueStreams.map((v) => v.displayName ?? v.name).join(', ')
          : 'no value stream'}
      </p>
      <h3>Journeys</h3>
      {impact.journeys.length === 0 ? (
        <Empty>No journeys depend on its services.</Empty>
      ) : (
        <ul className="plain">
          {impact.journeys.map((j) => (
            <li key={j.name}>
              <Link to={`/map?journey=${encodeURIComponent(j.name)}`}>{j.displayName ?? j.name}</Link>{' '}
              <Badge tone={j.critical ? 'bad' : 'warn'}>{j.critical ? 'At risk' : 'Degraded'}</Badge>
              {j.via && <div className="chain">{j.via.path.join(' → ')}</div>}
            </li>
          ))}
        </ul>
      )}
      {impact.revenueAtRisk.length > 0 && (
        <>
          <h3>Revenue at risk</h3>
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">Journey</th>
                <th scope="col">SLO</th>
                <th scope="col">Method</th>
                <th scope="col" className="num">
                  Amount
                </th>
              </tr>
            </thead>
            <tbody>
              {impact.revenueAtRisk.map((r) => (
                <tr key={`${r.journey}/${r.slo}`}>
                  <th scope="row">{r.journey}</th>
                  <td>
                    <Link to={`/slos/${encodeURIComponent(r.slo)}`}>{r.slo}</Link>
                  </td>
                  <td>{r.method === 'value-per-success' ? 'value per success' : 'revenue per hour'}</td>
                  <td className="num">{formatMoney(r.amount, r.currency)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {impact.budgets.length > 0 && (
        <>
          <h3>Error budget spent while open</h3>
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">SLO</th>
                <th scope="col" className="num">
                  Bad events
                </th>
                <th scope="col" className="num">
                  Budget spent
                </th>
              </tr>
            </thead>
            <tbody>
              {impact.budgets.map((b) => (
                <tr key={b.slo}>
                  <th scope="row">
                    <Link to={`/slos/${encodeURIComponent(b.slo)}`}>{b.slo}</Link>
                  </th>
                  <td className="num">{formatCount(b.badEvents)}</td>
                  <td className={`num ${b.consumed >= 1 ? 'is-bad' : ''}`}>
                    {formatRatio(b.consumed)}
                    {b.consumed >= 1 && ' (exhausted)'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

function Cause({ incident }: { incident: IncidentDetail }) {
  const cause = incident.suspectedCause;
  return (
    <section className="card" aria-labelledby="cause-heading">
      <h2 id="cause-heading">Suspected cause</h2>
      {cause ? (
        <>
          <p>
            <Link to={`/map?service=${encodeURIComponent(cause.service)}`}>
              <strong>{cause.service}</strong>
            </Link>
            , the deepest alerting service the others depend on.
          </p>
          {cause.chain.length > 1 && (
            <p>
              Dependency chain: <span className="chain">{cause.chain.join(' → ')}</span>
            </p>
          )}
        </>
      ) : (
        <Empty>No suspected cause yet: only a journey alerts.</Empty>
      )}
    </section>
  );
}

const TYPE_TONE: Partial<Record<TimelineEntry['type'], Tone>> = {
  opened: 'bad',
  alert: 'warn',
  acknowledged: 'warn',
  resolved: 'ok',
  reopened: 'bad',
  note: 'info',
  'status-update': 'info',
};

function Timeline({ entries }: { entries: readonly TimelineEntry[] }) {
  return (
    <section aria-labelledby="timeline-heading">
      <h2 id="timeline-heading">Timeline</h2>
      {entries.length === 0 ? (
        <Empty>Nothing on the timeline yet.</Empty>
      ) : (
        <ol className="timeline">
          {entries.map((e) => (
            <li key={e.id} className={`timeline-entry type-${e.type}`} data-type={e.type}>
              <time dateTime={e.at}>{formatTimestamp(e.at)}</time>
              <span className="timeline-type">
                {e.type === 'gate' && typeof e.data.result === 'string' ? (
                  <GateBadge result={e.data.result as 'pass' | 'warning' | 'fail' | 'inconclusive'} />
                ) : (
                  <Badge tone={TYPE_TONE[e.type] ?? 'neutral'}>{e.type.replace('-', ' ')}</Badge>
                )}
                {e.type === 'status-update' && e.data.public === true && <Badge tone="info">public</Badge>}
              </span>
              <span className="timeline-message">
                {e.type === 'gate' && <span className="muted">Release gate: </span>}
                {e.message}
                <span className="muted"> — {e.actor}</span>
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function PagingView({ paging }: { paging: Paging }) {
  return (
    <section aria-labelledby="paging-heading">
      <h2 id="paging-heading">Paging</h2>
      {paging.escalations.length === 0 ? (
        <Empty>Nobody was paged for this incident.</Empty>
      ) : (
        <ul className="plain">
          {paging.escalations.map((e) => (
            <li key={e.policy}>
              <strong>{e.policy}</strong>: {e.status}, level {e.level} of round {e.round}
              {e.nextAt && <span className="muted"> (next at {formatDateTime(e.nextAt)})</span>}
            </li>
          ))}
        </ul>
      )}
      {paging.notifications.length > 0 && (
        <div className="table-wrap">
          <table className="data-table">
            <caption className="visually-hidden">Notifications</caption>
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Channel</th>
                <th scope="col">Level</th>
                <th scope="col">Status</th>
                <th scope="col">Due</th>
                <th scope="col">Delivered</th>
              </tr>
            </thead>
            <tbody>
              {paging.notifications.map((n) => (
                <tr key={n.id}>
                  <th scope="row">{n.user}</th>
                  <td>
                    {n.channel} <span className="muted">({n.contact})</span>
                  </td>
                  <td>
                    {n.level} <span className="muted">round {n.round}</span>
                  </td>
                  <td>
                    <Badge tone={n.status === 'delivered' ? 'ok' : n.status === 'failed' ? 'bad' : 'neutral'}>
                      {n.status}
                    </Badge>
                    {n.lastError && <div className="muted small">{n.lastError}</div>}
                  </td>
                  <td>{formatDateTime(n.dueAt)}</td>
                  <td>{formatDateTime(n.deliveredAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
