import { describe, expect, it } from 'vitest';
import { defaultTiers, evaluateAlertPolicy } from './alert-policy.js';
import type { AlertState } from './alert-state.js';
import { nextAlertState } from './alert-state.js';
import type { StatusOverrides } from './status.test-support.js';
import { buildStatus, EVALUATED_AT } from './status.test-support.js';
import { DAY, MINUTE } from './types.js';

const TIERS = defaultTiers(30 * DAY);
const T0 = EVALUATED_AT;

function evaluation(overrides: StatusOverrides = {}) {
  return evaluateAlertPolicy(buildStatus(overrides), TIERS, { minEvents: 100 });
}

const QUIET = evaluation();
const FAST_BURN = evaluation({ windows: { '1h': { burnRate: 20 }, '5m': { burnRate: 20 } } });
const MEDIUM_BURN = evaluation({ windows: { '6h': { burnRate: 8 }, '30m': { burnRate: 8 } } });
const SLOW_BURN = evaluation({ windows: { '1d': { burnRate: 4 }, '2h': { burnRate: 4 } } });
const FAST_AND_SLOW = evaluation({
  windows: { '1h': { burnRate: 20 }, '5m': { burnRate: 20 }, '1d': { burnRate: 4 }, '2h': { burnRate: 4 } },
});
const NO_DATA = evaluation({ noData: true });

/** Feeds evaluations one minute apart and collects every transition. */
function run(...evaluations: ReturnType<typeof evaluation>[]) {
  let state: AlertState | undefined;
  const steps = evaluations.map((e, i) => {
    const next = nextAlertState(state, e, T0 + i * MINUTE);
    state = next.state;
    return next;
  });
  return { state: state as AlertState, steps };
}

describe('alert state', () => {
  it('starts resolved and reports nothing while the SLO is quiet', () => {
    const { state, transitions } = nextAlertState(undefined, QUIET, T0);
    expect(transitions).toEqual([]);
    expect(state.page).toEqual({ status: 'resolved', since: T0, burns: QUIET.page.windows });
    expect(state.noData).toEqual({ status: 'resolved', since: T0 });
  });

  it('fires a page once, then stays silent while the same tier keeps firing', () => {
    const { steps } = run(QUIET, FAST_BURN, FAST_BURN);
    expect(steps[1]?.transitions).toEqual([
      {
        type: 'fired',
        slo: 'checkout-ok',
        kind: 'page',
        at: T0 + MINUTE,
        tier: 'page-1h',
        burns: FAST_BURN.page.windows,
      },
    ]);
    expect(steps[1]?.state.page).toMatchObject({ status: 'firing', since: T0 + MINUTE, tier: 'page-1h' });
    expect(steps[2]?.transitions).toEqual([]);
    expect(steps[2]?.state).toBe(steps[1]?.state);
  });

  it('treats a change of tier as an update of the same alert, not a new one', () => {
    const { steps, state } = run(MEDIUM_BURN, FAST_BURN, MEDIUM_BURN);
    expect(steps[1]?.transitions).toEqual([
      {
        type: 'updated',
        slo: 'checkout-ok',
        kind: 'page',
        at: T0 + MINUTE,
        firingSince: T0,
        from: 'page-6h',
        to: 'page-1h',
        direction: 'escalated',
        burns: FAST_BURN.page.windows,
      },
    ]);
    expect(steps[2]?.transitions).toMatchObject([
      { type: 'updated', direction: 'de-escalated', to: 'page-6h' },
    ]);
    expect(state.page).toMatchObject({
      status: 'firing',
      since: T0,
      tier: 'page-6h',
      changedAt: T0 + 2 * MINUTE,
    });
  });

  it('resolves when the burn stops', () => {
    const { steps, state } = run(FAST_BURN, QUIET);
    expect(steps[1]?.transitions).toEqual([
      {
        type: 'resolved',
        slo: 'checkout-ok',
        kind: 'page',
        at: T0 + MINUTE,
        firingSince: T0,
        tier: 'page-1h',
        reason: 'recovered',
        burns: QUIET.page.windows,
      },
    ]);
    expect(state.page).toEqual({ status: 'resolved', since: T0 + MINUTE, burns: QUIET.page.windows });
  });

  it('closes a ticket when a page takes over, and reopens it when the page ends first', () => {
    const { steps } = run(SLOW_BURN, FAST_AND_SLOW, SLOW_BURN);
    expect(steps[0]?.transitions).toMatchObject([{ type: 'fired', kind: 'ticket', tier: 'ticket-1d' }]);
    expect(steps[1]?.transitions).toMatchObject([
      { type: 'fired', kind: 'page', tier: 'page-1h' },
      { type: 'resolved', kind: 'ticket', reason: 'escalated-to-page', firingSince: T0 },
    ]);
    expect(steps[2]?.transitions).toMatchObject([
      { type: 'resolved', kind: 'page', reason: 'recovered' },
      { type: 'fired', kind: 'ticket', tier: 'ticket-1d' },
    ]);
  });

  it('raises a no-data alert without resolving a firing page, and clears it when data returns', () => {
    const { steps, state } = run(FAST_BURN, NO_DATA, NO_DATA, QUIET);
    expect(steps[1]?.transitions).toEqual([
      { type: 'fired', slo: 'checkout-ok', kind: 'no-data', at: T0 + MINUTE },
    ]);
    expect(steps[1]?.state.page).toMatchObject({ status: 'firing', since: T0, tier: 'page-1h' });
    expect(steps[2]?.transitions).toEqual([]);
    expect(steps[3]?.transitions).toMatchObject([
      { type: 'resolved', kind: 'page', reason: 'recovered' },
      { type: 'resolved', kind: 'no-data', firingSince: T0 + MINUTE },
    ]);
    expect(state.noData).toEqual({ status: 'resolved', since: T0 + 3 * MINUTE });
  });

  it('is plain JSON data', () => {
    const { state, steps } = run(FAST_AND_SLOW, NO_DATA);
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    expect(JSON.parse(JSON.stringify(steps.flatMap((s) => s.transitions)))).toEqual(
      steps.flatMap((s) => s.transitions),
    );
  });

  it("refuses another SLO's evaluation and a time that is not finite", () => {
    const { state } = nextAlertState(undefined, QUIET, T0);
    expect(() => nextAlertState(state, { ...QUIET, slo: 'other' }, T0)).toThrow(/other/);
    expect(() => nextAlertState(state, QUIET, Number.NaN)).toThrow(RangeError);
  });
});
