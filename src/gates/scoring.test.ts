import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Criterion, parseCriterion } from './criteria.js';
import { type GateObjective, type Measurement, scoreGate, type TotalScore } from './scoring.js';

function crit(text: string): Criterion {
  const parsed = parseCriterion(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.criterion;
}

interface ObjectiveOverrides {
  readonly displayName?: string;
  readonly key?: boolean;
  readonly weight?: number;
  /** Criteria as written: OR of AND lists. */
  readonly pass?: readonly (readonly string[])[];
  readonly warning?: readonly (readonly string[])[];
}

/** An objective with one absolute pass criterion `<=1` unless told otherwise. */
function buildObjective(name: string, overrides: ObjectiveOverrides = {}): GateObjective {
  const { pass = [['<=1']], warning = [], key = false, weight = 1, displayName } = overrides;
  return {
    name,
    ...(displayName !== undefined && { displayName }),
    key,
    weight,
    pass: pass.map((list) => list.map(crit)),
    warning: warning.map((list) => list.map(crit)),
  };
}

const measured = (entries: Record<string, Measurement>): ReadonlyMap<string, Measurement> =>
  new Map(Object.entries(entries));

const TOTAL: TotalScore = { pass: 90, warning: 75 };

/** The slo.yaml example of the reference: 2 + 0.5 + 1 of 4 is 87.5%, a warning. */
const reference = [
  buildObjective('error_pct', { key: true, weight: 2, pass: [['<=0.5']], warning: [['<=1']] }),
  buildObjective('p95_ms', { pass: [['<=+5%', '<700']], warning: [['<=900']] }),
  buildObjective('cpu_util', { pass: [['<80']] }),
  buildObjective('rps', { pass: [] }),
];
const referenceData = (errorPct: number) =>
  measured({
    error_pct: { value: errorPct },
    p95_ms: { value: 850, baseline: 800 },
    cpu_util: { value: 60 },
    rps: { value: 120 },
  });

describe('scoreGate', () => {
  it('scores the reference example 87.5: a warning', () => {
    const gate = scoreGate(reference, referenceData(0.2), TOTAL);
    expect(gate.result).toBe('warning');
    expect(gate.score).toBe(87.5);
    expect(gate.scoreRange).toBeUndefined();
    expect(gate.objectives.map((o) => [o.name, o.verdict, o.score])).toEqual([
      ['error_pct', 'pass', 2],
      ['p95_ms', 'warning', 0.5],
      ['cpu_util', 'pass', 1],
      ['rps', 'info', undefined],
    ]);
    expect(gate.reasons).toEqual([
      'score 87.5 is below the pass threshold 90 but meets the warning threshold 75',
      'p95_ms is a warning: 850 > 840 (<=+5% of baseline 800), but 850 <= 900',
    ]);
    const p95 = gate.objectives[1];
    expect(p95?.value).toBe(850);
    expect(p95?.baseline).toBe(800);
    expect(p95?.pass).toEqual([
      [
        { text: '<=+5%', target: 840, met: false },
        { text: '<700', target: 700, met: false },
      ],
    ]);
    expect(p95?.warning).toEqual([[{ text: '<=900', target: 900, met: true }]]);
    expect(gate.objectives[0]?.reason).toBe('error_pct passed: 0.2 <= 0.5');
    expect(gate.objectives[3]?.reason).toBe('rps is informational (no pass criteria): value 120');
  });

  it('fails the reference example when the key error rate fails', () => {
    const gate = scoreGate(reference, referenceData(1.4), TOTAL);
    expect(gate.result).toBe('fail');
    expect(gate.score).toBe(37.5);
    expect(gate.objectives[0]?.reason).toBe('error_pct failed: 1.4 > 1');
    expect(gate.reasons[0]).toBe('key objective error_pct failed: 1.4 > 1');
  });

  it('fails on a failing key objective even when the score clears the pass threshold', () => {
    const objectives = [
      buildObjective('errors', { key: true, displayName: 'Order errors' }),
      ...['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].map((n) => buildObjective(n)),
    ];
    const data = new Map<string, Measurement>(objectives.map((o) => [o.name, { value: 0.5 }]));
    const gate = scoreGate(objectives, new Map([...data, ['errors', { value: 2 }]]), TOTAL);
    expect(gate.score).toBe(90);
    expect(gate.result).toBe('fail');
    expect(gate.reasons).toEqual(['key objective Order errors failed: 2 > 1']);
    expect(gate.objectives[0]).toMatchObject({
      name: 'errors',
      displayName: 'Order errors',
      verdict: 'fail',
    });
  });

  it('needs every criterion of one list (AND) and any one list (OR)', () => {
    const objectives = [buildObjective('x', { pass: [['<10', '>2'], ['=100']], warning: [['<20']] })];
    const verdict = (value: number) => scoreGate(objectives, measured({ x: { value } }), TOTAL).objectives[0];
    expect(verdict(5)?.verdict).toBe('pass');
    expect(verdict(100)?.verdict).toBe('pass');
    expect(verdict(100)?.reason).toBe('x passed: 100 = 100');
    expect(verdict(1)).toMatchObject({
      verdict: 'warning',
      reason: 'x is a warning: 1 <= 2 and 1 ≠ 100, but 1 < 20',
    });
    expect(verdict(15)).toMatchObject({ verdict: 'warning', score: 0.5 });
    expect(verdict(25)).toMatchObject({ verdict: 'fail', score: 0, reason: 'x failed: 25 >= 20' });
  });

  it('weighs objectives by their weight', () => {
    const objectives = [
      buildObjective('heavy', { weight: 3 }),
      buildObjective('light', { weight: 1 }),
      buildObjective('warned', { weight: 1, warning: [['<=2']] }),
    ];
    const gate = scoreGate(
      objectives,
      measured({ heavy: { value: 0 }, light: { value: 5 }, warned: { value: 2 } }),
      { pass: 80, warning: 60 },
    );
    // (3 + 0 + 0.5) / 5
    expect(gate.score).toBe(70);
    expect(gate.result).toBe('warning');
    expect(gate.reasons).toEqual([
      'score 70 is below the pass threshold 80 but meets the warning threshold 60',
      'light failed: 5 > 1',
      'warned is a warning: 2 > 1, but 2 <= 2',
    ]);
  });

  it('leaves informational objectives out of the maximum, measured or not', () => {
    const scored = [buildObjective('a'), buildObjective('b')];
    const data = measured({ a: { value: 0 }, b: { value: 5 } });
    expect(scoreGate(scored, data, TOTAL).score).toBe(50);
    const withInfo = [...scored, buildObjective('info', { pass: [], warning: [['<1']], weight: 10 })];
    const gate = scoreGate(withInfo, data, TOTAL);
    expect(gate.score).toBe(50);
    expect(gate.objectives[2]).toMatchObject({
      verdict: 'info',
      reason: 'info is informational (no pass criteria)',
      warning: [[{ text: '<1', target: 1 }]],
    });
    expect(gate.objectives[2]?.score).toBeUndefined();
  });

  it('fails an objective that could not be measured', () => {
    const objectives = [buildObjective('absent'), buildObjective('empty'), buildObjective('nan')];
    const gate = scoreGate(objectives, measured({ empty: {}, nan: { value: Number.NaN } }), TOTAL);
    expect(gate.result).toBe('fail');
    expect(gate.score).toBe(0);
    expect(gate.objectives.map((o) => [o.verdict, o.score, o.reason])).toEqual([
      ['fail', 0, 'no data for absent'],
      ['fail', 0, 'no data for empty'],
      ['fail', 0, 'no data for nan (the value is not a number)'],
    ]);
    expect(gate.objectives[0]?.pass).toEqual([[{ text: '<=1', target: 1 }]]);
  });

  it('names the key objective that could not be measured', () => {
    const gate = scoreGate([buildObjective('errors', { key: true })], measured({}), TOTAL);
    expect(gate.reasons).toEqual(['key objective errors failed: no data for errors']);
  });

  it('is inconclusive when a key objective is, whatever the rest scores', () => {
    const objectives = [buildObjective('errors', { key: true }), buildObjective('a', { weight: 3 })];
    const data = measured({
      errors: { value: 0, inconclusive: '12 events after the change, 100 needed' },
      a: { value: 0 },
    });
    const gate = scoreGate(objectives, data, TOTAL);
    expect(gate.result).toBe('inconclusive');
    expect(gate.score).toBeUndefined();
    expect(gate.scoreRange).toEqual({ worst: 75, best: 100 });
    expect(gate.objectives[0]).toMatchObject({
      verdict: 'inconclusive',
      reason: 'errors is inconclusive: 12 events after the change, 100 needed',
    });
    expect(gate.objectives[0]?.score).toBeUndefined();
    expect(gate.reasons).toEqual([
      'key objective errors is inconclusive: 12 events after the change, 100 needed',
      'score is between 75 and 100 until one inconclusive objective can be judged, which gives warning to pass',
    ]);
  });

  it('fails when even passing every inconclusive objective cannot reach the warning threshold', () => {
    const objectives = [buildObjective('a'), buildObjective('b'), buildObjective('c'), buildObjective('d')];
    const data = measured({
      a: { inconclusive: 'too few' },
      b: { value: 5 },
      c: { value: 5 },
      d: { value: 0 },
    });
    const gate = scoreGate(objectives, data, TOTAL);
    expect(gate.result).toBe('fail');
    expect(gate.score).toBe(25);
    expect(gate.scoreRange).toEqual({ worst: 25, best: 50 });
    expect(gate.reasons[0]).toBe(
      'score is between 25 and 50 until one inconclusive objective can be judged: even at best it is below the warning threshold 75',
    );
  });

  it('passes when the score passes even with every inconclusive objective failing', () => {
    const objectives = [buildObjective('a', { weight: 19 }), buildObjective('b')];
    const data = measured({ a: { value: 0 }, b: { inconclusive: 'too few' } });
    const gate = scoreGate(objectives, data, TOTAL);
    expect(gate.result).toBe('pass');
    expect(gate.score).toBe(95);
    expect(gate.scoreRange).toEqual({ worst: 95, best: 100 });
    expect(gate.reasons).toEqual([
      'score is between 95 and 100 until one inconclusive objective can be judged, which gives pass either way',
      'b is inconclusive: too few',
    ]);
  });

  it('is inconclusive when the worst and best scores give different verdicts', () => {
    const objectives = [buildObjective('a', { weight: 3 }), buildObjective('b')];
    const data = measured({ a: { value: 0 }, b: { inconclusive: 'too few' } });
    const gate = scoreGate(objectives, data, TOTAL);
    expect(gate.result).toBe('inconclusive');
    expect(gate.score).toBeUndefined();
    expect(gate.scoreRange).toEqual({ worst: 75, best: 100 });
  });

  it('never judges a relative criterion on an inconclusive baseline', () => {
    const objectives = [buildObjective('latency', { pass: [['<=+10%']], warning: [['<=+20%']] })];
    const data = measured({
      latency: { value: 100, baseline: 200, baselineInconclusive: '3 events before the change, 100 needed' },
    });
    const gate = scoreGate(objectives, data, TOTAL);
    expect(gate.result).toBe('inconclusive');
    expect(gate.scoreRange).toEqual({ worst: 0, best: 100 });
    const latency = gate.objectives[0];
    expect(latency?.reason).toBe(
      'latency is inconclusive: <=+10% is relative and the baseline is inconclusive (3 events before the change, 100 needed)',
    );
    expect(latency?.baseline).toBeUndefined();
    expect(latency?.pass).toEqual([[{ text: '<=+10%' }]]);
  });

  it('says so when a relative criterion has no baseline, even if the warning level holds', () => {
    const objectives = [
      buildObjective('latency', { pass: [['<=+5%', '<700'], ['<=+5']], warning: [['<=900']] }),
    ];
    const gate = scoreGate(objectives, measured({ latency: { value: 650 } }), TOTAL);
    expect(gate.objectives[0]).toMatchObject({
      verdict: 'inconclusive',
      reason: 'latency is inconclusive: <=+5%, <=+5 are relative and there is no baseline',
    });
  });

  it('judges a warning level on its own when the pass level fails outright', () => {
    const objectives = [buildObjective('latency', { pass: [['<600']], warning: [['<=+10%']] })];
    const undecided = scoreGate(objectives, measured({ latency: { value: 650 } }), TOTAL);
    expect(undecided.objectives[0]?.reason).toBe(
      'latency is inconclusive: <=+10% is relative and there is no baseline',
    );
    const warned = scoreGate(objectives, measured({ latency: { value: 650, baseline: 600 } }), TOTAL);
    expect(warned.objectives[0]?.reason).toBe(
      'latency is a warning: 650 >= 600, but 650 <= 660 (<=+10% of baseline 600)',
    );
  });

  it('has nothing to judge without scored objectives (Keptn fails instead)', () => {
    expect(scoreGate([], measured({}), TOTAL)).toEqual({
      result: 'inconclusive',
      objectives: [],
      reasons: ['nothing to judge: the gate has no objectives'],
    });
    const info = scoreGate([buildObjective('rps', { pass: [] })], measured({ rps: { value: 3 } }), TOTAL);
    expect(info.result).toBe('inconclusive');
    expect(info.score).toBeUndefined();
    expect(info.reasons).toEqual(['nothing to judge: no objective has pass criteria']);
  });

  it('writes numbers compactly, with the digits it takes to tell value from target', () => {
    const objectives = [
      buildObjective('a', { pass: [['<=0.5']] }),
      buildObjective('b', { pass: [['<0.1']] }),
    ];
    const gate = scoreGate(objectives, measured({ a: { value: 0.50001 }, b: { value: 1234567.89 } }), {
      pass: 100 / 3,
      warning: 0,
    });
    expect(gate.objectives.map((o) => o.reason)).toEqual([
      'a failed: 0.50001 > 0.5',
      'b failed: 1235000 >= 0.1',
    ]);
    expect(gate.reasons[0]).toBe(
      'score 0 is below the pass threshold 33.33 but meets the warning threshold 0',
    );
  });

  it('rounds the score so that thresholds compare as written', () => {
    // 100 × (0.2 + 0.7) / 1.2 is 74.99999999999999 in floating point.
    const objectives = [
      buildObjective('a', { weight: 0.2 }),
      buildObjective('b', { weight: 0.7 }),
      buildObjective('c', { weight: 0.3 }),
    ];
    const data = measured({ a: { value: 0 }, b: { value: 0 }, c: { value: 5 } });
    const gate = scoreGate(objectives, data, { pass: 75, warning: 50 });
    expect(gate.score).toBe(75);
    expect(gate.result).toBe('pass');
  });

  it('rejects programmer errors with a TypeError', () => {
    for (const weight of [0, -1, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => scoreGate([buildObjective('a', { weight })], measured({}), TOTAL)).toThrow(
        new TypeError(`objective "a": weight must be a finite number > 0, got ${weight}`),
      );
    expect(() => scoreGate([buildObjective('a'), buildObjective('a')], measured({}), TOTAL)).toThrow(
      'objective "a" is listed twice',
    );
    expect(() => scoreGate([buildObjective('a', { warning: [[]] })], measured({}), TOTAL)).toThrow(TypeError);
    expect(() => scoreGate([], measured({}), { pass: 50, warning: 60 })).toThrow(TypeError);
    expect(() => scoreGate([], measured({}), { pass: Number.NaN, warning: 0 })).toThrow(TypeError);
  });
});

describe('scoreGate, for any gate', () => {
  const gates = fc
    .record({
      objectives: fc.array(
        fc.record({
          key: fc.boolean(),
          weight: fc.integer({ min: 1, max: 5 }),
          info: fc.constantFrom(false, false, true),
          bound: fc.integer({ min: 0, max: 100 }),
          slack: fc.option(fc.integer({ min: 0, max: 50 })),
          measurement: fc.oneof(
            fc.integer({ min: 0, max: 150 }).map((value): Measurement | undefined => ({ value })),
            fc.constant<Measurement | undefined>({ inconclusive: 'too few events' }),
            fc.constant<Measurement | undefined>(undefined),
          ),
          later: fc.integer({ min: 0, max: 150 }),
        }),
        { maxLength: 6 },
      ),
      warning: fc.integer({ min: 0, max: 100 }),
      gap: fc.integer({ min: 0, max: 100 }),
    })
    .map(({ objectives, warning, gap }) => ({
      objectives: objectives.map((o, i) =>
        buildObjective(`o${i}`, {
          key: o.key,
          weight: o.weight,
          pass: o.info ? [] : [[`<=${o.bound}`]],
          warning: o.slack === null ? [] : [[`<=${o.bound + o.slack}`]],
        }),
      ),
      data: new Map(
        objectives.flatMap((o, i) => (o.measurement ? [[`o${i}`, o.measurement] as const] : [])),
      ) as ReadonlyMap<string, Measurement>,
      /** The same gate once every inconclusive window has enough data. */
      later: new Map(
        objectives.flatMap((o, i) =>
          o.measurement
            ? [[`o${i}`, o.measurement.inconclusive ? { value: o.later } : o.measurement] as const]
            : [],
        ),
      ) as ReadonlyMap<string, Measurement>,
      total: { warning, pass: Math.min(100, warning + gap) },
    }));

  it('never passes while a key objective is inconclusive, and scores within [0, 100]', () => {
    fc.assert(
      fc.property(gates, ({ objectives, data, total }) => {
        const gate = scoreGate(objectives, data, total);
        const keyOpen = gate.objectives.some((o) => o.key && o.verdict === 'inconclusive');
        if (keyOpen) expect(gate.result).not.toBe('pass');
        if (gate.score !== undefined) {
          expect(gate.score).toBeGreaterThanOrEqual(0);
          expect(gate.score).toBeLessThanOrEqual(100);
        }
        if (gate.scoreRange) {
          expect(gate.scoreRange.worst).toBeGreaterThanOrEqual(0);
          expect(gate.scoreRange.worst).toBeLessThanOrEqual(gate.scoreRange.best);
          expect(gate.scoreRange.best).toBeLessThanOrEqual(100);
        }
        if (gate.result === 'pass')
          expect(gate.scoreRange?.worst ?? gate.score).toBeGreaterThanOrEqual(total.pass);
        expect(gate.score === undefined).toBe(gate.result === 'inconclusive');
        expect(gate.reasons.length).toBeGreaterThan(0);
      }),
    );
  });

  it('keeps a decided result once the inconclusive windows fill with data', () => {
    fc.assert(
      fc.property(gates, ({ objectives, data, later, total }) => {
        const before = scoreGate(objectives, data, total);
        const after = scoreGate(objectives, later, total);
        if (after.objectives.some((o) => o.verdict !== 'info')) expect(after.result).not.toBe('inconclusive');
        if (before.result !== 'inconclusive') expect(after.result).toBe(before.result);
        if (before.scoreRange && after.score !== undefined) {
          expect(after.score).toBeGreaterThanOrEqual(before.scoreRange.worst);
          expect(after.score).toBeLessThanOrEqual(before.scoreRange.best);
        }
      }),
    );
  });
});
