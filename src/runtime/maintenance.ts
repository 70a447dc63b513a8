import type { Catalog } from '../catalog/model.js';
import { hourSpanFor } from '../slo/slo-series.js';
import { DAY, HOUR } from '../slo/types.js';
import type { BatchRepository } from '../store/batches.js';
import type { BucketRepository } from '../store/buckets.js';
import { LATENCY_RETENTION_MS, type LatencyRepository } from '../store/latency.js';

/**
 * Minute buckets are kept this long: enough to rebuild the 6h minute tier after a
 * restart and to chart the last half day by the minute; longer only where
 * timeslices need them. 10,000 busy SLIs then hold about 7M minute rows.
 */
export const MINUTE_RETENTION_MS = 12 * HOUR;
/** Hour buckets are kept at least this long, longer where an SLO window needs them. */
const HOUR_RETENTION_MS = 35 * DAY;
/** Batch ids are remembered this long: a client retrying later counts again. */
const BATCH_ID_RETENTION_MS = 7 * DAY;

export interface MaintenanceDeps {
  readonly catalog: Catalog;
  readonly buckets: BucketRepository;
  readonly batches: BatchRepository;
  readonly retentionDays: number;
  /** Removes intake history (alerts, their events, changes) from before the time; the count removed. */
  readonly intake?: (beforeMs: number) => Promise<number>;
  /** Latency histograms, kept for LATENCY_RETENTION_MS (two days). */
  readonly latency?: LatencyRepository;
  readonly clock: () => number;
  readonly log: (message: string, err: unknown) => void;
}

/**
 * Keeps storage bounded: minute buckets for 12 hours (longer for timeslices SLOs,
 * which rebuild slice verdicts from minutes), hour buckets for the longest SLO
 * window, day buckets and intake history for the retention, batch ids for a week,
 * and latency histograms for two days.
 */
export class Maintenance {
  constructor(private readonly deps: MaintenanceDeps) {}

  /**
   * The oldest bucket still needed per resolution; SLIs read by timeslices SLOs
   * keep their minutes for the SLO window (slice verdicts are rebuilt from them).
   */
  cutoffs(nowMs: number): {
    minute: number;
    hour: number;
    day: number;
    timesliceMinutes: Map<string, number>;
  } {
    let hourKeep = HOUR_RETENTION_MS;
    const timesliceMinutes = new Map<string, number>();
    for (const slo of this.deps.catalog.SLO.values()) {
      const span = hourSpanFor(slo.window) * HOUR;
      hourKeep = Math.max(hourKeep, span);
      if (slo.budgetingMethod === 'timeslices') {
        const keep = Math.max(MINUTE_RETENTION_MS, span);
        timesliceMinutes.set(slo.sli, Math.min(timesliceMinutes.get(slo.sli) ?? nowMs, nowMs - keep));
      }
    }
    return {
      minute: nowMs - MINUTE_RETENTION_MS,
      hour: nowMs - hourKeep,
      day: nowMs - this.deps.retentionDays * DAY,
      timesliceMinutes,
    };
  }

  /** Rows removed per kind; `latency` only when latency histograms are kept. */
  async run(): Promise<
    | { minutes: number; hours: number; days: number; batches: number; intake: number; latency?: number }
    | undefined
  > {
    const now = this.deps.clock();
    const c = this.cutoffs(now);
    try {
      const special = [...c.timesliceMinutes.keys()];
      let minutes = await this.deps.buckets.prune('m', c.minute, { except: special });
      for (const [sli, cutoff] of c.timesliceMinutes)
        minutes += await this.deps.buckets.prune('m', cutoff, { sli });
      return {
        minutes,
        hours: await this.deps.buckets.prune('h', c.hour),
        days: await this.deps.buckets.prune('d', c.day),
        batches: await this.deps.batches.prune(now - BATCH_ID_RETENTION_MS),
        intake: this.deps.intake ? await this.deps.intake(c.day) : 0,
        ...(this.deps.latency && { latency: await this.deps.latency.prune(now - LATENCY_RETENTION_MS) }),
      };
    } catch (err) {
      this.deps.log('maintenance failed', err);
      return undefined;
    }
  }
}
