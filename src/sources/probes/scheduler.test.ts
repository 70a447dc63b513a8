import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Probe } from '../../catalog/model.js';
import type { ProbeRunResult } from './run.js';
import { ProbeScheduler, phase } from './scheduler.js';

function probe(name: string, intervalMs = 30_000, timeoutMs = 10_000): Probe {
  return {
    kind: 'Probe',
    name,
    labels: {},
    annotations: {},
    intervalMs,
    timeoutMs,
    check: { type: 'tcp', host: '127.0.0.1', port: 1 },
    tls: { insecure: false },
  };
}

const passed = (p: Probe, startedAt: number, durationMs = 0): ProbeRunResult => ({
  probe: p.name,
  startedAt,
  durationMs,
  ok: true,
  steps: [],
});

/** A runner whose runs take `ms` (of fake time), recording when each started and how many ran at once. */
function timedRunner(ms: (p: Probe) => number) {
  const starts: { probe: string; at: number }[] = [];
  let inFlight = 0;
  let most = 0;
  const run = async (p: Probe, signal: AbortSignal): Promise<ProbeRunResult> => {
    const at = Date.now();
    starts.push({ probe: p.name, at });
    inFlight++;
    most = Math.max(most, inFlight);
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms(p));
      signal.addEventListener('abort', () => {
        clearTimeout(t);
        resolve();
      });
    });
    inFlight--;
    return passed(p, at, Date.now() - at);
  };
  return { run, starts, most: () => most };
}

describe('the probe scheduler', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: Date.UTC(2026, 10, 22, 12, 0, 0) });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('spreads the first runs of 1,000 probes over their interval instead of firing them at once', async () => {
    const probes = Array.from({ length: 1_000 }, (_, i) => probe(`probe-${i}`));
    const runner = timedRunner(() => 50);
    const scheduler = new ProbeScheduler(probes, { run: runner.run, onResult: () => {}, random: () => 0.5 });
    const start = Date.now();
    scheduler.start();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(runner.starts).toHaveLength(1_000);
    // No second of the interval holds more than three times its share of first runs.
    const perSecond = new Map<number, number>();
    for (const s of runner.starts) {
      const second = Math.floor((s.at - start) / 1000);
      perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
    }
    expect(perSecond.size).toBe(30);
    expect(Math.max(...perSecond.values())).toBeLessThan(100);
    await scheduler.stop();
  });

  it('keeps a probe at the same phase of its interval across restarts', () => {
    expect(phase('checkout')).toBe(phase('checkout'));
    expect(phase('checkout')).not.toBe(phase('search'));
    expect(phase('checkout')).toBeGreaterThanOrEqual(0);
    expect(phase('checkout')).toBeLessThan(1);
  });

  it('runs each probe once per interval, with jitter of at most 5% of it', async () => {
    const p = probe('search', 10_000);
    const runner = timedRunner(() => 10);
    const scheduler = new ProbeScheduler([p], { run: runner.run, onResult: () => {} });
    scheduler.start();
    await vi.advanceTimersByTimeAsync(100_000);
    const gaps = runner.starts.slice(1).map((s, i) => s.at - (runner.starts[i]?.at ?? 0));
    expect(gaps.length).toBeGreaterThanOrEqual(9);
    for (const g of gaps) {
      expect(g).toBeGreaterThanOrEqual(9_500 - 500);
      expect(g).toBeLessThanOrEqual(10_500 + 500);
    }
    await scheduler.stop();
  });

  it('never runs more probes at once than the concurrency limit, and reports how late queued runs start', async () => {
    const probes = Array.from({ length: 50 }, (_, i) => probe(`p${i}`, 1_000, 1_000));
    const runner = timedRunner(() => 400);
    const lags: number[] = [];
    const scheduler = new ProbeScheduler(probes, {
      run: runner.run,
      onResult: (_p, _r, lag) => lags.push(lag),
      concurrency: 4,
    });
    scheduler.start();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(runner.most()).toBe(4);
    expect(Math.max(...lags)).toBeGreaterThan(0);
    await scheduler.stop();
  });

  it('skips a run that falls due while the previous run of the same probe is still going', async () => {
    const p = probe('slow', 1_000, 1_000);
    const skipped: string[] = [];
    let running = 0;
    let most = 0;
    // The scheduler gives each run up at timeout + 1 s grace: busy for 2 s of every 1 s interval.
    const scheduler = new ProbeScheduler([p], {
      run: () => {
        running++;
        most = Math.max(most, running);
        return new Promise<ProbeRunResult>(() => {});
      },
      onResult: () => running--,
      onSkipped: (x) => skipped.push(x.name),
      jitter: 0,
    });
    scheduler.start();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(most).toBe(1);
    expect(skipped.length).toBeGreaterThanOrEqual(3);
    expect(new Set(skipped)).toEqual(new Set(['slow']));
    // The run in flight ignores its signal too: stop gives it a second, then lets go.
    const stopped = scheduler.stop();
    await vi.advanceTimersByTimeAsync(1_000);
    await stopped;
  });

  it('gives up a run that ignores its timeout and frees its slot', async () => {
    const p = probe('stuck', 5_000, 1_000);
    const results: ProbeRunResult[] = [];
    let calls = 0;
    const scheduler = new ProbeScheduler([p], {
      run: () => {
        calls++;
        return new Promise<ProbeRunResult>(() => {}); // never settles, ignores the signal
      },
      onResult: (_p, r) => results.push(r),
      jitter: 0,
    });
    scheduler.start();
    await vi.advanceTimersByTimeAsync(12_000);
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(results[0]).toMatchObject({
      probe: 'stuck',
      ok: false,
      error: 'run did not end within its timeout of 1000 ms',
    });
    const stopped = scheduler.stop();
    await vi.advanceTimersByTimeAsync(1_000);
    await stopped;
  });

  it('aborts runs in flight when stopped', async () => {
    const p = probe('checkout', 1_000, 1_000);
    let aborted = false;
    const scheduler = new ProbeScheduler([p], {
      run: (probe, signal) =>
        new Promise<ProbeRunResult>((resolve) => {
          signal.addEventListener('abort', () => {
            aborted = true;
            resolve(passed(probe, Date.now()));
          });
        }),
      onResult: () => {},
    });
    scheduler.start();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(scheduler.load.running).toBe(1);
    await scheduler.stop();
    expect(aborted).toBe(true);
    expect(scheduler.load).toEqual({ running: 0, waiting: 0 });
  });
});
