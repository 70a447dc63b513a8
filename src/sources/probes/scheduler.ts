import { createHash } from 'node:crypto';
import type { Probe } from '../../catalog/model.js';
import type { ProbeRunResult } from './run.js';

/** Runs one probe once; the scheduler passes a signal that fires at the probe's hard timeout. */
export type ProbeRunner = (probe: Probe, signal: AbortSignal) => Promise<ProbeRunResult>;

export interface SchedulerOptions {
  readonly run: ProbeRunner;
  /** Called with every finished run and how late it started against its plan. */
  readonly onResult: (probe: Probe, result: ProbeRunResult, lagMs: number) => void;
  /** Runs at once across all probes; the rest wait their turn. Default 64. */
  readonly concurrency?: number;
  /** Random spread added to each interval, as a share of it (default 0.05, at most 2 s). */
  readonly jitter?: number;
  /** Called when a run is due while the previous one of the same probe is still running or waiting. */
  readonly onSkipped?: (probe: Probe) => void;
  readonly clock?: () => number;
  readonly random?: () => number;
}

interface Slot {
  readonly probe: Probe;
  /** When the next run is planned, epoch ms. */
  nextAt: number;
  timer?: NodeJS.Timeout;
  /** Queued or running: a probe never has two runs at once. */
  busy: boolean;
}

/** Longest extra wait a run gets on top of its timeout before the scheduler gives its slot up. */
const GRACE_MS = 1_000;
const MAX_JITTER_MS = 2_000;

/**
 * Runs probes on their intervals. Start-up is spread: each probe's first run
 * falls at a fixed point of its interval derived from its name, so 1,000 probes
 * do not fire at once and a restart keeps the rhythm. Each interval gets a
 * little jitter so probes that share an interval drift apart instead of
 * bunching. A global limit caps concurrent runs; a probe that is still running
 * (or waiting for a free slot) when its next run is due skips that run rather
 * than piling up. Every run is cut at the probe's timeout.
 *
 * @example
 * const scheduler = new ProbeScheduler(probes, { run: (p, signal) => runProbe(p, { env, signal }), onResult });
 * scheduler.start();
 * await scheduler.stop();
 */
export class ProbeScheduler {
  private readonly slots: Slot[];
  /** Runs due but waiting for a free slot, with when they were planned. */
  private readonly waiting: { slot: Slot; planned: number }[] = [];
  private readonly running = new Map<
    Slot,
    { controller: AbortController; done: Promise<void>; release: (result: ProbeRunResult) => void }
  >();
  private readonly concurrency: number;
  private readonly clock: () => number;
  private readonly random: () => number;
  private stopped = true;

  constructor(
    probes: readonly Probe[],
    private readonly options: SchedulerOptions,
  ) {
    this.slots = probes.map((probe) => ({ probe, nextAt: 0, busy: false }));
    this.concurrency = Math.max(1, options.concurrency ?? 64);
    this.clock = options.clock ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const now = this.clock();
    for (const slot of this.slots) {
      const interval = slot.probe.intervalMs;
      // Spread by name: the same probe lands at the same phase of its interval every start.
      slot.nextAt = now + Math.floor(phase(slot.probe.name) * interval);
      this.arm(slot);
    }
  }

  /** Stops planning runs, aborts those in flight and waits for them to end (at most a second). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const slot of this.slots) clearTimeout(slot.timer);
    this.waiting.length = 0;
    const running = [...this.running.entries()];
    for (const [slot, r] of running) {
      r.controller.abort(new Error('nines is stopping'));
      const t = setTimeout(() => r.release(timedOut(slot.probe, 0, 0)), GRACE_MS);
      void r.done.then(() => clearTimeout(t));
    }
    await Promise.all(running.map(([, r]) => r.done));
  }

  /** Runs in flight and runs waiting for a free slot. */
  get load(): { running: number; waiting: number } {
    return { running: this.running.size, waiting: this.waiting.length };
  }

  private arm(slot: Slot): void {
    clearTimeout(slot.timer);
    const delay = Math.max(0, slot.nextAt - this.clock());
    slot.timer = setTimeout(() => this.due(slot), delay);
    slot.timer.unref();
  }

  private due(slot: Slot): void {
    if (this.stopped) return;
    const planned = slot.nextAt;
    const interval = slot.probe.intervalMs;
    const jitter = Math.min(interval * (this.options.jitter ?? 0.05), MAX_JITTER_MS);
    slot.nextAt = planned + interval + (this.random() * 2 - 1) * jitter;
    // After a long stall (a suspended laptop, a blocked loop), plan from now instead of firing a burst.
    if (slot.nextAt < this.clock()) slot.nextAt = this.clock() + interval;
    this.arm(slot);
    if (slot.busy) {
      this.options.onSkipped?.(slot.probe);
      return;
    }
    slot.busy = true;
    this.waiting.push({ slot, planned });
    this.pump();
  }

  private pump(): void {
    while (this.running.size < this.concurrency) {
      const next = this.waiting.shift();
      if (!next) return;
      this.launch(next.slot, next.planned);
    }
  }

  private launch(slot: Slot, planned: number): void {
    const { probe } = slot;
    const controller = new AbortController();
    const startedAt = this.clock();
    const lagMs = Math.max(0, startedAt - planned);
    // The runner enforces the probe's timeout itself (and names it); should it hang
    // past it anyway, the slot is given up a little later. The signal is for stopping.
    let release: (result: ProbeRunResult) => void = () => {};
    const overdue = new Promise<ProbeRunResult>((resolve) => {
      release = resolve;
    });
    const giveUp = setTimeout(
      () => release(timedOut(probe, startedAt, this.clock() - startedAt)),
      probe.timeoutMs + GRACE_MS,
    );
    const done = Promise.race([
      this.options.run(probe, controller.signal).catch((err: unknown) => crashed(probe, startedAt, err)),
      overdue,
    ]).then((result) => {
      clearTimeout(giveUp);
      this.running.delete(slot);
      slot.busy = false;
      if (!this.stopped) this.options.onResult(probe, result, lagMs);
      this.pump();
    });
    this.running.set(slot, { controller, done, release });
  }
}

/**
 * A stable point in [0, 1) for a name, so each probe keeps its phase across
 * restarts. A cryptographic hash spreads names that differ in one digit
 * (`probe-1`, `probe-2`) evenly, which simple string hashes do not.
 */
export function phase(name: string): number {
  return createHash('sha256').update(name).digest().readUInt32BE(0) / 2 ** 32;
}

function timedOut(probe: Probe, startedAt: number, durationMs: number): ProbeRunResult {
  return {
    probe: probe.name,
    startedAt,
    durationMs,
    ok: false,
    error: `run did not end within its timeout of ${probe.timeoutMs} ms`,
    steps: [],
  };
}

function crashed(probe: Probe, startedAt: number, err: unknown): ProbeRunResult {
  return {
    probe: probe.name,
    startedAt,
    durationMs: 0,
    ok: false,
    error: `the probe runner failed: ${err instanceof Error ? err.message : String(err)}`,
    steps: [],
  };
}
