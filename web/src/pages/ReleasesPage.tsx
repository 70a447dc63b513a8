/**
 * Releases: recent changes per service with their gate results, and the error-budget policy in
 * force for each journey and service, with the reason.
 */
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { api, call } from '../api/client';
import type { BudgetPolicy, Change, GateResult } from '../api/types';
import { Badge, type Tone } from '../components/Badge';
import { GateResultView } from '../components/GateResultView';
import { Empty, ErrorNotice, Loading } from '../components/Notice';
import { useReady } from '../hooks/use-ready';
import { useResource } from '../hooks/use-resource';
import { useTitle } from '../hooks/use-title';
import { formatDateTime, formatPercent } from '../lib/format';
import { compareText } from '../lib/sort';
import { useLive } from '../live';

const ACTION: Record<BudgetPolicy['action'], { label: string; tone: Tone; rank: number }> = {
  fixesOnly: { label: 'Fixes only', tone: 'bad', rank: 0 },
  override: { label: 'Override needed', tone: 'bad', rank: 1 },
  warn: { label: 'Warn', tone: 'warn', rank: 2 },
  allow: { label: 'Releases allowed', tone: 'ok', rank: 3 },
};

/** Services listed before "show all": the table stays quick with thousands of them. */
const FIRST = 50;

async function loadReleases(signal: AbortSignal) {
  const [changes, gates, policies] = await Promise.all([
    call(api.GET('/api/v1/changes', { params: { query: { limit: 300 } }, signal })),
    call(api.GET('/api/v1/gates', { params: { query: { limit: 500 } }, signal })),
    call(api.GET('/api/v1/budget-policies', { signal })),
  ]);
  return { changes: changes.changes, gates: gates.gates, policies };
}

export function ReleasesPage() {
  useTitle('Releases');
  const { data, error, refetch } = useResource(loadReleases, 'releases');
  useLive(['gates', 'slos'], refetch);
  useReady('releases', data !== undefined);
  const [filter, setFilter] = useState('');

  return (
    <>
      <h1>Releases</h1>
      <ErrorNotice error={error} prefix={data ? 'Could not refresh' : 'Could not load releases'} />
      {!data && !error && <Loading what="changes and gates" />}
      {data && (
        <>
          <search className="filters">
            <label>
              Filter by service or journey
              <input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} />
            </label>
          </search>
          <Changes changes={data.changes} gates={data.gates} filter={filter} />
          <Policies
            title="Journeys"
            id="journey-policies"
            policies={data.policies.journeys}
            filter={filter}
          />
          <Policies
            title="Services"
            id="service-policies"
            policies={data.policies.services}
            filter={filter}
          />
        </>
      )}
    </>
  );
}

function Policies({
  title,
  id,
  policies,
  filter,
}: {
  title: string;
  id: string;
  policies: readonly BudgetPolicy[];
  filter: string;
}) {
  const [all, setAll] = useState(false);
  const sorted = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    return policies
      .filter((p) => !needle || p.scope.name.toLowerCase().includes(needle))
      .sort(
        (a, b) => ACTION[a.action].rank - ACTION[b.action].rank || compareText(a.scope.name, b.scope.name),
      );
  }, [policies, filter]);
  const shown = all ? sorted : sorted.slice(0, FIRST);
  return (
    <section aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Error-budget policy: {title.toLowerCase()}</h2>
      {sorted.length === 0 ? (
        <Empty>None.</Empty>
      ) : (
        <div className="table-wrap">
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">{title.slice(0, -1)}</th>
                <th scope="col">In force</th>
                <th scope="col">Policy</th>
                <th scope="col">Set by SLO</th>
                <th scope="col" className="num">
                  Budget left
                </th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((p) => (
                <tr
                  key={p.scope.name}
                  data-testid={`policy-${p.scope.type}-${p.scope.name}`}
                  data-action={p.action}
                >
                  <th scope="row">
                    <a href={`/map?${p.scope.type}=${encodeURIComponent(p.scope.name)}`}>{p.scope.name}</a>
                  </th>
                  <td>
                    <Badge tone={ACTION[p.action].tone}>{ACTION[p.action].label}</Badge>
                  </td>
                  <td>{p.policy ?? <span className="muted">none</span>}</td>
                  <td>{p.slo ? <a href={`/slos/${encodeURIComponent(p.slo)}`}>{p.slo}</a> : '—'}</td>
                  <td className="num">
                    {p.remainingPercent === undefined ? '—' : formatPercent(p.remainingPercent, 1)}
                  </td>
                  <td>{p.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {sorted.length > FIRST && (
        <button type="button" className="show-more" onClick={() => setAll((a) => !a)}>
          {all ? `Show the first ${FIRST}` : `Show all ${sorted.length}`}
        </button>
      )}
    </section>
  );
}

function Changes({
  changes,
  gates,
  filter,
}: {
  changes: readonly Change[];
  gates: readonly GateResult[];
  filter: string;
}) {
  const groups = useMemo(() => {
    const preByService = new Map<string, GateResult[]>();
    for (const g of gates) {
      if (g.change) continue;
      const list = preByService.get(g.service);
      if (list) list.push(g);
      else preByService.set(g.service, [g]);
    }
    const byService = new Map<string, Change[]>();
    for (const c of changes) {
      const list = byService.get(c.service);
      if (list) list.push(c);
      else byService.set(c.service, [c]);
    }
    for (const service of preByService.keys()) if (!byService.has(service)) byService.set(service, []);
    const needle = filter.trim().toLowerCase();
    return [...byService]
      .filter(([service]) => !needle || service.toLowerCase().includes(needle))
      .map(([service, list]) => ({
        service,
        changes: list,
        pre: (preByService.get(service) ?? []).slice(0, 5),
        latest: Math.max(
          ...list.map((c) => Date.parse(c.timestamp)),
          ...(preByService.get(service) ?? []).map((g) => Date.parse(g.evaluatedAt)),
        ),
      }))
      .sort((a, b) => b.latest - a.latest);
  }, [changes, gates, filter]);

  const gatesOf = useMemo(() => {
    const map = new Map<string, GateResult[]>();
    for (const g of gates) {
      if (!g.change) continue;
      const list = map.get(g.change.id);
      if (list) list.push(g);
      else map.set(g.change.id, [g]);
    }
    return map;
  }, [gates]);

  return (
    <section aria-labelledby="changes-heading">
      <h2 id="changes-heading">Recent changes and gates</h2>
      {groups.length === 0 && <Empty>No changes or gate results recorded.</Empty>}
      {groups.map((g) => (
        <section
          key={g.service}
          className="card release-group"
          aria-labelledby={`svc-${g.service}`}
          data-testid={`release-${g.service}`}
        >
          <h3 id={`svc-${g.service}`}>
            <Link to={`/map?service=${encodeURIComponent(g.service)}`}>{g.service}</Link>
          </h3>
          {g.changes.length > 0 && (
            <ul className="plain change-list">
              {g.changes.map((c) => (
                <li key={c.id}>
                  <div>
                    <time dateTime={c.timestamp} className="muted">
                      {formatDateTime(c.timestamp)}
                    </time>{' '}
                    <Badge tone="info">{c.type ?? 'change'}</Badge> {c.version && <code>{c.version}</code>}{' '}
                    {c.summary}
                    {c.author && <span className="muted"> by {c.author}</span>}
                  </div>
                  {(gatesOf.get(c.id) ?? []).length === 0 ? (
                    <p className="muted small">No gate result for this change.</p>
                  ) : (
                    (gatesOf.get(c.id) ?? []).map((gate) => <GateResultView key={gate.id} gate={gate} />)
                  )}
                </li>
              ))}
            </ul>
          )}
          {g.pre.length > 0 && (
            <>
              <h4>Gate checks without a recorded change</h4>
              {g.pre.map((gate) => (
                <GateResultView key={gate.id} gate={gate} />
              ))}
            </>
          )}
        </section>
      ))}
    </section>
  );
}
