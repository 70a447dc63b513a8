/**
 * Works a queue off in batches, one run at a time: `batch` is called until
 * `more` says it left nothing behind; a kick or a run asked for while a run is
 * under way (which may have read its batch already) makes it go round once
 * more instead of starting another. Closing stops between batches.
 *
 * @example
 * const drain = new Drain(() => groupBatch(), (n) => n === 500, (err) => log(err));
 * drain.kick(); // after a commit
 */
export class Drain {
  private running: Promise<number> | undefined;
  private again = false;
  private closed = false;

  constructor(
    private readonly batch: () => Promise<number>,
    /** Whether a batch that handled `n` items may have left more. */
    private readonly more: (n: number) => boolean,
    private readonly onError: (err: unknown) => void,
  ) {}

  kick(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.run().catch(this.onError);
  }

  /** Works until nothing is left; resolves with the items handled. */
  run(): Promise<number> {
    if (this.running) this.again = true;
    this.running ??= (async () => {
      let done = 0;
      do {
        this.again = false;
        for (;;) {
          const n = await this.batch();
          done += n;
          if (!this.more(n) || this.closed) break;
        }
      } while (this.again && !this.closed);
      return done;
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.running?.catch(() => {});
  }
}
