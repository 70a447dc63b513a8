import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Criterion, type CriterionOp, meets, parseCriterion, targetOf } from './criteria.js';

/** Parses a criterion the test knows to be valid. */
function crit(text: string): Criterion {
  const parsed = parseCriterion(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.criterion;
}

describe('parseCriterion', () => {
  it.each([
    ['<600', '<', 'absolute', 600, '<600'],
    ['<= 600', '<=', 'absolute', 600, '<= 600'],
    ['  <=+10%  ', '<=', 'relativePercent', 10, '<=+10%'],
    ['>-8%', '>', 'relativePercent', -8, '>-8%'],
    ['=0', '=', 'absolute', 0, '=0'],
    ['<.5', '<', 'absolute', 0.5, '<.5'],
    ['>=10.', '>=', 'absolute', 10, '>=10.'],
    ['<=10%', '<=', 'relativePercent', 10, '<=10%'],
    ['<=+5', '<=', 'relativeDelta', 5, '<=+5'],
    ['>= -2.5', '>=', 'relativeDelta', -2.5, '>= -2.5'],
    ['=-0', '=', 'relativeDelta', 0, '=-0'],
  ])('reads %j as %s %s %d', (text, op, kind, value, trimmed) => {
    expect(parseCriterion(text)).toEqual({ ok: true, criterion: { op, kind, value, text: trimmed } });
  });

  it.each([
    '',
    '   ',
    '5',
    '<<5',
    '=<5',
    '=>5',
    '<=abc',
    '<=+',
    '<=',
    '<=10%%',
    '<=%',
    '<=.',
    '<=+-5',
    '<= + 5',
    '<=5 %',
    'NaN',
    '<NaN',
    'Infinity',
    '<Infinity',
    '<1e3',
    '<1E-3',
    '<0x10',
    '<=5,5',
    '!=5',
  ])('rejects %j, quoting it and showing valid examples', (text) => {
    const parsed = parseCriterion(text);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.message).toContain(JSON.stringify(text.trim()));
    expect(parsed.message).toContain('"<600", "<=+10%", ">-8%", "=0"');
  });

  it('rejects a number too large to represent', () => {
    const text = `<${'9'.repeat(400)}`;
    expect(parseCriterion(text)).toEqual({
      ok: false,
      message: `criterion "${text}" is not valid: the number is too large`,
    });
  });

  it('rejects a value that is not a string, as YAML may give one', () => {
    expect(parseCriterion(5 as unknown as string)).toEqual({
      ok: false,
      message: 'a criterion is a string, not number',
    });
  });

  it('round-trips any well-formed criterion: operator, kind and signed value', () => {
    const number = fc.oneof(
      fc.nat({ max: 100_000 }).map(String),
      fc.tuple(fc.nat({ max: 9999 }), fc.stringMatching(/^\d{1,4}$/)).map(([i, f]) => `${i}.${f}`),
      fc.stringMatching(/^\d{1,4}$/).map((f) => `.${f}`),
      fc.nat({ max: 9999 }).map((i) => `${i}.`),
    );
    const parts = fc.record({
      lead: fc.constantFrom('', ' ', '\t'),
      op: fc.constantFrom<CriterionOp>('<', '<=', '=', '>', '>='),
      gap: fc.constantFrom('', ' ', '  '),
      sign: fc.constantFrom('', '+', '-'),
      number,
      percent: fc.boolean(),
      trail: fc.constantFrom('', ' '),
    });
    fc.assert(
      fc.property(parts, (p) => {
        const text = `${p.lead}${p.op}${p.gap}${p.sign}${p.number}${p.percent ? '%' : ''}${p.trail}`;
        const magnitude = Number(p.number);
        const value = p.sign === '-' && magnitude !== 0 ? -magnitude : magnitude;
        const kind = p.percent ? 'relativePercent' : p.sign !== '' ? 'relativeDelta' : 'absolute';
        expect(parseCriterion(text)).toEqual({
          ok: true,
          criterion: { op: p.op, kind, value, text: text.trim() },
        });
      }),
    );
  });
});

describe('targetOf', () => {
  it('takes a relative percent up or down from the baseline', () => {
    expect(targetOf(crit('<=+10%'), 200)).toBe(220);
    expect(targetOf(crit('<=10%'), 200)).toBe(220);
    expect(targetOf(crit('>-8%'), 200)).toBe(184);
  });

  it('adds a relative delta to the baseline', () => {
    expect(targetOf(crit('<=+5'), 10)).toBe(15);
    expect(targetOf(crit('>=-2.5'), 10)).toBe(7.5);
  });

  it('ignores the baseline, or its absence, for an absolute criterion', () => {
    expect(targetOf(crit('<600'), 200)).toBe(600);
    expect(targetOf(crit('<600'), undefined)).toBe(600);
  });

  it('has no target for a relative criterion without a usable baseline', () => {
    expect(targetOf(crit('<=+10%'), undefined)).toBeUndefined();
    expect(targetOf(crit('<=+5'), undefined)).toBeUndefined();
    expect(targetOf(crit('<=+5'), Number.NaN)).toBeUndefined();
    expect(targetOf(crit('<=+5%'), Number.POSITIVE_INFINITY)).toBeUndefined();
  });
});

describe('meets', () => {
  it('compares with the relative target', () => {
    expect(meets(crit('<=+10%'), 220, 200)).toBe(true);
    expect(meets(crit('<=+10%'), 221, 200)).toBe(false);
    expect(meets(crit('>-8%'), 185, 200)).toBe(true);
    expect(meets(crit('>-8%'), 184, 200)).toBe(false);
    expect(meets(crit('<=+5'), 15, 10)).toBe(true);
    expect(meets(crit('<=+5'), 15.5, 10)).toBe(false);
  });

  it('applies each operator to an absolute target, whatever the baseline', () => {
    const at = (text: string) => [599, 600, 601].map((v) => meets(crit(text), v, 1));
    expect(at('<600')).toEqual([true, false, false]);
    expect(at('<=600')).toEqual([true, true, false]);
    expect(at('=600')).toEqual([false, true, false]);
    expect(at('>600')).toEqual([false, false, true]);
    expect(at('>=600')).toEqual([false, true, true]);
    expect(meets(crit('<600'), 10, undefined)).toBe(true);
  });

  it('counts values within a relative 1e-9 of the target as equal', () => {
    // 0.1 + 0.2 is 0.30000000000000004.
    expect(meets(crit('=0.3'), 0.1 + 0.2, undefined)).toBe(true);
    expect(meets(crit('<0.3'), 0.3 - 1e-12, undefined)).toBe(false);
    expect(meets(crit('>=0.3'), 0.3 - 1e-12, undefined)).toBe(true);
    expect(meets(crit('=0.3'), 0.3 * (1 + 1e-8), undefined)).toBe(false);
    expect(meets(crit('=0'), 0, undefined)).toBe(true);
    expect(meets(crit('=0'), 1e-300, undefined)).toBe(false);
  });

  it('is undecidable without a baseline for relative criteria, or without a value', () => {
    expect(meets(crit('<=+10%'), 100, undefined)).toBeUndefined();
    expect(meets(crit('<=+5'), 100, undefined)).toBeUndefined();
    expect(meets(crit('<600'), undefined, 200)).toBeUndefined();
    expect(meets(crit('<600'), Number.NaN, 200)).toBeUndefined();
  });
});
