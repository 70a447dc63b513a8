/**
 * Alerting rules of one SLO: one multi-window burn-rate alert per tier of the
 * nines engine (labels `severity` and `tier`, for Alertmanager inhibition) and a
 * no-data alert, annotated with what is at stake for the business.
 */
import type { AlertTier } from '../slo/alert-policy.js';
import { BURN_WINDOWS, type BurnWindowName, MINUTE } from '../slo/types.js';
import type { SloContext } from './context.js';
import { type SloFrame, sortKeys } from './frame.js';
import type { AlertingRule } from './generate.js';
import { num, promDuration, templateLiteral } from './promql.js';
import { rawPresence } from './sli.js';

export const BURN_ALERT = 'NinesErrorBudgetBurn';
export const NO_DATA_ALERT = 'NinesSliNoData';
/** The no-data alert waits this long after its 5m query comes back empty: about 10 minutes without data in all. */
const NO_DATA_FOR = '5m';
const WINDOW_SECONDS = Object.fromEntries(BURN_WINDOWS.map((w) => [w.name, w.ms / 1000])) as Record<
  BurnWindowName,
  number
>;

export interface AlertInput {
  readonly tiers: readonly AlertTier[];
  readonly context: SloContext & { readonly sliDescription: string | undefined };
  /** Link to the SLO in nines. */
  readonly link: string;
  /** The engine's low-traffic guard; 0 for none. */
  readonly minEvents: number;
}

export function alertRules(f: SloFrame, input: AlertInput): AlertingRule[] {
  const { slo, sel, period: P } = f;
  const { context, minEvents } = input;
  const common = annotations(f, input);
  const labels = (severity: string, tier: string) =>
    sortKeys({
      ...f.labels,
      severity,
      sloth_severity: severity,
      tier,
      ...(context.valueStreams.length > 0 && { value_streams: context.valueStreams.join(',') }),
    });
  const display = slo.displayName !== undefined ? `${slo.displayName} (${slo.name})` : slo.name;

  const burns = input.tiers.map((t): AlertingRule => {
    const threshold = `(${num(t.factor)} * (1 - ${f.objective}))`;
    const over = (w: BurnWindowName) =>
      `max without (sloth_window) (slo:sli_error:ratio_rate${w}${sel} > ${threshold})`;
    // The engine's low-traffic guard: at least minEvents events in the long window.
    const guard =
      minEvents > 0 ? `\nand on()\n(${f.totalOf(t.long)} * ${WINDOW_SECONDS[t.long]} >= ${minEvents})` : '';
    const exhausted = promDuration(Math.max(MINUTE, Math.round(f.periodMs / t.factor / MINUTE) * MINUTE));
    return {
      alert: BURN_ALERT,
      expr: `${over(t.short)}\nand\n${over(t.long)}${guard}`,
      labels: labels(t.severity, t.id),
      annotations: sortKeys({
        ...common,
        title: templateLiteral(
          `(${t.severity}) ${display}: error budget burning over ${round(t.factor)}× (${t.id})`,
        ),
        summary: `Error ratio {{ $value | humanizePercentage }} over the last ${t.short} and above ${percent(t.factor * (1 - f.objectiveRatio))} over ${t.long}: at this rate ${round(t.budgetPercent)}% of the ${P} error budget goes in ${t.long}, all of it within ${exhausted}.`,
      }),
    };
  });
  const noData: AlertingRule = {
    alert: NO_DATA_ALERT,
    // The recorded 5m total is absent when its query returns nothing or fails.
    expr: `absent(${f.plan.kind === 'events' ? f.totalOf('5m') : rawPresence(f.plan)})`,
    for: NO_DATA_FOR,
    labels: labels('ticket', 'no-data'),
    annotations: sortKeys({
      ...common,
      title: templateLiteral(`(ticket) ${display}: no data from Prometheus`),
      summary:
        'The SLI query has returned nothing for 5 minutes: its metrics are gone (target down, renamed, relabelled), so the burn-rate alerts of this SLO cannot fire.',
    }),
  };
  return [...burns, noData];
}

function annotations(f: SloFrame, { context, link }: AlertInput): Record<string, string> {
  const { slo } = f;
  const v = context.value;
  return {
    description: templateLiteral(slo.description ?? context.sliDescription ?? slo.displayName ?? slo.name),
    ...(slo.displayName !== undefined && { display_name: templateLiteral(slo.displayName) }),
    ...(context.journeys.length > 0 && { journeys: context.journeys.join(',') }),
    ...(context.valueStreams.length > 0 && { value_streams: context.valueStreams.join(',') }),
    ...(context.impact !== '' && { impact: templateLiteral(context.impact) }),
    ...(v !== undefined && { currency: v.currency }),
    ...(v?.revenuePerHour !== undefined && { revenue_per_hour: num(v.revenuePerHour) }),
    ...(v?.valuePerSuccess !== undefined && { value_per_success: num(v.valuePerSuccess) }),
    ...(context.runbook !== undefined && { runbook_url: context.runbook }),
    nines_url: link,
  };
}

function round(n: number): string {
  return String(Number(n.toPrecision(4)));
}

function percent(ratio: number): string {
  return `${Number((ratio * 100).toPrecision(3))}%`;
}
