import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bruteSlices, bruteSum, type RawEvent, tierModel } from './brute-force.test-support.js';
import { TimesliceSeries } from './timeslices.js';
import { BURN_WINDOWS, DAY, HOUR, MINUTE } from './types.js';

const T0 = Date.parse('2024-10-27T00:00:00Z');

const series = (overrides: Partial<ConstructorParameters<typeof TimesliceSeries>[0]> = {}): TimesliceSeries =>
  new TimesliceSeries({
    sliceMinutes: 1,
    sliceTarget: 0.99,
    minuteSpan: 60,
    hourSpan: 48,
    nowMs: T0,
    ...overrides,
  });

describe('TimesliceSeries', () => {
  it('counts good slices and slices with traffic; quiet slices are not outages', () => {
    const s = series();
    s.add(T0, 99, 100); // good
    s.add(T0 + MINUTE, 98, 100); // bad
    s.advance(T0 + 10 * MINUTE); // minutes 2..9 quiet
    s.add(T0 + 10 * MINUTE, 5, 5); // good
    expect(s.sum(T0, T0 + 11 * MINUTE)).toEqual({ good: 2, total: 3 });
  });

  it('re-judges a slice as its events arrive: the old verdict is replaced, not added', () => {
    const s = series();
    s.add(T0, 100, 100);
    expect(s.sum(T0, T0 + MINUTE)).toEqual({ good: 1, total: 1 });
    s.advance(T0 + 5 * MINUTE);
    s.add(T0 + 30_000, 0, 10); // late: 100/110 < 99%
    expect(s.sum(T0, T0 + 5 * MINUTE)).toEqual({ good: 0, total: 1 });
    s.add(T0 + 59_000, 1000, 1000); // 1100/1110 ≥ 99%
    expect(s.sum(T0, T0 + 5 * MINUTE)).toEqual({ good: 1, total: 1 });
  });

  it('a slice meeting the target exactly is good, despite 99.9 / 100 being 0.9990000000000001', () => {
    const s = series({ sliceTarget: 99.9 / 100 });
    s.add(T0, 999, 1000);
    expect(s.sum(T0, T0 + MINUTE)).toEqual({ good: 1, total: 1 });
  });

  it('slices are longer than a minute when asked, and count at their start', () => {
    const s = series({ sliceMinutes: 5 });
    s.advance(T0 + 4 * MINUTE);
    s.add(T0 + 4 * MINUTE, 1, 1);
    s.advance(T0 + 6 * MINUTE);
    s.add(T0 + 6 * MINUTE, 0, 1);
    expect(s.sum(T0, T0 + 6 * MINUTE)).toEqual({ good: 1, total: 2 });
    expect(s.sum(T0 + MINUTE, T0 + 6 * MINUTE)).toEqual({ good: 0, total: 1 });
  });

  it('refuses events for slices whose raw counts are gone, and invalid counts', () => {
    const s = series();
    s.advance(T0 + 2 * HOUR);
    expect(s.rawStartMs).toBe(T0 + HOUR + MINUTE);
    expect(s.add(s.rawStartMs - 1, 1, 1)).toBe(false);
    expect(s.add(s.rawStartMs, 1, 1)).toBe(true);
    expect(s.add(T0 + 2 * HOUR + MINUTE + 1, 1, 1)).toBe(false);
    expect(s.add(T0 + 2 * HOUR, 2, 1)).toBe(false);
  });

  it('refuses a slice target outside (0, 1] and slices shorter than a minute', () => {
    expect(() => series({ sliceTarget: 0 })).toThrow(RangeError);
    expect(() => series({ sliceTarget: 99 })).toThrow(RangeError);
    expect(() => series({ sliceMinutes: 0.5 })).toThrow(RangeError);
  });
});

describe('TimesliceSeries against brute-force slice counts', () => {
  const step = fc.record({
    advanceMs: fc.oneof(
      { arbitrary: fc.integer({ min: 0, max: 2 * MINUTE }), weight: 6 },
      { arbitrary: fc.integer({ min: 0, max: 2 * HOUR }), weight: 3 },
      { arbitrary: fc.integer({ min: 0, max: DAY }), weight: 1 },
    ),
    offsetMs: fc.oneof(
      { arbitrary: fc.constant(0), weight: 3 },
      { arbitrary: fc.integer({ min: -30 * MINUTE, max: 0 }), weight: 3 },
      { arbitrary: fc.integer({ min: -3 * HOUR, max: 0 }), weight: 1 },
      { arbitrary: fc.integer({ min: 0, max: 2 * MINUTE }), weight: 1 },
    ),
    // Few events per slice with mostly-good counts, so verdicts flip both ways.
    total: fc.integer({ min: 0, max: 20 }),
    bad: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 3 })),
  });

  it('good and total slices match a recount from the raw events, late events included', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.parse('2023-01-01T00:00:00Z'), max: Date.parse('2026-01-01T00:00:00Z') }),
        fc.constantFrom(1, 2, 5, 7, 10, 60),
        fc.constantFrom(900, 950, 990, 999, 1000),
        fc.integer({ min: 60, max: 400 }),
        fc.integer({ min: 0, max: 72 }),
        fc.array(step, { minLength: 1, maxLength: 100 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 6 }),
        (t0, sliceMinutes, permille, minuteSpan, extraHours, steps, queries) => {
          const hourSpan = Math.ceil((minuteSpan - 1) / 60) + 1 + extraHours;
          const sliceMs = sliceMinutes * MINUTE;
          const slots = Math.ceil(minuteSpan / sliceMinutes);
          const s = new TimesliceSeries({
            sliceMinutes,
            sliceTarget: permille / 1000,
            minuteSpan,
            hourSpan,
            nowMs: t0,
          });
          const accepted: RawEvent[] = [];
          let now = t0;
          let head = t0;
          for (const st of steps) {
            now += st.advanceMs;
            head = Math.max(head, now);
            s.advance(now);
            const atMs = now + st.offsetMs;
            const good = Math.max(0, st.total - st.bad);
            const slice = Math.floor(atMs / sliceMs);
            const oldestSlice = Math.max(
              Math.floor(head / sliceMs) - slots + 1,
              Math.ceil(tierModel(head, minuteSpan, hourSpan).hourStartMs / sliceMs),
            );
            const expected = atMs <= now + MINUTE && slice >= oldestSlice;
            expect(s.add(atMs, good, st.total)).toBe(expected);
            if (expected) {
              accepted.push({ atMs, good, total: st.total });
              head = Math.max(head, atMs);
            }
          }
          // Integer arithmetic: a slice is good when good/total ≥ permille/1000.
          const slices = bruteSlices(accepted, sliceMs, (g, t) => g * 1000 >= permille * t);
          const tiers = tierModel(head, minuteSpan, hourSpan);
          const reach = hourSpan * HOUR + HOUR;
          for (const q of queries) {
            const from = now - Math.round(q * reach);
            expect(s.sum(from, now)).toEqual(bruteSum(slices, from, now, tiers));
          }
          for (const w of BURN_WINDOWS)
            expect(s.sum(now - w.ms, now)).toEqual(bruteSum(slices, now - w.ms, now, tiers));
        },
      ),
      { numRuns: 200 },
    );
  });
});
