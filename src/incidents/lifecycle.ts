/**
 * The incident lifecycle: triggered → acknowledged → resolved, and reopen.
 * Anything else is impossible and rejected with a coded error (CONFLICT, a 409
 * on the API) that names the current state; a merged incident takes no changes.
 */
import { NinesError } from '../errors.js';
import type { IncidentStatus } from './types.js';

export type LifecycleAction = 'acknowledge' | 'resolve' | 'reopen';

const NEXT: Record<LifecycleAction, Partial<Record<IncidentStatus, IncidentStatus>>> = {
  acknowledge: { triggered: 'acknowledged' },
  resolve: { triggered: 'resolved', acknowledged: 'resolved' },
  reopen: { resolved: 'triggered' },
};

const PAST: Record<LifecycleAction, string> = {
  acknowledge: 'acknowledged',
  resolve: 'resolved',
  reopen: 'reopened',
};

/**
 * The status after `action`, or a CONFLICT error.
 *
 * @example
 * nextStatus({ number: 4, status: 'triggered', mergedInto: null }, 'acknowledge'); // 'acknowledged'
 * nextStatus({ number: 4, status: 'resolved', mergedInto: null }, 'acknowledge'); // throws CONFLICT
 */
export function nextStatus(
  incident: { readonly number: number; readonly status: IncidentStatus; readonly mergedInto: number | null },
  action: LifecycleAction,
): IncidentStatus {
  assertChangeable(incident);
  const next = NEXT[action][incident.status];
  if (next === undefined)
    throw new NinesError(
      'CONFLICT',
      `incident #${incident.number} is ${incident.status} and cannot be ${PAST[action]}`,
    );
  return next;
}

/** Merged incidents live on in the incident they were merged into; they take no changes. */
export function assertChangeable(incident: { readonly number: number; readonly mergedInto: number | null }) {
  if (incident.mergedInto !== null)
    throw new NinesError(
      'CONFLICT',
      `incident #${incident.number} was merged into #${incident.mergedInto}; change that one`,
    );
}

const RANK = { critical: 0, error: 1, warning: 2, info: 3 } as const;

/** The more severe of two severities. */
export function worse<S extends keyof typeof RANK>(a: S, b: S): S {
  return RANK[a] <= RANK[b] ? a : b;
}
