export interface GroupCommitOptions<J, R> {
  /**
   * Commits a group of jobs in one transaction and returns one result per job,
   * in order. Anything that must happen before the callers hear back (feeding
   * memory, say) happens in here, after the commit.
   */
  readonly commit: (jobs: readonly J[]) => Promise<R[]>;
  /** How much of a group a job takes (events in it); a group stops growing at `maxWeight`. */
  readonly weight: (job: J) => number;
  readonly maxWeight: number;
  /** What `submit` rejects with once closed. */
  readonly closedMessage: string;
}

interface Pending<J, R> {
  readonly job: J;
  readonly resolve: (r: R) => void;
  readonly reject: (e: unknown) => void;
}

/**
 * Group commit: jobs that arrive while a transaction runs wait for the next one
 * and share it, so each is answered only once it is durable while the number of
 * commits (fsyncs) stays small under load. When a shared transaction fails, its
 * jobs are retried one by one, so one bad job cannot fail the others.
 *
 * @example
 * const queue = new GroupCommit({ commit: (jobs) => store.write(jobs), weight: () => 1, maxWeight: 10_000, closedMessage: 'closed' });
 * await queue.submit(job); // resolved after the transaction holding it committed
 */
export class GroupCommit<J, R> {
  private queue: Pending<J, R>[] = [];
  private running: Promise<void> | undefined;
  private closed = false;
  readonly stats = { commits: 0, jobs: 0 };

  constructor(private readonly options: GroupCommitOptions<J, R>) {}

  submit(job: J): Promise<R> {
    if (this.closed) return Promise.reject(new Error(this.options.closedMessage));
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.running ??= this.drain();
    });
  }

  /** Refuses new jobs and waits for everything submitted so far to be committed (or failed). */
  async close(): Promise<void> {
    this.closed = true;
    await this.running;
  }

  private async drain(): Promise<void> {
    // Let jobs that arrive in the same tick join the first group.
    await new Promise((r) => setImmediate(r));
    while (this.queue.length > 0) {
      const group: Pending<J, R>[] = [];
      let weight = 0;
      while (this.queue.length > 0 && (group.length === 0 || weight < this.options.maxWeight)) {
        const next = this.queue.shift() as Pending<J, R>;
        group.push(next);
        weight += this.options.weight(next.job);
      }
      await this.run(group);
    }
    this.running = undefined;
  }

  private async run(group: readonly Pending<J, R>[]): Promise<void> {
    let results: R[];
    try {
      results = await this.options.commit(group.map((p) => p.job));
    } catch (err) {
      if (group.length > 1) {
        for (const p of group) await this.run([p]);
        return;
      }
      for (const p of group) p.reject(err);
      return;
    }
    this.stats.commits++;
    this.stats.jobs += group.length;
    for (const [i, p] of group.entries()) {
      const r = results[i];
      if (r === undefined) p.reject(new Error('the commit returned no result for a job'));
      else p.resolve(r);
    }
  }
}
