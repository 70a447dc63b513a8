import { BatchRepository } from '../../store/batches.js';
import { BucketRepository, type BucketRow, RESOLUTION_MS } from '../../store/buckets.js';
import { CursorRepository } from '../../store/cursors.js';
import type { Store } from '../../store/db.js';
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

interface Pending {
  readonly batch: IngestBatch;
  readonly resolve: (o: IngestOutcome) => void;
  readonly reject: (e: unknown) => void;
}

export interface WriterStats {
  commits: number;
  batches: number;
  events: number;
}

/** Hard cap on one group, so a flood cannot build a transaction without end. */
const MAX_GROUP_EVENTS = 500_000;

/**
 * Group commit: requests that arrive while a transaction is running wait for the
 * next one and share it, so each push is acknowledged only after it is durable
 * while the number of commits (fsyncs) stays small under load.
 */
export class EventWriter {
  private queue: Pending[] = [];
  private running: Promise<void> | undefined;
  private closed = false;
  readonly stats: WriterStats = { commits: 0, batches: 0, events: 0 };
  private readonly buckets: BucketRepository;
  private readonly batches: BatchRepository;
  private readonly cursors: CursorRepository;

  constructor(
    private readonly store: Store,
    /** Called after each commit with what it added, to feed in-memory series. */
    private readonly onCommitted: (counts: readonly MinuteCounts[]) => void,
  ) {
    this.buckets = new BucketRepository(store.db);
    this.batches = new BatchRepository(store.db);
    this.cursors = new CursorRepository(store.db);
  }

  submit(batch: IngestBatch): Promise<IngestOutcome> {
    if (this.closed) return Promise.reject(new Error('the event writer is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ batch, resolve, reject });
      this.running ??= this.drain();
    });
  }

  /** Waits for everything submitted so far to be committed (or failed). */
  async close(): Promise<void> {
    this.closed = true;
    await this.running;
  }

  private async drain(): Promise<void> {
    // Let requests that arrive in the same tick join the first group.
    await new Promise((r) => setImmediate(r));
    while (this.queue.length > 0) {
      const group: Pending[] = [];
      let events = 0;
      while (this.queue.length > 0 && (group.length === 0 || events < MAX_GROUP_EVENTS)) {
        const next = this.queue.shift() as Pending;
        group.push(next);
        events += next.batch.events.length;
      }
      await this.commit(group);
    }
    this.running = undefined;
  }

  private async commit(group: readonly Pending[]): Promise<void> {
    let outcomes: IngestOutcome[];
    let added: MinuteCounts[];
    try {
      [outcomes, added] = await this.store.db.transaction().execute(async (trx) => {
        const withIds = group.filter((p) => p.batch.batchId !== undefined);
        const claimed = await this.batches.claim(
          withIds.map((p) => ({
            batchId: p.batch.batchId as string,
            receivedAt: p.batch.receivedAt,
            events: p.batch.events.length,
          })),
          trx,
        );
        const taken = new Set<string>();
        const counts = new Map<string, MinuteCounts>();
        const result = group.map((p) => {
          const id = p.batch.batchId;
          // A repeated id within the group: the first occurrence is the one counted.
          if (id !== undefined && (!claimed.has(id) || taken.has(id)))
            return { accepted: 0, duplicate: true };
          if (id !== undefined) taken.add(id);
          aggregateByMinute(p.batch.events, counts);
          return { accepted: p.batch.events.length, duplicate: false };
        });
        const minutes = [...counts.values()];
        await this.buckets.add(bucketRows(minutes), trx);
        for (const p of group) if (p.batch.cursor) await this.cursors.move(p.batch.cursor, trx);
        return [result, minutes] as const;
      });
    } catch (err) {
      // One bad batch must not fail the others that shared its transaction: retry them one by one.
      if (group.length > 1) {
        for (const p of group) await this.commit([p]);
        return;
      }
      for (const p of group) p.reject(err);
      return;
    }
    this.stats.commits++;
    this.stats.batches += group.length;
    // Memory first, then the answer: a client that reads right after its 202 sees its events.
    this.onCommitted(added);
    for (const [i, p] of group.entries()) {
      const o = outcomes[i] ?? { accepted: 0, duplicate: true };
      this.stats.events += o.accepted;
      p.resolve(o);
    }
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
