import { BatchRepository } from '../../store/batches.js';
import { BucketRepository, type BucketRow, RESOLUTION_MS } from '../../store/buckets.js';
import { CursorRepository } from '../../store/cursors.js';
import type { Store } from '../../store/db.js';
import { GroupCommit } from '../../store/group-commit.js';
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
 */
export class EventWriter {
  readonly stats: WriterStats = { commits: 0, batches: 0, events: 0 };
  private readonly buckets: BucketRepository;
  private readonly batches: BatchRepository;
  private readonly cursors: CursorRepository;
  private readonly queue: GroupCommit<IngestBatch, IngestOutcome>;

  constructor(
    private readonly store: Store,
    /** Called after each commit with what it added, to feed in-memory series. */
    private readonly onCommitted: (counts: readonly MinuteCounts[]) => void,
  ) {
    this.buckets = new BucketRepository(store.db);
    this.batches = new BatchRepository(store.db);
    this.cursors = new CursorRepository(store.db);
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
      const result = group.map((b): IngestOutcome => {
        const id = b.batchId;
        // A repeated id within the group: the first occurrence is the one counted.
        if (id !== undefined && (!claimed.has(id) || taken.has(id))) return { accepted: 0, duplicate: true };
        if (id !== undefined) taken.add(id);
        aggregateByMinute(b.events, counts);
        return { accepted: b.events.length, duplicate: false };
      });
      const minutes = [...counts.values()];
      await this.buckets.add(bucketRows(minutes), trx);
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
