import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import type { BudgetRule, ErrorBudgetPolicy, FreezeWindow, Restriction, Weekday } from '../catalog/model.js';
import {
  activeFreeze,
  type BudgetStanding,
  type CheckVerdict,
  type PolicyStanding,
  type PreDeployInput,
  policyStanding,
  preDeploy,
} from './pre-deploy.js';

const HOUR = 3_600_000;
const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number | undefined): string | undefined =>
  ms === undefined ? undefined : new Date(ms).toISOString();

/** The policy of the webshop example: warn below 50%, override below 25%, fixes only when spent. */
function buildPolicy(overrides: Partial<ErrorBudgetPolicy> = {}): ErrorBudgetPolicy {
  return {
    kind: 'ErrorBudgetPolicy',
    name: 'standard',
    labels: {},
    annotations: {},
    default: true,
    rules: [
      { belowPercent: 50, exhausted: false, action: 'warn' },
      { belowPercent: 25, exhausted: false, action: 'override', description: 'a named reason' },
      { belowPercent: 0, exhausted: true, action: 'fixesOnly', description: 'reliability work only' },
    ],
    ...overrides,
  };
}

/** A one-off Black Friday freeze in Berlin (Thu 2027-11-25 18:00 to Mon 2027-11-29 08:00, CET). */
function buildFreeze(overrides: Partial<FreezeWindow> = {}): FreezeWindow {
  return {
    name: 'black-friday',
    description: 'The busiest weekend of the year',
    timeZone: 'Europe/Berlin',
    once: { start: '2027-11-25T18:00', end: '2027-11-29T08:00' },
    weekly: [],
    allowFixes: true,
    ...overrides,
  };
}

const weekly = (timeZone: string, ...windows: Restriction[]): FreezeWindow => ({
  name: 'weekly',
  timeZone,
  weekly: windows,
  allowFixes: true,
});

const CHECKOUT = { type: 'service', name: 'checkout' } as const;
const budgets = (entries: Record<string, number | undefined>): BudgetStanding[] =>
  Object.entries(entries).map(([slo, remainingPercent]) => ({ slo, remainingPercent }));

/** A standing as policyStanding gives it, for the action asked. */
function buildStanding(action: PolicyStanding['action'], name = 'checkout'): PolicyStanding {
  const remaining = { allow: 80, warn: 40, override: 10, fixesOnly: 0 }[action];
  return policyStanding({ type: 'service', name }, buildPolicy(), budgets({ [`${name}-ok`]: remaining }));
}

/** Nothing in the way: budgets to spend, no incident, no freeze, not a fix, no override. */
function buildInput(overrides: Partial<PreDeployInput> = {}): PreDeployInput {
  return {
    service: 'checkout',
    standings: [buildStanding('allow')],
    openIncidents: [],
    openIncidentsRule: 'fail',
    freezes: [],
    atMs: at('2027-06-01T10:00:00Z'),
    fix: false,
    ...overrides,
  };
}

describe('policyStanding', () => {
  it('allows releases without a policy, naming the scope', () => {
    const s = policyStanding({ type: 'journey', name: 'pay' }, undefined, budgets({ 'pay-ok': -50 }));
    expect(s).toEqual({
      scope: { type: 'journey', name: 'pay' },
      action: 'allow',
      reason: 'no error-budget policy applies to journey pay',
      budgets: [{ slo: 'pay-ok', remainingPercent: -50 }],
    });
    expect('policy' in s).toBe(false);
  });

  it('allows releases while no SLO has data, or there is none', () => {
    const s = policyStanding(CHECKOUT, buildPolicy(), budgets({ 'checkout-ok': undefined }));
    expect(s).toMatchObject({
      policy: 'standard',
      action: 'allow',
      reason: 'no SLO of service checkout has data yet',
    });
    expect(s.slo).toBeUndefined();
    expect(policyStanding(CHECKOUT, buildPolicy(), []).reason).toBe('service checkout has no SLO of its own');
  });

  it('allows releases with budget to spend, naming the lowest measured SLO', () => {
    const s = policyStanding(
      CHECKOUT,
      buildPolicy(),
      budgets({ 'checkout-ok': 80, 'checkout-fast': 50, 'checkout-new': undefined }),
    );
    expect(s.action).toBe('allow');
    expect(s.reason).toBe(
      'every SLO of service checkout has budget to spend (lowest: checkout-fast, 50% left)',
    );
  });

  it.each<[number, PolicyStanding['action'], BudgetRule['action'] | undefined]>([
    [50, 'allow', undefined],
    [49.9, 'warn', 'warn'],
    [25, 'warn', 'warn'],
    [24.9, 'override', 'override'],
    [0.1, 'override', 'override'],
    [0, 'fixesOnly', 'fixesOnly'],
    [-0.1, 'fixesOnly', 'fixesOnly'],
    [-250, 'fixesOnly', 'fixesOnly'],
  ])('with %d% left the action is %s (budgetBelow is strict, exhausted includes 0)', (left, action, rule) => {
    const s = policyStanding(CHECKOUT, buildPolicy(), budgets({ 'checkout-ok': left }));
    expect(s.action).toBe(action);
    expect(s.rule?.action).toBe(rule);
  });

  it('says how much is left and what the policy asks for', () => {
    const reason = (left: number) =>
      policyStanding(CHECKOUT, buildPolicy(), budgets({ 'checkout-ok': left })).reason;
    expect(reason(40)).toBe(
      "checkout-ok (service checkout) has 40% of its error budget left; policy 'standard': releases go out with a warning",
    );
    expect(reason(12)).toBe(
      "checkout-ok (service checkout) has 12% of its error budget left; policy 'standard': releases need an override with a reason (a named reason)",
    );
    expect(reason(4.5)).toBe(
      "checkout-ok (service checkout) has 4.5% of its error budget left; policy 'standard': releases need an override with a reason (a named reason)",
    );
    expect(reason(0)).toBe(
      "checkout-ok (service checkout) has spent its whole error budget; policy 'standard': only fixes may ship (reliability work only)",
    );
    expect(reason(-30)).toBe(reason(0));
  });

  it('records the SLO, what is left and the rule that set the action', () => {
    expect(policyStanding(CHECKOUT, buildPolicy(), budgets({ 'checkout-ok': -30 }))).toEqual({
      scope: CHECKOUT,
      policy: 'standard',
      action: 'fixesOnly',
      slo: 'checkout-ok',
      remainingPercent: -30,
      rule: { belowPercent: 0, exhausted: true, action: 'fixesOnly', description: 'reliability work only' },
      reason:
        "checkout-ok (service checkout) has spent its whole error budget; policy 'standard': only fixes may ship (reliability work only)",
      budgets: [{ slo: 'checkout-ok', remainingPercent: -30 }],
    });
  });

  it('takes the strictest action over every SLO, whichever comes first', () => {
    const forward = policyStanding(
      CHECKOUT,
      buildPolicy(),
      budgets({ 'checkout-ok': 40, 'checkout-fast': 10 }),
    );
    const backward = policyStanding(
      CHECKOUT,
      buildPolicy(),
      budgets({ 'checkout-fast': 10, 'checkout-ok': 40 }),
    );
    for (const s of [forward, backward]) {
      expect(s).toMatchObject({ action: 'override', slo: 'checkout-fast', remainingPercent: 10 });
    }
    const spent = policyStanding(
      CHECKOUT,
      buildPolicy(),
      budgets({ 'checkout-ok': 40, 'checkout-fast': undefined, 'checkout-stock': -5, 'checkout-mail': 10 }),
    );
    expect(spent).toMatchObject({ action: 'fixesOnly', slo: 'checkout-stock', remainingPercent: -5 });
  });

  it('names the lowest SLO when several call for the same action', () => {
    const s = policyStanding(CHECKOUT, buildPolicy(), budgets({ 'checkout-ok': 20, 'checkout-fast': 5 }));
    expect(s).toMatchObject({ action: 'override', slo: 'checkout-fast', remainingPercent: 5 });
  });

  it('takes the strictest rule whatever order the rules are written in', () => {
    const reversed = buildPolicy({ rules: [...buildPolicy().rules].reverse() });
    expect(policyStanding(CHECKOUT, reversed, budgets({ 'checkout-ok': 10 })).action).toBe('override');
    expect(policyStanding(CHECKOUT, reversed, budgets({ 'checkout-ok': 0 })).action).toBe('fixesOnly');
    // A lenient rule with a higher threshold does not soften a stricter one.
    const warnOnly = buildPolicy({ rules: [{ belowPercent: 100, exhausted: false, action: 'warn' }] });
    expect(policyStanding(CHECKOUT, warnOnly, budgets({ 'checkout-ok': -10 })).action).toBe('warn');
  });
});

describe('activeFreeze, once', () => {
  // CET: Thursday 18:00 is 17:00Z, Monday 08:00 is 07:00Z.
  const freeze = buildFreeze();
  const start = at('2027-11-25T17:00:00Z');
  const end = at('2027-11-29T07:00:00Z');

  it('holds from its start (inclusive) to its end (exclusive), in its zone', () => {
    expect(activeFreeze(freeze, start - 1)).toBeUndefined();
    expect(activeFreeze(freeze, start)).toEqual({ endsAt: end });
    expect(activeFreeze(freeze, at('2027-11-27T12:00:00Z'))).toEqual({ endsAt: end });
    expect(activeFreeze(freeze, end - 1)).toEqual({ endsAt: end });
    expect(activeFreeze(freeze, end)).toBeUndefined();
  });

  it('reads its wall-clock times on both sides of a DST change', () => {
    // Berlin moves to CEST on Sunday 2027-03-28: 18:00 CET is 17:00Z, 08:00 CEST is 06:00Z.
    const spring = buildFreeze({ once: { start: '2027-03-27T18:00', end: '2027-03-29T08:00' } });
    expect(activeFreeze(spring, at('2027-03-27T16:59:59.999Z'))).toBeUndefined();
    expect(activeFreeze(spring, at('2027-03-27T17:00:00Z'))).toEqual({ endsAt: at('2027-03-29T06:00:00Z') });
    expect(activeFreeze(spring, at('2027-03-29T06:00:00Z'))).toBeUndefined();
    // And back to CET on Sunday 2027-10-31: 18:00 CEST is 16:00Z, 08:00 CET is 07:00Z.
    const autumn = buildFreeze({ once: { start: '2027-10-30T18:00', end: '2027-11-01T08:00' } });
    expect(activeFreeze(autumn, at('2027-10-30T15:59:59.999Z'))).toBeUndefined();
    expect(activeFreeze(autumn, at('2027-10-30T16:00:00Z'))).toEqual({ endsAt: at('2027-11-01T07:00:00Z') });
    expect(activeFreeze(autumn, at('2027-11-01T06:59:59.999Z'))).toBeDefined();
    expect(activeFreeze(autumn, at('2027-11-01T07:00:00Z'))).toBeUndefined();
  });
});

describe('activeFreeze, weekly', () => {
  // Week of Monday 2027-11-22, CET (UTC+1).
  const cet = (wall: string) => DateTime.fromISO(wall, { zone: 'Europe/Berlin' }).toMillis();
  const endOf = (freeze: FreezeWindow, wall: string) => iso(activeFreeze(freeze, cet(wall))?.endsAt);

  it('holds within a daytime window on its days only, start inclusive, end exclusive', () => {
    const office = weekly('Europe/Berlin', { days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' });
    expect(endOf(office, '2027-11-22T08:59:59.999')).toBeUndefined();
    expect(endOf(office, '2027-11-22T09:00')).toBe('2027-11-22T16:00:00.000Z');
    expect(endOf(office, '2027-11-26T16:59:59.999')).toBe('2027-11-26T16:00:00.000Z');
    expect(endOf(office, '2027-11-26T17:00')).toBeUndefined();
    expect(endOf(office, '2027-11-27T12:00')).toBeUndefined();
  });

  it('runs an overnight window into the next day, even when that day is not listed', () => {
    // Friday, Saturday and Sunday evenings, each until 08:00 the morning after.
    const nights = weekly('Europe/Berlin', { days: [5, 6, 7], start: '16:00', end: '08:00' });
    expect(endOf(nights, '2027-11-26T15:59')).toBeUndefined();
    expect(endOf(nights, '2027-11-26T16:00')).toBe('2027-11-27T07:00:00.000Z');
    expect(endOf(nights, '2027-11-26T23:59')).toBe('2027-11-27T07:00:00.000Z');
    expect(endOf(nights, '2027-11-27T07:59')).toBe('2027-11-27T07:00:00.000Z');
    expect(endOf(nights, '2027-11-27T08:00')).toBeUndefined();
    expect(endOf(nights, '2027-11-27T12:00')).toBeUndefined();
    expect(endOf(nights, '2027-11-28T20:00')).toBe('2027-11-29T07:00:00.000Z');
    // Monday morning closes Sunday's night; Monday evening opens nothing, nor does Thursday's night.
    expect(endOf(nights, '2027-11-29T07:59')).toBe('2027-11-29T07:00:00.000Z');
    expect(endOf(nights, '2027-11-29T08:00')).toBeUndefined();
    expect(endOf(nights, '2027-11-29T20:00')).toBeUndefined();
    expect(endOf(nights, '2027-11-26T02:00')).toBeUndefined();
  });

  it('freezes Friday 16:00 to Monday 08:00 written as days, with 24:00 for midnight', () => {
    const weekend = weekly(
      'Europe/Berlin',
      { days: [5], start: '16:00', end: '24:00' },
      { days: [6, 7], start: '00:00', end: '24:00' },
      { days: [1], start: '00:00', end: '08:00' },
    );
    expect(endOf(weekend, '2027-11-26T15:59:59.999')).toBeUndefined();
    for (const wall of ['2027-11-26T16:00', '2027-11-27T00:00', '2027-11-28T12:00', '2027-11-28T23:59'])
      expect(activeFreeze(weekend, cet(wall)), wall).toBeDefined();
    expect(endOf(weekend, '2027-11-29T07:59:59.999')).toBe('2027-11-29T07:00:00.000Z');
    expect(endOf(weekend, '2027-11-29T08:00')).toBeUndefined();
    expect(endOf(weekend, '2027-11-25T23:00')).toBeUndefined();
  });

  it('keeps wall-clock times on the days Berlin changes clocks', () => {
    // Sunday 2027-03-28 has 23 hours, Sunday 2027-10-31 has 25.
    const sundayMorning = weekly('Europe/Berlin', { days: [7], start: '00:00', end: '08:00' });
    expect(iso(activeFreeze(sundayMorning, at('2027-03-28T04:00:00Z'))?.endsAt)).toBe(
      '2027-03-28T06:00:00.000Z',
    );
    expect(activeFreeze(sundayMorning, at('2027-03-28T06:00:00Z'))).toBeUndefined();
    expect(iso(activeFreeze(sundayMorning, at('2027-10-31T05:00:00Z'))?.endsAt)).toBe(
      '2027-10-31T07:00:00.000Z',
    );
    expect(activeFreeze(sundayMorning, at('2027-10-31T07:00:00Z'))).toBeUndefined();

    const untilMidnight = weekly('Europe/Berlin', { days: [7], start: '09:00', end: '24:00' });
    expect(iso(activeFreeze(untilMidnight, at('2027-03-28T10:00:00Z'))?.endsAt)).toBe(
      '2027-03-28T22:00:00.000Z',
    );
    expect(iso(activeFreeze(untilMidnight, at('2027-10-31T10:00:00Z'))?.endsAt)).toBe(
      '2027-10-31T23:00:00.000Z',
    );

    const saturdayNight = weekly('Europe/Berlin', { days: [6], start: '22:00', end: '06:00' });
    expect(iso(activeFreeze(saturdayNight, at('2027-03-27T21:00:00Z'))?.endsAt)).toBe(
      '2027-03-28T04:00:00.000Z',
    );
    expect(activeFreeze(saturdayNight, at('2027-03-28T03:59:59.999Z'))).toBeDefined();
    expect(activeFreeze(saturdayNight, at('2027-03-28T04:00:00Z'))).toBeUndefined();
  });

  it('opens at the same wall-clock time before and after a DST change', () => {
    const mornings = weekly('Europe/Berlin', { days: [1], start: '09:00', end: '10:00' });
    expect(activeFreeze(mornings, at('2027-03-22T08:00:00Z'))).toBeDefined(); // 09:00 CET
    expect(activeFreeze(mornings, at('2027-03-29T06:59:59.999Z'))).toBeUndefined(); // 08:59 CEST
    expect(activeFreeze(mornings, at('2027-03-29T07:00:00Z'))).toBeDefined(); // 09:00 CEST
  });

  it('reads the weekday in its own zone, not in UTC', () => {
    // Saturday 01:00 in Tokyo is still Friday in UTC.
    const saturday = weekly('Asia/Tokyo', { days: [6], start: '00:00', end: '24:00' });
    expect(iso(activeFreeze(saturday, at('2027-11-26T16:00:00Z'))?.endsAt)).toBe('2027-11-27T15:00:00.000Z');
    expect(activeFreeze(saturday, at('2027-11-26T14:59:59.999Z'))).toBeUndefined();
  });
});

describe('activeFreeze, weekly, for any instant', () => {
  const windows = fc.record({
    days: fc.uniqueArray(fc.constantFrom<Weekday>(1, 2, 3, 4, 5, 6, 7), { minLength: 1, maxLength: 7 }),
    start: fc.constantFrom('00:00', '09:00', '16:00', '22:00', '23:30'),
    end: fc.constantFrom('06:00', '08:00', '17:30', '24:00'),
  });
  // A zone and an instant in 2027, half of them within a day and a half of one of the zone's DST changes.
  const changes: Record<string, readonly string[]> = {
    'Europe/Berlin': ['2027-03-28', '2027-10-31'],
    'America/New_York': ['2027-03-14', '2027-11-07'],
    'Australia/Sydney': ['2027-04-04', '2027-10-03'],
    UTC: ['2027-06-01'],
  };
  const instants = fc.constantFrom(...Object.keys(changes)).chain((zone) =>
    fc.tuple(
      fc.constant(zone),
      fc.oneof(
        fc.integer({ min: at('2027-01-01T00:00:00Z'), max: at('2028-01-01T00:00:00Z') }),
        fc.constantFrom(...(changes[zone] ?? [])).chain((day) => {
          const midnight = DateTime.fromISO(day, { zone }).toMillis();
          return fc.integer({ min: midnight - 36 * HOUR, max: midnight + 36 * HOUR });
        }),
      ),
    ),
  );

  it('ends at the wall-clock end of the window it is in, still frozen a moment before', () => {
    fc.assert(
      fc.property(windows, instants, (w, [zone, atMs]) => {
        const freeze = weekly(zone, w);
        const hit = activeFreeze(freeze, atMs);
        if (!hit) return;
        expect(hit.endsAt).toBeGreaterThan(atMs);
        expect(hit.endsAt - atMs).toBeLessThanOrEqual(25 * HOUR);
        const end = DateTime.fromMillis(hit.endsAt, { zone });
        expect(end.toFormat('HH:mm')).toBe(w.end === '24:00' ? '00:00' : w.end);
        expect(activeFreeze(freeze, hit.endsAt - 1)).toBeDefined();
      }),
      { numRuns: 500 },
    );
  });
});

describe('preDeploy', () => {
  it('passes when nothing stands in the way', () => {
    expect(preDeploy(buildInput())).toEqual({
      result: 'pass',
      checks: [
        {
          check: 'budget',
          subject: 'service checkout',
          verdict: 'pass',
          reason: 'every SLO of service checkout has budget to spend (lowest: checkout-ok, 80% left)',
        },
        {
          check: 'incidents',
          subject: 'service checkout',
          verdict: 'pass',
          reason: 'no open incident on checkout',
        },
      ],
      reasons: ['budgets allow it, no open incident, no freeze'],
    });
  });

  it('warns when a policy warns, and an override does not clear the warning', () => {
    const warn = buildStanding('warn');
    for (const override of [undefined, { reason: 'release train' }]) {
      const r = preDeploy(buildInput({ standings: [warn], ...(override && { override }) }));
      expect(r.result).toBe('warning');
      expect(r.reasons).toEqual([warn.reason]);
      expect(r.checks[0]).toEqual({
        check: 'budget',
        subject: 'service checkout',
        verdict: 'warning',
        reason: warn.reason,
      });
    }
  });

  it('fails a policy that asks for an override until one is given, with its reason and author', () => {
    const s = buildStanding('override');
    const held = preDeploy(buildInput({ standings: [s] }));
    expect(held.result).toBe('fail');
    expect(held.reasons).toEqual([`${s.reason}; pass --override "<reason>" to release anyway`]);

    const overridden = preDeploy(
      buildInput({ standings: [s], override: { reason: 'the fix for INC-7', by: 'ana' } }),
    );
    expect(overridden.result).toBe('pass');
    expect(overridden.checks[0]).toEqual({
      check: 'budget',
      subject: 'service checkout',
      verdict: 'pass',
      reason: `${s.reason}; overridden by ana: the fix for INC-7`,
      overridden: true,
    });
    expect(overridden.reasons).toEqual([`${s.reason}; overridden by ana: the fix for INC-7`]);
    const anonymous = preDeploy(buildInput({ standings: [s], override: { reason: 'release train' } }));
    expect(anonymous.reasons).toEqual([`${s.reason}; overridden: release train`]);
  });

  it('lets only fixes through a fixes-only policy; an override does not help', () => {
    const s = buildStanding('fixesOnly');
    const overridden = preDeploy(buildInput({ standings: [s], override: { reason: 'urgent', by: 'ana' } }));
    expect(overridden.result).toBe('fail');
    expect(overridden.checks[0]).toEqual({
      check: 'budget',
      subject: 'service checkout',
      verdict: 'fail',
      reason: `${s.reason}; this change is not tagged as a fix (--fix)`,
    });
    const fix = preDeploy(buildInput({ standings: [s], fix: true }));
    expect(fix.result).toBe('pass');
    expect(fix.checks[0]).toEqual({
      check: 'budget',
      subject: 'service checkout',
      verdict: 'pass',
      reason: `${s.reason}; this change is a fix`,
    });
  });

  it('says why a fix went through instead of claiming nothing stood in the way', () => {
    const s = buildStanding('fixesOnly');
    const r = preDeploy(
      buildInput({ standings: [s], fix: true, openIncidents: [{ number: 7, title: 'Payments time out' }] }),
    );
    expect(r.result).toBe('pass');
    expect(r.reasons).toEqual([
      `${s.reason}; this change is a fix`,
      'an open incident on checkout: #7 Payments time out; this change is a fix',
    ]);
    const ignored = preDeploy(
      buildInput({ openIncidentsRule: 'ignore', openIncidents: [{ number: 7, title: 'Payments time out' }] }),
    );
    expect(ignored.reasons).toEqual(['open incidents on checkout are ignored by its gate']);
  });

  it('checks the service and every journey it serves, each on its own', () => {
    const r = preDeploy(
      buildInput({
        standings: [buildStanding('allow'), buildStanding('override', 'pay'), buildStanding('warn', 'buy')],
      }),
    );
    expect(r.result).toBe('fail');
    expect(r.checks.map((c) => [c.check, c.subject, c.verdict])).toEqual([
      ['budget', 'service checkout', 'pass'],
      ['budget', 'service pay', 'fail'],
      ['budget', 'service buy', 'warning'],
      ['incidents', 'service checkout', 'pass'],
    ]);
  });

  describe('open incidents', () => {
    const one = [{ number: 7, title: 'Payments time out' }];
    const two = [...one, { number: 9, title: 'Slow search' }];

    it('fail the gate by default, listing each incident', () => {
      const r = preDeploy(buildInput({ openIncidents: two }));
      expect(r.result).toBe('fail');
      expect(r.checks[1]).toEqual({
        check: 'incidents',
        subject: 'service checkout',
        verdict: 'fail',
        reason:
          '2 open incidents on checkout: #7 Payments time out, #9 Slow search; ship fixes only (--fix) or pass --override "<reason>"',
      });
      expect(preDeploy(buildInput({ openIncidents: one })).reasons).toEqual([
        'an open incident on checkout: #7 Payments time out; ship fixes only (--fix) or pass --override "<reason>"',
      ]);
    });

    it('only warn when the gate says so, even with an override', () => {
      for (const override of [undefined, { reason: 'hotfix' }]) {
        const r = preDeploy(
          buildInput({ openIncidents: one, openIncidentsRule: 'warn', ...(override && { override }) }),
        );
        expect(r.result).toBe('warning');
        expect(r.reasons).toEqual(['an open incident on checkout: #7 Payments time out']);
      }
    });

    it('are ignored when the gate says so', () => {
      const r = preDeploy(buildInput({ openIncidents: two, openIncidentsRule: 'ignore' }));
      expect(r.result).toBe('pass');
      expect(r.checks[1]).toEqual({
        check: 'incidents',
        subject: 'service checkout',
        verdict: 'pass',
        reason: 'open incidents on checkout are ignored by its gate',
      });
    });

    it('let fixes through, whatever the rule', () => {
      for (const openIncidentsRule of ['fail', 'warn'] as const) {
        const r = preDeploy(buildInput({ openIncidents: one, openIncidentsRule, fix: true }));
        expect(r.result).toBe('pass');
        expect(r.checks[1]?.reason).toBe(
          'an open incident on checkout: #7 Payments time out; this change is a fix',
        );
      }
    });

    it('let an override through', () => {
      const r = preDeploy(
        buildInput({ openIncidents: one, override: { reason: 'rollback of v41', by: 'dev' } }),
      );
      expect(r.result).toBe('pass');
      expect(r.checks[1]).toMatchObject({
        verdict: 'pass',
        overridden: true,
        reason: 'an open incident on checkout: #7 Payments time out; overridden by dev: rollback of v41',
      });
    });
  });

  describe('freezes', () => {
    const during = at('2027-11-27T12:00:00Z');

    it('fail a release during a freeze, saying until when', () => {
      const r = preDeploy(buildInput({ freezes: [buildFreeze()], atMs: during }));
      expect(r.result).toBe('fail');
      expect(r.checks[2]).toEqual({
        check: 'freeze',
        subject: 'freeze black-friday',
        verdict: 'fail',
        reason:
          'freeze \'black-friday\' until 2027-11-29T07:00:00.000Z (The busiest weekend of the year); ship fixes only (--fix) or pass --override "<reason>"',
      });
    });

    it('add no check outside the freeze, from its end on', () => {
      for (const atMs of [at('2027-11-25T16:59:59.999Z'), at('2027-11-29T07:00:00Z')]) {
        const r = preDeploy(buildInput({ freezes: [buildFreeze()], atMs }));
        expect(r.result).toBe('pass');
        expect(r.checks.map((c) => c.check)).toEqual(['budget', 'incidents']);
      }
    });

    it('let fixes through when they allow fixes, and only then', () => {
      const fix = preDeploy(buildInput({ freezes: [buildFreeze()], atMs: during, fix: true }));
      expect(fix.result).toBe('pass');
      expect(fix.checks[2]?.reason).toBe(
        "freeze 'black-friday' until 2027-11-29T07:00:00.000Z (The busiest weekend of the year); fixes may ship",
      );
      const strict: FreezeWindow = {
        name: 'black-friday',
        timeZone: 'Europe/Berlin',
        once: { start: '2027-11-25T18:00', end: '2027-11-29T08:00' },
        weekly: [],
        allowFixes: false,
      };
      const held = preDeploy(buildInput({ freezes: [strict], atMs: during, fix: true }));
      expect(held.result).toBe('fail');
      expect(held.checks[2]?.reason).toBe(
        'freeze \'black-friday\' until 2027-11-29T07:00:00.000Z; pass --override "<reason>"',
      );
    });

    it('let an override through, fixes allowed or not', () => {
      for (const allowFixes of [true, false]) {
        const r = preDeploy(
          buildInput({
            freezes: [buildFreeze({ allowFixes })],
            atMs: during,
            override: { reason: 'legal', by: 'cto' },
          }),
        );
        expect(r.result).toBe('pass');
        expect(r.checks[2]).toMatchObject({
          verdict: 'pass',
          overridden: true,
          reason:
            "freeze 'black-friday' until 2027-11-29T07:00:00.000Z (The busiest weekend of the year); overridden by cto: legal",
        });
      }
    });
  });

  it('takes the worst verdict and lists failures, then warnings, then overrides', () => {
    const override = buildStanding('override', 'pay');
    const warn = buildStanding('warn', 'buy');
    const fixesOnly = buildStanding('fixesOnly', 'stock');
    const r = preDeploy(
      buildInput({
        standings: [override, warn, fixesOnly],
        openIncidents: [{ number: 3, title: 'Stock sync lags' }],
        openIncidentsRule: 'warn',
        freezes: [buildFreeze()],
        atMs: at('2027-11-27T12:00:00Z'),
        override: { reason: 'inventory fix', by: 'ana' },
      }),
    );
    expect(r.result).toBe('fail');
    expect(r.reasons).toEqual([
      `${fixesOnly.reason}; this change is not tagged as a fix (--fix)`,
      warn.reason,
      'an open incident on checkout: #3 Stock sync lags',
      `${override.reason}; overridden by ana: inventory fix`,
      "freeze 'black-friday' until 2027-11-29T07:00:00.000Z (The busiest weekend of the year); overridden by ana: inventory fix",
    ]);
  });
});

describe('preDeploy, for any input', () => {
  const inputs = fc.record({
    actions: fc.array(fc.constantFrom('allow', 'warn', 'override', 'fixesOnly'), { maxLength: 4 }),
    incidents: fc.nat({ max: 3 }),
    rule: fc.constantFrom('fail', 'warn', 'ignore'),
    freezes: fc.array(fc.record({ active: fc.boolean(), allowFixes: fc.boolean() }), { maxLength: 3 }),
    fix: fc.boolean(),
    override: fc.boolean(),
  });
  const during = at('2027-11-27T12:00:00Z');

  it('is the worst of its checks, and fails exactly when a check nobody lifted fails', () => {
    fc.assert(
      fc.property(inputs, (x) => {
        const r = preDeploy(
          buildInput({
            standings: x.actions.map((a, i) => buildStanding(a as PolicyStanding['action'], `s${i}`)),
            openIncidents: Array.from({ length: x.incidents }, (_, i) => ({ number: i + 1, title: `t${i}` })),
            openIncidentsRule: x.rule as PreDeployInput['openIncidentsRule'],
            freezes: x.freezes.map((f, i) =>
              buildFreeze({
                name: `f${i}`,
                allowFixes: f.allowFixes,
                once: f.active
                  ? { start: '2027-11-25T18:00', end: '2027-11-29T08:00' }
                  : { start: '2027-12-24T00:00', end: '2027-12-27T00:00' },
              }),
            ),
            atMs: during,
            fix: x.fix,
            ...(x.override && { override: { reason: 'because' } }),
          }),
        );
        const rank: Record<CheckVerdict, number> = { pass: 0, warning: 1, fail: 2 };
        const worst = r.checks.reduce<CheckVerdict>(
          (w, c) => (rank[c.verdict] > rank[w] ? c.verdict : w),
          'pass',
        );
        expect(r.result).toBe(worst);

        const incidents = x.incidents > 0 && x.rule !== 'ignore' && !x.fix;
        const fails =
          x.actions.some((a) => (a === 'override' && !x.override) || (a === 'fixesOnly' && !x.fix)) ||
          (incidents && x.rule === 'fail' && !x.override) ||
          x.freezes.some((f) => f.active && !(x.fix && f.allowFixes) && !x.override);
        const warns = x.actions.includes('warn') || (incidents && x.rule === 'warn');
        expect(r.result).toBe(fails ? 'fail' : warns ? 'warning' : 'pass');

        expect(r.reasons.length).toBeGreaterThan(0);
        for (const c of r.checks) if (c.verdict !== 'pass') expect(r.reasons).toContain(c.reason);
        const firsts = r.reasons.slice(0, r.checks.filter((c) => c.verdict === 'fail').length);
        for (const reason of firsts) expect(r.checks.find((c) => c.reason === reason)?.verdict).toBe('fail');
      }),
    );
  });
});
