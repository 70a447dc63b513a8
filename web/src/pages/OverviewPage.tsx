/**
 * The first screen: can customers search, order and pay right now, and what is it costing us.
 * Value streams with a headline each, then every journey in a sortable, filterable table.
 */
import { memo, useCallback, useMemo, useState } from 'react';
import { Link } from 'react-router';
import { api, call } from '../api/client';
import type { Health } from '../api/types';
import { HealthBadge } from '../components/Badge';
import { BudgetMeter } from '../components/BudgetMeter';
import { ErrorNotice, Loading } from '../components/Notice';
import { SortHeader } from '../components/SortHeader';
import { useReady } from '../hooks/use-ready';
import { useResource } from '../hooks/use-resource';
import { useTitle } from '../hooks/use-title';
import { formatBurn, formatMoney, formatMoneyTotals } from '../lib/format';
import { HEALTH_LEVELS, healthLabel, healthRank, isHealth } from '../lib/health';
import {
  buildOverview,
  type JourneyRow,
  type Overview,
  type StreamSummary,
  streamHeadline,
} from '../lib/overview';
import { nextSort, type SortDirection, type SortState, sortBy } from '../lib/sort';
import { useLive } from '../live';

type Column = 'journey' | 'streams' | 'health' | 'budget' | 'burn' | 'incidents' | 'revenue';

const SORT_VALUE: Record<Column, (r: JourneyRow) => string | number | null> = {
  journey: (r) => r.label,
  streams: (r) => r.valueStreams[0] ?? null,
  health: (r) => healthRank(r.health),
  budget: (r) => r.budgetRemaining,
  burn: (r) => r.burnRate,
  incidents: (r) => r.openIncidents.length,
  revenue: (r) => r.revenueAtRisk1h,
};

/** Where a first click sorts: the worst end first. */
const NATURAL: Record<Column, SortDirection> = {
  journey: 'ascending',
  streams: 'ascending',
  health: 'ascending',
  budget: 'ascending',
  burn: 'descending',
  incidents: 'descending',
  revenue: 'descending',
};

export function OverviewPage() {
  useTitle('Overview');
  const { data, error, refetch } = useResource(async (signal) => {
    const [streams, journeys, slos, incidents] = await Promise.all([
      call(api.GET('/api/v1/value-streams', { signal })),
      call(api.GET('/api/v1/journeys', { signal })),
      call(api.GET('/api/v1/slos', { signal })),
      call(api.GET('/api/v1/incidents', { params: { query: { status: 'open', limit: 1000 } }, signal })),
    ]);
    return buildOverview(streams.valueStreams, journeys.journeys, slos.slos, incidents.incidents);
  }, 'overview');
  useLive(['slos', 'incidents'], refetch);
  useReady('overview', data !== undefined);

  return (
    <>
      <h1>Overview</h1>
      <ErrorNotice error={error} prefix={data ? 'Could not refresh' : 'Could not load the overview'} />
      {data ? (
        <>
          <Headline overview={data} />
          <Streams streams={data.streams} />
          <JourneyTable rows={data.rows} />
        </>
      ) : (
        !error && <Loading what="journeys" />
      )}
    </>
  );
}

function Headline({ overview }: { overview: Overview }) {
  const { counts } = overview;
  const total = overview.rows.length;
  const troubled = counts['at-risk'] + counts.degraded;
  const names = (h: 'at-risk' | 'degraded') =>
    overview.rows
      .filter((r) => r.health === h)
      .map((r) => r.label)
      .join(', ');
  const sentence =
    total === 0
      ? 'No customer journeys are in the catalog yet.'
      : troubled === 0
        ? counts.unknown === total
          ? 'No data yet: nothing has been measured for the customer journeys.'
          : 'Customers can use every journey right now.'
        : [
            counts['at-risk'] > 0 &&
              `${counts['at-risk']} of ${total} journeys at risk right now: ${names('at-risk')}.`,
            counts.degraded > 0 && `${counts.degraded} degraded: ${names('degraded')}.`,
          ]
            .filter(Boolean)
            .join(' ');
  return (
    <section className="headline" aria-labelledby="now-heading">
      <h2 id="now-heading">Right now</h2>
      <p className={`headline-sentence ${troubled > 0 ? 'is-bad' : ''}`}>{sentence}</p>
      <dl className="kpis">
        <div>
          <dt>Revenue at risk, last hour</dt>
          <dd data-testid="revenue-at-risk-total">{formatMoneyTotals(overview.revenueAtRisk1h, 'none')}</dd>
        </div>
        <div>
          <dt>Last 24 hours</dt>
          <dd>{formatMoneyTotals(overview.revenueAtRisk1d, 'none')}</dd>
        </div>
        <div>
          <dt>Open incidents</dt>
          <dd>
            <Link to="/incidents?status=open">{overview.openIncidents}</Link>
          </dd>
        </div>
        <div>
          <dt>Journeys</dt>
          <dd className="kpi-health">
            {HEALTH_LEVELS.filter((h) => counts[h] > 0).map((h) => (
              <span key={h}>
                {counts[h]} <HealthBadge health={h} />
              </span>
            ))}
            {total === 0 && 'none'}
          </dd>
        </div>
      </dl>
    </section>
  );
}

function Streams({ streams }: { streams: readonly StreamSummary[] }) {
  if (streams.length === 0) return null;
  return (
    <section aria-labelledby="streams-heading">
      <h2 id="streams-heading">Value streams</h2>
      <ul className="stream-cards">
        {streams.map((s) => (
          <li key={s.name} className={`card stream-card health-${s.health}`} data-testid={`stream-${s.name}`}>
            <div className="card-title">
              <h3>{s.label}</h3>
              <HealthBadge health={s.health} />
            </div>
            <p className="muted">{s.objective}</p>
            <p className="stream-headline">{streamHeadline(s)}</p>
            <ul className="chips" aria-label={`Journeys of ${s.label}`}>
              {s.journeys.map((j) => (
                <li key={j.name} className={`chip health-${j.health}`}>
                  {j.label}: {healthLabel(j.health).toLowerCase()}
                </li>
              ))}
            </ul>
            <p className="stream-foot">
              {s.revenueAtRisk1h.size > 0
                ? `${formatMoneyTotals(s.revenueAtRisk1h)} at risk in the last hour`
                : 'No revenue at risk'}
              {s.openIncidents > 0 &&
                ` · ${s.openIncidents} open incident${s.openIncidents === 1 ? '' : 's'}`}
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}

function JourneyTable({ rows }: { rows: readonly JourneyRow[] }) {
  const [text, setText] = useState('');
  const [health, setHealth] = useState<Health | 'all'>('all');
  const [sort, setSort] = useState<SortState<Column>>({ key: 'health', direction: 'ascending' });
  const onSort = useCallback((c: Column) => setSort((s) => nextSort(s, c, NATURAL[c])), []);

  const visible = useMemo(() => {
    const needle = text.trim().toLowerCase();
    const filtered = rows.filter(
      (r) =>
        (health === 'all' || r.health === health) &&
        (needle === '' ||
          r.name.toLowerCase().includes(needle) ||
          r.label.toLowerCase().includes(needle) ||
          r.valueStreams.some((v) => v.toLowerCase().includes(needle))),
    );
    return sortBy(filtered, SORT_VALUE[sort.key], sort.direction, (r) => r.label);
  }, [rows, text, health, sort]);

  const header = (label: string, column: Column, className?: string) => (
    <SortHeader label={label} column={column} sort={sort} onSort={onSort} {...(className && { className })} />
  );

  return (
    <section aria-labelledby="journeys-heading">
      <h2 id="journeys-heading">Journeys</h2>
      <search className="filters">
        <label>
          Filter journeys
          <input
            type="search"
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder="name or value stream"
          />
        </label>
        <label>
          Health
          <select
            value={health}
            onChange={(e) => setHealth(isHealth(e.target.value) ? e.target.value : 'all')}
          >
            <option value="all">All</option>
            {HEALTH_LEVELS.map((h) => (
              <option key={h} value={h}>
                {healthLabel(h)}
              </option>
            ))}
          </select>
        </label>
        <p className="muted" aria-live="polite">
          Showing {visible.length} of {rows.length} journeys
        </p>
      </search>
      <div className="table-wrap">
        <table className="data-table journeys-table">
          <caption className="visually-hidden">
            Customer journeys, their health, error budget and revenue at risk
          </caption>
          <thead>
            <tr>
              {header('Journey', 'journey')}
              {header('Value streams', 'streams')}
              {header('Health', 'health')}
              {header('Budget left', 'budget', 'num')}
              {header('Burn (1h)', 'burn', 'num')}
              {header('Open incidents', 'incidents', 'num')}
              {header('At risk (1h)', 'revenue', 'num')}
            </tr>
          </thead>
          <tbody>
            {visible.map((r) => (
              <JourneyRowView key={r.name} row={r} />
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

const JourneyRowView = memo(function JourneyRowView({ row }: { row: JourneyRow }) {
  return (
    <tr data-testid={`journey-row-${row.name}`} data-health={row.health}>
      <th scope="row">
        <a href={`/map?journey=${encodeURIComponent(row.name)}`}>{row.label}</a>
        {row.label !== row.name && <span className="muted small"> {row.name}</span>}
      </th>
      <td>{row.valueStreams.length > 0 ? row.valueStreams.join(', ') : '—'}</td>
      <td>
        <HealthBadge health={row.health} />
      </td>
      <td className="num">
        {row.worstSlo ? (
          <a href={`/slos/${encodeURIComponent(row.worstSlo)}`} title={`Least budget left: ${row.worstSlo}`}>
            <BudgetMeter ratio={row.budgetRemaining} />
          </a>
        ) : (
          <span className="muted">no SLO</span>
        )}
      </td>
      <td className={`num ${row.burnRate !== null && row.burnRate > 1 ? 'is-bad' : ''}`}>
        {formatBurn(row.burnRate)}
      </td>
      <td className="num">
        {row.openIncidents.length === 0
          ? '0'
          : row.openIncidents.slice(0, 3).map((n, i) => (
              <span key={n}>
                {i > 0 && ', '}
                <a href={`/incidents/${n}`}>#{n}</a>
              </span>
            ))}
        {row.openIncidents.length > 3 && ` +${row.openIncidents.length - 3}`}
      </td>
      <td className="num">
        {row.revenueAtRisk1h !== null && row.currency ? formatMoney(row.revenueAtRisk1h, row.currency) : '—'}
      </td>
    </tr>
  );
});
