/**
 * The alert lifecycle of one SLO: page, ticket and no-data alerts move between
 * firing and resolved, and every move is a transition for notifiers and the
 * incident log. States and transitions are plain JSON data, stored as they are.
 */
import type {
  AlertEvaluation,
  AlertTierId,
  Severity,
  SeverityEvaluation,
  WindowBurn,
} from './alert-policy.js';
import { tierRank } from './alert-policy.js';

export type AlertKind = Severity | 'no-data';

/** A page or ticket alert. `burns` are the values at the last change. */
export type BurnAlertState =
  | {
      readonly status: 'firing';
      /** When it started firing. */
      readonly since: number;
      readonly tier: AlertTierId;
      /** When the tier last changed (= since until an escalation or de-escalation). */
      readonly changedAt: number;
      readonly burns: readonly WindowBurn[];
    }
  | {
      readonly status: 'resolved';
      /** When it resolved, or when the SLO was first evaluated. */
      readonly since: number;
      readonly burns: readonly WindowBurn[];
    };

export interface NoDataAlertState {
  readonly status: 'firing' | 'resolved';
  readonly since: number;
}

/** Everything alerting remembers about one SLO between evaluations. */
export interface AlertState {
  readonly slo: string;
  readonly page: BurnAlertState;
  readonly ticket: BurnAlertState;
  readonly noData: NoDataAlertState;
}

/**
 * - `resolved` with reason `escalated-to-page`: a ticket closed because a page now covers it.
 * - `updated`: the firing tier changed; the same alert continues, it is not a new one.
 */
export type AlertTransition =
  | {
      readonly type: 'fired';
      readonly slo: string;
      readonly kind: Severity;
      readonly at: number;
      readonly tier: AlertTierId;
      readonly burns: readonly WindowBurn[];
    }
  | {
      readonly type: 'updated';
      readonly slo: string;
      readonly kind: Severity;
      readonly at: number;
      readonly firingSince: number;
      readonly from: AlertTierId;
      readonly to: AlertTierId;
      readonly direction: 'escalated' | 'de-escalated';
      readonly burns: readonly WindowBurn[];
    }
  | {
      readonly type: 'resolved';
      readonly slo: string;
      readonly kind: Severity;
      readonly at: number;
      readonly firingSince: number;
      /** The tier that was firing last. */
      readonly tier: AlertTierId;
      readonly reason: 'recovered' | 'escalated-to-page';
      readonly burns: readonly WindowBurn[];
    }
  | { readonly type: 'fired'; readonly slo: string; readonly kind: 'no-data'; readonly at: number }
  | {
      readonly type: 'resolved';
      readonly slo: string;
      readonly kind: 'no-data';
      readonly at: number;
      readonly firingSince: number;
    };

/**
 * The next alert state of an SLO and the transitions that lead to it; none when
 * nothing changed, in which case `state` is `previous` itself. While the SLO has
 * no data, page and ticket keep their state (missing data neither proves an
 * outage nor ends one) and the no-data alert fires instead.
 *
 * @example
 * const { state, transitions } = nextAlertState(stored, evaluateAlertPolicy(status, tiers, opts), now);
 * for (const t of transitions) notify(t); // e.g. { type: 'fired', kind: 'page', tier: 'page-1h', ... }
 */
export function nextAlertState(
  previous: AlertState | undefined,
  evaluation: AlertEvaluation,
  nowMs: number,
): { state: AlertState; transitions: AlertTransition[] } {
  if (!Number.isFinite(nowMs)) throw new RangeError(`nowMs must be a finite epoch time; got ${nowMs}`);
  const slo = evaluation.slo;
  if (previous && previous.slo !== slo) {
    throw new Error(`the alert state of ${previous.slo} cannot take an evaluation of ${slo}`);
  }
  const before = previous ?? initialState(slo, evaluation, nowMs);
  const transitions: AlertTransition[] = [];
  const step = (kind: Severity, prev: BurnAlertState): BurnAlertState => {
    if (evaluation.noData) return prev;
    const { state, transition } = burnStep(prev, evaluation[kind], { slo, kind, at: nowMs });
    if (transition) transitions.push(transition);
    return state;
  };
  const page = step('page', before.page);
  const ticket = step('ticket', before.ticket);

  let noData = before.noData;
  if (evaluation.noData !== (noData.status === 'firing')) {
    transitions.push(
      evaluation.noData
        ? { type: 'fired', slo, kind: 'no-data', at: nowMs }
        : { type: 'resolved', slo, kind: 'no-data', at: nowMs, firingSince: noData.since },
    );
    noData = { status: evaluation.noData ? 'firing' : 'resolved', since: nowMs };
  }
  if (transitions.length === 0) return { state: before, transitions };
  return { state: { slo, page, ticket, noData }, transitions };
}

function initialState(slo: string, evaluation: AlertEvaluation, nowMs: number): AlertState {
  return {
    slo,
    page: { status: 'resolved', since: nowMs, burns: evaluation.page.windows },
    ticket: { status: 'resolved', since: nowMs, burns: evaluation.ticket.windows },
    noData: { status: 'resolved', since: nowMs },
  };
}

function burnStep(
  prev: BurnAlertState,
  now: SeverityEvaluation,
  at: { readonly slo: string; readonly kind: Severity; readonly at: number },
): { state: BurnAlertState; transition?: AlertTransition } {
  const burns = now.windows;
  const nowMs = at.at;
  switch (prev.status) {
    case 'resolved': {
      if (!now.firing) return { state: prev };
      return {
        state: { status: 'firing', since: nowMs, tier: now.tier, changedAt: nowMs, burns },
        transition: { ...at, type: 'fired', tier: now.tier, burns },
      };
    }
    case 'firing': {
      if (!now.firing) {
        // A severity that is not firing lists suppressed tiers only when a page holds its tickets back.
        const reason = now.suppressed.length > 0 ? 'escalated-to-page' : 'recovered';
        return {
          state: { status: 'resolved', since: nowMs, burns },
          transition: { ...at, type: 'resolved', firingSince: prev.since, tier: prev.tier, reason, burns },
        };
      }
      if (now.tier === prev.tier) return { state: prev };
      const direction = tierRank(now.tier) < tierRank(prev.tier) ? 'escalated' : 'de-escalated';
      return {
        state: { ...prev, tier: now.tier, changedAt: nowMs, burns },
        transition: {
          ...at,
          type: 'updated',
          firingSince: prev.since,
          from: prev.tier,
          to: now.tier,
          direction,
          burns,
        },
      };
    }
  }
}
