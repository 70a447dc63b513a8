/**
 * Shared types of the SLO engine's pure core. Time is UTC epoch milliseconds,
 * always passed in; nothing here reads a clock or does I/O.
 */

/** Good and total events (or good and total timeslices) in some span of time. */
export interface Counts {
  readonly good: number;
  readonly total: number;
}

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** Read access to an SLI's counts; implemented by `BucketSeries` (series.ts). */
export interface CountSource {
  /**
   * Events in [fromMs, toMs). Exact to the minute within the series' minute tier;
   * further back the start is rounded to the hour (see series.ts).
   */
  sum(fromMs: number, toMs: number): Counts;
}

/**
 * A count source that is fed events: `BucketSeries` (occurrences) and
 * `TimesliceSeries` (timeslices) in series.ts.
 */
export interface EventSeries extends CountSource {
  /** Adds `good` of `total` events at `atMs`; false (and nothing changed) when refused. */
  add(atMs: number, good: number, total: number): boolean;
  /** Moves the series' current time forward, dropping buckets that fell out. */
  advance(nowMs: number): void;
  /** Approximate heap size, for capacity planning. */
  memoryBytes(): number;
}

/** Burn-rate windows every SLO reports, named as in alert rules. */
export const BURN_WINDOWS = [
  { name: '5m', ms: 5 * MINUTE },
  { name: '30m', ms: 30 * MINUTE },
  { name: '1h', ms: HOUR },
  { name: '2h', ms: 2 * HOUR },
  { name: '6h', ms: 6 * HOUR },
  { name: '1d', ms: DAY },
  { name: '3d', ms: 3 * DAY },
] as const;

export type BurnWindowName = (typeof BURN_WINDOWS)[number]['name'];

/** Burn over one window: error ratio divided by the error budget; 0 without traffic. */
export interface Burn {
  readonly window: BurnWindowName | 'period';
  readonly windowMs: number;
  readonly good: number;
  readonly total: number;
  /** bad / total, or 0 when total is 0 (no traffic is not an outage). */
  readonly errorRatio: number;
  /** errorRatio / (1 - objective); 0 when total is 0. */
  readonly burnRate: number;
}

/** An SLO's state at one instant. Every number is finite. */
export interface SloStatus {
  readonly slo: string;
  readonly evaluatedAt: number;
  /** The SLO window as it stands at evaluatedAt: [start, end) where end = evaluatedAt. */
  readonly windowStart: number;
  readonly windowEnd: number;
  /** Length of the whole period the window belongs to (a calendar month's length, or the rolling duration). */
  readonly periodMs: number;
  /** Objective as a ratio, e.g. 0.999. */
  readonly objective: number;
  readonly good: number;
  readonly total: number;
  /** good / total over the window; undefined when there were no events. */
  readonly sli: number | undefined;
  readonly budget: {
    /** Allowed bad events (occurrences) or bad slices (timeslices) so far: (1 - objective) * total. */
    readonly total: number;
    readonly consumed: number;
    /** 1 - consumed / total; 1 when there is no traffic; may go negative when overspent. */
    readonly remainingRatio: number;
    /**
     * Minutes of full outage the remaining budget still allows over the whole
     * period: remainingRatio * (1 - objective) * periodMinutes, floored at 0.
     */
    readonly remainingMinutes: number;
  };
  readonly burns: readonly Burn[];
  /** True when no events arrived in the no-data window ending at evaluatedAt. */
  readonly noData: boolean;
}
