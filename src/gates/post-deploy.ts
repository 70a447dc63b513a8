import type { AnalysisObjective, GateMetric, PostDeployAnalysis, Slo } from '../catalog/model.js';
import { count, type LatencyHistogram, quantile } from '../slo/latency.js';
import { parseCriterion } from './criteria.js';
import { type GateObjective, type GateScore, type Measurement, scoreGate } from './scoring.js';

/**
 * After a deploy: the service's SLIs over an evaluation window after the change,
 * compared with a baseline before it and with absolute criteria (Keptn's
 * scoring, see scoring.ts). Pure: the counts are passed in.
 */

const MINUTE = 60_000;

/**
 * How long after the evaluation window a verdict waits to be final: Prometheus
 * SLIs are read up to two minutes behind, and pushed events arrive late too.
 */
export const SETTLE_MS = 3 * MINUTE;

/** What was counted of one SLI in one window. */
export interface WindowData {
  readonly good: number;
  readonly total: number;
  /** Latencies of the window's events, when they carried any. */
  readonly latency?: LatencyHistogram;
}

/** An objective with the SLI it reads and, for SLO objectives, the SLO's target as a ratio. */
export interface ResolvedObjective extends AnalysisObjective {
  readonly sli: string;
  readonly objectiveRatio?: number;
}

export interface Windows {
  /** Before the change: [from, to). */
  readonly baseline: { readonly from: number; readonly to: number };
  /** After the change and its delay: [from, to). */
  readonly evaluation: { readonly from: number; readonly to: number };
}

/**
 * The baseline ends at the change, the evaluation starts after the delay and
 * lasts the window; both on whole minutes (the counts are per minute), leaving
 * out the minute the change happened in, which holds some of each.
 */
export function analysisWindows(changeAt: number, analysis: PostDeployAnalysis): Windows {
  const before = Math.floor(changeAt / MINUTE) * MINUTE;
  const from = Math.ceil((changeAt + analysis.delayMs) / MINUTE) * MINUTE;
  return {
    baseline: { from: before - analysis.baselineMs, to: before },
    evaluation: { from, to: from + analysis.windowMs },
  };
}

const crit = (text: string) => {
  const p = parseCriterion(text);
  if (!p.ok) throw new TypeError(p.message);
  return p.criterion;
};

/**
 * Without objectives in the gate: every SLO of the service and of the journeys it
 * serves must not burn its budget faster than the objective allows over the
 * evaluation window (burn rate ≤ 1 or at most 10% above the baseline's passes;
 * ≤ 2 or at most 50% above warns), each a key objective.
 */
export function defaultObjectives(slos: readonly Slo[]): AnalysisObjective[] {
  return slos.map((slo) => ({
    name: `${slo.name}/burnRate`,
    displayName: `${slo.displayName ?? slo.name}: burn rate`,
    slo: slo.name,
    metric: 'burnRate',
    key: true,
    weight: 1,
    // Absolute or relative: a fix shipped during an incident passes when it lowers the burn.
    pass: [[crit('<=1')], [crit('<=+10%')]],
    warning: [[crit('<=2')], [crit('<=+50%')]],
  }));
}

const PERCENTILE: Partial<Record<GateMetric, number>> = {
  latencyP50: 0.5,
  latencyP90: 0.9,
  latencyP95: 0.95,
  latencyP99: 0.99,
};

/** 12 significant digits, as scoring.ts rounds scores: 7 errors in 1000 are 0.7%, not 0.7000000000000001%. */
const tidy = (n: number) => Number(n.toPrecision(12));

const minutes = (ms: number) =>
  ms >= 120_000 ? `${Math.round(ms / MINUTE)} min` : `${Math.round(ms / 1000)} s`;

/** The metric's value over one window, and how many events it rests on. */
export function metricValue(
  o: ResolvedObjective,
  data: WindowData | undefined,
  lengthMs: number,
): { value: number | undefined; events: number } {
  const q = PERCENTILE[o.metric];
  if (q !== undefined) {
    const h = data?.latency;
    return h ? { value: quantile(h, q), events: count(h) } : { value: undefined, events: 0 };
  }
  const good = data?.good ?? 0;
  const total = data?.total ?? 0;
  if (o.metric === 'throughput') return { value: tidy((total / lengthMs) * MINUTE), events: total };
  if (total === 0) return { value: undefined, events: 0 };
  const errorRatio = (total - good) / total;
  switch (o.metric) {
    case 'errorPercent':
      return { value: tidy(100 * errorRatio), events: total };
    case 'successPercent':
      return { value: tidy(100 * (1 - errorRatio)), events: total };
    case 'burnRate':
      return {
        value: o.objectiveRatio === undefined ? undefined : tidy(errorRatio / (1 - o.objectiveRatio)),
        events: total,
      };
    default:
      return { value: undefined, events: total };
  }
}

/** Measurements per objective: too few events in a window makes it inconclusive, with the counts. */
export function measure(
  objectives: readonly ResolvedObjective[],
  data: ReadonlyMap<string, { readonly evaluation?: WindowData; readonly baseline?: WindowData }>,
  analysis: PostDeployAnalysis,
): Map<string, Measurement> {
  const out = new Map<string, Measurement>();
  for (const o of objectives) {
    const d = data.get(o.sli);
    const after = metricValue(o, d?.evaluation, analysis.windowMs);
    const before = metricValue(o, d?.baseline, analysis.baselineMs);
    const latency = PERCENTILE[o.metric] !== undefined;
    const what = latency ? 'events with a latency' : 'events';
    // A fall in throughput is what a throughput objective measures, not missing data.
    const judged = o.metric !== 'throughput';
    const m: { -readonly [K in keyof Measurement]: Measurement[K] } = {};
    if (after.value !== undefined) m.value = after.value;
    if (before.value !== undefined) m.baseline = before.value;
    if (judged && after.events < analysis.minEvents)
      m.inconclusive = `${after.events} ${what} of ${o.sli} in the ${minutes(analysis.windowMs)} after the change; ${analysis.minEvents} needed`;
    if (judged && before.events < analysis.minEvents) {
      m.baselineInconclusive = `${before.events} ${what} of ${o.sli} in the ${minutes(analysis.baselineMs)} before the change; ${analysis.minEvents} needed`;
      delete m.baseline;
    }
    out.set(o.name, m);
  }
  return out;
}

export interface PostDeployResult extends GateScore {
  readonly windows: Windows;
  /** Set while the evaluation window has not ended: the result is inconclusive until then. */
  readonly pendingUntil?: number;
}

/**
 * Scores the analysis; before the evaluation window ends the result is
 * inconclusive (never a pass on part of the data), with when to ask again.
 */
export function postDeploy(
  objectives: readonly ResolvedObjective[],
  data: ReadonlyMap<string, { readonly evaluation?: WindowData; readonly baseline?: WindowData }>,
  analysis: PostDeployAnalysis,
  changeAt: number,
  nowMs: number,
): PostDeployResult {
  const windows = analysisWindows(changeAt, analysis);
  const gateObjectives: GateObjective[] = objectives.map((o) => ({
    name: o.name,
    ...(o.displayName !== undefined && { displayName: o.displayName }),
    key: o.key,
    weight: o.weight,
    pass: o.pass,
    warning: o.warning,
  }));
  const scored = scoreGate(gateObjectives, measure(objectives, data, analysis), analysis.totalScore);
  const settled = windows.evaluation.to + SETTLE_MS;
  if (nowMs < settled) {
    // No score on part of the window: the objectives say how it looks so far.
    const { score: _score, scoreRange: _range, ...partial } = scored;
    return {
      ...partial,
      result: 'inconclusive',
      reasons: [
        `the evaluation window ends at ${new Date(windows.evaluation.to).toISOString()} and its data is in by ${new Date(settled).toISOString()}; ask again then (--wait does)`,
        ...scored.reasons,
      ],
      windows,
      pendingUntil: settled,
    };
  }
  return { ...scored, windows };
}
