import type { Catalog, Journey, Slo } from '../catalog/model.js';
import {
  type BurningService,
  explainJourney,
  type JourneyExposure,
  type JourneyHealth,
  journeyHealth,
  journeysAtRisk,
  type SloHealth,
  type SloSignal,
  sloHealth,
} from '../slo/impact.js';
import { type RevenueAtRisk, revenueAtRisk } from '../slo/revenue.js';
import type { SourceStatus } from '../sources/prometheus/source.js';
import type { Engine, SloView } from './engine.js';

/**
 * Read-side questions the API answers, computed from the engine's last
 * evaluation: journey health through dependencies, impact, revenue at risk.
 */
export class Queries {
  /** SLO names per journey and per service, so per-item questions do not scan every SLO. */
  private readonly byJourney = new Map<string, Slo[]>();
  private readonly byService = new Map<string, Slo[]>();

  constructor(
    readonly catalog: Catalog,
    private readonly engine: Engine,
    /** How reading an SLI from its source goes, for SLIs nines pulls (Prometheus). */
    readonly sourceStatus: (sli: string) => SourceStatus | undefined = () => undefined,
  ) {
    for (const slo of catalog.SLO.values()) {
      if (slo.journey !== undefined) push(this.byJourney, slo.journey, slo);
      if (slo.service !== undefined) push(this.byService, slo.service, slo);
    }
  }

  /** The SLOs declared on a service (not those of services it depends on). */
  slosOfService(service: string): readonly Slo[] {
    return this.byService.get(service) ?? [];
  }

  signals(): Map<string, SloSignal> {
    const out = new Map<string, SloSignal>();
    for (const v of this.engine.allViews()) out.set(v.slo.name, { ...v.status, alerts: v.evaluation });
    return out;
  }

  slo(name: string): SloView | undefined {
    return this.engine.view(name);
  }

  slos(): SloView[] {
    return this.engine.allViews();
  }

  sloHealth(view: SloView): SloHealth {
    return sloHealth({ ...view.status, alerts: view.evaluation });
  }

  journeyHealth(signals = this.signals()): Map<string, JourneyHealth> {
    return new Map(journeyHealth(this.catalog, signals).map((h) => [h.journey, h]));
  }

  explain(journey: Journey, signals = this.signals()): BurningService[] {
    return explainJourney(this.catalog, journey, signals);
  }

  journeysAtRisk(service: string): JourneyExposure[] {
    return journeysAtRisk(this.catalog, service);
  }

  /** Revenue at risk of each SLO of the journey (occurrences SLOs only: slices are not sales). */
  revenue(journey: Journey): RevenueAtRisk[] {
    const out: RevenueAtRisk[] = [];
    for (const slo of this.byJourney.get(journey.name) ?? []) {
      const view = this.engine.view(slo.name);
      if (!view || slo.budgetingMethod !== 'occurrences') continue;
      const r = revenueAtRisk(journey, view.status);
      if (r) out.push(r);
    }
    return out;
  }

  /**
   * A journey's revenue at risk per span: the largest of its SLOs', not their sum,
   * since one failing request often fails several SLOs at once.
   */
  journeyRevenue(journey: Journey): { currency: string; spans: Record<string, number> } | undefined {
    const all = this.revenue(journey);
    const first = all[0];
    if (!first) return undefined;
    const spans: Record<string, number> = {};
    for (const r of all) for (const s of r.spans) spans[s.span] = Math.max(spans[s.span] ?? 0, s.amount);
    return { currency: first.currency, spans };
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
