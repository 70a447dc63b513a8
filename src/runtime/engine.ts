import type { Catalog, Slo } from '../catalog/model.js';
import {
  type AlertEvaluation,
  type AlertTier,
  evaluateAlertPolicy,
  resolveTiers,
} from '../slo/alert-policy.js';
import { type AlertState, type AlertTransition, nextAlertState } from '../slo/alert-state.js';
import {
  anyBurnOver,
  NO_DATA_SLOT,
  objectiveOf,
  periodCounts,
  statusOf,
  windowCounts,
} from '../slo/evaluate.js';
import { DEFAULT_MINUTE_SPAN } from '../slo/series.js';
import { createSeries, hourSpanFor } from '../slo/slo-series.js';
import { type Counts, type EventSeries, HOUR, MINUTE, type SloStatus } from '../slo/types.js';
import { type WindowBounds, windowBounds } from '../slo/windows.js';
import type { MinuteCounts } from '../sources/events/aggregate.js';
import type { BucketRow } from '../store/buckets.js';

export interface EngineOptions {
  /** No events for this long raises a no-data alert. */
  readonly noDataMs: number;
  /** Fewest events a long alert window needs before its tier may page (low-traffic guard). */
  readonly minEvents: number;
  /**
   * True while a pulled SLI has not been read yet (Prometheus at start-up): its
   * empty series says nothing yet, so it raises no alert until the first read.
   */
  readonly pending?: (sli: string) => boolean;
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
  /** The state each changed SLO had before, for `revert`. */
  readonly previous: readonly (AlertState | undefined)[];
  readonly transitions: readonly AlertTransition[];
}

/** What the engine needs from storage to start: bucket rows and the alert states. */
export interface EngineHistory {
  readonly minuteRows: readonly BucketRow[];
  readonly hourRows: readonly BucketRow[];
  readonly alertStates: ReadonlyMap<string, AlertState>;
}

/**
 * SLOs that can read the same counts share one series: occurrences SLOs of one SLI,
 * and timeslices SLOs of one SLI with the same slice length and target. The
 * series keeps as much history as the longest window among them needs.
 */
interface Member {
  readonly slo: Slo;
  readonly objective: number;
  tiers?: CachedTiers;
  state?: AlertState;
  view?: SloView;
}

interface SeriesGroup {
  readonly key: string;
  readonly sli: string;
  readonly slos: Slo[];
  readonly members: Member[];
  readonly timeslices: boolean;
  /** Whether anything feeds this SLI: pushed events, probes and Prometheus do; foreign sources do not. */
  readonly fed: boolean;
  /** How long without events before "no data": at least two runs of the probe that feeds the SLI. */
  readonly noDataMs: number;
  hourSpan: number;
  series?: EventSeries;
}

function groupKey(slo: Slo): string {
  if (slo.budgetingMethod === 'occurrences') return slo.sli;
  const o = slo.objectives[0];
  return `${slo.sli}\u0000${o?.timesliceWindowMs}\u0000${o?.timesliceTarget}`;
}

/**
 * The SLO engine's live state: in-memory series fed by committed events, and the
 * last status, alert evaluation and alert state of every SLO. Evaluation is
 * synchronous and reads only memory; callers persist what changed.
 */
export class Engine {
  private readonly groups = new Map<string, SeriesGroup>();
  private readonly groupsBySli = new Map<string, SeriesGroup[]>();
  private readonly members = new Map<string, Member>();

  constructor(
    readonly catalog: Catalog,
    private readonly options: EngineOptions,
  ) {
    for (const slo of catalog.SLO.values()) {
      const key = groupKey(slo);
      let group = this.groups.get(key);
      if (!group) {
        group = {
          key,
          sli: slo.sli,
          slos: [],
          members: [],
          timeslices: slo.budgetingMethod === 'timeslices',
          fed: isFed(catalog, slo.sli),
          noDataMs: noDataWindow(catalog, slo.sli, options.noDataMs),
          hourSpan: 0,
        };
        this.groups.set(key, group);
        this.groupsBySli.set(slo.sli, [...(this.groupsBySli.get(slo.sli) ?? []), group]);
      }
      group.slos.push(slo);
      const member: Member = { slo, objective: objectiveOf(slo) };
      group.members.push(member);
      this.members.set(slo.name, member);
      group.hourSpan = Math.max(group.hourSpan, hourSpanFor(slo.window));
    }
  }

  /** How far back the engine needs minute rows and hour rows of an SLI to start. */
  historyNeeds(nowMs: number): { minutesSince: number; hoursSince: number } {
    let hours = 0;
    let timesliceHours = 0;
    for (const g of this.groups.values()) {
      hours = Math.max(hours, g.hourSpan);
      if (g.timeslices) timesliceHours = Math.max(timesliceHours, g.hourSpan);
    }
    return {
      minutesSince: Math.min(minuteTierStart(nowMs), nowMs - timesliceHours * HOUR),
      hoursSince: nowMs - hours * HOUR,
    };
  }

  /**
   * Rebuilds every series from stored buckets: hour rows before the minute tier,
   * minute rows from there on (and over the whole window for timeslices, whose
   * verdicts need minutes), replayed in time order.
   */
  start(history: EngineHistory, nowMs: number): void {
    for (const group of this.groups.values()) {
      for (const m of group.members) {
        const state = history.alertStates.get(m.slo.name);
        if (state) m.state = state;
      }
    }
    const minutes = groupBySli(history.minuteRows);
    const hours = groupBySli(history.hourRows);
    const boundary = minuteTierStart(nowMs);
    for (const group of this.groups.values()) {
      const since = nowMs - group.hourSpan * HOUR;
      const minuteFrom = group.timeslices ? since : boundary;
      const rows = [
        ...(group.timeslices
          ? []
          : (hours.get(group.sli) ?? []).filter((r) => r.startMs >= since && r.startMs < boundary)),
        ...(minutes.get(group.sli) ?? []).filter((r) => r.startMs >= minuteFrom),
      ].sort((a, b) => a.startMs - b.startMs);
      const first = group.slos[0] as Slo;
      // Timeslices keep raw minutes for the whole window, so a late event can still
      // change its slice's verdict, as it would when replayed after a restart.
      const series = createSeries(first, rows[0]?.startMs ?? nowMs, {
        hourSpan: group.hourSpan,
        ...(group.timeslices && { minuteSpan: (group.hourSpan - 1) * 60 }),
      });
      for (const r of rows) {
        series.advance(r.startMs);
        series.add(r.startMs, r.good, r.total);
      }
      series.advance(nowMs);
      group.series = series;
    }
  }

  /**
   * Adds committed counts to every series that reads their SLI; returns how many
   * the series refused (none, when the parser's limits match the series').
   */
  ingest(counts: readonly MinuteCounts[], nowMs: number): number {
    let refused = 0;
    for (const c of counts) {
      for (const group of this.groupsBySli.get(c.sli) ?? []) {
        if (!group.series) continue;
        group.series.advance(nowMs);
        if (!group.series.add(c.minuteMs, c.good, c.total)) refused++;
      }
    }
    return refused;
  }

  /**
   * Evaluates every SLO at `nowMs`: window counts, alert policy, alert transitions.
   * Most SLOs are quiet (nothing firing, no burn near a tier): for them the tick
   * only sums counts into flat arrays, and their status and alert evaluation are
   * built when someone reads them.
   */
  tick(nowMs: number): TickResult {
    const started = performance.now();
    const changed: AlertState[] = [];
    const before: (AlertState | undefined)[] = [];
    const transitions: AlertTransition[] = [];
    for (const group of this.groups.values()) {
      const series = group.series;
      if (!series) continue;
      series.advance(nowMs);
      // Timeslices count slices at their start, one per slice length: the no-data
      // window must hold a slice start, and one bad slice already sums many events.
      const sliceMs = group.timeslices ? (group.slos[0]?.objectives[0]?.timesliceWindowMs ?? 0) : 0;
      // Every SLO of a group reads the same burn windows: summed once per group.
      const windows = windowCounts(series, nowMs, group.noDataMs + sliceMs);
      let lastStart = Number.NaN;
      let lastPeriod: Counts = { good: 0, total: 0 };
      for (const m of group.members) {
        const { slo } = m;
        const minEvents = slo.alerting?.minEvents ?? (group.timeslices ? 1 : this.options.minEvents);
        const bounds = windowBounds(slo.window, nowMs);
        if (bounds.startMs !== lastStart) {
          lastPeriod = periodCounts(slo, series, bounds.startMs, nowMs);
          lastStart = bounds.startMs;
        }
        const snapshot: Snapshot = { nowMs, bounds, windows, period: lastPeriod };
        const tiers = m.tiers?.periodMs === bounds.periodMs ? m.tiers : this.tiersFor(m, bounds.periodMs);
        const previous = m.state;
        // No source feeds this SLI yet: it would only ever say "no data". Not alerting
        // on it keeps the no-data alert meaningful; the status still shows the silence.
        // A quiet SLO (nothing fires or was firing, no burn reaches a factor) cannot
        // change its alert state: its evaluation waits until someone reads it.
        if (
          !group.fed ||
          this.options.pending?.(group.sli) ||
          (previous && quiet(windows, m.objective, previous, tiers.minFactor))
        ) {
          m.view = new LazyView(m, snapshot, tiers.tiers, previous, minEvents);
          continue;
        }
        const status = statusOf(slo.name, m.objective, nowMs, bounds, windows, lastPeriod);
        const evaluation = evaluateAlertPolicy(status, tiers.tiers, { minEvents });
        const next = nextAlertState(previous, evaluation, nowMs);
        if (next.state !== previous) {
          m.state = next.state;
          changed.push(next.state);
          before.push(previous);
        }
        for (const t of next.transitions) transitions.push(t);
        m.view = { slo, status, tiers: tiers.tiers, evaluation, alert: next.state };
      }
    }
    return {
      evaluatedAt: nowMs,
      durationMs: performance.now() - started,
      changed,
      previous: before,
      transitions,
    };
  }

  /** Tiers depend only on the period's length, which changes at most once per calendar period. */
  private tiersFor(member: Member, periodMs: number): CachedTiers {
    const tiers = resolveTiers(periodMs, member.slo.alerting);
    // With every tier disabled nothing can fire: an infinite smallest factor keeps the SLO quiet.
    const fresh = {
      periodMs,
      tiers,
      minFactor: Math.min(Number.POSITIVE_INFINITY, ...tiers.map((t) => t.factor)),
    };
    member.tiers = fresh;
    return fresh;
  }

  /**
   * Puts alert states back as they were before `result`'s tick, when storing its
   * changes failed: the next tick finds the same transitions again and retries.
   */
  revert(result: TickResult): void {
    result.changed.forEach((state, i) => {
      const m = this.members.get(state.slo);
      if (!m) return;
      const prev = result.previous[i];
      if (prev) m.state = prev;
      else delete m.state;
    });
  }

  view(slo: string): SloView | undefined {
    return this.members.get(slo)?.view;
  }

  allViews(): SloView[] {
    const out: SloView[] = [];
    for (const m of this.members.values()) if (m.view) out.push(m.view);
    return out;
  }

  memoryBytes(): number {
    let bytes = 0;
    for (const g of this.groups.values()) bytes += g.series?.memoryBytes() ?? 0;
    return bytes;
  }
}

interface CachedTiers {
  readonly periodMs: number;
  readonly tiers: readonly AlertTier[];
  readonly minFactor: number;
}

/** What one tick summed for an SLO; its status is built from this. */
interface Snapshot {
  readonly nowMs: number;
  readonly bounds: WindowBounds;
  /** The group's window counts at `nowMs` (see `windowCounts`); shared, never written after the tick. */
  readonly windows: Float64Array;
  readonly period: Counts;
}

/** True when no alert is firing, there is data, and no burn rate exceeds the smallest tier factor. */
function quiet(windows: Float64Array, objective: number, state: AlertState, minFactor: number): boolean {
  if ((windows[2 * NO_DATA_SLOT + 1] ?? 0) === 0 || state.noData.status !== 'resolved') return false;
  if (state.page.status !== 'resolved' || state.ticket.status !== 'resolved') return false;
  return !anyBurnOver(windows, objective, minFactor);
}

/** A view whose status and alert evaluation are built when first read (most ticks never need them). */
class LazyView implements SloView {
  private builtStatus: SloStatus | undefined = undefined;
  private builtEvaluation: AlertEvaluation | undefined = undefined;
  constructor(
    private readonly member: Member,
    private readonly snapshot: Snapshot,
    readonly tiers: readonly AlertTier[],
    readonly alert: AlertState | undefined,
    private readonly minEvents: number,
  ) {}
  get slo(): Slo {
    return this.member.slo;
  }
  get status(): SloStatus {
    const { member, snapshot: s } = this;
    this.builtStatus ??= statusOf(member.slo.name, member.objective, s.nowMs, s.bounds, s.windows, s.period);
    return this.builtStatus;
  }
  get evaluation(): AlertEvaluation {
    this.builtEvaluation ??= evaluateAlertPolicy(this.status, this.tiers, { minEvents: this.minEvents });
    return this.builtEvaluation;
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

/** Pushed events feed an SLI, and so do a probe the catalog declares and Prometheus. */
function isFed(catalog: Catalog, sliName: string): boolean {
  const source = catalog.SLI.get(sliName)?.indicator.source;
  return (
    source?.type === 'events' ||
    source?.type === 'prometheus' ||
    (source?.type === 'probe' && catalog.Probe.has(source.probe))
  );
}

/**
 * A probe that runs every 15 minutes leaves most 10-minute windows empty without
 * anything being wrong: its SLIs wait for two missed runs before "no data".
 */
function noDataWindow(catalog: Catalog, sliName: string, base: number): number {
  const source = catalog.SLI.get(sliName)?.indicator.source;
  const probe = source?.type === 'probe' ? catalog.Probe.get(source.probe) : undefined;
  return probe ? Math.max(base, 2 * probe.intervalMs + probe.timeoutMs) : base;
}
