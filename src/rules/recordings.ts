/** Recording rules of one SLO: burn-window ratios, the period from 5-minute counts, Sloth's metadata. */
import { BURN_WINDOWS, DAY } from '../slo/types.js';
import { type SloFrame, sortKeys } from './frame.js';
import type { RecordingRule } from './generate.js';
import { num } from './promql.js';
import { COUNT_WINDOW, errorRatio, eventCounts, totalRate } from './sli.js';

/** Per burn window: the total rate (events SLIs), then the error ratio that divides by it. */
export function sliRules(f: SloFrame): RecordingRule[] {
  const { plan } = f;
  return BURN_WINDOWS.flatMap((w) => [
    ...(plan.kind === 'events'
      ? [
          {
            record: `slo:sli_total:rate${w.name}`,
            expr: totalRate(plan, w.name),
            labels: f.windowLabels(w.name),
          },
        ]
      : []),
    {
      record: `slo:sli_error:ratio_rate${w.name}`,
      expr: errorRatio(plan, w.name, f.totalOf(w.name)),
      labels: f.windowLabels(w.name),
    },
  ]);
}

/** Whether the period is one of the burn windows (1h … 3d), which records its ratio already. */
export function periodIsBurnWindow(f: SloFrame): boolean {
  return BURN_WINDOWS.some((w) => w.name === f.period);
}

/** The 5-minute counts, the period SLI from them, and the period's burn and budget left. */
export function periodRules(f: SloFrame): RecordingRule[] {
  const { plan, period: P, sel, labels } = f;
  const rules: RecordingRule[] = [];
  if (plan.kind === 'events') {
    const counts = eventCounts(plan);
    rules.push(
      { record: `slo:sli_error:count${COUNT_WINDOW}`, expr: counts.bad, labels },
      { record: `slo:sli_total:count${COUNT_WINDOW}`, expr: counts.total, labels },
    );
  }
  if (!periodIsBurnWindow(f)) {
    rules.push({
      record: `slo:sli_error:ratio_rate${P}`,
      expr:
        plan.kind === 'events'
          ? // Σ bad / Σ total over the period: each 5-minute count is one sample (the group runs every 5m).
            `sum_over_time(slo:sli_error:count${COUNT_WINDOW}${sel}[${P}])\n/\n(sum_over_time(slo:sli_total:count${COUNT_WINDOW}${sel}[${P}]) > 0)`
          : // A raw ratio has no events to count: the mean of its 5m values is all there is.
            `avg_over_time(slo:sli_error:ratio_rate5m${sel}[${P}])`,
      labels: f.windowLabels(P),
    });
  }
  rules.push(
    {
      record: 'slo:period_burn_rate:ratio',
      expr: `slo:sli_error:ratio_rate${P}${sel}\n${joinBudget(f)}`,
      labels,
    },
    {
      record: 'slo:period_error_budget_remaining:ratio',
      expr: `1 - slo:period_burn_rate:ratio${sel}`,
      labels,
    },
  );
  return rules;
}

/** Sloth's metadata series. */
export function metaRules(f: SloFrame): RecordingRule[] {
  const { labels, objective } = f;
  return [
    { record: 'slo:objective:ratio', expr: `vector(${objective})`, labels },
    { record: 'slo:error_budget:ratio', expr: `vector(1 - ${objective})`, labels },
    { record: 'slo:time_period:days', expr: `vector(${num(f.periodMs / DAY)})`, labels },
    {
      record: 'slo:current_burn_rate:ratio',
      expr: `slo:sli_error:ratio_rate5m${f.sel}\n${joinBudget(f)}`,
      labels,
    },
    {
      record: 'sloth_slo_info',
      expr: 'vector(1)',
      labels: sortKeys({
        ...labels,
        sloth_mode: 'nines',
        sloth_objective: String(f.slo.objectives[0]?.target),
        sloth_spec: 'nines/v1',
        sloth_version: 'nines',
      }),
    },
  ];
}

function joinBudget(f: SloFrame): string {
  return `/ on(sloth_id, sloth_slo, sloth_service) group_left\nslo:error_budget:ratio${f.sel}`;
}
