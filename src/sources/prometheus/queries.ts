import type { Indicator, Query } from '../../catalog/model.js';

/**
 * What to ask Prometheus for one SLI. Queries give a rate per second (as Sloth's
 * and Pyrra's do) with `{{window}}` for the rate window; nines turns a rate over a
 * step into the events of that step.
 */
export type SliPlan =
  | { readonly kind: 'counts'; readonly good?: string; readonly bad?: string; readonly total: string }
  /** A ratio computed elsewhere: each step counts as one unit of time, good by the ratio. */
  | { readonly kind: 'ratio'; readonly query: string; readonly failure: boolean }
  /** A latency SLI: the bucket is looked up once, then it is `counts`. */
  | {
      readonly kind: 'histogram';
      readonly metric: string;
      readonly selector: string;
      readonly thresholdS: number;
    };

/** The plan for an indicator with a prometheus source, or a reason it has none. */
export function planFor(indicator: Indicator): SliPlan | { error: string } {
  const text = (q: Query | undefined): string | undefined => (typeof q === 'string' ? q : undefined);
  switch (indicator.type) {
    case 'ratio': {
      const total = text(indicator.total);
      const good = text(indicator.good);
      const bad = text(indicator.bad);
      if (total === undefined || (good === undefined) === (bad === undefined)) {
        return { error: 'a prometheus ratio needs total and one of good or bad as PromQL text' };
      }
      return { kind: 'counts', total, ...(good !== undefined ? { good } : { bad: bad as string }) };
    }
    case 'latency': {
      if (indicator.histogram === undefined) return { error: 'a prometheus latency SLI names its histogram' };
      const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(?:\{(.*)\})?$/s.exec(indicator.histogram.trim());
      if (!m) return { error: `'${indicator.histogram}' is not a metric name with an optional {selector}` };
      const metric = (m[1] ?? '').replace(/_(bucket|count|sum)$/, '');
      return {
        kind: 'histogram',
        metric,
        selector: (m[2] ?? '').trim(),
        thresholdS: indicator.thresholdMs / 1000,
      };
    }
    case 'raw': {
      const query = text(indicator.query);
      if (query === undefined) return { error: 'a prometheus raw SLI needs a query giving the ratio' };
      return { kind: 'ratio', query, failure: indicator.rawType === 'failure' };
    }
    case 'threshold':
      return { error: 'threshold metrics are not read from Prometheus yet' };
  }
}

/** Fills `{{window}}` (and Sloth's `{{.window}}`) with a PromQL duration. */
export function withWindow(query: string, window: string): string {
  return query.replace(/\{\{\s*\.?window\s*\}\}/g, window);
}

/**
 * The `le` value of a histogram bucket at the threshold, from the bucket bounds
 * Prometheus knows; undefined when no bucket matches (then the SLI cannot be
 * measured exactly and says so).
 *
 * @example
 * bucketFor(0.8, ['0.1', '0.5', '0.8', '1', '+Inf']); // '0.8'
 */
export function bucketFor(thresholdS: number, les: readonly string[]): string | undefined {
  return les.find((le) => {
    const v = Number(le);
    return Number.isFinite(v) && Math.abs(v - thresholdS) <= 1e-9 * Math.max(1, thresholdS);
  });
}

/** The counts queries of a histogram plan, once its bucket is known. */
export function histogramCounts(
  plan: Extract<SliPlan, { kind: 'histogram' }>,
  le: string,
): Extract<SliPlan, { kind: 'counts' }> {
  const sel = (extra: string) => `{${[plan.selector, extra].filter((s) => s !== '').join(',')}}`;
  return {
    kind: 'counts',
    good: `sum(rate(${plan.metric}_bucket${sel(`le="${le}"`)}[{{window}}]))`,
    total: `sum(rate(${plan.metric}_count${sel('')}[{{window}}]))`,
  };
}
