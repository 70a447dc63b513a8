import { latencyBucket } from '../../slo/latency.js';
import { MINUTE } from '../../slo/types.js';
import { BatchRepository } from '../../store/batches.js';
import { BucketRepository, type BucketRow, RESOLUTION_MS } from '../../store/buckets.js';
import { CursorRepository } from '../../store/cursors.js';
import type { Store } from '../../store/db.js';
import { GroupCommit } from '../../store/group-commit.js';
import { LatencyRepository, type LatencyRow } from '../../store/latency.js';
import { aggregateByMinute, type MinuteCounts } from './aggregate.js';
import type { SliEvent } from './parse.js';

export interface IngestBatch {
  readonly batchId?: string | undefined;
  readonly events: readonly SliEvent[];
  readonly receivedAt: number;
  /** For a pulling source: how far it has now read, stored in the same transaction as the events. */
  readonly cursor?: { readonly key: string; readonly readTo: number };
}

export interface IngestOutcome {
  /** Events counted by this request (0 for a duplicate batch). */
  readonly accepted: number;
  /** True when the batch id was committed before: acknowledged, not counted again. */
  readonly duplicate: boolean;
}

export interface WriterStats {
  commits: number;
  batches: number;
  events: number;
}

/** Hard cap on one group, so a flood cannot build a transaction without end. */
const MAX_GROUP_EVENTS = 500_000;

/**
 * Durable SLI counts with group commit (see `GroupCommit`): each push is
 * acknowledged only after it is committed, and memory is fed right after the
 * commit, before the answer, so a client that reads after its 202 sees its events.
 * Latencies of counted batches go to minute histograms in the same transaction.
 */
export class EventWriter {
  readonly stats: WriterStats = { commits: 0, batches: 0, events: 0 };
  private readonly buckets: BucketRepository;
  private readonly batches: BatchRepository;
  private readonly cursors: CursorRepository;
  private readonly latency: LatencyRepository;
  private readonly queue: GroupCommit<IngestBatch, IngestOutcome>;

  constructor(
    private readonly store: Store,
    /** Called after each commit with what it added, to feed in-memory series. */
    private readonly onCommitted: (counts: readonly MinuteCounts[]) => void,
  ) {
    this.buckets = new BucketRepository(store.db);
    this.batches = new BatchRepository(store.db);
    this.cursors = new CursorRepository(store.db);
    this.latency = new LatencyRepository(store.db);
    this.queue = new GroupCommit({
      commit: (group) => this.commit(group),
      weight: (batch) => batch.events.length,
      maxWeight: MAX_GROUP_EVENTS,
      closedMessage: 'the event writer is closed',
    });
  }

  submit(batch: IngestBatch): Promise<IngestOutcome> {
    return this.queue.submit(batch);
  }

  /** Waits for everything submitted so far to be committed (or failed). */
  close(): Promise<void> {
    return this.queue.close();
  }

  private async commit(group: readonly IngestBatch[]): Promise<IngestOutcome[]> {
    const [outcomes, added] = await this.store.db.transaction().execute(async (trx) => {
      const withIds = group.filter((b) => b.batchId !== undefined);
      const claimed = await this.batches.claim(
        withIds.map((b) => ({
          batchId: b.batchId as string,
          receivedAt: b.receivedAt,
          events: b.events.length,
        })),
        trx,
      );
      const taken = new Set<string>();
      const counts = new Map<string, MinuteCounts>();
      const latencies: LatencyCounts = new Map();
      const result = group.map((b): IngestOutcome => {
        const id = b.batchId;
        // A repeated id within the group: the first occurrence is the one counted.
        if (id !== undefined && (!claimed.has(id) || taken.has(id))) return { accepted: 0, duplicate: true };
        if (id !== undefined) taken.add(id);
        aggregateByMinute(b.events, counts);
        aggregateLatencies(b.events, latencies);
        return { accepted: b.events.length, duplicate: false };
      });
      const minutes = [...counts.values()];
      await this.buckets.add(bucketRows(minutes), trx);
      if (latencies.size > 0) await this.latency.add(latencyRows(latencies), trx);
      for (const b of group) if (b.cursor) await this.cursors.move(b.cursor, trx);
      return [result, minutes] as const;
    });
    this.stats.commits++;
    this.stats.batches += group.length;
    for (const o of outcomes) this.stats.events += o.accepted;
    // Memory first, then the answer.
    this.onCommitted(added);
    return outcomes;
  }
}

/** Each minute's counts, also added to its hour and its UTC day: rollups are written, never recomputed. */
export function bucketRows(minutes: readonly MinuteCounts[]): BucketRow[] {
  const rows = new Map<
    string,
    { sli: string; resolution: 'm' | 'h' | 'd'; startMs: number; good: number; total: number }
  >();
  for (const m of minutes) {
    for (const resolution of ['m', 'h', 'd'] as const) {
      const size = RESOLUTION_MS[resolution];
      const startMs = m.minuteMs - (m.minuteMs % size);
      const key = `${m.sli}\u0000${resolution}\u0000${startMs}`;
      const row = rows.get(key);
      if (row) {
        row.good += m.good;
        row.total += m.total;
      } else {
        rows.set(key, { sli: m.sli, resolution, startMs, good: m.good, total: m.total });
      }
    }
  }
  return [...rows.values()];
}

/** Latency counts of a group: SLI → minute → bucket → count. */
export type LatencyCounts = Map<string, Map<number, Map<number, number>>>;

/**
 * Counts the latencies of the events that carry one per SLI, minute and bucket;
 * nested maps, so an event allocates nothing unless it opens a new entry.
 */
export function aggregateLatencies(events: readonly SliEvent[], into: LatencyCounts): LatencyCounts {
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as SliEvent;
    const ms = e.latencyMs;
    if (ms === undefined) continue;
    const minuteMs = e.atMs - (e.atMs % MINUTE);
    let minutes = into.get(e.sli);
    if (minutes === undefined) {
      minutes = new Map();
      into.set(e.sli, minutes);
    }
    let buckets = minutes.get(minuteMs);
    if (buckets === undefined) {
      buckets = new Map();
      minutes.set(minuteMs, buckets);
    }
    const bucket = latencyBucket(ms);
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + 1);
  }
  return into;
}

/** The rows of aggregated latencies, one per SLI, minute and bucket. */
export function latencyRows(counts: LatencyCounts): LatencyRow[] {
  const rows: LatencyRow[] = [];
  for (const [sli, minutes] of counts)
    for (const [startMs, buckets] of minutes)
      for (const [bucket, count] of buckets) rows.push({ sli, startMs, bucket, count });
  return rows;
}
