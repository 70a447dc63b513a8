/**
 * The service map: services and their dependencies, coloured by health. Selecting a service
 * lights up what depends on it and what it depends on, and lists the journeys it puts at risk;
 * selecting a journey lights up the services it needs. The selection lives in the URL
 * (`?service=` or `?journey=`), so it can be shared.
 */
import { memo, useCallback, useMemo, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, call } from '../api/client';
import type { Journey, Service } from '../api/types';
import { Badge, HealthBadge, healthTone } from '../components/Badge';
import { ErrorNotice, Loading } from '../components/Notice';
import { healthWords, nodeSize, ServiceMap } from '../components/ServiceMap';
import { useLayout } from '../hooks/use-layout';
import { useReady } from '../hooks/use-ready';
import { useResource } from '../hooks/use-resource';
import { useTitle } from '../hooks/use-title';
import { formatCount } from '../lib/format';
import {
  buildGraph,
  edgeKey,
  highlightFor,
  type NodeHealth,
  type Selection,
  serviceHealth,
} from '../lib/graph';
import { healthGlyph, healthRank } from '../lib/health';
import type { LayoutInput } from '../lib/layout';
import { compareText } from '../lib/sort';
import { safeHref } from '../lib/url';
import { useLive } from '../live';
import '../styles/map.css';

type SloHealth = { name: string; health: 'healthy' | 'degraded' | 'at-risk' | 'unknown' };

export function MapPage() {
  useTitle('Service map');
  const [params, setParams] = useSearchParams();
  const { data, error, refetch } = useResource(async (signal) => {
    const [services, slos, journeys] = await Promise.all([
      call(api.GET('/api/v1/services', { signal })),
      call(api.GET('/api/v1/slos', { signal })),
      call(api.GET('/api/v1/journeys', { signal })),
    ]);
    return {
      services: services.services,
      slos: slos.slos.map((s): SloHealth => ({ name: s.name, health: s.health })),
      journeys: journeys.journeys,
    };
  }, 'map');
  useLive(['slos'], refetch);

  // The layout depends on the names and edges only: health changes recolour, never re-layout.
  const topologyKey = useMemo(
    () =>
      data
        ? data.services.map((s) => `${s.name}>${s.dependsOn.map((d) => d.service).join(',')}`).join('|')
        : '',
    [data],
  );
  const layoutInput = useMemo((): LayoutInput | null => {
    if (!data) return null;
    return {
      nodes: data.services.map((s) => ({ id: s.name, ...nodeSize(s.name) })),
      edges: data.services.flatMap((s) => s.dependsOn.map((d) => ({ from: s.name, to: d.service }))),
    };
  }, [data]);
  const { layout, error: layoutError, ms } = useLayout(layoutInput, topologyKey);

  const derived = useMemo(() => {
    if (!data) return null;
    const graph = buildGraph(data.services);
    const softEdges = new Set<string>();
    for (const s of data.services)
      for (const d of s.dependsOn) if (!d.critical) softEdges.add(edgeKey(s.name, d.service));
    return {
      graph,
      softEdges,
      health: serviceHealth(data.services, data.slos),
      services: new Map(data.services.map((s) => [s.name, s])),
      journeys: new Map(data.journeys.map((j) => [j.name, j])),
      sloHealth: new Map(data.slos.map((s) => [s.name, s.health])),
    };
  }, [data]);

  const selection: Selection | null = useMemo(() => {
    const service = params.get('service');
    const journey = params.get('journey');
    if (service && derived?.services.has(service)) return { kind: 'service', name: service };
    if (journey && derived?.journeys.has(journey)) return { kind: 'journey', name: journey };
    return null;
  }, [params, derived]);

  const highlight = useMemo(
    () => (selection && derived ? highlightFor(selection, derived.graph, derived.journeys) : null),
    [selection, derived],
  );

  // setSearchParams changes with every search: a ref keeps the callbacks (and the memoised nodes) stable.
  const setParamsRef = useRef(setParams);
  setParamsRef.current = setParams;
  const select = useCallback((next: Selection | null, toggle = false) => {
    setParamsRef.current(
      (p) => {
        const out = new URLSearchParams(p);
        out.delete('service');
        out.delete('journey');
        // Pressing a pressed node unpresses it.
        if (next && !(toggle && p.get(next.kind) === next.name)) out.set(next.kind, next.name);
        return out;
      },
      { replace: true },
    );
  }, []);
  const toggleService = useCallback((name: string) => select({ kind: 'service', name }, true), [select]);
  const pickService = useCallback((name: string) => select({ kind: 'service', name }), [select]);

  useReady('map', layout !== null && derived !== null);

  return (
    <>
      <div className="page-head">
        <h1>Service map</h1>
        {data && (
          <p className="muted">
            {formatCount(data.services.length)} services, {formatCount(data.journeys.length)} journeys
            {ms !== null && ` · laid out in ${(ms / 1000).toFixed(1)} s`}
          </p>
        )}
      </div>
      <ErrorNotice error={error} prefix={data ? 'Could not refresh' : 'Could not load the map'} />
      <ErrorNotice error={layoutError ?? undefined} prefix="Could not lay out the map" />
      {!data && !error && <Loading what="services" />}
      {data && derived && (
        <div className="map-page">
          <div className="map-main">
            <Legend />
            {layout ? (
              <ServiceMap
                layout={layout}
                health={derived.health}
                softEdges={derived.softEdges}
                highlight={highlight}
                selected={selection?.kind === 'service' ? selection.name : null}
                focusKey={selection ? `${selection.kind}:${selection.name}` : null}
                onSelect={toggleService}
              />
            ) : (
              !layoutError && <Loading what={`the layout of ${formatCount(data.services.length)} services`} />
            )}
          </div>
          <aside className="map-side" aria-label="Selection and journeys">
            <ServicePicker services={data.services} onPick={pickService} />
            <section className="card" data-testid="map-selection" aria-labelledby="selection-heading">
              {selection?.kind === 'service' && derived.services.get(selection.name) ? (
                <ServiceDetails
                  service={derived.services.get(selection.name) as Service}
                  health={derived.health.get(selection.name) ?? 'none'}
                  upstream={highlight?.upstream.size ?? 0}
                  downstream={highlight?.downstream.size ?? 0}
                  dependents={derived.graph.up.get(selection.name) ?? []}
                  sloHealth={derived.sloHealth}
                  journeys={derived.journeys}
                  onSelect={select}
                />
              ) : selection?.kind === 'journey' && derived.journeys.get(selection.name) ? (
                <JourneyDetails
                  journey={derived.journeys.get(selection.name) as Journey}
                  needs={highlight?.nodes.size ?? 0}
                  health={derived.health}
                  onSelect={select}
                />
              ) : (
                <>
                  <h2 id="selection-heading">Nothing selected</h2>
                  <p className="muted">
                    Select a service to see what depends on it, what it depends on and the journeys it puts at
                    risk; select a journey to see the services it needs.
                  </p>
                </>
              )}
            </section>
            <JourneyList
              journeys={data.journeys}
              selected={selection?.kind === 'journey' ? selection.name : null}
              onSelect={select}
            />
          </aside>
        </div>
      )}
    </>
  );
}

function Legend() {
  const levels: NodeHealth[] = ['at-risk', 'degraded', 'healthy', 'unknown', 'none'];
  return (
    <ul className="map-legend" aria-label="Legend">
      {levels.map((h) => (
        <li key={h}>
          <span className={`legend-swatch health-${h}`} aria-hidden="true" /> {healthWords(h)}
        </li>
      ))}
      <li>
        <span className="legend-line" aria-hidden="true" /> critical dependency
      </li>
      <li>
        <span className="legend-line is-soft" aria-hidden="true" /> non-critical
      </li>
    </ul>
  );
}

const ServicePicker = memo(function ServicePicker({
  services,
  onPick,
}: {
  services: readonly Service[];
  onPick: (name: string) => void;
}) {
  const [text, setText] = useState('');
  const names = useMemo(() => new Set(services.map((s) => s.name)), [services]);
  return (
    <search className="map-picker">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (names.has(text.trim())) onPick(text.trim());
        }}
      >
        <label htmlFor="map-find">Find a service</label>
        <div className="form-row">
          <input
            id="map-find"
            list="map-services"
            value={text}
            autoComplete="off"
            onChange={(e) => {
              setText(e.target.value);
              if (names.has(e.target.value)) onPick(e.target.value);
            }}
          />
          <button type="submit">Select</button>
        </div>
        <datalist id="map-services">
          {services.map((s) => (
            <option key={s.name} value={s.name} />
          ))}
        </datalist>
      </form>
    </search>
  );
});

function ServiceDetails({
  service,
  health,
  upstream,
  downstream,
  dependents,
  sloHealth,
  journeys,
  onSelect,
}: {
  service: Service;
  health: NodeHealth;
  upstream: number;
  downstream: number;
  dependents: readonly string[];
  sloHealth: ReadonlyMap<string, SloHealth['health']>;
  journeys: ReadonlyMap<string, Journey>;
  onSelect: (s: Selection | null) => void;
}) {
  const runbook = safeHref(service.runbook);
  return (
    <>
      <div className="card-title">
        <h2 id="selection-heading">{service.displayName ?? service.name}</h2>
        <Badge tone={healthTone(health)} glyph={health === 'none' ? '–' : healthGlyph(health)}>
          {healthWords(health)}
        </Badge>
      </div>
      <dl className="facts">
        <dt>Service</dt>
        <dd>{service.name}</dd>
        {service.owner && (
          <>
            <dt>Owner</dt>
            <dd>{service.owner}</dd>
          </>
        )}
        {service.tier !== null && (
          <>
            <dt>Tier</dt>
            <dd>{service.tier}</dd>
          </>
        )}
        <dt>Upstream</dt>
        <dd>{upstream === 1 ? '1 service depends' : `${upstream} services depend`} on it</dd>
        <dt>Downstream</dt>
        <dd>
          it depends on {downstream} service{downstream === 1 ? '' : 's'}
        </dd>
        {runbook && (
          <>
            <dt>Runbook</dt>
            <dd>
              <a href={runbook} rel="noreferrer noopener" target="_blank">
                open runbook
              </a>
            </dd>
          </>
        )}
      </dl>
      {service.slos.length > 0 && (
        <>
          <h3>SLOs</h3>
          <ul className="plain">
            {service.slos.map((name) => (
              <li key={name}>
                <Link to={`/slos/${encodeURIComponent(name)}`}>{name}</Link>{' '}
                <HealthBadge health={sloHealth.get(name) ?? 'unknown'} />
              </li>
            ))}
          </ul>
        </>
      )}
      <h3>Depends on</h3>
      <NameButtons names={service.dependsOn.map((d) => d.service)} onSelect={onSelect} />
      <h3>Needed by</h3>
      <NameButtons names={dependents} onSelect={onSelect} />
      <h3>Journeys it puts at risk</h3>
      {service.journeysAtRisk.length === 0 ? (
        <p className="muted">No journey depends on it.</p>
      ) : (
        <ul className="plain at-risk-list">
          {service.journeysAtRisk.map((j) => (
            <li key={`${j.journey}/${j.step}/${j.path.join('>')}`}>
              <button
                type="button"
                className="link-button"
                onClick={() => onSelect({ kind: 'journey', name: j.journey })}
              >
                {journeys.get(j.journey)?.displayName ?? j.journey}
              </button>{' '}
              <span className="muted">
                step {j.step}, {j.critical ? 'breaks it' : 'degrades it'}
              </span>
              <div className="chain">{j.path.join(' → ')}</div>
            </li>
          ))}
        </ul>
      )}
      <button type="button" onClick={() => onSelect(null)}>
        Clear selection
      </button>
    </>
  );
}

function NameButtons({ names, onSelect }: { names: readonly string[]; onSelect: (s: Selection) => void }) {
  if (names.length === 0) return <p className="muted">None.</p>;
  const shown = names.slice(0, 30);
  return (
    <p className="name-buttons">
      {shown.map((name) => (
        <button
          key={name}
          type="button"
          className="link-button"
          onClick={() => onSelect({ kind: 'service', name })}
        >
          {name}
        </button>
      ))}
      {names.length > shown.length && <span className="muted"> and {names.length - shown.length} more</span>}
    </p>
  );
}

function JourneyDetails({
  journey,
  needs,
  health,
  onSelect,
}: {
  journey: Journey;
  needs: number;
  health: ReadonlyMap<string, NodeHealth>;
  onSelect: (s: Selection | null) => void;
}) {
  return (
    <>
      <div className="card-title">
        <h2 id="selection-heading">{journey.displayName ?? journey.name}</h2>
        <HealthBadge health={journey.health.level} />
      </div>
      {journey.description && <p className="muted">{journey.description}</p>}
      <p>
        Needs {needs} service{needs === 1 ? '' : 's'}, counting everything its steps depend on.
      </p>
      <h3>Steps</h3>
      <ol className="steps">
        {journey.steps.map((step) => (
          <li key={step.name}>
            {step.name}:{' '}
            {step.services.map((s) => (
              <button
                key={s}
                type="button"
                className="link-button"
                onClick={() => onSelect({ kind: 'service', name: s })}
              >
                {s} <span className="muted">({healthWords(health.get(s) ?? 'none').toLowerCase()})</span>
              </button>
            ))}
          </li>
        ))}
      </ol>
      {journey.health.findings.length > 0 && (
        <>
          <h3>Why</h3>
          <ul className="plain">
            {journey.health.findings.map((f) => (
              <li key={`${f.slo}/${f.via?.path.join('>') ?? ''}`}>
                <Link to={`/slos/${encodeURIComponent(f.slo)}`}>{f.slo}</Link>: {f.cause.replaceAll('-', ' ')}{' '}
                ({f.effect}){f.via && <div className="chain">{f.via.path.join(' → ')}</div>}
              </li>
            ))}
          </ul>
        </>
      )}
      <button type="button" onClick={() => onSelect(null)}>
        Clear selection
      </button>
    </>
  );
}

const JourneyList = memo(function JourneyList({
  journeys,
  selected,
  onSelect,
}: {
  journeys: readonly Journey[];
  selected: string | null;
  onSelect: (s: Selection) => void;
}) {
  const sorted = useMemo(
    () =>
      [...journeys].sort(
        (a, b) =>
          healthRank(a.health.level) - healthRank(b.health.level) ||
          compareText(a.displayName ?? a.name, b.displayName ?? b.name),
      ),
    [journeys],
  );
  return (
    <section className="card" aria-labelledby="journeys-heading">
      <h2 id="journeys-heading">Journeys</h2>
      <ul className="plain journey-list">
        {sorted.map((j) => (
          <li key={j.name}>
            <button
              type="button"
              className="journey-button"
              aria-pressed={selected === j.name}
              data-testid={`map-journey-${j.name}`}
              onClick={() => onSelect({ kind: 'journey', name: j.name })}
            >
              <span>{j.displayName ?? j.name}</span> <HealthBadge health={j.health.level} />
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
});
