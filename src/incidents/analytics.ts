/**
 * Incident analytics over a period [from, to): how often things break and how
 * fast responders react, overall and per service, journey and value stream.
 *
 * Definitions:
 * - Merged incidents (`mergedInto !== null`) are left out everywhere: their
 *   alerts live on in the incident they were folded into.
 * - An incident counts for a service when the service is in `incident.services`
 *   or is its suspected cause; for journeys and value streams, per `impacted`.
 * - `incidents` and `bySeverity` count incidents created in [from, to).
 * - MTTA: mean of acknowledgedAt − createdAt over incidents created in the
 *   period that were acknowledged; null when there are none.
 * - MTTR: mean of resolvedAt − createdAt over incidents created in the period
 *   that are resolved; null when there are none. Open incidents are left out
 *   rather than guessed at, so read MTTR beside the count of open ones.
 * - downtimeMs: length of the union of the intervals [createdAt, resolvedAt ?? to]
 *   clipped to [from, to). Incidents that started before the period or are still
 *   open count for their part inside it; overlapping incidents count once.
 * - MTBF: (period length − downtimeMs) / incidents created in the period: the
 *   mean time up between failures; null when no incident was created.
 *
 * A group (service, journey, value stream) has a row when an incident of it was
 * created in the period or was open during it, so an incident carried over from
 * the previous period shows as downtime with a count of zero.
 */
import type { Incident, IncidentSeverity } from './types.js';
import { INCIDENT_SEVERITIES } from './types.js';

/** What an incident affected beyond its own services, decided by the caller (e.g. from the catalog). */
export interface Impacted {
  readonly journeys: readonly string[];
  readonly valueStreams: readonly string[];
}

export interface MttxInput {
  readonly incidents: readonly Incident[];
  readonly impacted: (incident: Incident) => Impacted;
  /** Period start, UTC epoch ms, inclusive. */
  readonly from: number;
  /** Period end, UTC epoch ms, exclusive; open incidents count as down until then, so no later than now. */
  readonly to: number;
}

export interface MttxRow {
  readonly name: string;
  /** Incidents created in the period. */
  readonly incidents: number;
  readonly bySeverity: Readonly<Record<IncidentSeverity, number>>;
  readonly mttaMs: number | null;
  readonly mttrMs: number | null;
  readonly mtbfMs: number | null;
  readonly downtimeMs: number;
}

export interface MttxReport {
  readonly from: number;
  readonly to: number;
  /** Every incident; named `overall`. */
  readonly overall: MttxRow;
  /** Rows by incident count, most first, then by name. */
  readonly services: readonly MttxRow[];
  readonly journeys: readonly MttxRow[];
  readonly valueStreams: readonly MttxRow[];
}

/**
 * MTTA, MTTR, MTBF, downtime and severity counts over [from, to), overall and
 * per service, journey and value stream (see the module comment for the definitions).
 *
 * @example
 * mttx({ incidents, impacted: () => ({ journeys: ['pay'], valueStreams: ['sales'] }), from, to: from + DAY }).overall;
 * // { name: 'overall', incidents: 2, bySeverity: { critical: 1, error: 1, warning: 0, info: 0 },
 * //   mttaMs: 240000, mttrMs: 3600000, mtbfMs: 39600000, downtimeMs: 7200000 }
 */
export function mttx(input: MttxInput): MttxReport {
  const { from, to } = input;
  const relevant = input.incidents.filter((i) => i.mergedInto === null && overlaps(i, from, to));
  const services = new Map<string, Incident[]>();
  const journeys = new Map<string, Incident[]>();
  const valueStreams = new Map<string, Incident[]>();
  for (const incident of relevant) {
    const cause = incident.suspectedCause?.service;
    addTo(services, cause === undefined ? incident.services : [...incident.services, cause], incident);
    const impacted = input.impacted(incident);
    addTo(journeys, impacted.journeys, incident);
    addTo(valueStreams, impacted.valueStreams, incident);
  }
  const rows = (groups: ReadonlyMap<string, readonly Incident[]>): MttxRow[] =>
    [...groups]
      .map(([name, incidents]) => row(name, incidents, from, to))
      .sort((a, b) => b.incidents - a.incidents || a.name.localeCompare(b.name));
  return {
    from,
    to,
    overall: row('overall', relevant, from, to),
    services: rows(services),
    journeys: rows(journeys),
    valueStreams: rows(valueStreams),
  };
}

/** Created in the period, or open during part of it. */
function overlaps(i: Incident, from: number, to: number): boolean {
  return i.createdAt < to && (i.createdAt >= from || i.resolvedAt === null || i.resolvedAt > from);
}

/** Adds the incident once under each distinct name. */
function addTo(groups: Map<string, Incident[]>, names: readonly string[], incident: Incident): void {
  for (const name of new Set(names)) {
    const list = groups.get(name);
    if (list) list.push(incident);
    else groups.set(name, [incident]);
  }
}

/** One row from the incidents that overlap the period (created before `to`, not resolved by `from`). */
function row(name: string, incidents: readonly Incident[], from: number, to: number): MttxRow {
  const created = incidents.filter((i) => i.createdAt >= from);
  const bySeverity = Object.fromEntries(INCIDENT_SEVERITIES.map((s) => [s, 0])) as Record<
    IncidentSeverity,
    number
  >;
  for (const i of created) bySeverity[i.severity]++;
  const downtimeMs = downtime(incidents, from, to);
  return {
    name,
    incidents: created.length,
    bySeverity,
    mttaMs: meanDelay(created, (i) => i.acknowledgedAt),
    mttrMs: meanDelay(created, (i) => i.resolvedAt),
    mtbfMs: created.length > 0 ? (Math.max(0, to - from) - downtimeMs) / created.length : null,
    downtimeMs,
  };
}

/** Mean of `at(i) − createdAt` over the incidents that have `at`; a clock skew never makes it negative. */
function meanDelay(incidents: readonly Incident[], at: (i: Incident) => number | null): number | null {
  let sum = 0;
  let n = 0;
  for (const i of incidents) {
    const t = at(i);
    if (t === null) continue;
    sum += Math.max(0, t - i.createdAt);
    n++;
  }
  return n > 0 ? sum / n : null;
}

/** Length of the union of the incidents' intervals within [from, to). */
function downtime(incidents: readonly Incident[], from: number, to: number): number {
  const spans = incidents
    .map((i) => [Math.max(from, i.createdAt), Math.min(to, i.resolvedAt ?? to)] as const)
    .filter(([start, end]) => end > start)
    .sort((a, b) => a[0] - b[0]);
  let total = 0;
  let start = Number.NEGATIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  for (const [s, e] of spans) {
    if (s > end) {
      if (end > start) total += end - start;
      start = s;
      end = e;
    } else if (e > end) {
      end = e;
    }
  }
  if (end > start) total += end - start;
  return total;
}
