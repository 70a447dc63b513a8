import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bruteSum, type RawEvent, tierModel } from './brute-force.test-support.js';
import { BucketSeries, DEFAULT_MINUTE_SPAN } from './series.js';
import { BURN_WINDOWS, DAY, HOUR, MINUTE } from './types.js';

const T0 = Date.parse('2024-03-10T12:00:30Z');

describe('BucketSeries', () => {
  it('sums events of the current minute', () => {
    const s = new BucketSeries({ hourSpan: 48, nowMs: T0 });
    expect(s.add(T0 - 10_000, 99, 100)).toBe(true);
    expect(s.add(T0, 1, 1)).toBe(true);
    expect(s.sum(T0 - 5 * MINUTE, T0)).toEqual({ good: 100, total: 101 });
  });

  it('accepts late events inside the tiers and reflects them in later sums', () => {
    const s = new BucketSeries({ hourSpan: 48, nowMs: T0 });
    s.add(T0, 10, 10);
    s.advance(T0 + 3 * HOUR);
    expect(s.add(T0 + 5 * MINUTE, 0, 5)).toBe(true);
    expect(s.sum(T0, T0 + 3 * HOUR)).toEqual({ good: 10, total: 15 });
    expect(s.sum(T0 + 4 * MINUTE, T0 + 3 * HOUR)).toEqual({ good: 0, total: 5 });
  });

  it('refuses events older than the hour tier or more than a minute ahead, changing nothing', () => {
    const s = new BucketSeries({ minuteSpan: 60, hourSpan: 2, nowMs: T0 });
    expect(s.add(s.hourStartMs - 1, 1, 1)).toBe(false);
    expect(s.add(T0 + MINUTE + 1, 1, 1)).toBe(false);
    expect(s.add(s.hourStartMs, 1, 1)).toBe(true);
    expect(s.sum(0, T0 + DAY)).toEqual({ good: 1, total: 1 });
  });

  it('refuses counts that would poison sums: NaN, negative, good above total', () => {
    const s = new BucketSeries({ hourSpan: 8, nowMs: T0 });
    for (const [good, total] of [
      [Number.NaN, 1],
      [1, Number.POSITIVE_INFINITY],
      [-1, 1],
      [2, 1],
    ] as const) {
      expect(s.add(T0, good, total)).toBe(false);
    }
    expect(s.sum(T0 - HOUR, T0 + MINUTE)).toEqual({ good: 0, total: 0 });
  });

  it('counts an event a minute ahead once its minute has begun', () => {
    const s = new BucketSeries({ hourSpan: 8, nowMs: T0 });
    expect(s.add(T0 + MINUTE, 1, 1)).toBe(true);
    expect(s.sum(T0 - MINUTE, T0)).toEqual({ good: 0, total: 0 });
    s.advance(T0 + MINUTE);
    expect(s.sum(T0 - MINUTE, T0 + MINUTE)).toEqual({ good: 1, total: 1 });
  });

  it('rounds from down to its minute inside the minute tier', () => {
    const s = new BucketSeries({ hourSpan: 8, nowMs: T0 });
    s.add(T0 - 20_000, 1, 1); // 12:00:10
    expect(s.sum(T0 - 1_000, T0 + 1)).toEqual({ good: 1, total: 1 });
  });

  it('rounds from down to its hour before the minute tier', () => {
    const now = Date.parse('2024-03-10T12:00:00Z');
    const s = new BucketSeries({ minuteSpan: 60, hourSpan: 5, nowMs: now - 2 * HOUR });
    s.add(Date.parse('2024-03-10T09:00:10Z'), 1, 1);
    s.add(Date.parse('2024-03-10T09:59:00Z'), 1, 2);
    s.advance(now);
    expect(s.sum(Date.parse('2024-03-10T09:30:00Z'), now)).toEqual({ good: 2, total: 3 });
    expect(s.sum(Date.parse('2024-03-10T10:00:00Z'), now)).toEqual({ good: 0, total: 0 });
  });

  it('drops buckets that fall out, even after a jump longer than the rings', () => {
    const s = new BucketSeries({ minuteSpan: 60, hourSpan: 3, nowMs: T0 });
    s.add(T0, 5, 5);
    s.advance(T0 + 2 * HOUR);
    expect(s.sum(T0 - HOUR, T0 + 2 * HOUR)).toEqual({ good: 5, total: 5 });
    s.advance(T0 + 30 * DAY);
    expect(s.sum(0, T0 + 31 * DAY)).toEqual({ good: 0, total: 0 });
    s.add(T0 + 30 * DAY, 1, 2);
    expect(s.sum(T0 + 30 * DAY - MINUTE, T0 + 30 * DAY + 1)).toEqual({ good: 1, total: 2 });
  });

  it('never moves back in time, nor to NaN', () => {
    const s = new BucketSeries({ hourSpan: 8, nowMs: T0 });
    s.advance(T0 - HOUR);
    s.advance(Number.NaN);
    expect(s.nowMs).toBe(T0);
    expect(() => new BucketSeries({ hourSpan: 8, nowMs: Number.NaN })).toThrow(RangeError);
  });

  it('keeps 6h5m of minutes and 31 days of hours in under 20 KB', () => {
    const s = new BucketSeries({ minuteSpan: DEFAULT_MINUTE_SPAN, hourSpan: 31 * 24, nowMs: T0 });
    // Two Float64Arrays of span + 1 cumulative boundaries per tier.
    expect(s.memoryBytes()).toBe((366 + 745) * 2 * 8 + 400);
    expect(s.memoryBytes()).toBeLessThanOrEqual(20_000);
  });

  it('refuses tier sizes it cannot honour', () => {
    expect(() => new BucketSeries({ minuteSpan: 59, hourSpan: 2, nowMs: T0 })).toThrow(RangeError);
    expect(() => new BucketSeries({ hourSpan: 0, nowMs: T0 })).toThrow(RangeError);
    // 6h5m of minutes can straddle 8 hours.
    expect(() => new BucketSeries({ hourSpan: 7, nowMs: T0 })).toThrow(RangeError);
    expect(new BucketSeries({ hourSpan: 8, nowMs: T0 }).hourStartMs).toBeLessThanOrEqual(
      T0 - 6 * HOUR - 5 * MINUTE,
    );
  });
});

/** One step of a simulated feed: time moves on, then one event arrives (maybe late, maybe early). */
const step = fc.record({
  advanceMs: fc.oneof(
    { arbitrary: fc.integer({ min: 0, max: 5 * MINUTE }), weight: 6 },
    { arbitrary: fc.integer({ min: 0, max: 3 * HOUR }), weight: 3 },
    { arbitrary: fc.integer({ min: 0, max: 2 * DAY }), weight: 1 },
  ),
  offsetMs: fc.oneof(
    { arbitrary: fc.constant(0), weight: 3 },
    { arbitrary: fc.integer({ min: -10 * MINUTE, max: 0 }), weight: 3 },
    { arbitrary: fc.integer({ min: -4 * DAY, max: 0 }), weight: 2 },
    { arbitrary: fc.integer({ min: 0, max: 2 * MINUTE }), weight: 1 },
  ),
  a: fc.integer({ min: 0, max: 1000 }),
  b: fc.integer({ min: 0, max: 1000 }),
});
const start = fc.integer({
  min: Date.parse('2023-01-01T00:00:00Z'),
  max: Date.parse('2026-01-01T00:00:00Z'),
});

describe('BucketSeries against a brute-force event list', () => {
  it('accepts, refuses and sums exactly as documented, whatever the order of events', () => {
    fc.assert(
      fc.property(
        start,
        fc.integer({ min: 60, max: 400 }),
        fc.integer({ min: 0, max: 24 * 10 }),
        fc.array(step, { minLength: 1, maxLength: 80 }),
        fc.array(
          fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })),
          {
            minLength: 1,
            maxLength: 8,
          },
        ),
        (t0, minuteSpan, extraHours, steps, queries) => {
          const hourSpan = Math.ceil((minuteSpan - 1) / 60) + 1 + extraHours;
          const s = new BucketSeries({ minuteSpan, hourSpan, nowMs: t0 });
          const accepted: RawEvent[] = [];
          let now = t0;
          let head = t0;
          const check = (): void => {
            const tiers = tierModel(head, minuteSpan, hourSpan);
            expect([s.minuteStartMs, s.hourStartMs]).toEqual([tiers.minuteStartMs, tiers.hourStartMs]);
            const reach = hourSpan * HOUR + DAY;
            for (const [x, y] of queries) {
              const from = now - Math.round(x * reach);
              const to = now - Math.round(y * y * reach); // biased towards now
              expect(s.sum(from, to)).toEqual(bruteSum(accepted, from, to, tiers));
            }
            for (const w of BURN_WINDOWS)
              expect(s.sum(now - w.ms, now)).toEqual(bruteSum(accepted, now - w.ms, now, tiers));
          };
          steps.forEach((st, i) => {
            now += st.advanceMs;
            head = Math.max(head, now);
            s.advance(now);
            const atMs = now + st.offsetMs;
            const event = { atMs, good: Math.min(st.a, st.b), total: Math.max(st.a, st.b) };
            const expected =
              atMs <= now + MINUTE && atMs >= tierModel(head, minuteSpan, hourSpan).hourStartMs;
            expect(s.add(event.atMs, event.good, event.total)).toBe(expected);
            if (expected) {
              accepted.push(event);
              head = Math.max(head, atMs);
            }
            if (i % 10 === 9) check();
          });
          check();
        },
      ),
      { numRuns: 200 },
    );
  });

  it('burn windows up to 6h are exact; 1d and 3d start on the hour', () => {
    fc.assert(
      fc.property(start, fc.array(step, { minLength: 1, maxLength: 120 }), (t0, steps) => {
        const s = new BucketSeries({ hourSpan: 5 * 24, nowMs: t0 });
        const events: RawEvent[] = [];
        let now = t0;
        for (const st of steps) {
          now += st.advanceMs;
          s.advance(now);
          // Only on-time or late events here, so "before now" is plain.
          const atMs = now + Math.min(0, st.offsetMs);
          if (s.add(atMs, Math.min(st.a, st.b), Math.max(st.a, st.b))) {
            events.push({ atMs, good: Math.min(st.a, st.b), total: Math.max(st.a, st.b) });
          }
        }
        const minuteNow = Math.floor(now / MINUTE) * MINUTE;
        s.advance(minuteNow + MINUTE);
        const end = minuteNow + MINUTE;
        for (const w of BURN_WINDOWS) {
          const from = w.ms <= 6 * HOUR ? end - w.ms : Math.floor((end - w.ms) / HOUR) * HOUR;
          const inWindow = events.filter((e) => e.atMs >= from && e.atMs < end);
          expect(s.sum(end - w.ms, end)).toEqual({
            good: inWindow.reduce((n, e) => n + e.good, 0),
            total: inWindow.reduce((n, e) => n + e.total, 0),
          });
        }
      }),
      { numRuns: 200 },
    );
  });
});
