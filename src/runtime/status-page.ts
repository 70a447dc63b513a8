import type { Catalog, Journey, Slo, StatusPageJourney } from '../catalog/model.js';
import { NinesError } from '../errors.js';
import {
  type PublicIncidentStatus,
  type PublicUpdate,
  publicStatus,
  publicTitle,
  publicUpdates,
} from '../incidents/public.js';
import type { Incident, TimelineEntry } from '../incidents/types.js';
import { journeysAtRisk } from '../slo/impact.js';
import {
  type ComponentStatus,
  type JourneySloNow,
  journeyStatus,
  type SloDays,
  UPTIME_DAYS,
  type Uptime,
  uptime,
  worstOf,
} from '../slo/status-page.js';
import { type Counts, DAY } from '../slo/types.js';
import type { BucketRow } from '../store/buckets.js';
import type { IncidentQuery } from '../store/incidents.js';
import type { SloView } from './engine.js';
import type { Queries } from './queries.js';

/** What the status page reads of incidents. */
export interface StatusIncidents {
  list(query: IncidentQuery): Promise<Incident[]>;
  /** The services an incident touches (alerting ones and the suspected cause's chain). */
  servicesOf(incident: Incident): string[];
  /** The incident's status-update entries, public or not. */
  statusUpdates(incident: number): Promise<TimelineEntry[]>;
}

export interface StatusPageDeps {
  readonly catalog: Catalog;
  readonly queries: Pick<Queries, 'slo' | 'journeyHealth'>;
  /** Day buckets of every SLI from `sinceMs` on. */
  readonly days: (sinceMs: number) => Promise<BucketRow[]>;
  readonly incidents: StatusIncidents;
  readonly clock: () => number;
}

export interface StatusJourney {
  readonly name: string;
  readonly displayName: string;
  readonly description?: string;
  readonly status: ComponentStatus;
  readonly uptime: Uptime;
}

export interface StatusIncident {
  readonly number: number;
  readonly title: string;
  readonly status: PublicIncidentStatus;
  readonly impact: ComponentStatus;
  /** Display names of the page's journeys it affects, in page order. */
  readonly journeys: readonly string[];
  readonly startedAt: number;
  readonly resolvedAt: number | null;
  readonly updates: readonly PublicUpdate[];
}

export interface StatusPageView {
  readonly title: string;
  readonly description?: string;
  readonly computedAt: number;
  readonly status: ComponentStatus;
  readonly journeys: readonly StatusJourney[];
  /** Open first, newest first. */
  readonly incidents: readonly StatusIncident[];
}

/** Resolved incidents stay on the page this long. */
export const RESOLVED_SHOWN_MS = 7 * DAY;
/** An answer is reused for this long unless something changed (the route is public). */
export const STATUS_CACHE_MS = 15_000;

interface PageJourney {
  readonly journey: Journey;
  readonly displayName: string;
  readonly description?: string;
  readonly slos: readonly Slo[];
}

/**
 * The public status page: the catalog's StatusPage (its journeys, or every journey
 * when it lists none), each journey's status now and its 90 daily bars, and the
 * incidents that affect the page's journeys, with their public updates only.
 * Publishing is opt-in: without a StatusPage, `read()` is a NOT_FOUND. Answers are
 * cached for `STATUS_CACHE_MS` and dropped at once by `invalidate()` (wired to
 * the change feed), so a public route cannot make every request read the store.
 */
export class StatusPageService {
  private readonly configured: boolean;
  private readonly title: string;
  private readonly description: string | undefined;
  private readonly journeys: readonly PageJourney[];
  private cached: { at: number; view: Promise<StatusPageView> } | undefined;

  constructor(private readonly deps: StatusPageDeps) {
    const { catalog } = deps;
    const page = catalog.StatusPage.values().next().value;
    this.configured = page !== undefined;
    this.title = page?.title ?? 'Status';
    this.description = page?.description;
    const listed: readonly StatusPageJourney[] =
      page && page.journeys.length > 0
        ? page.journeys
        : [...catalog.Journey.keys()].map((journey) => ({ journey }));
    const slos = [...catalog.SLO.values()];
    this.journeys = listed.flatMap((entry) => {
      const journey = catalog.Journey.get(entry.journey);
      if (!journey) return [];
      return [
        {
          journey,
          displayName: entry.displayName ?? journey.displayName ?? journey.name,
          ...(entry.description !== undefined && { description: entry.description }),
          slos: slos.filter((s) => s.journey === journey.name),
        },
      ];
    });
  }

  /** Drops the cached answer: the next read computes a fresh one. */
  invalidate(): void {
    this.cached = undefined;
  }

  read(): Promise<StatusPageView> {
    if (!this.configured)
      return Promise.reject(
        new NinesError('NOT_FOUND', 'no status page is configured; add a StatusPage to the catalog'),
      );
    const now = this.deps.clock();
    if (this.cached && now >= this.cached.at && now - this.cached.at < STATUS_CACHE_MS)
      return this.cached.view;
    const view = this.compute(now);
    const entry = { at: now, view };
    this.cached = entry;
    // A failed read is not kept: the next request tries again.
    view.catch(() => {
      if (this.cached === entry) this.cached = undefined;
    });
    return view;
  }

  private async compute(now: number): Promise<StatusPageView> {
    const { queries } = this.deps;
    const health = queries.journeyHealth();
    const days = await this.dayCounts(now);
    const journeys: StatusJourney[] = this.journeys.map((p) => {
      const views = p.slos.flatMap((s) => {
        const view = queries.slo(s.name);
        return view ? [view] : [];
      });
      const bars: SloDays[] = p.slos
        .filter((s) => s.budgetingMethod === 'occurrences')
        .map((s) => ({ target: s.objectives[0]?.target ?? 100, days: days.get(s.sli) ?? new Map() }));
      return {
        name: p.journey.name,
        displayName: p.displayName,
        ...(p.description !== undefined && { description: p.description }),
        status: journeyStatus(views.map(sloNow), health.get(p.journey.name)),
        uptime: uptime(bars, now),
      };
    });
    return {
      title: this.title,
      ...(this.description !== undefined && { description: this.description }),
      computedAt: now,
      status: worstOf(journeys.map((j) => j.status)),
      journeys,
      incidents: await this.incidents(now, journeys),
    };
  }

  /** Day counts per SLI of the page's occurrences SLOs over the shown days. */
  private async dayCounts(now: number): Promise<Map<string, Map<number, Counts>>> {
    const wanted = new Set(
      this.journeys.flatMap((j) =>
        j.slos.filter((s) => s.budgetingMethod === 'occurrences').map((s) => s.sli),
      ),
    );
    const out = new Map<string, Map<number, Counts>>();
    if (wanted.size === 0) return out;
    const since = now - (now % DAY) - (UPTIME_DAYS - 1) * DAY;
    for (const row of await this.deps.days(since)) {
      if (!wanted.has(row.sli)) continue;
      const bySli = out.get(row.sli) ?? new Map<number, Counts>();
      out.set(row.sli, bySli);
      bySli.set(row.startMs, { good: row.good, total: row.total });
    }
    return out;
  }

  private async incidents(now: number, journeys: readonly StatusJourney[]): Promise<StatusIncident[]> {
    const { incidents, catalog } = this.deps;
    const onPage = new Map(journeys.map((j, i) => [j.name, { ...j, order: i }]));
    const [open, resolved] = await Promise.all([
      incidents.list({ status: 'open', limit: 100 }),
      incidents.list({ status: 'resolved', limit: 500 }),
    ]);
    const shown = [
      ...open,
      ...resolved.filter((i) => i.resolvedAt !== null && i.resolvedAt >= now - RESOLVED_SHOWN_MS),
    ];
    const out: StatusIncident[] = [];
    for (const incident of shown) {
      const affected = new Set(incident.journeys);
      for (const service of incidents.servicesOf(incident))
        for (const e of journeysAtRisk(catalog, service)) affected.add(e.journey);
      const mine = [...affected]
        .flatMap((name) => {
          const j = onPage.get(name);
          return j ? [j] : [];
        })
        .sort((a, b) => a.order - b.order);
      if (mine.length === 0) continue;
      const updates = publicUpdates(await incidents.statusUpdates(incident.number));
      const names = mine.map((j) => j.displayName);
      out.push({
        number: incident.number,
        title: publicTitle(names),
        status: publicStatus(updates, incident.resolvedAt !== null),
        impact: worstOf(mine.map((j) => j.status)),
        journeys: names,
        startedAt: incident.createdAt,
        resolvedAt: incident.resolvedAt,
        updates,
      });
    }
    return out.sort(
      (a, b) => Number(a.resolvedAt !== null) - Number(b.resolvedAt !== null) || b.startedAt - a.startedAt,
    );
  }
}

function sloNow(view: SloView): JourneySloNow {
  const burn = view.status.burns.find((b) => b.window === '5m');
  return {
    pageFiring: view.alert?.page.status === 'firing',
    ticketFiring: view.alert?.ticket.status === 'firing',
    last5m: { good: burn?.good ?? 0, total: burn?.total ?? 0 },
  };
}
