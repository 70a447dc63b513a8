import { describe, expect, it } from 'vitest';
import type { Journey } from '../catalog/model.js';
import { revenueAtRisk } from './revenue.js';
import { buildStatus } from './status.test-support.js';
import { DAY, HOUR } from './types.js';

function journeyWith(value?: Journey['value']): Journey {
  return {
    kind: 'Journey',
    name: 'pay',
    labels: {},
    annotations: {},
    steps: [{ name: 'Pay', services: ['payment'] }],
    ...(value ? { value } : {}),
  };
}

// 40 of 2,000 bad in the last hour, 100 of 48,000 in the last day, 1,000 of 1,000,000 over 30 days.
const STATUS = buildStatus({
  windows: { '1h': { good: 1_960, total: 2_000 }, '1d': { good: 47_900, total: 48_000 } },
  good: 999_000,
  total: 1_000_000,
});

describe('revenue at risk', () => {
  it('prices bad events at the value of a success when the journey states it', () => {
    const risk = revenueAtRisk(
      journeyWith({ currency: 'EUR', valuePerSuccess: 64.5, revenuePerHour: 12_000 }),
      STATUS,
    );
    expect(risk).toMatchObject({
      journey: 'pay',
      slo: 'checkout-ok',
      currency: 'EUR',
      method: 'value-per-success',
    });
    expect(risk?.spans.map((s) => [s.span, s.spanMs, s.badEvents])).toEqual([
      ['1h', HOUR, 40],
      ['1d', DAY, 100],
      ['window', 30 * DAY, 1_000],
    ]);
    // 40 × 64.5, 100 × 64.5, 1,000 × 64.5
    const amounts = risk?.spans.map((s) => s.amount) ?? [];
    [2_580, 6_450, 64_500].forEach((expected, i) => {
      expect(amounts[i]).toBeCloseTo(expected, 6);
    });
  });

  it('prices the failing share of each hour at the revenue per hour otherwise', () => {
    const risk = revenueAtRisk(journeyWith({ currency: 'USD', revenuePerHour: 9_000 }), STATUS);
    expect(risk).toMatchObject({ currency: 'USD', method: 'revenue-per-hour' });
    // 2% × 1h × 9,000; 1/480 × 24h × 9,000; 0.1% × 720h × 9,000
    const amounts = risk?.spans.map((s) => s.amount) ?? [];
    [180, 450, 6_480].forEach((expected, i) => {
      expect(amounts[i]).toBeCloseTo(expected, 6);
    });
    expect(risk?.spans[0]?.errorRatio).toBeCloseTo(0.02, 12);
  });

  it('is zero without traffic', () => {
    const idle = buildStatus({
      windows: { '1h': { good: 0, total: 0 }, '1d': { good: 0, total: 0 } },
      good: 0,
      total: 0,
    });
    for (const value of [
      { currency: 'EUR', valuePerSuccess: 64.5 },
      { currency: 'EUR', revenuePerHour: 9_000 },
    ]) {
      const spans = revenueAtRisk(journeyWith(value), idle)?.spans ?? [];
      expect(spans.map((s) => [s.amount, s.errorRatio, s.badEvents])).toEqual([
        [0, 0, 0],
        [0, 0, 0],
        [0, 0, 0],
      ]);
    }
  });

  it('is undefined for a journey without business value', () => {
    expect(revenueAtRisk(journeyWith(), STATUS)).toBeUndefined();
    expect(revenueAtRisk(journeyWith({ currency: 'EUR' }), STATUS)).toBeUndefined();
  });

  it('takes other spans on request and leaves out those the status lacks', () => {
    const withoutDay = { ...STATUS, burns: STATUS.burns.filter((b) => b.window !== '1d') };
    const risk = revenueAtRisk(journeyWith({ currency: 'EUR', valuePerSuccess: 10 }), withoutDay, [
      '5m',
      '1d',
    ]);
    expect(risk?.spans.map((s) => [s.span, s.amount])).toEqual([['5m', 0]]);
  });
});
