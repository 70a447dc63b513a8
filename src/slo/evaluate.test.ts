import { describe, expect, it } from 'vitest';
import type { Slo } from '../catalog/model.js';
import { DEFAULT_NO_DATA_MS, evaluateSlo } from './evaluate.js';
import { BucketSeries, TimesliceSeries } from './series.js';
import { buildSlo, nonFinitePaths, THIRTY_DAYS } from './slo.test-support.js';
import { createSeries, hourSpanFor } from './slo-series.js';
import { BURN_WINDOWS, type CountSource, DAY, HOUR, MINUTE, type SloStatus } from './types.js';

const NOW = Date.parse('2024-06-30T12:00:00Z');

/** A series holding `good` of `total` events spread evenly over the minutes of [fromMs, toMs). */
function seriesWith(
  slo: Slo,
  spans: readonly { fromMs: number; toMs: number; good: number; total: number }[],
) {
  const first = Math.min(...spans.map((s) => s.fromMs));
  const series = createSeries(slo, first);
  for (let t = first; t < NOW; t += MINUTE) {
    series.advance(t);
    for (const s of spans) if (t >= s.fromMs && t < s.toMs) series.add(t, s.good, s.total);
  }
  series.advance(NOW);
  return series;
}

const burn = (status: SloStatus, window: string) => status.burns.find((b) => b.window === window);

describe('evaluateSlo', () => {
  it('an untouched 99.9% budget over 30 days allows 43.2 minutes of full outage', () => {
    const slo = buildSlo();
    const status = evaluateSlo({
      slo,
      source: seriesWith(slo, [{ fromMs: NOW - DAY, toMs: NOW, good: 5, total: 5 }]),
      nowMs: NOW,
    });
    expect(status.budget.remainingRatio).toBe(1);
    expect(status.budget.remainingMinutes).toBeCloseTo(43.2, 9);
    expect(status.sli).toBe(1);
  });

  it('a 1% error ratio at 99.9% is burn rate 10 (Workbook table 5-4)', () => {
    const slo = buildSlo();
    const source = seriesWith(slo, [{ fromMs: NOW - HOUR, toMs: NOW, good: 99, total: 100 }]);
    const status = evaluateSlo({ slo, source, nowMs: NOW });
    expect(burn(status, '1h')?.errorRatio).toBeCloseTo(0.01, 12);
    expect(burn(status, '1h')?.burnRate).toBeCloseTo(10, 9);
    expect(burn(status, '5m')?.burnRate).toBeCloseTo(10, 9);
    expect(burn(status, 'period')).toMatchObject({ windowMs: 30 * DAY, total: 6000, good: 5940 });
  });

  it('spending 0.03% errors over the period leaves 70% of the budget', () => {
    const slo = buildSlo();
    const source: CountSource = {
      sum: (from) => (from === NOW - 30 * DAY ? { good: 999_700, total: 1_000_000 } : { good: 0, total: 0 }),
    };
    const { budget } = evaluateSlo({ slo, source, nowMs: NOW });
    expect(budget.total).toBeCloseTo(1000, 9);
    expect(budget.consumed).toBe(300);
    expect(budget.remainingRatio).toBeCloseTo(0.7, 12);
    expect(budget.remainingMinutes).toBeCloseTo(30.24, 9);
  });

  it('a 20-minute full outage under even traffic leaves 23.2 of 43.2 minutes', () => {
    const slo = buildSlo();
    const outage = NOW - 3 * DAY;
    const source = seriesWith(slo, [
      { fromMs: NOW - 30 * DAY, toMs: outage, good: 10, total: 10 },
      { fromMs: outage, toMs: outage + 20 * MINUTE, good: 0, total: 10 },
      { fromMs: outage + 20 * MINUTE, toMs: NOW, good: 10, total: 10 },
    ]);
    const status = evaluateSlo({ slo, source, nowMs: NOW });
    expect(status.total).toBe(432_000);
    expect(status.budget.consumed).toBe(200);
    expect(status.budget.remainingMinutes).toBeCloseTo(23.2, 9);
    expect(burn(status, '3d')?.total).toBe(3 * 24 * 60 * 10);
  });

  it('an overspent budget goes negative; the minutes left stop at 0', () => {
    const slo = buildSlo();
    const source: CountSource = { sum: () => ({ good: 998_000, total: 1_000_000 }) };
    const { budget } = evaluateSlo({ slo, source, nowMs: NOW });
    expect(budget.remainingRatio).toBeCloseTo(-1, 9);
    expect(budget.remainingMinutes).toBe(0);
  });

  it('without traffic: no SLI, no burn, the whole budget, and no data', () => {
    const slo = buildSlo();
    const status = evaluateSlo({ slo, source: createSeries(slo, NOW), nowMs: NOW });
    expect(status.sli).toBeUndefined();
    expect(status.noData).toBe(true);
    expect(status.budget).toMatchObject({ total: 0, consumed: 0, remainingRatio: 1 });
    for (const b of status.burns) expect([b.errorRatio, b.burnRate]).toEqual([0, 0]);
  });

  it('reports every burn window, then the period so far', () => {
    const slo = buildSlo({ window: { type: 'calendar', unit: 'month', timeZone: 'UTC' } });
    const status = evaluateSlo({ slo, source: createSeries(slo, NOW), nowMs: NOW });
    expect(status.burns.map((b) => b.window)).toEqual([...BURN_WINDOWS.map((w) => w.name), 'period']);
    expect(burn(status, 'period')?.windowMs).toBe(NOW - Date.parse('2024-06-01T00:00:00Z'));
  });

  it('a calendar month spreads the budget over the whole month, DST hour included', () => {
    const now = Date.parse('2024-03-10T00:00:00Z');
    const slo = buildSlo({ window: { type: 'calendar', unit: 'month', timeZone: 'Europe/Berlin' } });
    const status = evaluateSlo({ slo, source: createSeries(slo, now), nowMs: now });
    expect(status.windowStart).toBe(Date.parse('2024-02-29T23:00:00Z'));
    expect(status.budget.remainingMinutes).toBeCloseTo(0.001 * (31 * 24 * 60 - 60), 9);
  });

  it('no data means no events in the last 10 minutes, or in the window given', () => {
    const slo = buildSlo();
    const s = new BucketSeries({ hourSpan: hourSpanFor(slo.window), nowMs: NOW - 11 * MINUTE });
    s.add(NOW - 11 * MINUTE, 1, 1);
    s.advance(NOW);
    expect(DEFAULT_NO_DATA_MS).toBe(10 * MINUTE);
    expect(evaluateSlo({ slo, source: s, nowMs: NOW }).noData).toBe(true);
    expect(evaluateSlo({ slo, source: s, nowMs: NOW, noDataMs: 15 * MINUTE }).noData).toBe(false);
    expect(() => evaluateSlo({ slo, source: s, nowMs: NOW, noDataMs: 0 })).toThrow(RangeError);
  });

  it('a misbehaving source cannot produce NaN or Infinity', () => {
    const slo = buildSlo();
    for (const counts of [
      { good: Number.NaN, total: Number.NaN },
      { good: 5, total: 3 },
      { good: -1, total: Number.POSITIVE_INFINITY },
    ]) {
      expect(nonFinitePaths(evaluateSlo({ slo, source: { sum: () => counts }, nowMs: NOW }))).toEqual([]);
    }
  });

  it('the first objective drives the budget; an SLO without a usable one is refused', () => {
    const slo = { ...buildSlo(), objectives: [{ target: 99 }, { target: 99.99 }] };
    expect(evaluateSlo({ slo, source: createSeries(slo, NOW), nowMs: NOW }).objective).toBe(0.99);
    const source = createSeries(slo, NOW);
    expect(() => evaluateSlo({ slo: { ...slo, objectives: [] }, source, nowMs: NOW })).toThrow(RangeError);
    expect(() => evaluateSlo({ slo: buildSlo({}, { target: 100 }), source, nowMs: NOW })).toThrow(RangeError);
  });

  it('a timeslices SLO is evaluated in slices through a TimesliceSeries', () => {
    const slo = buildSlo(
      { budgetingMethod: 'timeslices' },
      { target: 99, timesliceTarget: 95, timesliceWindowMs: MINUTE },
    );
    const source = createSeries(slo, NOW - 10 * MINUTE);
    expect(source).toBeInstanceOf(TimesliceSeries);
    for (let i = 0; i < 10; i++) {
      source.advance(NOW - (10 - i) * MINUTE);
      source.add(NOW - (10 - i) * MINUTE, i === 3 ? 90 : 100, 100); // one bad minute
    }
    source.advance(NOW);
    const status = evaluateSlo({ slo, source, nowMs: NOW });
    expect([status.good, status.total]).toEqual([9, 10]);
    expect(status.budget.consumed).toBe(1);
    expect(burn(status, '30m')?.burnRate).toBeCloseTo(10, 9);
  });
});

describe('series sizing', () => {
  it('keeps the SLO period plus a day, and at least the 3d burn window', () => {
    expect(hourSpanFor(THIRTY_DAYS)).toBe(744);
    expect(hourSpanFor({ type: 'rolling', durationMs: HOUR, text: '1h' })).toBe(96);
    expect(hourSpanFor({ type: 'calendar', unit: 'month', timeZone: 'UTC' })).toBe(31 * 24 + 1 + 24);
  });

  it('a series for a calendar month stays under 20 KB', () => {
    const slo = buildSlo({ window: { type: 'calendar', unit: 'month', timeZone: 'Europe/Berlin' } });
    expect(createSeries(slo, NOW).memoryBytes()).toBeLessThanOrEqual(20_000);
  });

  it('a timeslices SLO needs its slice length and target', () => {
    expect(() => createSeries(buildSlo({ budgetingMethod: 'timeslices' }), NOW)).toThrow(RangeError);
  });
});
