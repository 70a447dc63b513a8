/**
 * The PromQL of one Prometheus-sourced SLI: its total rate and error ratio over a
 * window, its bad and total events per 5 minutes, and what "no data" means.
 * Queries give per-second rates with `{{window}}` for the rate window, as Sloth's do.
 */
import type { Indicator } from '../catalog/model.js';
import { planFor, withWindow } from '../sources/prometheus/queries.js';
import { leMatcher } from './promql.js';

/** Events are counted over this window, in a group evaluated at the same interval. */
export const COUNT_WINDOW = '5m';
const COUNT_SECONDS = 300;

export type SliPlan =
  /** Good or bad events next to total events: the period SLI can be weighted by events. */
  | { readonly kind: 'events'; readonly total: string; readonly good?: string; readonly bad?: string }
  /** A ratio computed by the query itself (OpenSLO `raw`): no event counts. */
  | { readonly kind: 'ratio'; readonly query: string; readonly failure: boolean };

/**
 * How rules compute an SLI, or why they cannot. The SLI is read as nines' own
 * Prometheus source reads it (`planFor`); rules also need the `{{window}}`
 * placeholder in every query, and match a latency threshold's bucket by value
 * since they cannot look it up first.
 *
 * @example
 * planSli({ type: 'latency', source, thresholdMs: 300, histogram: 'http_request_duration_seconds' });
 * // { kind: 'events', good: 'sum(rate(http_request_duration_seconds_bucket{le="0.3"}[{{window}}]))', total: … }
 */
export function planSli(indicator: Indicator): SliPlan | { readonly problem: string } {
  const plan = planFor(indicator);
  if ('error' in plan) return { problem: plan.error };
  switch (plan.kind) {
    case 'histogram': {
      const sel = (extra: string) => `{${[plan.selector, extra].filter((s) => s !== '').join(', ')}}`;
      return {
        kind: 'events',
        good: `sum(rate(${plan.metric}_bucket${sel(leMatcher(plan.thresholdS))}[{{window}}]))`,
        total: `sum(rate(${plan.metric}_count${sel('')}[{{window}}]))`,
      };
    }
    case 'counts': {
      const missing = (['total', 'good', 'bad'] as const).find((k) => {
        const q = plan[k];
        return q !== undefined && !hasWindow(q);
      });
      if (missing !== undefined) return { problem: noWindow(missing) };
      return { ...plan, kind: 'events' };
    }
    case 'ratio':
      return hasWindow(plan.query) ? plan : { problem: noWindow('ratio') };
  }
}

function hasWindow(query: string): boolean {
  return withWindow(query, '') !== query;
}

function noWindow(which: string): string {
  return `the ${which} query has no {{window}} placeholder for the rate window`;
}

// An empty good or bad query (no series matched, e.g. no 5xx yet) means none, not "unknown".
const orZero = (q: string) => `(${q}) or on() vector(0)`;

/** Total events per second over `window`, as the SLI's total query gives them. */
export function totalRate(plan: Extract<SliPlan, { kind: 'events' }>, window: string): string {
  return withWindow(plan.total, window);
}

/**
 * The error ratio over `window`; events SLIs divide by their total rate recorded
 * just before (`recordedTotal`, a selector of the same group and window), so the
 * total query runs once. Without traffic the series is absent, never NaN: the
 * denominator is filtered to values above 0, a raw ratio to values of 0 or more
 * (NaN compares false).
 */
export function errorRatio(plan: SliPlan, window: string, recordedTotal: string): string {
  const q = (text: string) => withWindow(text, window);
  if (plan.kind === 'ratio') {
    const filtered = `(${q(plan.query)}) >= 0`;
    return plan.failure ? filtered : `1 - (${filtered})`;
  }
  const total = `${recordedTotal} > 0`;
  if (plan.bad !== undefined) return `(${orZero(q(plan.bad))})\n/ on()\n(${total})`;
  return `1 - (\n  (${orZero(q(plan.good ?? ''))})\n  / on()\n  (${total})\n)`;
}

/** Events (rate × 300 s) in the last 5 minutes: bad ones and all of them. */
export function eventCounts(plan: Extract<SliPlan, { kind: 'events' }>): { bad: string; total: string } {
  const q = (text: string) => withWindow(text, COUNT_WINDOW);
  const total = `(${q(plan.total)}) * ${COUNT_SECONDS}`;
  const bad =
    plan.bad !== undefined
      ? `(${orZero(q(plan.bad))}) * ${COUNT_SECONDS}`
      : `(\n  (${q(plan.total)})\n  -\n  (${orZero(q(plan.good ?? ''))})\n) * ${COUNT_SECONDS}`;
  return { bad, total };
}

/** A raw ratio query over 5 minutes: when it returns nothing, the SLI has no data. */
export function rawPresence(plan: Extract<SliPlan, { kind: 'ratio' }>): string {
  return withWindow(plan.query, COUNT_WINDOW);
}
