/**
 * Release-gate scoring after Keptn's `slo.yaml` evaluation: each objective
 * passes, warns or fails on its criteria (AND within a list, OR across lists),
 * scores its weight, half of it or nothing, and the gate compares the weighted
 * score with the total's pass and warning percentages; a failing key objective
 * fails the gate. Unlike Keptn, too little data is 'inconclusive' rather than a
 * pass: missing history never passes a relative criterion, and a gate is never
 * 'pass' unless it would pass whatever the missing data turns out to be.
 */
import { type Criterion, type CriterionOp, meets, targetOf } from './criteria.js';

export interface GateObjective {
  /** Unique id, e.g. "order-availability/errorPercent". */
  readonly name: string;
  readonly displayName?: string;
  /** A key objective that fails fails the whole gate. */
  readonly key: boolean;
  /** > 0; the default 1 is applied by the caller. */
  readonly weight: number;
  /** OR of AND lists: each inner list holds criteria that must all hold. Empty outer list = informational. */
  readonly pass: readonly (readonly Criterion[])[];
  readonly warning: readonly (readonly Criterion[])[];
}

export interface Measurement {
  /** The value over the evaluation window; undefined = the SLI could not be measured (fails the objective, as in Keptn), unless `inconclusive` is set. */
  readonly value?: number;
  /** The value over the baseline window, for relative criteria; undefined = no usable baseline. */
  readonly baseline?: number;
  /** Set when the window had too little data to judge, with the counts in words, e.g. "12 events after the change, 100 needed". */
  readonly inconclusive?: string;
  /** Same for the baseline window; relative criteria are then undecidable (never a silent pass, unlike Keptn's "no history → pass"). */
  readonly baselineInconclusive?: string;
}

export type ObjectiveVerdict = 'pass' | 'warning' | 'fail' | 'inconclusive' | 'info';

export interface CriterionResult {
  readonly text: string;
  readonly target?: number;
  readonly met?: boolean;
}

export interface ObjectiveResult {
  readonly name: string;
  readonly displayName?: string;
  readonly verdict: ObjectiveVerdict;
  readonly key: boolean;
  readonly weight: number;
  /** pass = weight, warning = weight/2, fail = 0; undefined for inconclusive and info. */
  readonly score?: number;
  readonly value?: number;
  readonly baseline?: number;
  readonly pass: readonly (readonly CriterionResult[])[];
  readonly warning: readonly (readonly CriterionResult[])[];
  /** One human sentence: why this verdict (which criterion failed with value vs target, or why inconclusive). */
  readonly reason: string;
}

export type GateVerdict = 'pass' | 'warning' | 'fail' | 'inconclusive';

/** Percents, compared with >=. */
export interface TotalScore {
  readonly pass: number;
  readonly warning: number;
}

export interface GateScore {
  readonly result: GateVerdict;
  /** 100 × Σscore / Σweight over objectives with pass criteria; undefined when some objective is inconclusive and the result is inconclusive. */
  readonly score?: number;
  /** Range of possible scores when objectives are inconclusive: worst (inconclusive as fail) and best (as pass). */
  readonly scoreRange?: { readonly worst: number; readonly best: number };
  readonly objectives: readonly ObjectiveResult[];
  /** Human sentences explaining the result, most important first (e.g. "key objective X failed: 1.4 > 1"). */
  readonly reasons: readonly string[];
}

/**
 * Scores a release gate. Objectives without pass criteria are informational
 * and not scored. With inconclusive objectives the score is a range, from all
 * of them failing to all passing: the gate fails when even the best cannot
 * reach the warning threshold, takes the verdict both ends agree on, and is
 * otherwise (or when a key objective is inconclusive) 'inconclusive'.
 *
 * Deviation from Keptn: a gate with nothing to score (no objectives, or only
 * informational ones) is 'inconclusive' with the reason "nothing to judge";
 * Keptn fails it.
 *
 * @throws TypeError on a programmer error: a weight that is not a finite number > 0,
 * a duplicate name, an empty criteria list, or thresholds that are not finite or put warning above pass.
 *
 * @example
 * scoreGate(objectives, new Map([['error_pct', { value: 0.2 }], ['p95_ms', { value: 850, baseline: 800 }]]), { pass: 90, warning: 75 });
 * // { result: 'warning', score: 87.5, reasons: ['score 87.5 is below the pass threshold 90 but meets the warning threshold 75', …], … }
 */
export function scoreGate(
  objectives: readonly GateObjective[],
  measurements: ReadonlyMap<string, Measurement>,
  total: TotalScore,
): GateScore {
  validate(objectives, total);
  const results = objectives.map((o) => judge(o, measurements.get(o.name)));
  const scored = results.filter((r) => r.verdict !== 'info');
  if (scored.length === 0) {
    const why = objectives.length === 0 ? 'the gate has no objectives' : 'no objective has pass criteria';
    return { result: 'inconclusive', objectives: results, reasons: [`nothing to judge: ${why}`] };
  }
  const weights = sum(scored.map((r) => r.weight));
  const open = scored.filter((r) => r.verdict === 'inconclusive');
  const known = sum(scored.map((r) => r.score ?? 0));
  const worst = percent(known, weights);
  const best = percent(known + sum(open.map((r) => r.weight)), weights);
  const range = open.length > 0 ? { scoreRange: { worst, best } } : {};
  const keyFailed = scored.filter((r) => r.key && r.verdict === 'fail');
  // After the headline: the other objectives that did not pass, failures first.
  const others = (shown: readonly ObjectiveResult[]) =>
    (['fail', 'inconclusive', 'warning'] as const).flatMap((v) =>
      scored.filter((r) => r.verdict === v && !shown.includes(r)).map((r) => r.reason),
    );

  if (keyFailed.length > 0) {
    const reasons = keyFailed.map(keyReason);
    return {
      result: 'fail',
      score: worst,
      ...range,
      objectives: results,
      reasons: [...reasons, ...others(keyFailed)],
    };
  }
  if (open.length === 0) {
    const result = verdictOf(worst, total);
    return {
      result,
      score: worst,
      objectives: results,
      reasons: [scoreReason(worst, result, total), ...others([])],
    };
  }
  const between = `score is between ${fmt(worst)} and ${fmt(best)} until ${count(open.length)} can be judged`;
  if (best < total.warning) {
    const reason = `${between}: even at best it is below the warning threshold ${fmt(total.warning)}`;
    return { result: 'fail', score: worst, ...range, objectives: results, reasons: [reason, ...others([])] };
  }
  const keyOpen = open.filter((r) => r.key);
  const low = verdictOf(worst, total);
  const high = verdictOf(best, total);
  if (keyOpen.length > 0 || low !== high) {
    const reasons = keyOpen.map(keyReason);
    const spread = low === high ? between : `${between}, which gives ${low} to ${high}`;
    return {
      result: 'inconclusive',
      ...range,
      objectives: results,
      reasons: [...reasons, spread, ...others(keyOpen)],
    };
  }
  const reason = `${between}, which gives ${low} either way`;
  return { result: low, score: worst, ...range, objectives: results, reasons: [reason, ...others([])] };
}

/** "key objective error_pct failed: 1.4 > 1", "key objective error_pct failed: no data for error_pct". */
function keyReason(r: ObjectiveResult): string {
  const label = r.displayName ?? r.name;
  return r.reason.startsWith(`${label} `)
    ? `key objective ${r.reason}`
    : `key objective ${label} failed: ${r.reason}`;
}

function validate(objectives: readonly GateObjective[], total: TotalScore): void {
  const names = new Set<string>();
  for (const o of objectives) {
    if (names.has(o.name)) throw new TypeError(`objective "${o.name}" is listed twice`);
    names.add(o.name);
    if (!(Number.isFinite(o.weight) && o.weight > 0))
      throw new TypeError(`objective "${o.name}": weight must be a finite number > 0, got ${o.weight}`);
    if ([...o.pass, ...o.warning].some((list) => list.length === 0))
      throw new TypeError(`objective "${o.name}": an empty criteria list would always hold`);
  }
  if (!(Number.isFinite(total.pass) && Number.isFinite(total.warning) && total.warning <= total.pass))
    throw new TypeError(
      `total score: pass and warning must be finite with warning <= pass, got ${total.pass} and ${total.warning}`,
    );
}

/** A criterion judged against one measurement; shown as a CriterionResult. */
interface Judged {
  readonly criterion: Criterion;
  readonly target: number | undefined;
  readonly met: boolean | undefined;
}
type Level = readonly (readonly Judged[])[];

/** One objective's verdict, criteria and reason. */
function judge(o: GateObjective, m: Measurement | undefined): ObjectiveResult {
  const label = o.displayName ?? o.name;
  const value = m?.value !== undefined && !Number.isNaN(m.value) ? m.value : undefined;
  // An inconclusive baseline is no baseline: relative criteria stay undecided.
  const baseline = m?.baselineInconclusive === undefined ? m?.baseline : undefined;
  const judgeAll = (lists: readonly (readonly Criterion[])[]): Level =>
    lists.map((list) =>
      list.map((criterion) => ({
        criterion,
        target: targetOf(criterion, baseline),
        met: meets(criterion, value, baseline),
      })),
    );
  const pass = judgeAll(o.pass);
  const warning = judgeAll(o.warning);
  const base = {
    name: o.name,
    ...(o.displayName !== undefined && { displayName: o.displayName }),
    key: o.key,
    weight: o.weight,
    ...(value !== undefined && { value }),
    ...(baseline !== undefined && { baseline }),
    pass: pass.map(show),
    warning: warning.map(show),
  };
  const verdict = (v: ObjectiveVerdict, reason: string, score?: number): ObjectiveResult => ({
    ...base,
    verdict: v,
    ...(score !== undefined && { score }),
    reason,
  });

  if (o.pass.length === 0) {
    const shown = value !== undefined ? `: value ${fmt(value)}` : '';
    return verdict('info', `${label} is informational (no pass criteria)${shown}`);
  }
  if (m?.inconclusive !== undefined)
    return verdict('inconclusive', `${label} is inconclusive: ${m.inconclusive || 'too little data'}`);
  if (value === undefined) {
    const nan = m?.value !== undefined ? ' (the value is not a number)' : '';
    return verdict('fail', `no data for ${label}${nan}`, 0);
  }
  const passes = holds(pass);
  if (passes === true) return verdict('pass', `${label} passed: ${held(pass, value, baseline)}`, o.weight);
  if (passes === undefined) return verdict('inconclusive', `${label} is inconclusive: ${undecided(pass, m)}`);
  const warns = holds(warning);
  if (warns === true) {
    const reason = `${label} is a warning: ${missed(pass, value, baseline)}, but ${held(warning, value, baseline)}`;
    return verdict('warning', reason, o.weight / 2);
  }
  if (warns === undefined)
    return verdict('inconclusive', `${label} is inconclusive: ${undecided(warning, m)}`);
  const bar = warning.length > 0 ? warning : pass;
  return verdict('fail', `${label} failed: ${missed(bar, value, baseline)}`, 0);
}

function show(list: readonly Judged[]): readonly CriterionResult[] {
  return list.map(({ criterion, target, met }) => ({
    text: criterion.text,
    ...(target !== undefined && { target }),
    ...(met !== undefined && { met }),
  }));
}

/** Three-valued OR over three-valued ANDs: true, false, or undefined when undecided. */
function holds(lists: Level): boolean | undefined {
  const all = lists.map((list) =>
    list.some((j) => j.met === false) ? false : list.every((j) => j.met === true) ? true : undefined,
  );
  if (all.includes(true)) return true;
  return all.every((l) => l === false) ? false : undefined;
}

/** "0.2 <= 0.5": the criteria of the first list that holds. */
function held(lists: Level, value: number, baseline: number | undefined): string {
  const list = lists.find((l) => l.every((j) => j.met === true)) ?? [];
  return list.map((j) => explainOne(j, value, baseline)).join(' and ');
}

/** "1.4 > 1": in each list, the first criterion that fails, value against target. */
function missed(lists: Level, value: number, baseline: number | undefined): string {
  return lists
    .flatMap((l) => l.find((j) => j.met === false) ?? [])
    .map((j) => explainOne(j, value, baseline))
    .join(' and ');
}

/** "850 > 840 (<=+5% of baseline 800)": the comparison as it came out. */
function explainOne(j: Judged, value: number, baseline: number | undefined): string {
  if (j.target === undefined || j.met === undefined) return `${j.criterion.text} (undecided)`;
  const [v, t] = fmtPair(value, j.target);
  const op = j.met ? j.criterion.op : NEGATED[j.criterion.op];
  const from =
    j.criterion.kind !== 'absolute' && baseline !== undefined
      ? ` (${j.criterion.text} of baseline ${fmt(baseline)})`
      : '';
  return `${v} ${op} ${t}${from}`;
}

/** Why a level is undecided: its relative criteria have no baseline. */
function undecided(lists: Level, m: Measurement | undefined): string {
  const texts = [
    ...new Set(lists.flatMap((l) => l.filter((j) => j.met === undefined).map((j) => j.criterion.text))),
  ];
  const why =
    m?.baselineInconclusive !== undefined
      ? `the baseline is inconclusive (${m.baselineInconclusive || 'too little data'})`
      : 'there is no baseline';
  return `${texts.join(', ')} ${texts.length === 1 ? 'is' : 'are'} relative and ${why}`;
}

const NEGATED: Record<CriterionOp, string> = { '<': '>=', '<=': '>', '=': '≠', '>': '<=', '>=': '<' };

function verdictOf(score: number, total: TotalScore): 'pass' | 'warning' | 'fail' {
  return score >= total.pass ? 'pass' : score >= total.warning ? 'warning' : 'fail';
}

function scoreReason(score: number, result: GateVerdict, total: TotalScore): string {
  if (result === 'pass') return `score ${fmt(score)} meets the pass threshold ${fmt(total.pass)}`;
  if (result === 'warning')
    return `score ${fmt(score)} is below the pass threshold ${fmt(total.pass)} but meets the warning threshold ${fmt(total.warning)}`;
  return `score ${fmt(score)} is below the warning threshold ${fmt(total.warning)}`;
}

function count(n: number): string {
  return n === 1 ? 'one inconclusive objective' : `${n} inconclusive objectives`;
}

function sum(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

/** 100 × part / whole, rounded to 12 digits: 0.9 of 1.2 is 75 (not 74.99999999999999) and meets a threshold of 75. */
function percent(part: number, whole: number): number {
  return Number(((100 * part) / whole).toPrecision(12));
}

/** Up to 4 significant digits, no exponent for normal ranges: 87.5, 0.2, 1235. */
function fmt(n: number): string {
  return String(Number(n.toPrecision(4)));
}

/** Both numbers with as many digits as it takes to tell them apart: 0.5001 > 0.5, not 0.5 > 0.5. */
function fmtPair(a: number, b: number): [string, string] {
  for (let digits = 4; digits < 17; digits++) {
    const pair: [string, string] = [
      String(Number(a.toPrecision(digits))),
      String(Number(b.toPrecision(digits))),
    ];
    if (pair[0] !== pair[1] || a === b) return pair;
  }
  return [String(a), String(b)];
}
