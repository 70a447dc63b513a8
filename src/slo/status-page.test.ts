import { describe, expect, it } from 'vitest';
import type { HealthFinding } from './impact.js';
import {
  dayStatus,
  type JourneySloNow,
  journeyStatus,
  type SloDays,
  UPTIME_DAYS,
  uptime,
  worstOf,
} from './status-page.js';
import { DAY } from './types.js';

const slo = (overrides: Partial<JourneySloNow> = {}): JourneySloNow => ({
  pageFiring: false,
  ticketFiring: false,
  last5m: { good: 100, total: 100 },
  ...overrides,
});

const finding = (overrides: Partial<HealthFinding> = {}): HealthFinding => ({
  slo: 'gateway-ok',
  sloLevel: 'at-risk',
  cause: 'page-firing',
  effect: 'at-risk',
  via: { service: 'gateway', step: 'Pay', path: ['payment', 'gateway'], critical: true },
  ...overrides,
});

describe('a journey’s status now', () => {
  it('is operational when nothing fires', () => {
    expect(journeyStatus([slo(), slo()], { findings: [] })).toBe('operational');
    expect(journeyStatus([], undefined)).toBe('operational');
  });

  it('is a major outage when a page fires and the last five minutes were less than half good', () => {
    expect(journeyStatus([slo({ pageFiring: true, last5m: { good: 49, total: 100 } })], undefined)).toBe(
      'major_outage',
    );
    expect(journeyStatus([slo({ pageFiring: true, last5m: { good: 0, total: 3 } })], undefined)).toBe(
      'major_outage',
    );
  });

  it('is a partial outage when a page fires with half or more good, or without traffic', () => {
    expect(journeyStatus([slo({ pageFiring: true, last5m: { good: 50, total: 100 } })], undefined)).toBe(
      'partial_outage',
    );
    expect(journeyStatus([slo({ pageFiring: true, last5m: { good: 0, total: 0 } })], undefined)).toBe(
      'partial_outage',
    );
  });

  it('takes the worst of its SLOs', () => {
    expect(
      journeyStatus(
        [
          slo({ ticketFiring: true }),
          slo({ pageFiring: true, last5m: { good: 90, total: 100 } }),
          slo({ pageFiring: true, last5m: { good: 1, total: 100 } }),
          slo(),
        ],
        undefined,
      ),
    ).toBe('major_outage');
  });

  it('is degraded when a ticket fires on its SLOs', () => {
    expect(journeyStatus([slo({ ticketFiring: true })], undefined)).toBe('degraded');
  });

  it('is degraded when an alert fires on a service it depends on', () => {
    expect(journeyStatus([slo()], { findings: [finding()] })).toBe('degraded');
    expect(journeyStatus([slo()], { findings: [finding({ cause: 'ticket-firing' })] })).toBe('degraded');
  });

  it('stays operational for a spent or low budget: that is the past, not now', () => {
    expect(
      journeyStatus([slo()], {
        findings: [
          finding({ cause: 'budget-exhausted' }),
          finding({ cause: 'budget-low', effect: 'degraded' }),
        ],
      }),
    ).toBe('operational');
  });
});

describe('the worst of statuses', () => {
  it('orders operational < degraded < partial outage < major outage', () => {
    expect(worstOf([])).toBe('operational');
    expect(worstOf(['degraded', 'operational'])).toBe('degraded');
    expect(worstOf(['partial_outage', 'major_outage', 'degraded'])).toBe('major_outage');
    expect(worstOf(['degraded', 'partial_outage'])).toBe('partial_outage');
  });
});

describe('a day of one SLO', () => {
  it('meets the objective, misses it within the budget, stays above 90%, or falls below', () => {
    expect(dayStatus(100, 99.9)).toBe('operational');
    expect(dayStatus(99.9, 99.9)).toBe('operational');
    expect(dayStatus(99.85, 99.9)).toBe('degraded');
    expect(dayStatus(99.8, 99.9)).toBe('degraded');
    expect(dayStatus(99.79, 99.9)).toBe('partial_outage');
    expect(dayStatus(90, 99.9)).toBe('partial_outage');
    expect(dayStatus(89.99, 99.9)).toBe('major_outage');
  });

  it('keeps the order for loose objectives, where twice the budget reaches below 90%', () => {
    expect(dayStatus(85, 90)).toBe('degraded');
    expect(dayStatus(80, 90)).toBe('degraded');
    expect(dayStatus(79.9, 90)).toBe('major_outage');
  });
});

describe('the 90-day bars', () => {
  const now = Date.UTC(2026, 10, 22, 12, 0, 30);
  const today = Date.UTC(2026, 10, 22);
  const days = (...entries: [number, number, number][]) =>
    new Map(entries.map(([ago, good, total]) => [today - ago * DAY, { good, total }]));

  it('has 90 UTC days, oldest first, today last, without data where nothing was counted', () => {
    const bars = uptime([], now);
    expect(bars.days).toHaveLength(UPTIME_DAYS);
    expect(bars.days[0]).toEqual({ dayMs: today - 89 * DAY, status: 'no_data', uptimePercent: null });
    expect(bars.days.at(-1)).toEqual({ dayMs: today, status: 'no_data', uptimePercent: null });
    expect(bars.percent).toBeNull();
  });

  it('shows the worst SLO of each day and its lowest share of good events', () => {
    const slos: SloDays[] = [
      { target: 99.9, days: days([0, 999, 1000], [1, 9_985, 10_000], [2, 950, 1000], [89, 0, 0]) },
      { target: 99, days: days([0, 995, 1000], [1, 1000, 1000], [3, 500, 1000], [90, 0, 10]) },
    ];
    const bars = uptime(slos, now);
    const byAgo = (ago: number) => bars.days[UPTIME_DAYS - 1 - ago];
    expect(byAgo(0)).toEqual({ dayMs: today, status: 'operational', uptimePercent: 99.5 });
    expect(byAgo(1)).toEqual({ dayMs: today - DAY, status: 'degraded', uptimePercent: 99.85 });
    expect(byAgo(2)).toEqual({ dayMs: today - 2 * DAY, status: 'partial_outage', uptimePercent: 95 });
    expect(byAgo(3)).toEqual({ dayMs: today - 3 * DAY, status: 'major_outage', uptimePercent: 50 });
    // A day with no events is no data, and a day before the 90 does not count.
    expect(byAgo(89)).toEqual({ dayMs: today - 89 * DAY, status: 'no_data', uptimePercent: null });
    // Over the 90 days: the first SLO 11,934 of 12,000, the second 2,495 of 3,000 (83.166…%), the lower.
    expect(bars.percent).toBe(83.166);
  });

  it('never shows 100% for a day with a failure, and floors rather than rounds', () => {
    const bars = uptime(
      [{ target: 99, days: days([0, 999_999_999, 1_000_000_000], [1, 19_999, 20_000]) }],
      now,
    );
    expect(bars.days.at(-1)?.uptimePercent).toBe(99.999);
    expect(bars.days.at(-2)?.uptimePercent).toBe(99.995);
    expect(bars.percent).toBe(99.999);
  });

  it('counts a day exactly on the objective as met', () => {
    const bars = uptime([{ target: 99.95, days: days([0, 19_990, 20_000]) }], now);
    expect(bars.days.at(-1)).toEqual({ dayMs: today, status: 'operational', uptimePercent: 99.95 });
  });
});
