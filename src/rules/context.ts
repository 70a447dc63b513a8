/**
 * What an alert should tell the person it reaches about the business: the
 * journeys an SLO measures or puts at risk, their value streams, what they are
 * worth, and where to read more.
 */
import type { BusinessValue, Catalog, Journey, Slo } from '../catalog/model.js';
import { journeysAtRisk } from '../slo/impact.js';

export interface SloContext {
  /** The SLO's journey, or the journeys whose critical path needs its service; sorted. */
  readonly journeys: readonly string[];
  /** Value streams holding any of those journeys; sorted. */
  readonly valueStreams: readonly string[];
  /** The business value quoted in annotations: the SLO's journey's, else the largest at risk. */
  readonly value?: BusinessValue;
  /** One line per journey: name, display name and value. */
  readonly impact: string;
  readonly runbook?: string;
}

/**
 * @example
 * sloContext(catalog, gatewaySlo);
 * // { journeys: ['pay'], valueStreams: ['online-orders'], value: { currency: 'EUR', revenuePerHour: 12000, … }, … }
 */
export function sloContext(catalog: Catalog, slo: Slo): SloContext {
  const names =
    slo.journey !== undefined
      ? [slo.journey]
      : slo.service !== undefined
        ? journeysAtRisk(catalog, slo.service)
            .filter((e) => e.critical)
            .map((e) => e.journey)
        : [];
  const journeys = [...new Set(names)].sort();
  const found = journeys
    .map((name) => catalog.Journey.get(name))
    .filter((j): j is Journey => j !== undefined);
  const valueStreams = [...catalog.ValueStream.values()]
    .filter((vs) => vs.journeys.some((j) => journeys.includes(j)))
    .map((vs) => vs.name)
    .sort();
  const value = primaryValue(slo, found);
  const runbook = slo.service !== undefined ? catalog.Service.get(slo.service)?.runbook : undefined;
  const lines = found.map((j) => {
    const title = j.displayName !== undefined ? `${j.name} (${j.displayName})` : j.name;
    return j.value ? `${title}: ${describeValue(j.value)}` : title;
  });
  if (valueStreams.length > 0)
    lines.push(`value stream${valueStreams.length > 1 ? 's' : ''} ${valueStreams.join(', ')}`);
  return {
    journeys,
    valueStreams,
    ...(value !== undefined && { value }),
    impact: lines.join('; '),
    ...(runbook !== undefined && { runbook }),
  };
}

function primaryValue(slo: Slo, journeys: readonly Journey[]): BusinessValue | undefined {
  if (slo.journey !== undefined) return journeys[0]?.value;
  // Like nines' revenue view: the largest of the journeys at risk, not their sum.
  let best: BusinessValue | undefined;
  for (const j of journeys) {
    if (j.value && (best === undefined || (j.value.revenuePerHour ?? 0) > (best.revenuePerHour ?? 0)))
      best = j.value;
  }
  return best;
}

function describeValue(v: BusinessValue): string {
  const parts = [
    ...(v.revenuePerHour !== undefined ? [`${v.revenuePerHour} ${v.currency} per hour`] : []),
    ...(v.valuePerSuccess !== undefined ? [`${v.valuePerSuccess} ${v.currency} per success`] : []),
  ];
  return parts.length > 0 ? parts.join(', ') : v.currency;
}
