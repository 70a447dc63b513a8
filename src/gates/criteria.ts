/**
 * Release-gate criteria: the strings of a Keptn `slo.yaml` objective, such as
 * `<600` (absolute), `<=+10%` (within 10% above the baseline) or `>-5`
 * (more than the baseline minus 5). Parsing and judging one criterion; the
 * AND/OR lists and the gate's score live in scoring.ts.
 */

export type CriterionOp = '<' | '<=' | '=' | '>' | '>=';

export interface Criterion {
  readonly op: CriterionOp;
  /** 'absolute': compare with value; 'relativePercent': target = baseline × (100 ± value)/100 ('%' always means relative); 'relativeDelta': sign without '%', target = baseline ± value. */
  readonly kind: 'absolute' | 'relativePercent' | 'relativeDelta';
  /** Signed for relative kinds (e.g. +10, -8), unsigned for absolute. */
  readonly value: number;
  /** As written, trimmed, e.g. "<=+10%". */
  readonly text: string;
}

export type ParsedCriterion =
  | { readonly ok: true; readonly criterion: Criterion }
  | { readonly ok: false; readonly message: string };

// Two-character operators first, so that `<=5` is not read as `<` and `=5`.
const GRAMMAR = /^(<=|>=|<|>|=)\s*([+-]?)(\d+\.?\d*|\.\d+)(%?)$/;
const EXAMPLES = '"<600", "<=+10%", ">-8%", "=0"';
/** `=` and the equality in `<=`/`>=` allow this relative difference, so that baseline × 1.1 still equals 1.1 × baseline. */
const TOLERANCE = 1e-9;

/**
 * Parses one criterion. Unlike Keptn's regular expression, which accepts `<<5`
 * or a bare `<=`, only one operator and one decimal number are accepted (no
 * exponent, NaN or Infinity); a `%` without a sign is relative, as in Keptn
 * (#1498: `<=10%` is `<=+10%`).
 *
 * @example
 * parseCriterion('<=+10%'); // { ok: true, criterion: { op: '<=', kind: 'relativePercent', value: 10, text: '<=+10%' } }
 * parseCriterion('=<5'); // { ok: false, message: 'criterion "=<5" is not valid: …' }
 */
export function parseCriterion(text: string): ParsedCriterion {
  if (typeof text !== 'string') return { ok: false, message: `a criterion is a string, not ${typeof text}` };
  const trimmed = text.trim();
  const match = GRAMMAR.exec(trimmed);
  if (!match) {
    return {
      ok: false,
      message: `criterion ${JSON.stringify(trimmed)} is not valid: expected an operator (<, <=, =, >, >=) and a number, signed or with % when relative to the baseline, e.g. ${EXAMPLES}`,
    };
  }
  const [, op, sign, digits, percent] = match as unknown as [string, CriterionOp, string, string, string];
  const magnitude = Number(digits);
  if (!Number.isFinite(magnitude))
    return {
      ok: false,
      message: `criterion ${JSON.stringify(trimmed)} is not valid: the number is too large`,
    };
  const signed = sign === '-' ? -magnitude : magnitude;
  const kind = percent === '%' ? 'relativePercent' : sign !== '' ? 'relativeDelta' : 'absolute';
  // `-0` and `0` mean the same; keep one so that results compare equal.
  return { ok: true, criterion: { op, kind, value: signed === 0 ? 0 : signed, text: trimmed } };
}

/**
 * The target a criterion compares against, or undefined when it is relative and there is no baseline.
 * A baseline that is not a finite number counts as none.
 *
 * @example
 * targetOf(parseCriterion('>-8%').criterion, 200); // 184
 */
export function targetOf(c: Criterion, baseline: number | undefined): number | undefined {
  if (c.kind === 'absolute') return c.value;
  if (baseline === undefined || !Number.isFinite(baseline)) return undefined;
  return c.kind === 'relativePercent' ? (baseline * (100 + c.value)) / 100 : baseline + c.value;
}

/**
 * true/false, or undefined when undecidable (relative without baseline, or value undefined).
 * A NaN value is undecidable too. Equality (`=`, and the equal half of `<=` and
 * `>=`) allows a relative difference of 1e-9, so `<` is always the negation of `>=`.
 *
 * @example
 * meets(parseCriterion('<=+10%').criterion, 215, 200); // true: 215 <= 220
 * meets(parseCriterion('<=+10%').criterion, 215, undefined); // undefined
 */
export function meets(
  c: Criterion,
  value: number | undefined,
  baseline: number | undefined,
): boolean | undefined {
  const target = targetOf(c, baseline);
  if (target === undefined || value === undefined || Number.isNaN(value)) return undefined;
  const order = compare(value, target);
  switch (c.op) {
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '=':
      return order === 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
  }
}

/** -1, 0 or 1, with values within the tolerance counted as equal. */
function compare(a: number, b: number): number {
  if (a === b || Math.abs(a - b) <= TOLERANCE * Math.max(Math.abs(a), Math.abs(b))) return 0;
  return a < b ? -1 : 1;
}
