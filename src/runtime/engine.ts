import type { Catalog, Slo } from '../catalog/model.js';
import {
  type AlertEvaluation,
  type AlertTier,
  evaluateAlertPolicy,
  resolveTiers,
} from '../slo/alert-policy.js';
import { type AlertState, type AlertTransition, nextAlertState } from '../slo/alert-state.js';
import { evaluateSlo } from '../slo/evaluate.js';
import { DEFAULT_MINUTE_SPAN } from '../slo/series.js';
import { createSeries, hourSpanFor } from '../slo/slo-series.js';
import { type EventSeries, HOUR, MINUTE, type SloStatus } from '../slo/types.js';
import type { MinuteCounts } from '../sources/events/aggregate.js';
import type { BucketRow } from '../store/buckets.js';

export interface EngineOptions {
  /** No events for this long raises a no-data alert. */
  readonly noDataMs: number;
  /** Fewest events a long alert window needs before its tier may page (low-traffic guard). */
  readonly minEvents: number;
}

/** An SLO as last evaluated. The alert evaluation is computed on first read when the tick could skip it. */
export interface SloView {
  readonly slo: Slo;
  readonly status: SloStatus;
  readonly tiers: readonly AlertTier[];
  readonly evaluation: AlertEvaluation;
  readonly alert: AlertState | undefined;
}

export interface TickResult {
  readonly evaluatedAt: number;
  readonly durationMs: number;
  readonly changed: readonly AlertState[];
  readonly transitions: readonly AlertTransition[];
}

/** What the engine needs from storage to start: bucket rows and the alert states. */
export interface EngineHistory {
  readonly minuteRows: readonly BucketRow[];
  readonly hourRows: readonly BucketRow[];
  readonly alertStates: ReadonlyMap<string, AlertState>;
}

/**
 * The SLO engine's live state: one in-memory series per SLO, fed by committed
 * events, and the last status, alert evaluation and alert state of every SLO.
 * Evaluation is synchronous and reads only memory; callers persist what changed.
 */
export class Engine {
  private readonly series = new Map<string, EventSeries>();
  private readonly slosBySli = new Map<string, Slo[]>();
  private readonly views = new Map<string, SloView>();
  private readonly alertStates = new Map<string, AlertState>();
  private readonly tiers = new Map<string, CachedTiers>();

  constructor(
    readonly catalog: Catalog,
    private readonly options: EngineOptions,
  ) {
    for (const slo of catalog.SLO.values()) {
      const list = this.slosBySli.get(slo.sli) ?? [];
      list.push(slo);
      this.slosBySli.set(slo.sli, list);
    }
  }

  /** How far back the engine needs minute rows and hour rows of an SLI to start. */
  historyNeeds(nowMs: number): { minutesSince: number; hoursSince: number } {
    let hours = 0;
    let timesliceHours = 0;
    for (const slo of this.catalog.SLO.values()) {
      const h = hourSpanFor(slo.window);
      hours = Math.max(hours, h);
      if (slo.budgetingMethod === 'timeslices') timesliceHours = Math.max(timesliceHours, h);
    }
    const minuteBoundary = minuteTierStart(nowMs);
    return {
      minutesSince: Math.min(minuteBoundary, nowMs - timesliceHours * HOUR),
      hoursSince: nowMs - hours * HOUR,
    };
  }

  /**
   * Rebuilds every series from stored buckets: hour rows before the minute tier,
   * minute rows from there on (and over the whole window for timeslices, whose
   * verdicts need minutes), replayed in time order.
   */
  start(history: EngineHistory, nowMs: number): void {
    for (const [slo, state] of history.alertStates) this.alertStates.set(slo, state);
    const minutes = groupBySli(history.minuteRows);
    const hours = groupBySli(history.hourRows);
    const boundary = minuteTierStart(nowMs);
    for (const slo of this.catalog.SLO.values()) {
      const since = nowMs - hourSpanFor(slo.window) * HOUR;
      const timeslices = slo.budgetingMethod === 'timeslices';
      const minuteFrom = timeslices ? since : boundary;
      const rows = [
        ...(timeslices
          ? []
          : (hours.get(slo.sli) ?? []).filter((r) => r.startMs >= since && r.startMs < boundary)),
        ...(minutes.get(slo.sli) ?? []).filter((r) => r.startMs >= minuteFrom),
      ].sort((a, b) => a.startMs - b.startMs);
      const series = createSeries(slo, rows[0]?.startMs ?? nowMs);
      for (const r of rows) {
        series.advance(r.startMs);
        series.add(r.startMs, r.good, r.total);
      }
      series.advance(nowMs);
      this.series.set(slo.name, series);
    }
  }

  /** Adds committed counts to the series of every SLO that reads their SLI. */
  ingest(counts: readonly MinuteCounts[], nowMs: number): void {
    for (const c of counts) {
      for (const slo of this.slosBySli.get(c.sli) ?? []) {
        const series = this.series.get(slo.name);
        if (!series) continue;
        series.advance(nowMs);
        series.add(c.minuteMs, c.good, c.total);
      }
    }
  }

  /** Evaluates every SLO at `nowMs`: statuses, alert policy, alert transitions. */
  tick(nowMs: number): TickResult {
    const started = performance.now();
    const changed: AlertState[] = [];
    const transitions: AlertTransition[] = [];
    for (const slo of this.catalog.SLO.values()) {
      const minEvents = slo.alerting?.minEvents ?? this.options.minEvents;
      const series = this.series.get(slo.name);
      if (!series) continue;
      series.advance(nowMs);
      const status = evaluateSlo({ slo, source: series, nowMs, noDataMs: this.options.noDataMs });
      const tiers = this.tiersFor(slo, status.periodMs);
      const previous = this.alertStates.get(slo.name);
      if (previous && quiet(status, previous, tiers.minFactor)) {
        // Nothing fires or was firing, and no burn reaches a factor: the policy
        // cannot change the state, so its evaluation is left until someone reads it.
        this.views.set(slo.name, new LazyView(slo, status, tiers.tiers, previous, minEvents));
        continue;
      }
      const evaluation = evaluateAlertPolicy(status, tiers.tiers, { minEvents });
      const next = nextAlertState(previous, evaluation, nowMs);
      if (next.state !== previous) {
        this.alertStates.set(slo.name, next.state);
        changed.push(next.state);
      }
      for (const t of next.transitions) transitions.push(t);
      this.views.set(slo.name, { slo, status, tiers: tiers.tiers, evaluation, alert: next.state });
    }
    return { evaluatedAt: nowMs, durationMs: performance.now() - started, changed, transitions };
  }

  /** Tiers depend only on the period's length, which changes at most once per calendar period. */
  private tiersFor(slo: Slo, periodMs: number): CachedTiers {
    const cached = this.tiers.get(slo.name);
    if (cached?.periodMs === periodMs) return cached;
    const tiers = resolveTiers(periodMs, slo.alerting);
    // With every tier disabled nothing can fire: an infinite smallest factor keeps the SLO quiet.
    const fresh = {
      periodMs,
      tiers,
      minFactor: Math.min(Number.POSITIVE_INFINITY, ...tiers.map((t) => t.factor)),
    };
    this.tiers.set(slo.name, fresh);
    return fresh;
  }

  view(slo: string): SloView | undefined {
    return this.views.get(slo);
  }

  allViews(): SloView[] {
    return [...this.views.values()];
  }

  memoryBytes(): number {
    let bytes = 0;
    for (const s of this.series.values()) bytes += s.memoryBytes();
    return bytes;
  }
}

interface CachedTiers {
  readonly periodMs: number;
  readonly tiers: readonly AlertTier[];
  readonly minFactor: number;
}

/** True when no alert is firing and no burn rate exceeds the smallest tier factor. */
function quiet(status: SloStatus, state: AlertState, minFactor: number): boolean {
  if (status.noData || state.noData.status !== 'resolved') return false;
  if (state.page.status !== 'resolved' || state.ticket.status !== 'resolved') return false;
  for (const b of status.burns) if (b.window !== 'period' && b.burnRate > minFactor) return false;
  return true;
}

/** A view whose alert evaluation is computed when first read (most ticks never need it). */
class LazyView implements SloView {
  #evaluation: AlertEvaluation | undefined;
  constructor(
    readonly slo: Slo,
    readonly status: SloStatus,
    readonly tiers: readonly AlertTier[],
    readonly alert: AlertState,
    private readonly minEvents: number,
  ) {}
  get evaluation(): AlertEvaluation {
    this.#evaluation ??= evaluateAlertPolicy(this.status, this.tiers, { minEvents: this.minEvents });
    return this.#evaluation;
  }
}

/** Start of the hour in which the series' minute tier begins: minutes from there, hours before. */
function minuteTierStart(nowMs: number): number {
  const start = nowMs - (DEFAULT_MINUTE_SPAN - 5) * MINUTE;
  return start - (start % HOUR);
}

function groupBySli(rows: readonly BucketRow[]): Map<string, BucketRow[]> {
  const out = new Map<string, BucketRow[]>();
  for (const r of rows) {
    const list = out.get(r.sli);
    if (list) list.push(r);
    else out.set(r.sli, [r]);
  }
  return out;
}
