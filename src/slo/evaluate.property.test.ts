import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Slo, Window } from '../catalog/model.js';
import { bruteSum, localMidnight, localTime, type RawEvent, tierModel } from './brute-force.test-support.js';
import { DEFAULT_NO_DATA_MS, evaluateSlo } from './evaluate.js';
import { DEFAULT_MINUTE_SPAN } from './series.js';
import { buildSlo, nonFinitePaths, THIRTY_DAYS } from './slo.test-support.js';
import { createSeries, hourSpanFor } from './slo-series.js';
import { BURN_WINDOWS, DAY, HOUR, MINUTE, type SloStatus } from './types.js';

const DST_AND_MONTH_EDGES = [
  '2024-03-31T01:00:00Z', // Berlin springs forward
  '2024-10-27T01:00:00Z', // Berlin falls back
  '2024-03-10T07:00:00Z', // New York springs forward
  '2024-11-03T06:00:00Z', // New York falls back
  '2024-02-29T23:00:00Z', // March begins in Berlin
  '2024-12-01T05:00:00Z', // December begins in New York
  '2025-01-01T00:00:00Z',
].map((iso) => Date.parse(iso));

const WINDOWS: Window[] = [
  THIRTY_DAYS,
  { type: 'rolling', durationMs: 7 * DAY, text: '7d' },
  { type: 'rolling', durationMs: 2 * HOUR, text: '2h' },
  { type: 'calendar', unit: 'month', timeZone: 'Europe/Berlin' },
  { type: 'calendar', unit: 'month', timeZone: 'America/New_York' },
  { type: 'calendar', unit: 'month', timeZone: 'UTC' },
];

describe('evaluateSlo against a brute-force recount', () => {
  const step = fc.record({
    advanceMs: fc.oneof(
      { arbitrary: fc.integer({ min: 0, max: 10 * MINUTE }), weight: 5 },
      { arbitrary: fc.integer({ min: 0, max: 6 * HOUR }), weight: 3 },
      { arbitrary: fc.integer({ min: 0, max: 3 * DAY }), weight: 1 },
    ),
    offsetMs: fc.oneof(
      { arbitrary: fc.constant(0), weight: 4 },
      { arbitrary: fc.integer({ min: -2 * HOUR, max: 0 }), weight: 2 },
      { arbitrary: fc.integer({ min: -5 * DAY, max: 0 }), weight: 1 },
    ),
    total: fc.integer({ min: 0, max: 500 }),
    bad: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 50 })),
  });

  it('budget, SLI and burn rates equal those recomputed from the raw events, across DST and month ends', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...DST_AND_MONTH_EDGES),
        fc.integer({ min: 0, max: 20 * DAY }),
        fc.constantFrom(...WINDOWS),
        fc.constantFrom(90, 99, 99.5, 99.9, 99.95),
        fc.array(step, { minLength: 1, maxLength: 60 }),
        (edge, lead, window, target, steps) => {
          const slo = buildSlo({ window }, { target });
          let now = edge - lead;
          const series = createSeries(slo, now);
          const events: RawEvent[] = [];
          let head = now;
          for (const st of steps) {
            now += st.advanceMs;
            head = Math.max(head, now);
            series.advance(now);
            const e = { atMs: now + st.offsetMs, good: Math.max(0, st.total - st.bad), total: st.total };
            if (series.add(e.atMs, e.good, e.total)) events.push(e);
          }
          const status = evaluateSlo({ slo, source: series, nowMs: now });
          expect(nonFinitePaths(status)).toEqual([]);
          expectRecount(status, slo, events, tierModel(head, DEFAULT_MINUTE_SPAN, hourSpanFor(window)));
        },
      ),
      { numRuns: 200 },
    );
  });
});

/** Recomputes everything from the raw events with the textbook formulas. */
function expectRecount(
  status: SloStatus,
  slo: Slo,
  events: readonly RawEvent[],
  tiers: ReturnType<typeof tierModel>,
) {
  const now = status.evaluatedAt;
  const { startMs, periodMs } = expectedWindow(slo.window, now);
  expect(status.windowStart).toBe(startMs);
  const budgetFraction = (100 - (slo.objectives[0]?.target ?? 0)) / 100;
  const counts = bruteSum(events, startMs, now, tiers);
  expect([status.good, status.total]).toEqual([counts.good, counts.total]);
  const bad = counts.total - counts.good;
  if (counts.total === 0) {
    expect(status.sli).toBeUndefined();
    expect(status.budget.remainingRatio).toBe(1);
  } else {
    expectClose(status.sli ?? Number.NaN, counts.good / counts.total);
    expectClose(status.budget.remainingRatio, 1 - bad / counts.total / budgetFraction);
  }
  expectClose(
    status.budget.remainingMinutes,
    (Math.max(0, status.budget.remainingRatio) * budgetFraction * periodMs) / MINUTE,
  );
  for (const w of [...BURN_WINDOWS, { name: 'period', ms: now - startMs }]) {
    const c = bruteSum(events, now - w.ms, now, tiers);
    const b = status.burns.find((x) => x.window === w.name);
    expect(b).toMatchObject({ windowMs: w.ms, good: c.good, total: c.total });
    const errorRatio = c.total === 0 ? 0 : (c.total - c.good) / c.total;
    expectClose(b?.burnRate ?? Number.NaN, errorRatio / budgetFraction);
  }
  expect(status.noData).toBe(bruteSum(events, now - DEFAULT_NO_DATA_MS, now, tiers).total === 0);
}

/** The window from Intl wall-clock arithmetic, independent of windows.ts. */
function expectedWindow(window: Window, now: number): { startMs: number; periodMs: number } {
  if (window.type === 'rolling') return { startMs: now - window.durationMs, periodMs: window.durationMs };
  const t = localTime(now, window.timeZone);
  const startMs = localMidnight(t.year, t.month, 1, window.timeZone);
  return { startMs, periodMs: localMidnight(t.year, t.month + 1, 1, window.timeZone) - startMs };
}

function expectClose(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
}
