/**
 * Multiwindow multi-burn-rate alerting (SRE Workbook ch. 5): which tiers exist,
 * their burn factors for an SLO period, and which tier fires for an SloStatus.
 * Factors follow Sloth's policy: the budget share per tier stays fixed and the
 * factor scales with the period (see docs/architecture.md).
 */
import type { ErrorDetail } from '../errors.js';
import { NinesError } from '../errors.js';
import type { BurnWindowName, SloStatus } from './types.js';
import { BURN_WINDOWS, HOUR } from './types.js';

export type Severity = 'page' | 'ticket';

/** Tier ids, fastest first; the order is the escalation order. */
export const ALERT_TIER_IDS = ['page-1h', 'page-6h', 'ticket-1d', 'ticket-3d'] as const;

export type AlertTierId = (typeof ALERT_TIER_IDS)[number];

export interface AlertTier {
  readonly id: AlertTierId;
  readonly severity: Severity;
  readonly long: BurnWindowName;
  readonly short: BurnWindowName;
  /** Both windows must burn faster than this for the tier to fire. */
  readonly factor: number;
  /** Share of the period's budget spent over the long window at exactly `factor`. */
  readonly budgetPercent: number;
}

/** A tier's budget share or its factor, never both: the other one is derived. */
export type TierOverride = { readonly id: AlertTierId } & (
  | { readonly budgetPercent: number; readonly factor?: never }
  | { readonly factor: number; readonly budgetPercent?: never }
);

export interface AlertPolicyOverride {
  readonly tiers?: readonly TierOverride[];
  /** Severities or single tiers that never fire. */
  readonly disabled?: readonly (Severity | AlertTierId)[];
}

const WORKBOOK: readonly Omit<AlertTier, 'factor'>[] = [
  { id: 'page-1h', severity: 'page', long: '1h', short: '5m', budgetPercent: 2 },
  { id: 'page-6h', severity: 'page', long: '6h', short: '30m', budgetPercent: 5 },
  { id: 'ticket-1d', severity: 'ticket', long: '1d', short: '2h', budgetPercent: 10 },
  { id: 'ticket-3d', severity: 'ticket', long: '3d', short: '6h', budgetPercent: 10 },
];

const WINDOW_HOURS = Object.fromEntries(BURN_WINDOWS.map((w) => [w.name, w.ms / HOUR])) as Readonly<
  Record<BurnWindowName, number>
>;

/** 0 for the fastest tier; lower ranks win within a severity and mark escalation. */
export function tierRank(id: AlertTierId): number {
  return ALERT_TIER_IDS.indexOf(id);
}

function periodHours(periodMs: number): number {
  if (!Number.isFinite(periodMs) || periodMs <= 0) {
    throw new RangeError(`an SLO period is a positive duration; got ${periodMs} ms`);
  }
  return periodMs / HOUR;
}

// Same operation order as Sloth's getBurnRateFactor, so the floats match its output.
function factorOf(budgetPercent: number, hours: number, long: BurnWindowName): number {
  return (budgetPercent * hours) / 100 / WINDOW_HOURS[long];
}

/**
 * The Workbook's four window pairs with factors for an SLO period.
 *
 * @example
 * defaultTiers(30 * DAY).map((t) => t.factor); // [14.4, 6, 3, 1]
 * defaultTiers(28 * DAY)[0]?.factor;           // 13.44
 */
export function defaultTiers(periodMs: number): AlertTier[] {
  const hours = periodHours(periodMs);
  return WORKBOOK.map((t) => ({ ...t, factor: factorOf(t.budgetPercent, hours, t.long) }));
}

/**
 * Default tiers with per-tier budget shares or factors replaced and some
 * severities or tiers left out. Every bad override is listed in one
 * `NinesError` (`VALIDATION_FAILED`): a value that is not a positive number, a
 * budget share above 100%, a tier given twice.
 *
 * @example
 * resolveTiers(30 * DAY, { tiers: [{ id: 'page-1h', factor: 10 }], disabled: ['ticket'] });
 * // page-1h with factor 10 (≈1.39% of the budget) and page-6h; no ticket tiers
 */
export function resolveTiers(periodMs: number, override: AlertPolicyOverride = {}): AlertTier[] {
  const hours = periodHours(periodMs);
  const problems: ErrorDetail[] = [];
  const byId = new Map<AlertTierId, TierOverride>();
  const seen = new Set<AlertTierId>();
  (override.tiers ?? []).forEach((o, index) => {
    const problem = overrideProblem(o, seen.has(o.id));
    seen.add(o.id);
    if (problem) problems.push({ index, field: `tiers[${index}]`, message: problem });
    else byId.set(o.id, o);
  });
  if (problems.length > 0)
    throw new NinesError('VALIDATION_FAILED', 'invalid alert tier overrides', problems);
  const disabled = new Set(override.disabled ?? []);
  return (
    defaultTiers(periodMs)
      .filter((t) => !disabled.has(t.severity) && !disabled.has(t.id))
      // A long window longer than the period would judge the budget on data from before it.
      .filter((t) => WINDOW_HOURS[t.long] <= hours)
      .map((t) => {
        const o = byId.get(t.id);
        if (o?.factor !== undefined) {
          return { ...t, factor: o.factor, budgetPercent: (o.factor * WINDOW_HOURS[t.long] * 100) / hours };
        }
        if (o?.budgetPercent !== undefined) {
          return { ...t, budgetPercent: o.budgetPercent, factor: factorOf(o.budgetPercent, hours, t.long) };
        }
        return t;
      })
  );
}

function overrideProblem(o: TierOverride, duplicate: boolean): string | undefined {
  if (duplicate) return `tier ${o.id} is overridden twice`;
  if (o.factor !== undefined && !(Number.isFinite(o.factor) && o.factor > 0)) {
    return `tier ${o.id}: factor is a positive number; got ${o.factor}`;
  }
  if (o.budgetPercent !== undefined && !(o.budgetPercent > 0 && o.budgetPercent <= 100)) {
    return `tier ${o.id}: budgetPercent lies in (0, 100]; got ${o.budgetPercent}`;
  }
  return undefined;
}

/** A window's burn as the policy saw it. */
export interface WindowBurn {
  readonly window: BurnWindowName;
  readonly burnRate: number;
  readonly total: number;
}

/**
 * - `firing`: the cause reported for its severity.
 * - `superseded`: would fire, but a faster tier of the same severity is the cause.
 * - `suppressed`: a ticket tier that would fire while a page fires.
 * - `low-traffic`: both windows burn too fast, but the long window has fewer than `minEvents` events.
 * - `below-threshold`: a window is at or under the factor.
 * - `no-data`: the SLO has no recent data; nothing fires.
 */
export type TierOutcome =
  | 'firing'
  | 'superseded'
  | 'suppressed'
  | 'low-traffic'
  | 'below-threshold'
  | 'no-data';

export interface TierEvaluation {
  readonly tier: AlertTierId;
  readonly severity: Severity;
  readonly factor: number;
  readonly long: WindowBurn;
  readonly short: WindowBurn;
  readonly outcome: TierOutcome;
}

interface SeverityDetail {
  readonly severity: Severity;
  /** Burns of every window this severity's tiers read, fastest tier first. */
  readonly windows: readonly WindowBurn[];
  /** Tiers that would fire but are not the cause (superseded or suppressed). */
  readonly suppressed: readonly AlertTierId[];
  /** Tiers over their factor but held back by the low-traffic guard. */
  readonly lowTraffic: readonly AlertTierId[];
}

export type SeverityEvaluation = SeverityDetail &
  ({ readonly firing: true; readonly tier: AlertTierId } | { readonly firing: false });

export interface AlertEvaluation {
  readonly slo: string;
  readonly evaluatedAt: number;
  /** No recent data: nothing fires; the no-data alert is raised from this. */
  readonly noData: boolean;
  readonly page: SeverityEvaluation;
  readonly ticket: SeverityEvaluation;
  /** Every tier, fastest first. */
  readonly tiers: readonly TierEvaluation[];
}

export interface AlertPolicyOptions {
  /** Fewest events the long window needs before its tier may fire. */
  readonly minEvents: number;
}

/**
 * Which tier of each severity fires for an SLO. A tier fires when its long and
 * short windows both burn strictly faster than its factor and the long window
 * holds at least `minEvents` events. Only the fastest firing tier of a severity
 * is the cause; ticket tiers are suppressed while a page fires.
 *
 * @example
 * const evaluation = evaluateAlertPolicy(status, defaultTiers(30 * DAY), { minEvents: 100 });
 * if (evaluation.page.firing) notify(evaluation.page.tier); // e.g. 'page-1h'
 */
export function evaluateAlertPolicy(
  status: SloStatus,
  tiers: readonly AlertTier[],
  options: AlertPolicyOptions,
): AlertEvaluation {
  const { minEvents } = options;
  if (!Number.isFinite(minEvents) || minEvents < 0) {
    throw new RangeError(`minEvents is a number of events, zero or more; got ${minEvents}`);
  }
  const burnOf = (window: BurnWindowName): WindowBurn => {
    // evaluateSlo lists burns in BURN_WINDOWS order: try the slot first, search only if it differs.
    const slot = status.burns[WINDOW_SLOT[window]];
    const b = slot?.window === window ? slot : status.burns.find((x) => x.window === window);
    if (!b) throw new Error(`the status of SLO ${status.slo} has no ${window} burn`);
    return { window, burnRate: b.burnRate, total: b.total };
  };
  const sorted = isRanked(tiers) ? tiers : [...tiers].sort((a, b) => tierRank(a.id) - tierRank(b.id));
  const raw = sorted.map((t) => {
    const long = burnOf(t.long);
    const short = burnOf(t.short);
    const over = long.burnRate > t.factor && short.burnRate > t.factor;
    const outcome: TierOutcome = status.noData
      ? 'no-data'
      : !over
        ? 'below-threshold'
        : long.total < minEvents
          ? 'low-traffic'
          : 'firing';
    return { tier: t.id, severity: t.severity, factor: t.factor, long, short, outcome };
  });
  const pageCause = raw.find((t) => t.severity === 'page' && t.outcome === 'firing')?.tier;
  const ticketCause =
    pageCause === undefined
      ? raw.find((t) => t.severity === 'ticket' && t.outcome === 'firing')?.tier
      : undefined;
  const evaluated: TierEvaluation[] = raw.map((t) => {
    if (t.outcome !== 'firing' || t.tier === pageCause || t.tier === ticketCause) return t;
    const outcome = t.severity === 'ticket' && pageCause !== undefined ? 'suppressed' : 'superseded';
    return { ...t, outcome };
  });
  return {
    slo: status.slo,
    evaluatedAt: status.evaluatedAt,
    noData: status.noData,
    page: summarise('page', evaluated, pageCause),
    ticket: summarise('ticket', evaluated, ticketCause),
    tiers: evaluated,
  };
}

const WINDOW_SLOT = Object.fromEntries(BURN_WINDOWS.map((w, i) => [w.name, i])) as Record<
  BurnWindowName,
  number
>;

function isRanked(tiers: readonly AlertTier[]): boolean {
  for (let i = 1; i < tiers.length; i++) {
    if (tierRank((tiers[i - 1] as AlertTier).id) > tierRank((tiers[i] as AlertTier).id)) return false;
  }
  return true;
}

function summarise(
  severity: Severity,
  tiers: readonly TierEvaluation[],
  cause: AlertTierId | undefined,
): SeverityEvaluation {
  const own = tiers.filter((t) => t.severity === severity);
  const windows = new Map<BurnWindowName, WindowBurn>();
  for (const t of own) {
    windows.set(t.long.window, t.long);
    windows.set(t.short.window, t.short);
  }
  const detail: SeverityDetail = {
    severity,
    windows: [...windows.values()],
    suppressed: own
      .filter((t) => t.outcome === 'superseded' || t.outcome === 'suppressed')
      .map((t) => t.tier),
    lowTraffic: own.filter((t) => t.outcome === 'low-traffic').map((t) => t.tier),
  };
  return cause === undefined ? { ...detail, firing: false } : { ...detail, firing: true, tier: cause };
}
