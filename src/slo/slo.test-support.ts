/**
 * `buildSlo(overrides)` and shared checks for SLO engine tests. Test-only.
 */
import type { Objective, Slo, Window } from '../catalog/model.js';
import { DAY } from './types.js';

export const THIRTY_DAYS: Window = { type: 'rolling', durationMs: 30 * DAY, text: '30d' };

/**
 * A 99.9% occurrences SLO over a rolling 30 days; `objective` overrides the first objective.
 *
 * @example
 * buildSlo({ window: { type: 'calendar', unit: 'month', timeZone: 'UTC' } }, { target: 99 });
 */
export function buildSlo(overrides: Partial<Slo> = {}, objective: Partial<Objective> = {}): Slo {
  return {
    kind: 'SLO',
    name: 'checkout-availability',
    labels: {},
    annotations: {},
    sli: 'checkout-availability-sli',
    objectives: [{ target: 99.9, ...objective }],
    window: THIRTY_DAYS,
    budgetingMethod: 'occurrences',
    alertPolicies: [],
    ...overrides,
  };
}

/** Paths of every NaN or Infinity inside `value`, e.g. `burns.3.burnRate`; empty when all is finite. */
export function nonFinitePaths(value: unknown, path = ''): string[] {
  if (typeof value === 'number') return Number.isFinite(value) ? [] : [path];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => nonFinitePaths(v, path === '' ? k : `${path}.${k}`));
}
