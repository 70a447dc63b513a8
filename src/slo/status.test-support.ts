/**
 * `buildStatus(overrides)`: SloStatus values for tests of the alert policy,
 * impact and revenue. Test-only.
 */
import type { Burn, BurnWindowName, SloStatus } from './types.js';
import { BURN_WINDOWS, DAY } from './types.js';

export interface WindowOverride {
  /** Used as given; otherwise derived from good and total. */
  readonly burnRate?: number;
  readonly good?: number;
  readonly total?: number;
}

export type StatusOverrides = Partial<Omit<SloStatus, 'burns' | 'budget'>> & {
  readonly windows?: Partial<Record<BurnWindowName, WindowOverride>>;
  readonly budget?: Partial<SloStatus['budget']>;
};

export const EVALUATED_AT = Date.parse('2025-01-31T00:00:00Z');

/**
 * A 99.9% SLO over 30 days: 10,000 events in every burn window, none bad;
 * 999,900 good of 1,000,000 in the window (90% of the budget left).
 *
 * @example
 * buildStatus({ windows: { '1h': { burnRate: 20 }, '5m': { burnRate: 20 } } });
 */
export function buildStatus(overrides: StatusOverrides = {}): SloStatus {
  const { windows = {}, budget = {}, ...rest } = overrides;
  const objective = rest.objective ?? 0.999;
  const allowed = 1 - objective;
  const evaluatedAt = rest.evaluatedAt ?? EVALUATED_AT;
  const burns: Burn[] = BURN_WINDOWS.map(({ name, ms }) => {
    const w = windows[name] ?? {};
    const total = w.total ?? 10_000;
    const good = w.good ?? total - (w.burnRate ?? 0) * allowed * total;
    const errorRatio = total > 0 ? (total - good) / total : 0;
    return {
      window: name,
      windowMs: ms,
      good,
      total,
      errorRatio,
      burnRate: w.burnRate ?? errorRatio / allowed,
    };
  });
  const good = rest.good ?? 999_900;
  const total = rest.total ?? 1_000_000;
  const windowStart = rest.windowStart ?? evaluatedAt - 30 * DAY;
  const errorRatio = total > 0 ? (total - good) / total : 0;
  burns.push({
    window: 'period',
    windowMs: evaluatedAt - windowStart,
    good,
    total,
    errorRatio,
    burnRate: errorRatio / allowed,
  });
  const budgetTotal = allowed * total;
  const remainingRatio = budgetTotal > 0 ? 1 - (total - good) / budgetTotal : 1;
  return {
    slo: 'checkout-ok',
    windowEnd: evaluatedAt,
    periodMs: rest.periodMs ?? 30 * DAY,
    sli: total > 0 ? good / total : undefined,
    noData: false,
    ...rest,
    evaluatedAt,
    windowStart,
    objective,
    good,
    total,
    budget: {
      total: budgetTotal,
      consumed: total - good,
      remainingRatio,
      remainingMinutes: (Math.max(0, remainingRatio) * allowed * 30 * DAY) / 60_000,
      ...budget,
    },
    burns,
  };
}
