/**
 * One SLO: the SLI and the error budget over its window with deploys and alerts marked, burn
 * rates per window, the alert tiers, the alert history and what the SLO is worth.
 */
import { useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, call } from '../api/client';
import type { AlertTransition, Change } from '../api/types';
import { Badge, HealthBadge } from '../components/Badge';
import { BudgetMeter } from '../components/BudgetMeter';
import { type ChartMarker, LineChart } from '../components/LineChart';
import { Empty, ErrorNotice, Loading } from '../components/Notice';
import { useReady } from '../hooks/use-ready';
import { useResource } from '../hooks/use-resource';
import { useTitle } from '../hooks/use-title';
import { sliDomain } from '../lib/chart';
import {
  formatBurn,
  formatCount,
  formatDateTime,
  formatMinutes,
  formatMoney,
  formatPercent,
  formatRatio,
  formatWindow,
} from '../lib/format';
import { useLive } from '../live';

async function loadSlo(name: string, signal: AbortSignal) {
  const slo = await call(api.GET('/api/v1/slos/{name}', { params: { path: { name } }, signal }));
  const from = slo.windowStart;
  const services = slo.service
    ? [slo.service]
    : slo.journey
      ? (
          await call(api.GET('/api/v1/journeys/{name}', { params: { path: { name: slo.journey } }, signal }))
        ).steps.flatMap((s) => s.services)
      : [];
  const wanted = new Set(services);
  const [series, history, changes] = await Promise.all([
    call(api.GET('/api/v1/slos/{name}/timeseries', { params: { path: { name }, query: { from } }, signal })),
    call(api.GET('/api/v1/alerts/history', { params: { query: { slo: name, limit: 200 } }, signal })),
    services.length === 0
      ? Promise.resolve({ changes: [] as Change[] })
      : call(
          api.GET('/api/v1/changes', {
            params: {
              query:
                services.length === 1
                  ? { service: services[0] as string, since: from, limit: 500 }
                  : { since: from, limit: 1000 },
            },
            signal,
          }),
        ),
  ]);
  return {
    slo,
    series,
    history: history.transitions,
    changes: changes.changes.filter((c) => wanted.has(c.service)),
    services,
  };
}

function transitionText(t: AlertTransition): string {
  const kind = t.kind === 'no-data' ? 'No-data alert' : t.kind === 'page' ? 'Page' : 'Ticket';
  switch (t.type) {
    case 'fired':
      return 'tier' in t ? `${kind} fired (${t.tier})` : `${kind} fired`;
    case 'updated':
      return `${kind} ${t.direction} from ${t.from} to ${t.to}`;
    case 'resolved':
      return 'reason' in t
        ? `${kind} resolved (${t.reason === 'recovered' ? 'recovered' : 'became a page'})`
        : `${kind} resolved`;
  }
}

type Range = 'window' | '7d' | '24h';
const RANGES: readonly { value: Range; label: string; ms: number }[] = [
  { value: 'window', label: 'Whole window', ms: Number.POSITIVE_INFINITY },
  { value: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { value: '24h', label: 'Last 24 hours', ms: 86_400_000 },
];
/** Overspending shows down to −100%; further down the line stays on the axis. */
const BUDGET_FLOOR = -100;

/** The charts' series over the chosen range: the budget burn-down always counts from the window's start. */
function chartData(data: Awaited<ReturnType<typeof loadSlo>>, range: Range) {
  const { slo, series } = data;
  const start = Date.parse(slo.windowStart);
  const windowEnd = Date.parse(slo.windowEnd);
  const now = Date.parse(series.to);
  const span = RANGES.find((r) => r.value === range)?.ms ?? Number.POSITIVE_INFINITY;
  const x =
    range === 'window'
      ? { min: start, max: Math.max(windowEnd, now) }
      : { min: Math.max(start, now - span), max: now };
  const points = series.points
    .map((p) => ({
      t: Date.parse(p.t),
      sli: p.sli,
      budget: p.budgetRemaining === null ? null : p.budgetRemaining * 100,
    }))
    .filter((p) => p.t >= x.min && p.t <= x.max);
  const markers: ChartMarker[] = [
    ...data.changes.map((c) => ({
      t: Date.parse(c.timestamp),
      label: `${c.type ?? 'change'} ${c.service}${c.version ? ` ${c.version}` : ''}: ${c.summary}`,
      kind: 'change' as const,
    })),
    ...data.history
      .filter((h) => h.type !== 'updated')
      .map((h) => ({
        t: Date.parse(h.at),
        label: transitionText(h),
        kind: h.type === 'fired' ? ('alert' as const) : ('resolved' as const),
      })),
  ];
  const lowest = Math.min(0, ...points.map((p) => p.budget ?? 0));
  // Spending evenly takes the budget from 100% at the window's start to 0 at its end.
  const even = (t: number) => 100 * (1 - (t - start) / Math.max(1, windowEnd - start));
  return {
    x,
    sli: points.map((p) => ({ t: p.t, v: p.sli })),
    sliY: sliDomain(
      points.map((p) => p.sli),
      slo.objective,
    ),
    budget: points.map((p) => ({ t: p.t, v: p.budget })),
    budgetY: { min: Math.max(BUDGET_FLOOR, lowest), max: 100 },
    ideal: [
      { t: x.min, v: even(x.min) },
      { t: x.max, v: even(x.max) },
    ],
    hasBudget: slo.budgetingMethod === 'occurrences',
    markers,
  };
}

export function SloPage() {
  const name = useParams().name ?? '';
  useTitle(`SLO ${name}`);
  const { data, error, refetch } = useResource((signal) => loadSlo(name, signal), name);
  useLive(['slos'], refetch);
  useReady('slo', data !== undefined);

  const [range, setRange] = useState<Range>('window');
  const charts = useMemo(() => (data ? chartData(data, range) : null), [data, range]);

  if (error && !data) return <ErrorNotice error={error} prefix={`Could not load the SLO ${name}`} />;
  if (!data || !charts) return <Loading what={`the SLO ${name}`} />;
  const { slo } = data;
  const revenue = slo.revenueAtRisk;

  return (
    <>
      <div className="page-head">
        <h1>{slo.displayName ?? slo.name}</h1>
        <HealthBadge health={slo.health} />
      </div>
      <ErrorNotice error={error} prefix="Could not refresh" />
      {slo.description && <p>{slo.description}</p>}
      <div className="grid-2">
        <section className="card" aria-labelledby="objective-heading">
          <h2 id="objective-heading">Objective</h2>
          <dl className="facts">
            <dt>Objective</dt>
            <dd>
              {slo.objectives.map((o) => (
                <div key={`${o.target}-${o.displayName}`}>
                  {formatPercent(o.target)}{' '}
                  {o.displayName && <span className="muted">({o.displayName})</span>}
                  {o.timesliceTarget !== null && (
                    <span className="muted">
                      {' '}
                      of {o.timesliceWindowMinutes}-minute slices at {formatPercent(o.timesliceTarget)}
                    </span>
                  )}
                </div>
              ))}
            </dd>
            <dt>Window</dt>
            <dd>
              {formatWindow(slo.window)}, {slo.budgetingMethod}
            </dd>
            <dt>Of</dt>
            <dd>
              {slo.journey && (
                <>
                  journey <Link to={`/map?journey=${encodeURIComponent(slo.journey)}`}>{slo.journey}</Link>
                </>
              )}
              {slo.service && (
                <>
                  service <Link to={`/map?service=${encodeURIComponent(slo.service)}`}>{slo.service}</Link>
                </>
              )}{' '}
              (SLI {slo.sli})
            </dd>
            <dt>Attainment</dt>
            <dd>
              {formatPercent(slo.attainment)}{' '}
              <span className="muted">
                ({formatCount(slo.good)} good of {formatCount(slo.total)})
              </span>
            </dd>
            <dt>Budget left</dt>
            <dd>
              <BudgetMeter ratio={slo.budget.remainingRatio} />{' '}
              <span className="muted">≈ {formatMinutes(slo.budget.remainingMinutes)} of full outage</span>
            </dd>
            {slo.sla && (
              <>
                <dt>SLA</dt>
                <dd>
                  {formatPercent(slo.sla.target)}
                  {slo.sla.creditPercent !== null && ` (${slo.sla.creditPercent}% credit when missed)`}
                </dd>
              </>
            )}
            <dt>Evaluated</dt>
            <dd>{formatDateTime(slo.evaluatedAt)}</dd>
            {slo.dataSource && slo.dataSource.state !== 'ok' && (
              <>
                <dt>Data source</dt>
                <dd>
                  <Badge tone={slo.dataSource.state === 'failing' ? 'bad' : 'neutral'}>
                    {slo.dataSource.state}
                  </Badge>{' '}
                  {slo.dataSource.message}
                </dd>
              </>
            )}
          </dl>
        </section>
        <section className="card" aria-labelledby="value-heading">
          <h2 id="value-heading">Business value at risk</h2>
          {revenue ? (
            <>
              <p className="muted">
                {revenue.method === 'value-per-success'
                  ? 'Failed events × value per success'
                  : 'Error ratio × hours × revenue per hour'}
              </p>
              <table className="data-table">
                <thead>
                  <tr>
                    <th scope="col">Span</th>
                    <th scope="col" className="num">
                      Bad events
                    </th>
                    <th scope="col" className="num">
                      Error ratio
                    </th>
                    <th scope="col" className="num">
                      At risk
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {revenue.spans.map((s) => (
                    <tr key={s.span}>
                      <th scope="row">{s.span}</th>
                      <td className="num">{formatCount(s.badEvents)}</td>
                      <td className="num">{formatRatio(s.errorRatio, 3)}</td>
                      <td className="num">{formatMoney(s.amount, revenue.currency)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          ) : (
            <Empty>
              No business value is set for this SLO (journey occurrences SLOs with a value have one).
            </Empty>
          )}
        </section>
      </div>

      <div className="chart-head">
        <h2>Over the window</h2>
        <fieldset className="segmented">
          <legend className="visually-hidden">Time range of the charts</legend>
          {RANGES.map((r) => (
            <button
              key={r.value}
              type="button"
              aria-pressed={range === r.value}
              onClick={() => setRange(r.value)}
            >
              {r.label}
            </button>
          ))}
        </fieldset>
      </div>
      <div className="grid-2">
        <LineChart
          title="SLI (% good)"
          summary={`SLI over the window; attainment ${formatPercent(slo.attainment)} against an objective of ${formatPercent(slo.objective)}.`}
          x={charts.x}
          y={charts.sliY}
          series={[{ label: 'SLI', points: charts.sli }]}
          references={
            slo.objective === null
              ? []
              : [{ v: slo.objective, label: `objective ${formatPercent(slo.objective)}` }]
          }
          markers={charts.markers}
          format={(v) => formatPercent(v, 2)}
        />
        {charts.hasBudget ? (
          <LineChart
            title="Error budget left (burn-down)"
            summary={`Error budget left: ${formatRatio(slo.budget.remainingRatio)} of the window's budget.`}
            x={charts.x}
            y={charts.budgetY}
            series={[
              { label: 'Budget left', points: charts.budget },
              { label: 'Even spend', points: charts.ideal, className: 'is-ideal' },
            ]}
            references={[{ v: 0, label: 'exhausted' }]}
            markers={charts.markers}
            format={(v) => `${Math.round(v)}%`}
          />
        ) : (
          <Empty>No budget burn-down for a timeslices SLO: its budget counts bad slices.</Empty>
        )}
      </div>
      <p className="muted small">
        Markers: <span className="marker-key is-change">▼</span> changes,{' '}
        <span className="marker-key is-alert">▼</span> alerts fired,{' '}
        <span className="marker-key is-resolved">▼</span> alerts resolved (hover for details; listed below).
      </p>

      <div className="grid-2">
        <section aria-labelledby="burn-heading">
          <h2 id="burn-heading">Burn rates</h2>
          <div className="table-wrap">
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">Window</th>
                  <th scope="col" className="num">
                    Good
                  </th>
                  <th scope="col" className="num">
                    Total
                  </th>
                  <th scope="col" className="num">
                    Error ratio
                  </th>
                  <th scope="col" className="num">
                    Burn rate
                  </th>
                </tr>
              </thead>
              <tbody>
                {slo.burns.map((b) => (
                  <tr key={b.window}>
                    <th scope="row">{b.window}</th>
                    <td className="num">{formatCount(b.good)}</td>
                    <td className="num">{formatCount(b.total)}</td>
                    <td className="num">{formatRatio(b.errorRatio, 3)}</td>
                    <td className={`num ${b.burnRate > 1 ? 'is-bad' : ''}`}>{formatBurn(b.burnRate)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
        <section aria-labelledby="tiers-heading">
          <h2 id="tiers-heading">Alert tiers</h2>
          <div className="table-wrap">
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">Tier</th>
                  <th scope="col" className="num">
                    Factor
                  </th>
                  <th scope="col" className="num">
                    Long
                  </th>
                  <th scope="col" className="num">
                    Short
                  </th>
                  <th scope="col">Outcome</th>
                </tr>
              </thead>
              <tbody>
                {slo.alertPolicy.map((a) => (
                  <tr key={a.tier}>
                    <th scope="row">
                      {a.tier} <span className="muted">({a.severity})</span>
                    </th>
                    <td className="num">{formatBurn(a.factor)}</td>
                    <td className="num">
                      {formatBurn(a.long.burnRate)} <span className="muted">/{a.long.window}</span>
                    </td>
                    <td className="num">
                      {formatBurn(a.short.burnRate)} <span className="muted">/{a.short.window}</span>
                    </td>
                    <td>
                      {a.outcome === 'firing' ? (
                        <Badge tone="bad">Firing</Badge>
                      ) : (
                        <span>{a.outcome.replaceAll('-', ' ')}</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      </div>

      <div className="grid-2">
        <section aria-labelledby="history-heading">
          <h2 id="history-heading">Alert history</h2>
          {data.history.length === 0 ? (
            <Empty>No alerts have fired for this SLO.</Empty>
          ) : (
            <ol className="plain event-list">
              {data.history.map((h) => (
                <li key={`${h.at}-${h.kind}-${h.type}`}>
                  <time dateTime={h.at}>{formatDateTime(h.at)}</time>{' '}
                  <Badge tone={h.type === 'resolved' ? 'ok' : h.kind === 'page' ? 'bad' : 'warn'}>
                    {h.type === 'resolved' ? 'Resolved' : h.type === 'fired' ? 'Fired' : 'Changed'}
                  </Badge>{' '}
                  {transitionText(h)}
                </li>
              ))}
            </ol>
          )}
        </section>
        <section aria-labelledby="changes-heading">
          <h2 id="changes-heading">Changes in the window</h2>
          {data.services.length > 0 && (
            <p className="muted small">
              On{' '}
              {data.services.length === 1
                ? data.services[0]
                : `${data.services.length} services of the journey`}
              .
            </p>
          )}
          {data.changes.length === 0 ? (
            <Empty>No changes recorded in the window.</Empty>
          ) : (
            <ol className="plain event-list">
              {data.changes.map((c) => (
                <li key={c.id}>
                  <time dateTime={c.timestamp}>{formatDateTime(c.timestamp)}</time>{' '}
                  <Badge tone="info">{c.type ?? 'change'}</Badge> <strong>{c.service}</strong>{' '}
                  {c.version && <code>{c.version}</code>} {c.summary}
                  {c.author && <span className="muted"> by {c.author}</span>}
                </li>
              ))}
            </ol>
          )}
        </section>
      </div>
    </>
  );
}
