import type { AlertEvent, AlertSeverity } from '../alerting/types.js';
import type { Catalog } from '../catalog/model.js';
import type { AlertTransition } from '../slo/alert-state.js';

/** The integration id of nines' own SLO alerts (no key: they never come over HTTP). */
export const SLO_ALERTS = 'nines';

const SEVERITY: Record<AlertTransition['kind'], AlertSeverity> = {
  page: 'critical',
  ticket: 'warning',
  'no-data': 'warning',
};

export interface SloAlertEvent {
  /** The SLO's service, or '' for a journey SLO (then `event.journey` names the journey). */
  readonly service: string;
  readonly event: AlertEvent;
}

/**
 * The engine's alert transitions as intake events, so nines' own page, ticket
 * and no-data alerts become incidents like everyone else's: fired and updated
 * trigger (an update adds to the open alert), resolved resolves. The dedup key
 * is the SLO and the kind, so each SLO has at most one open alert per kind.
 *
 * @example
 * sloAlertEvents(catalog, [{ type: 'fired', slo: 'payment-success', kind: 'page', tier: 'page-1h', ... }]);
 * // [{ service: '', event: { action: 'trigger', dedupKey: 'payment-success/page', journey: 'pay', severity: 'critical', ... } }]
 */
export function sloAlertEvents(catalog: Catalog, transitions: readonly AlertTransition[]): SloAlertEvent[] {
  const out: SloAlertEvent[] = [];
  for (const t of transitions) {
    const slo = catalog.SLO.get(t.slo);
    if (!slo || (slo.service === undefined && slo.journey === undefined)) continue;
    const name = slo.displayName ?? slo.name;
    const what =
      t.kind === 'no-data'
        ? 'no data'
        : `${t.kind === 'page' ? 'error budget burning fast' : 'error budget burning'} (${'tier' in t ? t.tier : t.to})`;
    const burns = 'burns' in t ? t.burns : [];
    out.push({
      service: slo.service ?? '',
      event: {
        action: t.type === 'resolved' ? 'resolve' : 'trigger',
        dedupKey: `${slo.name}/${t.kind}`,
        summary: `${name}: ${what}`,
        severity: SEVERITY[t.kind],
        source: 'nines',
        occurredAt: t.at,
        labels: {
          slo: slo.name,
          kind: t.kind,
          ...(slo.service !== undefined && { service: slo.service }),
          ...(slo.journey !== undefined && { journey: slo.journey }),
        },
        details: {
          transition: t.type,
          ...('tier' in t && { tier: t.tier }),
          ...(burns.length > 0 && { burns: burns.map((b) => ({ ...b })) }),
        },
        links: [],
        ...(slo.journey !== undefined && slo.service === undefined && { journey: slo.journey }),
      },
    });
  }
  return out;
}
