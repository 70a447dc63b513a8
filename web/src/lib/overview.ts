/**
 * The overview's join of value streams, journeys, SLOs and open incidents: one pass over each
 * list with maps in between, so 1,000 services and 200 journeys stay a few milliseconds.
 */
import type { Health, Incident, Journey, SloSummary, ValueStream } from '../api/types';
import { healthRank } from './health';
import { compareText } from './sort';

export interface JourneyRow {
  readonly name: string;
  readonly label: string;
  readonly valueStreams: readonly string[];
  readonly health: Health;
  /** the smallest budget left among its SLOs, as a ratio (negative when overspent) */
  readonly budgetRemaining: number | null;
  /** the SLO with the least budget left */
  readonly worstSlo: string | null;
  /** the highest 1h burn rate among its SLOs */
  readonly burnRate: number | null;
  readonly sloCount: number;
  readonly openIncidents: readonly number[];
  readonly currency: string | null;
  readonly revenueAtRisk1h: number | null;
  readonly revenueAtRisk1d: number | null;
}

export interface StreamSummary {
  readonly name: string;
  readonly label: string;
  readonly objective: string;
  readonly health: Health;
  readonly journeys: readonly JourneyRow[];
  readonly revenueAtRisk1h: ReadonlyMap<string, number>;
  readonly openIncidents: number;
}

export interface Overview {
  readonly rows: readonly JourneyRow[];
  readonly streams: readonly StreamSummary[];
  readonly counts: Readonly<Record<Health, number>>;
  readonly revenueAtRisk1h: ReadonlyMap<string, number>;
  readonly revenueAtRisk1d: ReadonlyMap<string, number>;
  readonly openIncidents: number;
}

function addTo(map: Map<string, number>, currency: string | null, amount: number | null) {
  if (currency === null || amount === null || amount <= 0) return;
  map.set(currency, (map.get(currency) ?? 0) + amount);
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * Builds the overview. An open incident counts for a journey when the journey's own SLO alerts
 * are in it, or when one of its services is a service of the journey's steps or on a path that
 * explains the journey's health.
 */
export function buildOverview(
  valueStreams: readonly ValueStream[],
  journeys: readonly Journey[],
  slos: readonly Pick<SloSummary, 'name' | 'journey' | 'budget' | 'burnRates'>[],
  incidents: readonly Pick<Incident, 'number' | 'journeys' | 'services' | 'suspectedCause'>[],
): Overview {
  const slosByJourney = new Map<string, (typeof slos)[number][]>();
  for (const slo of slos) if (slo.journey !== null) push(slosByJourney, slo.journey, slo);

  const streamsByJourney = new Map<string, string[]>();
  for (const stream of valueStreams)
    for (const j of stream.journeys) push(streamsByJourney, j.name, stream.displayName ?? stream.name);

  const journeysByService = new Map<string, Set<string>>();
  const relate = (service: string, journey: string) => {
    const set = journeysByService.get(service);
    if (set) set.add(journey);
    else journeysByService.set(service, new Set([journey]));
  };
  for (const j of journeys) {
    for (const step of j.steps) for (const s of step.services) relate(s, j.name);
    for (const f of j.health.findings) if (f.via) for (const s of f.via.path) relate(s, j.name);
  }

  const incidentsByJourney = new Map<string, number[]>();
  for (const incident of incidents) {
    const hit = new Set<string>(incident.journeys);
    const services = incident.suspectedCause
      ? [...incident.services, incident.suspectedCause.service]
      : incident.services;
    for (const s of services) for (const j of journeysByService.get(s) ?? []) hit.add(j);
    for (const j of hit) push(incidentsByJourney, j, incident.number);
  }

  const rows: JourneyRow[] = journeys.map((j) => {
    let budgetRemaining: number | null = null;
    let worstSlo: string | null = null;
    let burnRate: number | null = null;
    const own = slosByJourney.get(j.name) ?? [];
    for (const slo of own) {
      if (budgetRemaining === null || slo.budget.remainingRatio < budgetRemaining) {
        budgetRemaining = slo.budget.remainingRatio;
        worstSlo = slo.name;
      }
      const burn = slo.burnRates['1h'];
      if (burnRate === null || burn > burnRate) burnRate = burn;
    }
    const revenue = j.revenueAtRisk;
    return {
      name: j.name,
      label: j.displayName ?? j.name,
      valueStreams: streamsByJourney.get(j.name) ?? [],
      health: j.health.level,
      budgetRemaining,
      worstSlo,
      burnRate,
      sloCount: own.length,
      openIncidents: incidentsByJourney.get(j.name) ?? [],
      currency: revenue?.currency ?? j.value?.currency ?? null,
      revenueAtRisk1h: revenue?.['1h'] ?? null,
      revenueAtRisk1d: revenue?.['1d'] ?? null,
    };
  });

  const rowByName = new Map(rows.map((r) => [r.name, r]));
  const counts: Record<Health, number> = { 'at-risk': 0, degraded: 0, unknown: 0, healthy: 0 };
  const total1h = new Map<string, number>();
  const total1d = new Map<string, number>();
  for (const r of rows) {
    counts[r.health] += 1;
    addTo(total1h, r.currency, r.revenueAtRisk1h);
    addTo(total1d, r.currency, r.revenueAtRisk1d);
  }

  const streams: StreamSummary[] = valueStreams.map((v) => {
    const members = v.journeys
      .map((j) => rowByName.get(j.name))
      .filter((r): r is JourneyRow => r !== undefined)
      .sort((a, b) => healthRank(a.health) - healthRank(b.health) || compareText(a.label, b.label));
    const revenue = new Map<string, number>();
    const open = new Set<number>();
    for (const r of members) {
      addTo(revenue, r.currency, r.revenueAtRisk1h);
      for (const n of r.openIncidents) open.add(n);
    }
    return {
      name: v.name,
      label: v.displayName ?? v.name,
      objective: v.objective,
      health: v.health,
      journeys: members,
      revenueAtRisk1h: revenue,
      openIncidents: open.size,
    };
  });
  streams.sort((a, b) => healthRank(a.health) - healthRank(b.health) || compareText(a.label, b.label));

  return {
    rows,
    streams,
    counts,
    revenueAtRisk1h: total1h,
    revenueAtRisk1d: total1d,
    openIncidents: incidents.length,
  };
}

/** One sentence for a value stream: which journeys are not healthy, or that all are. */
export function streamHeadline(stream: StreamSummary): string {
  const bad = stream.journeys.filter((j) => j.health === 'at-risk' || j.health === 'degraded');
  if (stream.journeys.length === 0) return 'No journeys in this value stream.';
  if (bad.length === 0) {
    const unknown = stream.journeys.filter((j) => j.health === 'unknown').length;
    if (unknown === stream.journeys.length) return 'No data yet for its journeys.';
    const working =
      stream.journeys.length === 1
        ? 'Its journey is working'
        : `All ${stream.journeys.length} journeys are working`;
    return `${working}${unknown > 0 ? ` (${unknown} without data)` : ''}.`;
  }
  const list = (h: Health) =>
    bad
      .filter((j) => j.health === h)
      .map((j) => j.label)
      .join(', ');
  const atRisk = list('at-risk');
  const degraded = list('degraded');
  return [atRisk && `At risk: ${atRisk}.`, degraded && `Degraded: ${degraded}.`].filter(Boolean).join(' ');
}
