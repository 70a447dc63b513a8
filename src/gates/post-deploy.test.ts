import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ANALYSIS_DEFAULTS } from '../catalog/build-release.js';
import type { GateMetric, PostDeployAnalysis } from '../catalog/model.js';
import { histogramOf, latencyBucket } from '../slo/latency.js';
import { buildSlo } from '../slo/slo.test-support.js';
import { type Criterion, parseCriterion } from './criteria.js';
import {
  analysisWindows,
  defaultObjectives,
  measure,
  metricValue,
  postDeploy,
  type ResolvedObjective,
  SETTLE_MS,
  type WindowData,
} from './post-deploy.js';

const MINUTE = 60_000;
const at = (iso: string): number => Date.parse(iso);

function crit(text: string): Criterion {
  const parsed = parseCriterion(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.criterion;
}

/** The documented defaults: no delay, 30 min after, 2 h before, 50 events, 90/75. */
function buildAnalysis(overrides: Partial<PostDeployAnalysis> = {}): PostDeployAnalysis {
  return { ...ANALYSIS_DEFAULTS, objectives: [], ...overrides };
}

/** An objective on SLO pay-ok (SLI paid, 99.9%) that passes at most 1 unless told otherwise. */
function buildObjective(metric: GateMetric, overrides: Partial<ResolvedObjective> = {}): ResolvedObjective {
  return {
    name: `pay-ok/${metric}`,
    slo: 'pay-ok',
    sli: 'paid',
    metric,
    key: false,
    weight: 1,
    pass: [[crit('<=1')]],
    warning: [],
    objectiveRatio: 0.999,
    ...overrides,
  };
}

/** `good` of `total` events, with latencies when given. */
const counted = (good: number, total: number, latenciesMs?: readonly number[]): WindowData =>
  latenciesMs === undefined ? { good, total } : { good, total, latency: histogramOf(latenciesMs) };

/** 1, 2, …, n milliseconds. */
const upTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('analysisWindows', () => {
  it('leaves out the minute of a change at hh:mm:30 and starts after the delay, on whole minutes', () => {
    const w = analysisWindows(at('2027-06-01T10:15:30Z'), buildAnalysis({ delayMs: 2 * MINUTE }));
    expect(w).toEqual({
      baseline: { from: at('2027-06-01T08:15:00Z'), to: at('2027-06-01T10:15:00Z') },
      evaluation: { from: at('2027-06-01T10:18:00Z'), to: at('2027-06-01T10:48:00Z') },
    });
    const noDelay = analysisWindows(at('2027-06-01T10:15:30Z'), buildAnalysis());
    expect(noDelay.evaluation).toEqual({ from: at('2027-06-01T10:16:00Z'), to: at('2027-06-01T10:46:00Z') });
  });

  it('starts the evaluation at a change made on the minute, and a millisecond later at the next one', () => {
    const onTheMinute = analysisWindows(at('2027-06-01T10:15:00Z'), buildAnalysis());
    expect(onTheMinute).toEqual({
      baseline: { from: at('2027-06-01T08:15:00Z'), to: at('2027-06-01T10:15:00Z') },
      evaluation: { from: at('2027-06-01T10:15:00Z'), to: at('2027-06-01T10:45:00Z') },
    });
    const justAfter = analysisWindows(at('2027-06-01T10:15:00.001Z'), buildAnalysis());
    expect(justAfter.baseline.to).toBe(at('2027-06-01T10:15:00Z'));
    expect(justAfter.evaluation.from).toBe(at('2027-06-01T10:16:00Z'));
    const delayed = analysisWindows(at('2027-06-01T10:15:00Z'), buildAnalysis({ delayMs: 2 * MINUTE }));
    expect(delayed.evaluation.from).toBe(at('2027-06-01T10:17:00Z'));
  });

  it('lasts the window and the baseline, for any change time and whole-minute durations', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: at('2026-01-01T00:00:00Z'), max: at('2028-01-01T00:00:00Z') }),
        fc.nat({ max: 10 }),
        fc.integer({ min: 1, max: 120 }),
        fc.integer({ min: 1, max: 600 }),
        (changeAt, delay, window, baseline) => {
          const analysis = buildAnalysis({
            delayMs: delay * MINUTE,
            windowMs: window * MINUTE,
            baselineMs: baseline * MINUTE,
          });
          const { baseline: b, evaluation: e } = analysisWindows(changeAt, analysis);
          for (const bound of [b.from, b.to, e.from, e.to]) expect(bound % MINUTE).toBe(0);
          expect(b.to - b.from).toBe(analysis.baselineMs);
          expect(e.to - e.from).toBe(analysis.windowMs);
          // Nothing before the change is evaluated, nothing after it is baseline, and
          // neither takes more than the part of a minute it has to.
          expect(b.to).toBeLessThanOrEqual(changeAt);
          expect(changeAt - b.to).toBeLessThan(MINUTE);
          expect(e.from).toBeGreaterThanOrEqual(changeAt + analysis.delayMs);
          expect(e.from - (changeAt + analysis.delayMs)).toBeLessThan(MINUTE);
          // The minute the change happened in belongs to neither, unless it starts with the change.
          const changeMinute = Math.floor(changeAt / MINUTE) * MINUTE;
          expect(b.to).toBeLessThanOrEqual(changeMinute);
          if (changeAt !== changeMinute) expect(e.from).toBeGreaterThanOrEqual(changeMinute + MINUTE);
        },
      ),
    );
  });
});

describe('defaultObjectives', () => {
  it('makes a key burn-rate objective of every SLO: at most 1 (or 10% above the baseline) passes, at most 2 (or 50% above) warns', () => {
    const slos = [
      buildSlo({ name: 'pay-ok', displayName: 'Payments succeed', sli: 'paid' }),
      buildSlo({ name: 'pay-fast', sli: 'paid-fast' }),
    ];
    expect(defaultObjectives(slos)).toEqual([
      {
        name: 'pay-ok/burnRate',
        displayName: 'Payments succeed: burn rate',
        slo: 'pay-ok',
        metric: 'burnRate',
        key: true,
        weight: 1,
        pass: [[crit('<=1')], [crit('<=+10%')]],
        warning: [[crit('<=2')], [crit('<=+50%')]],
      },
      {
        name: 'pay-fast/burnRate',
        displayName: 'pay-fast: burn rate',
        slo: 'pay-fast',
        metric: 'burnRate',
        key: true,
        weight: 1,
        pass: [[crit('<=1')], [crit('<=+10%')]],
        warning: [[crit('<=2')], [crit('<=+50%')]],
      },
    ]);
    expect(defaultObjectives([])).toEqual([]);
  });
});

describe('metricValue', () => {
  const WINDOW = 30 * MINUTE;

  it('gives error and success percentages over the window', () => {
    expect(metricValue(buildObjective('errorPercent'), counted(197, 200), WINDOW)).toEqual({
      value: 1.5,
      events: 200,
    });
    expect(metricValue(buildObjective('successPercent'), counted(197, 200), WINDOW)).toEqual({
      value: 98.5,
      events: 200,
    });
    expect(metricValue(buildObjective('errorPercent'), counted(200, 200), WINDOW)).toEqual({
      value: 0,
      events: 200,
    });
  });

  it('divides the error ratio by the error budget of the objective for the burn rate', () => {
    const burn = (good: number, total: number, objectiveRatio: number) =>
      metricValue(buildObjective('burnRate', { objectiveRatio }), counted(good, total), WINDOW);
    // 2 errors in 1000 against 99.9%: twice as fast as the budget allows.
    expect(burn(998, 1000, 0.999)).toEqual({ value: 2, events: 1000 });
    expect(burn(9995, 10_000, 0.999).value).toBe(0.5);
    expect(burn(990, 1000, 0.99).value).toBe(1);
    expect(burn(1000, 1000, 0.99).value).toBe(0);
    expect(burn(0, 1000, 0.9).value).toBe(10);
  });

  it('gives round numbers where floating point would not', () => {
    // The target as the runtime passes it: 99.9 / 100 is 0.9990000000000001, and
    // 1 error in 1000 would be a burn rate of 1.0000000000001101, shown as above 1.
    expect(
      metricValue(buildObjective('burnRate', { objectiveRatio: 99.9 / 100 }), counted(999, 1000), WINDOW),
    ).toEqual({
      value: 1,
      events: 1000,
    });
    expect(
      metricValue(buildObjective('burnRate', { objectiveRatio: 99.95 / 100 }), counted(1998, 2000), WINDOW)
        .value,
    ).toBe(2);
    // 7 errors in 1000 are 0.7%, not 0.7000000000000001%.
    expect(metricValue(buildObjective('errorPercent'), counted(993, 1000), WINDOW).value).toBe(0.7);
    expect(metricValue(buildObjective('successPercent'), counted(993, 1000), WINDOW).value).toBe(99.3);
  });

  it('has no burn rate without an objective, yet counts the events', () => {
    const { objectiveRatio: _, ...noTarget } = buildObjective('burnRate');
    expect(metricValue(noTarget, counted(998, 1000), WINDOW)).toEqual({ value: undefined, events: 1000 });
  });

  it('has no value without events', () => {
    for (const metric of ['errorPercent', 'successPercent', 'burnRate'] as const) {
      expect(metricValue(buildObjective(metric), counted(0, 0), WINDOW)).toEqual({
        value: undefined,
        events: 0,
      });
      expect(metricValue(buildObjective(metric), undefined, WINDOW)).toEqual({ value: undefined, events: 0 });
    }
  });

  it('gives throughput per minute of the window, 0 without events', () => {
    expect(metricValue(buildObjective('throughput'), counted(590, 600), WINDOW)).toEqual({
      value: 20,
      events: 600,
    });
    expect(metricValue(buildObjective('throughput'), counted(2390, 2400), 120 * MINUTE)).toEqual({
      value: 20,
      events: 2400,
    });
    expect(metricValue(buildObjective('throughput'), undefined, WINDOW)).toEqual({ value: 0, events: 0 });
  });

  it('reads latency percentiles from the histogram, counting only events with a latency', () => {
    // 1 … 1000 ms: the nearest-rank p95 is 950 ms; the histogram's is in its bucket, within 5%.
    const data = counted(1000, 1200, upTo(1000));
    const p95 = metricValue(buildObjective('latencyP95'), data, WINDOW);
    expect(p95.events).toBe(1000);
    expect(latencyBucket(p95.value ?? 0)).toBe(latencyBucket(950));
    expect(p95.value).toBeGreaterThan(950 / 1.05);
    expect(p95.value).toBeLessThan(950 * 1.05);
    const p50 = metricValue(buildObjective('latencyP50'), data, WINDOW).value ?? 0;
    const p99 = metricValue(buildObjective('latencyP99'), data, WINDOW).value ?? 0;
    expect(latencyBucket(p50)).toBe(latencyBucket(500));
    expect(latencyBucket(p99)).toBe(latencyBucket(990));
    // 95 of 100 within the first millisecond: the 95th percentile is the top of that bucket, 1 ms.
    const fast = counted(100, 100, [...Array(95).fill(0.5), ...Array(5).fill(3000)]);
    expect(metricValue(buildObjective('latencyP95'), fast, WINDOW)).toEqual({ value: 1, events: 100 });
  });

  it('has no latency percentile when the events carried no latency', () => {
    expect(metricValue(buildObjective('latencyP95'), counted(990, 1000), WINDOW)).toEqual({
      value: undefined,
      events: 0,
    });
    expect(metricValue(buildObjective('latencyP95'), counted(0, 0, []), WINDOW)).toEqual({
      value: undefined,
      events: 0,
    });
  });
});

describe('measure', () => {
  const analysis = buildAnalysis();
  const data = (evaluation?: WindowData, baseline?: WindowData) =>
    new Map([
      [
        'paid',
        {
          ...(evaluation !== undefined && { evaluation }),
          ...(baseline !== undefined && { baseline }),
        },
      ],
    ]);

  it('takes exactly minEvents as enough, in either window', () => {
    const m = measure([buildObjective('errorPercent')], data(counted(49, 50), counted(198, 200)), analysis);
    expect(m.get('pay-ok/errorPercent')).toEqual({ value: 2, baseline: 1 });
  });

  it('is inconclusive with one event fewer, giving the counts in words', () => {
    const m = measure([buildObjective('errorPercent')], data(counted(49, 49), counted(49, 49)), analysis);
    expect(m.get('pay-ok/errorPercent')).toEqual({
      value: 0,
      inconclusive: '49 events of paid in the 30 min after the change; 50 needed',
      baselineInconclusive: '49 events of paid in the 120 min before the change; 50 needed',
    });
  });

  it('drops a baseline resting on too few events but keeps a value resting on enough', () => {
    const m = measure([buildObjective('burnRate')], data(counted(998, 1000), counted(12, 12)), analysis);
    const burn = m.get('pay-ok/burnRate');
    expect(burn?.value).toBeCloseTo(2, 12);
    expect(burn?.inconclusive).toBeUndefined();
    expect(burn?.baseline).toBeUndefined();
    expect(burn?.baselineInconclusive).toBe('12 events of paid in the 120 min before the change; 50 needed');
  });

  it('counts only events with a latency for latency percentiles, in seconds for short windows', () => {
    const short = buildAnalysis({ windowMs: MINUTE, baselineMs: 90_000, minEvents: 10 });
    const m = measure([buildObjective('latencyP95')], data(counted(500, 500), counted(9, 9, upTo(9))), short);
    expect(m.get('pay-ok/latencyP95')).toEqual({
      inconclusive: '0 events with a latency of paid in the 60 s after the change; 10 needed',
      baselineInconclusive: '9 events with a latency of paid in the 90 s before the change; 10 needed',
    });
  });

  it('never calls throughput inconclusive: a drop to nothing is what it measures', () => {
    const m = measure([buildObjective('throughput')], data(undefined, counted(2400, 2400)), analysis);
    expect(m.get('pay-ok/throughput')).toEqual({ value: 0, baseline: 20 });
  });

  it('is inconclusive for an SLI without any data', () => {
    const m = measure([buildObjective('errorPercent', { sli: 'nothing' })], data(), analysis);
    expect(m.get('pay-ok/errorPercent')).toEqual({
      inconclusive: '0 events of nothing in the 30 min after the change; 50 needed',
      baselineInconclusive: '0 events of nothing in the 120 min before the change; 50 needed',
    });
  });
});

describe('postDeploy', () => {
  const changeAt = at('2027-06-01T10:15:30Z');
  const analysis = buildAnalysis({ delayMs: 2 * MINUTE });
  const end = at('2027-06-01T10:48:00Z');
  /** When the window's data is in and the verdict final. */
  const settled = end + SETTLE_MS;
  const objectives: ResolvedObjective[] = defaultObjectives([
    buildSlo({ name: 'pay-ok', displayName: 'Payments succeed', sli: 'paid' }),
    buildSlo({ name: 'pay-fast', sli: 'paid-fast' }, { target: 99 }),
  ]).map((o) =>
    o.slo === 'pay-ok'
      ? { ...o, sli: 'paid', objectiveRatio: 0.999 }
      : { ...o, sli: 'paid-fast', objectiveRatio: 0.99 },
  );
  const data = (paidErrors: number, fastErrors: number) =>
    new Map([
      ['paid', { evaluation: counted(1000 - paidErrors, 1000), baseline: counted(4000, 4000) }],
      ['paid-fast', { evaluation: counted(1000 - fastErrors, 1000), baseline: counted(4000, 4000) }],
    ]);

  it('passes when no SLO burns faster than allowed, once the window has ended', () => {
    const r = postDeploy(objectives, data(1, 5), analysis, changeAt, settled);
    expect(r.result).toBe('pass');
    // 1 error in 1000 against 99.9% is a burn rate of exactly 1 (give or take rounding): a pass.
    expect(r.objectives[0]?.value).toBeCloseTo(1, 12);
    expect(r.objectives[0]?.reason).toBe('Payments succeed: burn rate passed: 1 <= 1');
    expect(r.score).toBe(100);
    expect(r.pendingUntil).toBeUndefined();
    expect(r.windows.evaluation).toEqual({ from: at('2027-06-01T10:18:00Z'), to: end });
    expect(r.objectives.map((o) => [o.name, o.verdict])).toEqual([
      ['pay-ok/burnRate', 'pass'],
      ['pay-fast/burnRate', 'pass'],
    ]);
  });

  it('warns on a burn rate between 1 and 2 when another SLO holds', () => {
    const r = postDeploy(objectives, data(1, 15), analysis, changeAt, settled);
    expect(r.result).toBe('warning');
    expect(r.score).toBe(75);
    expect(r.objectives[1]?.verdict).toBe('warning');
  });

  it('fails on a key burn rate above 2, naming the SLO', () => {
    const r = postDeploy(objectives, data(3, 5), analysis, changeAt, settled);
    expect(r.result).toBe('fail');
    expect(r.reasons[0]).toBe(
      'key objective Payments succeed: burn rate failed: 3 > 2 and 3 > 0 (<=+50% of baseline 0)',
    );
  });

  it('is inconclusive until the evaluation window ends, whatever the data so far', () => {
    for (const [paid, fast] of [
      [0, 0],
      [3, 5],
    ] as const) {
      const r = postDeploy(objectives, data(paid, fast), analysis, changeAt, settled - 1);
      expect(r.result).toBe('inconclusive');
      expect(r.pendingUntil).toBe(settled);
      expect(r.reasons[0]).toBe(
        'the evaluation window ends at 2027-06-01T10:48:00.000Z and its data is in by 2027-06-01T10:51:00.000Z; ask again then (--wait does)',
      );
    }
    const early = postDeploy(objectives, data(3, 5), analysis, changeAt, settled - 1);
    expect(early.reasons.slice(1)).toEqual(
      postDeploy(objectives, data(3, 5), analysis, changeAt, settled).reasons,
    );
  });

  it('is inconclusive on a key objective with too few events after the change', () => {
    const thin = new Map([
      ['paid', { evaluation: counted(49, 49), baseline: counted(4000, 4000) }],
      ['paid-fast', { evaluation: counted(1000, 1000), baseline: counted(4000, 4000) }],
    ]);
    const r = postDeploy(objectives, thin, analysis, changeAt, settled);
    expect(r.result).toBe('inconclusive');
    expect(r.pendingUntil).toBeUndefined();
    expect(r.reasons[0]).toBe(
      'key objective Payments succeed: burn rate is inconclusive: 49 events of paid in the 30 min after the change; 50 needed',
    );
  });

  it('compares latency with the baseline through relative criteria', () => {
    const p95 = buildObjective('latencyP95', {
      name: 'pay-fast/latencyP95',
      sli: 'paid-fast',
      pass: [[crit('<=+10%'), crit('<2000')]],
      warning: [[crit('<=+25%')]],
    });
    const before = upTo(1000);
    const slower = (factor: number) =>
      new Map([
        [
          'paid-fast',
          {
            evaluation: counted(
              1000,
              1000,
              before.map((ms) => ms * factor),
            ),
            baseline: counted(4000, 4000, before),
          },
        ],
      ]);
    const verdict = (factor: number) =>
      postDeploy([p95], slower(factor), analysis, changeAt, end).objectives[0];
    expect(verdict(1)?.verdict).toBe('pass');
    expect(verdict(1.2)?.verdict).toBe('warning');
    expect(verdict(1.5)?.verdict).toBe('fail');
    expect(verdict(1)?.baseline).toBe(verdict(1)?.value);
  });
});
