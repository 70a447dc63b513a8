import type { Catalog, Sli } from '../../catalog/model.js';
import type { SliEvent } from '../events/parse.js';
import type { ProbeRunResult } from './run.js';

/**
 * Which SLIs each probe feeds, and how a run counts for each: a `ratio` SLI
 * counts a good event when the run (or the named step) succeeded; a `latency`
 * SLI when it succeeded within the threshold, so "99.9% of checkout journeys
 * succeed within 2 s" is one SLI on one probe.
 *
 * @example
 * const feed = new ProbeFeed(catalog);
 * writer.submit({ events: feed.events(result), receivedAt: Date.now() });
 */
export class ProbeFeed {
  private readonly byProbe = new Map<string, Sli[]>();

  constructor(catalog: Catalog) {
    for (const sli of catalog.SLI.values()) {
      const source = sli.indicator.source;
      if (source.type !== 'probe' || !catalog.Probe.has(source.probe)) continue;
      const list = this.byProbe.get(source.probe);
      if (list) list.push(sli);
      else this.byProbe.set(source.probe, [sli]);
    }
  }

  /** SLIs a probe feeds. */
  slis(probe: string): readonly Sli[] {
    return this.byProbe.get(probe) ?? [];
  }

  /** Whether any probe feeds this SLI (the engine alerts on no data only for SLIs something feeds). */
  feeds(sli: Sli): boolean {
    return sli.indicator.source.type === 'probe' && this.byProbe.has(sli.indicator.source.probe);
  }

  /**
   * One event per SLI the run counts for, with the run's (or the step's) duration as
   * its latency; a step that never ran (an earlier one failed) counts for none.
   */
  events(result: ProbeRunResult): SliEvent[] {
    const out: SliEvent[] = [];
    for (const sli of this.slis(result.probe)) {
      const { indicator } = sli;
      const source = indicator.source;
      if (source.type !== 'probe') continue;
      let ok = result.ok;
      let durationMs = result.durationMs;
      if (source.step !== undefined) {
        const step = result.steps.find((s) => s.name === source.step);
        if (!step) continue;
        ok = step.ok;
        durationMs = step.durationMs;
      }
      const good = ok && (indicator.type !== 'latency' || durationMs <= indicator.thresholdMs);
      out.push({
        sli: sli.name,
        atMs: result.startedAt,
        good: good ? 1 : 0,
        total: 1,
        latencyMs: durationMs,
      });
    }
    return out;
  }
}
