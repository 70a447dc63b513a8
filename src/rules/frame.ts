/** What every rule of one SLO shares: its plan, period, objective, identifying labels and selector. */
import type { Slo } from '../catalog/model.js';
import { objectiveOf } from '../slo/evaluate.js';
import type { BurnWindowName } from '../slo/types.js';
import { num, promDuration, selector } from './promql.js';
import type { SliPlan } from './sli.js';

export interface SloFrame {
  readonly slo: Slo;
  readonly plan: SliPlan;
  readonly periodMs: number;
  /** The period as Prometheus and Sloth write it: `30d`, `4w`. */
  readonly period: string;
  /** The objective as a ratio, e.g. 0.9990000000000001 for 99.9, and as PromQL text. */
  readonly objectiveRatio: number;
  readonly objective: string;
  /** `{sloth_id="…", sloth_service="…", sloth_slo="…"}`, how rules find each other's series. */
  readonly sel: string;
  /** Labels of every series: Sloth's identifying labels and nines', sorted. */
  readonly labels: Readonly<Record<string, string>>;
  /** `labels` plus `sloth_window`. */
  windowLabels(window: string): Record<string, string>;
  /** The recorded total rate over a burn window, as a selector. */
  totalOf(window: BurnWindowName): string;
}

export function sloFrame(slo: Slo, plan: SliPlan, periodMs: number): SloFrame {
  const objectiveRatio = objectiveOf(slo);
  // Sloth needs a service: a journey SLO stands under its journey's name.
  const service = slo.service ?? slo.journey ?? slo.name;
  const ids = { sloth_id: `${service}-${slo.name}`, sloth_service: service, sloth_slo: slo.name };
  const sel = selector(ids);
  const labels = sortKeys({
    ...ids,
    nines_slo: slo.name,
    ...(slo.journey !== undefined && { journey: slo.journey }),
    ...(slo.service !== undefined && { service: slo.service }),
  });
  return {
    slo,
    plan,
    periodMs,
    period: promDuration(periodMs),
    objectiveRatio,
    objective: num(objectiveRatio),
    sel,
    labels,
    windowLabels: (window) => sortKeys({ ...labels, sloth_window: window }),
    totalOf: (window) => `slo:sli_total:rate${window}${sel}`,
  };
}

/** Labels and annotations in key order, as Sloth writes them: stable output, readable diffs. */
export function sortKeys(o: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
