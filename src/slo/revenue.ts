/**
 * Revenue at risk: what failed events of a journey's SLO cost, from the
 * journey's business value. Per-success value counts lost sales; revenue per
 * hour prices the failing share of each hour ("outage minutes × revenue per minute").
 */
import type { Journey } from '../catalog/model.js';
import type { BurnWindowName, SloStatus } from './types.js';
import { HOUR } from './types.js';

/** A burn window ending at the evaluation, or the SLO window so far. */
export type RevenueSpan = BurnWindowName | 'window';

export interface RevenueSpanAtRisk {
  readonly span: RevenueSpan;
  readonly spanMs: number;
  readonly badEvents: number;
  /** bad / total; 0 without traffic. */
  readonly errorRatio: number;
  readonly amount: number;
}

export interface RevenueAtRisk {
  readonly journey: string;
  readonly slo: string;
  readonly currency: string;
  readonly method: 'value-per-success' | 'revenue-per-hour';
  readonly spans: readonly RevenueSpanAtRisk[];
}

const DEFAULT_SPANS: readonly RevenueSpan[] = ['1h', '1d', 'window'];

/**
 * Revenue at risk over the last hour, the last day and the SLO window so far
 * (or the given spans): bad events × `valuePerSuccess` when the journey has it,
 * else error ratio × span hours × `revenuePerHour`. Undefined when the journey
 * states neither. Spans the status has no burn for are left out. Pass the status
 * of an occurrences SLO: with timeslices, "bad events" would be bad slices.
 *
 * @example
 * revenueAtRisk(pay, status)?.spans[0];
 * // { span: '1h', spanMs: 3600000, badEvents: 40, errorRatio: 0.02, amount: 2580 } at 64.5 EUR per success
 */
export function revenueAtRisk(
  journey: Journey,
  status: SloStatus,
  spans: readonly RevenueSpan[] = DEFAULT_SPANS,
): RevenueAtRisk | undefined {
  const value = journey.value;
  const perSuccess = value?.valuePerSuccess;
  const perHour = value?.revenuePerHour;
  if (!value || (perSuccess === undefined && perHour === undefined)) return undefined;
  const out: RevenueSpanAtRisk[] = [];
  for (const span of spans) {
    const counts = countsOf(status, span);
    if (!counts) continue;
    const badEvents = Math.max(0, counts.total - counts.good);
    const errorRatio = counts.total > 0 ? badEvents / counts.total : 0;
    const amount =
      perSuccess !== undefined
        ? badEvents * perSuccess
        : errorRatio * (counts.spanMs / HOUR) * (perHour ?? 0);
    out.push({ span, spanMs: counts.spanMs, badEvents, errorRatio, amount });
  }
  return {
    journey: journey.name,
    slo: status.slo,
    currency: value.currency,
    method: perSuccess !== undefined ? 'value-per-success' : 'revenue-per-hour',
    spans: out,
  };
}

function countsOf(
  status: SloStatus,
  span: RevenueSpan,
): { good: number; total: number; spanMs: number } | undefined {
  if (span === 'window') {
    return {
      good: status.good,
      total: status.total,
      spanMs: Math.max(0, status.windowEnd - status.windowStart),
    };
  }
  const burn = status.burns.find((b) => b.window === span);
  return burn && { good: burn.good, total: burn.total, spanMs: burn.windowMs };
}
