import type { Catalog, Probe } from '../catalog/model.js';
import { NinesError } from '../errors.js';
import type { Metrics } from '../http/metrics.js';
import type { EventWriter } from '../sources/events/writer.js';
import { ProbeFeed } from '../sources/probes/feed.js';
import { type ProbeRunResult, runProbe } from '../sources/probes/run.js';
import { ProbeScheduler } from '../sources/probes/scheduler.js';
import type { ProbeRunRepository, ProbeTrigger } from '../store/probe-runs.js';

export interface ProbeServiceDeps {
  readonly catalog: Catalog;
  readonly writer: EventWriter;
  readonly runs: ProbeRunRepository;
  readonly metrics: Metrics;
  /** Where `${env:NAME}` comes from; the process environment in production. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly clock: () => number;
  readonly concurrency: number;
  /** Runs kept per probe. */
  readonly keepRuns: number;
  readonly log: (message: string, err: unknown) => void;
}

/** Runs kept in memory while the store refuses them. */
const MAX_PENDING = 10_000;

/** How often finished runs are written to the history, in one transaction. */
const FLUSH_MS = 1_000;

/**
 * Probes at runtime: the scheduler runs them, each result feeds its SLIs
 * through the same event writer as pushed events (committed before it counts),
 * and the run history is written in small batches.
 */
export class ProbeService {
  private readonly feed: ProbeFeed;
  private readonly scheduler: ProbeScheduler;
  private pending: { trigger: ProbeTrigger; result: ProbeRunResult }[] = [];
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Manual runs in flight, by probe. */
  private readonly manual = new Map<string, Promise<ProbeRunResult>>();
  private readonly stopping = new AbortController();

  constructor(private readonly deps: ProbeServiceDeps) {
    this.feed = new ProbeFeed(deps.catalog);
    this.scheduler = new ProbeScheduler([...deps.catalog.Probe.values()], {
      concurrency: deps.concurrency,
      clock: deps.clock,
      run: (probe, signal) => runProbe(probe, { env: deps.env, signal, now: deps.clock }),
      onResult: (probe, result, lagMs) => this.onResult(probe, result, lagMs),
      onSkipped: () => deps.metrics.probeRuns.inc({ outcome: 'skipped' }),
    });
  }

  get probes(): ReadonlyMap<string, Probe> {
    return this.deps.catalog.Probe;
  }

  start(): void {
    if (this.deps.catalog.Probe.size === 0) return;
    this.scheduler.start();
    this.timer = setInterval(() => void this.flush(), FLUSH_MS);
    this.timer.unref();
  }

  /**
   * Runs a probe now, outside its schedule; the run is kept in the history but
   * feeds no SLI. One manual run per probe at a time, and at most the concurrency
   * limit of them in all: a responder cannot start runs without end.
   */
  async runNow(probe: Probe): Promise<ProbeRunResult> {
    if (this.manual.has(probe.name)) {
      throw new NinesError(
        'RATE_LIMITED',
        `probe '${probe.name}' is already being run by hand; wait for that run`,
      );
    }
    if (this.manual.size >= this.deps.concurrency) {
      throw new NinesError(
        'RATE_LIMITED',
        `${this.manual.size} probes are being run by hand already; try again shortly`,
      );
    }
    const run = runProbe(probe, { env: this.deps.env, now: this.deps.clock, signal: this.stopping.signal });
    this.manual.set(probe.name, run);
    try {
      const result = await run;
      this.pending.push({ trigger: 'manual', result });
      await this.flush();
      return result;
    } finally {
      this.manual.delete(probe.name);
    }
  }

  /** Writes the runs finished so far. */
  flush(): Promise<void> {
    // Cleared in a callback, never synchronously: an empty flush must not leave itself in place.
    this.flushing ??= this.write().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  private async write(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      try {
        await this.deps.runs.record(batch);
      } catch (err) {
        // Kept for the next flush (the newest runs, so a long outage cannot grow it without end).
        this.pending = [...batch, ...this.pending].slice(-MAX_PENDING);
        this.deps.log('storing probe runs failed; retried on the next flush', err);
        return;
      }
    }
  }

  /** Drops runs beyond the history each probe keeps. */
  prune(): Promise<number> {
    return this.deps.runs.prune(this.deps.keepRuns);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.stopping.abort(new Error('nines is stopping'));
    await this.scheduler.stop();
    await Promise.allSettled(this.manual.values());
    await this.flush();
  }

  private onResult(probe: Probe, result: ProbeRunResult, lagMs: number): void {
    const { metrics } = this.deps;
    metrics.probeRuns.inc({ outcome: result.ok ? 'passed' : 'failed' });
    metrics.probeLag.observe(lagMs / 1000);
    metrics.probeDuration.observe(result.durationMs / 1000);
    this.pending.push({ trigger: 'schedule', result });
    const events = this.feed.events(result);
    if (events.length === 0) return;
    this.deps.writer
      .submit({ events, receivedAt: this.deps.clock() })
      .catch((err: unknown) => this.deps.log(`probe '${probe.name}': storing its SLI events failed`, err));
  }
}
