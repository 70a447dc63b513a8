import { describe, expect, it } from 'vitest';
import { NinesError } from '../errors.js';
import type { AlertTier } from './alert-policy.js';
import { defaultTiers, evaluateAlertPolicy, resolveTiers } from './alert-policy.js';
import { buildStatus } from './status.test-support.js';
import { DAY, HOUR } from './types.js';

const TIERS_30D = defaultTiers(30 * DAY);
const OPTIONS = { minEvents: 100 };

function tier(tiers: readonly AlertTier[], id: AlertTier['id']): AlertTier {
  const found = tiers.find((t) => t.id === id);
  if (!found) throw new Error(`no tier ${id}`);
  return found;
}

describe('default tiers', () => {
  it('are the Workbook pairs with Sloth factors for a 30-day period', () => {
    expect(TIERS_30D.map(({ factor, ...rest }) => rest)).toEqual([
      { id: 'page-1h', severity: 'page', long: '1h', short: '5m', budgetPercent: 2 },
      { id: 'page-6h', severity: 'page', long: '6h', short: '30m', budgetPercent: 5 },
      { id: 'ticket-1d', severity: 'ticket', long: '1d', short: '2h', budgetPercent: 10 },
      { id: 'ticket-3d', severity: 'ticket', long: '3d', short: '6h', budgetPercent: 10 },
    ]);
    const factors = TIERS_30D.map((t) => t.factor);
    [14.4, 6, 3, 1].forEach((expected, i) => {
      expect(factors[i]).toBeCloseTo(expected, 12);
    });
  });

  it('scale the factors with a 28-day period and keep the budget shares', () => {
    const tiers = defaultTiers(28 * DAY);
    const factors = tiers.map((t) => t.factor);
    [13.44, 5.6000000000000005, 2.8000000000000003, 0.9333333333333333].forEach((expected, i) => {
      expect(factors[i]).toBeCloseTo(expected, 12);
    });
    expect(tiers.map((t) => t.budgetPercent)).toEqual([2, 5, 10, 10]);
  });

  it('refuse a period that is not a positive duration', () => {
    expect(() => defaultTiers(0)).toThrow(RangeError);
    expect(() => defaultTiers(Number.NaN)).toThrow(RangeError);
  });
});

describe('resolving tiers', () => {
  it('leaves out disabled severities and single tiers', () => {
    expect(resolveTiers(30 * DAY, { disabled: ['ticket'] }).map((t) => t.id)).toEqual(['page-1h', 'page-6h']);
    expect(resolveTiers(30 * DAY, { disabled: ['page-6h'] }).map((t) => t.id)).toEqual([
      'page-1h',
      'ticket-1d',
      'ticket-3d',
    ]);
  });

  it('leaves out tiers whose long window is longer than the period', () => {
    expect(resolveTiers(DAY).map((t) => t.id)).toEqual(['page-1h', 'page-6h', 'ticket-1d']);
    expect(resolveTiers(6 * HOUR).map((t) => t.id)).toEqual(['page-1h', 'page-6h']);
  });

  it('derives the budget share from an overridden factor and the factor from an overridden share', () => {
    const tiers = resolveTiers(30 * DAY, {
      tiers: [
        { id: 'page-1h', factor: 10 },
        { id: 'ticket-3d', budgetPercent: 20 },
      ],
    });
    expect(tier(tiers, 'page-1h').factor).toBe(10);
    expect(tier(tiers, 'page-1h').budgetPercent).toBeCloseTo((10 * 100) / 720, 12);
    expect(tier(tiers, 'ticket-3d').factor).toBeCloseTo(2, 12);
    expect(tier(tiers, 'page-6h')).toEqual(tier(TIERS_30D, 'page-6h'));
  });

  it('lists every bad override in one validation error', () => {
    let error: unknown;
    try {
      resolveTiers(30 * DAY, {
        tiers: [
          { id: 'page-1h', factor: 0 },
          { id: 'page-6h', budgetPercent: 120 },
          { id: 'ticket-1d', factor: Number.POSITIVE_INFINITY },
          { id: 'page-6h', budgetPercent: 4 },
        ],
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NinesError);
    expect((error as NinesError).code).toBe('VALIDATION_FAILED');
    expect((error as NinesError).details.map((d) => d.field)).toEqual([
      'tiers[0]',
      'tiers[1]',
      'tiers[2]',
      'tiers[3]',
    ]);
    expect((error as NinesError).details[3]?.message).toBe('tier page-6h is overridden twice');
  });
});

describe('evaluating the alert policy', () => {
  const f = tier(TIERS_30D, 'page-1h').factor;

  it('does not fire when both windows burn exactly at the factor', () => {
    const status = buildStatus({ windows: { '1h': { burnRate: f }, '5m': { burnRate: f } } });
    const evaluation = evaluateAlertPolicy(status, TIERS_30D, OPTIONS);
    expect(evaluation.page.firing).toBe(false);
    expect(evaluation.tiers[0]?.outcome).toBe('below-threshold');
  });

  it('does not fire when only the long window burns faster than the factor', () => {
    const status = buildStatus({ windows: { '1h': { burnRate: f + 1 }, '5m': { burnRate: f } } });
    expect(evaluateAlertPolicy(status, TIERS_30D, OPTIONS).page.firing).toBe(false);
  });

  it('does not fire when only the short window burns faster than the factor', () => {
    const status = buildStatus({ windows: { '1h': { burnRate: f }, '5m': { burnRate: 1000 } } });
    expect(evaluateAlertPolicy(status, TIERS_30D, OPTIONS).page.firing).toBe(false);
  });

  it('fires a page when both windows burn just above the factor', () => {
    const status = buildStatus({ windows: { '1h': { burnRate: f + 1e-9 }, '5m': { burnRate: f + 1e-9 } } });
    const evaluation = evaluateAlertPolicy(status, TIERS_30D, OPTIONS);
    expect(evaluation.page).toMatchObject({ firing: true, tier: 'page-1h', suppressed: [], lowTraffic: [] });
    expect(evaluation.ticket.firing).toBe(false);
  });

  it('reports the burn values of the windows each severity reads', () => {
    const status = buildStatus({
      windows: { '1h': { burnRate: 20, total: 500 }, '5m': { burnRate: 30, total: 40 } },
    });
    const evaluation = evaluateAlertPolicy(status, TIERS_30D, OPTIONS);
    expect(evaluation.page.windows).toEqual([
      { window: '1h', burnRate: 20, total: 500 },
      { window: '5m', burnRate: 30, total: 40 },
      { window: '6h', burnRate: 0, total: 10_000 },
      { window: '30m', burnRate: 0, total: 10_000 },
    ]);
    expect(evaluation.ticket.windows.map((w) => w.window)).toEqual(['1d', '2h', '3d', '6h']);
  });

  it('holds a tier back when its long window has fewer events than minEvents, and says so', () => {
    const burning = { burnRate: 50 };
    const quiet = buildStatus({
      windows: { '1h': { ...burning, total: 99 }, '5m': { ...burning, total: 3 } },
    });
    const evaluation = evaluateAlertPolicy(quiet, TIERS_30D, OPTIONS);
    expect(evaluation.page).toMatchObject({ firing: false, lowTraffic: ['page-1h'], suppressed: [] });
    expect(evaluation.tiers[0]?.outcome).toBe('low-traffic');

    const enough = buildStatus({
      windows: { '1h': { ...burning, total: 100 }, '5m': { ...burning, total: 3 } },
    });
    expect(evaluateAlertPolicy(enough, TIERS_30D, OPTIONS).page).toMatchObject({
      firing: true,
      tier: 'page-1h',
    });
  });

  it('names the fastest firing tier of a severity as the cause and lists the slower one as suppressed', () => {
    const status = buildStatus({
      windows: {
        '1h': { burnRate: 20 },
        '5m': { burnRate: 20 },
        '6h': { burnRate: 8 },
        '30m': { burnRate: 8 },
      },
    });
    const evaluation = evaluateAlertPolicy(status, TIERS_30D, OPTIONS);
    expect(evaluation.page).toMatchObject({ firing: true, tier: 'page-1h', suppressed: ['page-6h'] });
    expect(evaluation.tiers.map((t) => t.outcome)).toEqual([
      'firing',
      'superseded',
      'below-threshold',
      'below-threshold',
    ]);
  });

  it('suppresses ticket tiers while a page fires', () => {
    const everything = Object.fromEntries(
      ['5m', '30m', '1h', '2h', '6h', '1d', '3d'].map((w) => [w, { burnRate: 20 }]),
    );
    const evaluation = evaluateAlertPolicy(buildStatus({ windows: everything }), TIERS_30D, OPTIONS);
    expect(evaluation.page).toMatchObject({ firing: true, tier: 'page-1h' });
    expect(evaluation.ticket).toMatchObject({ firing: false, suppressed: ['ticket-1d', 'ticket-3d'] });
    expect(evaluation.tiers.map((t) => t.outcome)).toEqual([
      'firing',
      'superseded',
      'suppressed',
      'suppressed',
    ]);
  });

  it('fires a ticket for a slow burn that no page tier catches', () => {
    const status = buildStatus({
      windows: { '1d': { burnRate: 4 }, '2h': { burnRate: 4 }, '3d': { burnRate: 2 }, '6h': { burnRate: 2 } },
    });
    const evaluation = evaluateAlertPolicy(status, TIERS_30D, OPTIONS);
    expect(evaluation.page.firing).toBe(false);
    expect(evaluation.ticket).toMatchObject({ firing: true, tier: 'ticket-1d', suppressed: ['ticket-3d'] });
  });

  it('fires nothing without data and flags no-data instead', () => {
    const everything = Object.fromEntries(
      ['5m', '30m', '1h', '2h', '6h', '1d', '3d'].map((w) => [w, { burnRate: 20 }]),
    );
    const evaluation = evaluateAlertPolicy(
      buildStatus({ windows: everything, noData: true }),
      TIERS_30D,
      OPTIONS,
    );
    expect(evaluation.noData).toBe(true);
    expect(evaluation.page.firing).toBe(false);
    expect(evaluation.ticket.firing).toBe(false);
    expect(evaluation.tiers.map((t) => t.outcome)).toEqual(['no-data', 'no-data', 'no-data', 'no-data']);
  });

  it('never fires a disabled severity', () => {
    const tiers = resolveTiers(30 * DAY, { disabled: ['page'] });
    const everything = Object.fromEntries(
      ['5m', '30m', '1h', '2h', '6h', '1d', '3d'].map((w) => [w, { burnRate: 20 }]),
    );
    const evaluation = evaluateAlertPolicy(buildStatus({ windows: everything }), tiers, OPTIONS);
    expect(evaluation.page).toEqual({
      severity: 'page',
      firing: false,
      windows: [],
      suppressed: [],
      lowTraffic: [],
    });
    expect(evaluation.ticket).toMatchObject({ firing: true, tier: 'ticket-1d' });
  });

  it('refuses a status without a burn the tiers read, and a negative minEvents', () => {
    const status = buildStatus();
    const without1h = { ...status, burns: status.burns.filter((b) => b.window !== '1h') };
    expect(() => evaluateAlertPolicy(without1h, TIERS_30D, OPTIONS)).toThrow(/no 1h burn/);
    expect(() => evaluateAlertPolicy(status, TIERS_30D, { minEvents: -1 })).toThrow(RangeError);
  });
});
