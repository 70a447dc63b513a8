/**
 * Prometheus rules for the SLOs whose SLIs Prometheus computes (the scale path:
 * Prometheus, Thanos or Mimir evaluate SLIs and alerts themselves). Names and
 * labels follow Sloth so its dashboards keep working; the period SLI is weighted
 * by events, not by time (sloth#241); the alert tiers are nines' own. Pure: the
 * catalog in, a plain rule-file object out (see render.ts for the YAML).
 */
import type { Catalog, Slo } from '../catalog/model.js';
import { type AlertTier, resolveTiers } from '../slo/alert-policy.js';
import { DAY, HOUR } from '../slo/types.js';
import { type AlertInput, alertRules } from './alerts.js';
import { sloContext } from './context.js';
import { sloFrame } from './frame.js';
import { metaRules, periodIsBurnWindow, periodRules, sliRules } from './recordings.js';
import { COUNT_WINDOW, planSli, type SliPlan } from './sli.js';

export { BURN_ALERT, NO_DATA_ALERT } from './alerts.js';

export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface AlertingRule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

export type Rule = RecordingRule | AlertingRule;

export interface RuleGroup {
  readonly name: string;
  /** Only where a group must not run at the global evaluation interval. */
  readonly interval?: string;
  readonly rules: readonly Rule[];
}

/** A Prometheus rule file (`rule_files:`), as `promtool check rules` reads it. */
export interface RuleFile {
  readonly groups: readonly RuleGroup[];
}

export interface GenerateOptions {
  /** Period for every SLO, overriding rolling windows; calendar windows use it too. */
  readonly periodMs?: number;
  /** Base URL of nines for links in annotations. */
  readonly ninesUrl?: string;
  /** Fewest events the long window needs before a tier fires, unless the SLO sets its own. */
  readonly minEvents?: number;
}

export interface GeneratedSlo {
  readonly slo: string;
  readonly period: string;
  /** Where the period came from: the SLO's rolling window, the option, or the default for a calendar window. */
  readonly periodFrom: 'window' | 'option' | 'calendar-default';
  readonly tiers: readonly AlertTier[];
  /**
   * The period SLI counts events (good/bad and total); for a raw ratio it is the mean
   * of its 5m values (`time`), or the query itself when the period is a burn window (`query`).
   */
  readonly weighting: 'events' | 'time' | 'query';
  readonly rules: number;
  /** Set when the rules only approximate the SLO (a calendar window measured as a rolling period). */
  readonly note?: string;
}

export interface SkippedSlo {
  readonly slo: string;
  readonly reason: string;
  /**
   * `unsupported`: rules have no form for it (timeslices budgeting, threshold metrics);
   * `invalid`: its queries cannot be used as they are (no `{{window}}`, not PromQL text).
   */
  readonly kind: 'unsupported' | 'invalid';
}

export interface RulesResult {
  readonly file: RuleFile;
  readonly slos: readonly GeneratedSlo[];
  readonly skipped: readonly SkippedSlo[];
}

export const DEFAULT_PERIOD_MS = 30 * DAY;
export const DEFAULT_NINES_URL = 'http://127.0.0.1:4000';
/** nines' own default (`serve --min-events`). */
export const DEFAULT_MIN_EVENTS = 10;

/**
 * Rules for every SLO of the catalog whose SLI has a Prometheus source, in SLO
 * name order: per SLO, four groups (SLI error ratios, the period, Sloth's
 * metadata, alerts). SLOs that cannot be generated are listed with the reason.
 *
 * @example
 * const { file, skipped } = generateRules(catalog, { ninesUrl: 'https://nines.example' });
 * file.groups.map((g) => g.name);
 * // ['nines-slo-sli-recordings-payment-gateway-availability', 'nines-slo-period-recordings-…', …]
 */
export function generateRules(catalog: Catalog, options: GenerateOptions = {}): RulesResult {
  if (options.periodMs !== undefined && !(Number.isInteger(options.periodMs) && options.periodMs >= HOUR)) {
    throw new RangeError(`a period is a whole duration of at least 1h; got ${options.periodMs} ms`);
  }
  const groups: RuleGroup[] = [];
  const slos: GeneratedSlo[] = [];
  const skipped: SkippedSlo[] = [];
  const sorted = [...catalog.SLO.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const slo of sorted) {
    const sli = catalog.SLI.get(slo.sli);
    if (sli?.indicator.source.type !== 'prometheus') continue;
    if (slo.budgetingMethod === 'timeslices') {
      skipped.push({
        slo: slo.name,
        reason: 'timeslices budgeting has no Prometheus rule form here; nines evaluates it',
        kind: 'unsupported',
      });
      continue;
    }
    const plan = planSli(sli.indicator);
    if ('problem' in plan) {
      const kind = sli.indicator.type === 'threshold' ? 'unsupported' : 'invalid';
      skipped.push({ slo: slo.name, reason: plan.problem, kind });
      continue;
    }
    const out = sloRules(
      slo,
      plan,
      { ...sloContext(catalog, slo), sliDescription: sli.description },
      options,
    );
    groups.push(...out.groups);
    slos.push(out.summary);
  }
  return { file: { groups }, slos, skipped };
}

function sloRules(
  slo: Slo,
  plan: SliPlan,
  context: AlertInput['context'],
  options: GenerateOptions,
): { groups: RuleGroup[]; summary: GeneratedSlo } {
  const period = periodOf(slo, options.periodMs);
  const f = sloFrame(slo, plan, period.ms);
  const tiers = resolveTiers(period.ms, slo.alerting);
  const ninesUrl = (options.ninesUrl ?? DEFAULT_NINES_URL).replace(/\/+$/, '');
  const alerts = alertRules(f, {
    tiers,
    context,
    link: `${ninesUrl}/api/v1/slos/${encodeURIComponent(slo.name)}`,
    // A raw ratio has no events to count.
    minEvents:
      plan.kind === 'events' ? (slo.alerting?.minEvents ?? options.minEvents ?? DEFAULT_MIN_EVENTS) : 0,
  });
  const groups: RuleGroup[] = [
    { name: `nines-slo-sli-recordings-${slo.name}`, rules: sliRules(f) },
    { name: `nines-slo-period-recordings-${slo.name}`, interval: COUNT_WINDOW, rules: periodRules(f) },
    { name: `nines-slo-meta-recordings-${slo.name}`, rules: metaRules(f) },
    { name: `nines-slo-alerts-${slo.name}`, rules: alerts },
  ];
  return {
    groups,
    summary: {
      slo: slo.name,
      period: f.period,
      periodFrom: period.from,
      tiers,
      weighting: plan.kind === 'events' ? 'events' : periodIsBurnWindow(f) ? 'query' : 'time',
      rules: groups.reduce((n, g) => n + g.rules.length, 0),
      ...(slo.window.type === 'calendar' && {
        note: `a calendar ${slo.window.unit} window, measured as a rolling ${f.period} period`,
      }),
    },
  };
}

function periodOf(slo: Slo, optionMs: number | undefined): { ms: number; from: GeneratedSlo['periodFrom'] } {
  if (optionMs !== undefined) return { ms: optionMs, from: 'option' };
  if (slo.window.type === 'rolling') return { ms: slo.window.durationMs, from: 'window' };
  return { ms: DEFAULT_PERIOD_MS, from: 'calendar-default' };
}
