import type { Catalog } from '../catalog/model.js';
import { hourSpanFor } from '../slo/slo-series.js';
import type { BatchRepository } from '../store/batches.js';
import type { BucketRepository } from '../store/buckets.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Minute buckets are kept this long for charts, longer only where timeslices need them. */
const MINUTE_RETENTION_MS = 2 * DAY;
/** Hour buckets are kept at least this long, longer where an SLO window needs them. */
const HOUR_RETENTION_MS = 35 * DAY;
/** Batch ids are remembered this long: a client retrying later counts again. */
const BATCH_ID_RETENTION_MS = 7 * DAY;

export interface MaintenanceDeps {
  readonly catalog: Catalog;
  readonly buckets: BucketRepository;
  readonly batches: BatchRepository;
  readonly retentionDays: number;
  readonly clock: () => number;
  readonly log: (message: string, err: unknown) => void;
}

/**
 * Keeps storage bounded: minute buckets for two days (longer for timeslices SLOs,
 * which rebuild slice verdicts from minutes), hour buckets for the longest SLO
 * window, day buckets for the retention, and batch ids for a week.
 */
export class Maintenance {
  constructor(private readonly deps: MaintenanceDeps) {}

  /** The oldest minute and hour bucket still needed. */
  cutoffs(nowMs: number): { minute: number; hour: number; day: number } {
    let minuteKeep = MINUTE_RETENTION_MS;
    let hourKeep = HOUR_RETENTION_MS;
    for (const slo of this.deps.catalog.SLO.values()) {
      const span = hourSpanFor(slo.window) * HOUR;
      hourKeep = Math.max(hourKeep, span);
      if (slo.budgetingMethod === 'timeslices') minuteKeep = Math.max(minuteKeep, span);
    }
    return { minute: nowMs - minuteKeep, hour: nowMs - hourKeep, day: nowMs - this.deps.retentionDays * DAY };
  }

  async run(): Promise<{ minutes: number; hours: number; days: number; batches: number } | undefined> {
    const now = this.deps.clock();
    const c = this.cutoffs(now);
    try {
      return {
        minutes: await this.deps.buckets.prune('m', c.minute),
        hours: await this.deps.buckets.prune('h', c.hour),
        days: await this.deps.buckets.prune('d', c.day),
        batches: await this.deps.batches.prune(now - BATCH_ID_RETENTION_MS),
      };
    } catch (err) {
      this.deps.log('maintenance failed', err);
      return undefined;
    }
  }
}
