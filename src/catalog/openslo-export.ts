import { DEFAULT_CALENDAR_START } from './build-nines.js';
import {
  ALERTING_ANNOTATION,
  JOURNEY_ANNOTATION,
  NINES_SOURCE_TYPE,
  percentToFraction,
  SLA_ANNOTATION,
  SLA_CREDIT_ANNOTATION,
} from './build-openslo.js';
import { formatDuration } from './duration.js';
import type { Catalog, Indicator, Meta, Query, Sli, SliSource, Slo, Window } from './model.js';

type Doc = {
  apiVersion: 'openslo/v1';
  kind: string;
  metadata: Record<string, unknown>;
  spec: Record<string, unknown>;
};

const CALENDAR_DURATION = { week: '1w', month: '1M', quarter: '1Q', year: '1Y' } as const;

function metadata(m: Meta, extraAnnotations: Record<string, string> = {}): Record<string, unknown> {
  const annotations = { ...m.annotations, ...extraAnnotations };
  return {
    name: m.name,
    ...(m.displayName !== undefined && { displayName: m.displayName }),
    ...(Object.keys(m.labels).length > 0 && { labels: { ...m.labels } }),
    ...(Object.keys(annotations).length > 0 && { annotations }),
  };
}

function doc(kind: string, meta: Record<string, unknown>, spec: Record<string, unknown>): Doc {
  return { apiVersion: 'openslo/v1', kind, metadata: meta, spec };
}

const described = (m: Meta) => (m.description !== undefined ? { description: m.description } : {});

function sourceDataSource(source: SliSource): string | undefined {
  return source.type === 'prometheus' || source.type === 'foreign' ? source.dataSource : undefined;
}

/** An OpenSLO metric source for a query nines can hand to another tool. */
function metric(source: SliSource, query: Query) {
  const ref = sourceDataSource(source);
  const type = source.type === 'foreign' ? source.sourceType : 'Prometheus';
  return {
    metricSource: {
      ...(ref !== undefined && { metricSourceRef: ref }),
      ...(type !== '' && { type }),
      spec: typeof query === 'string' ? { query } : { ...query },
    },
  };
}

/** A metric source of type `nines`: measured by nines itself, described so nines can read it back. */
function ninesMetric(indicator: Indicator, count?: 'good' | 'total') {
  const s = indicator.source;
  const spec: Record<string, unknown> = {
    indicator: indicator.type,
    source: s.type,
    ...(s.type === 'probe' && { probe: s.probe, ...(s.step !== undefined && { step: s.step }) }),
    ...(s.type === 'prometheus' && s.dataSource !== undefined && { dataSource: s.dataSource }),
    ...(indicator.type === 'latency' && { threshold: indicator.thresholdMs }),
    ...(indicator.type === 'latency' &&
      indicator.histogram !== undefined && { histogram: indicator.histogram }),
    ...(count && { count }),
  };
  return { metricSource: { type: NINES_SOURCE_TYPE, spec } };
}

function sliSpec(sli: Sli): Record<string, unknown> {
  const i = sli.indicator;
  const external = i.source.type === 'prometheus' || i.source.type === 'foreign';
  switch (i.type) {
    case 'ratio':
      if (external && i.total !== undefined) {
        const numerator =
          i.good !== undefined
            ? { good: metric(i.source, i.good) }
            : i.bad !== undefined
              ? { bad: metric(i.source, i.bad) }
              : {};
        return { ratioMetric: { counter: true, ...numerator, total: metric(i.source, i.total) } };
      }
      return { ratioMetric: { counter: true, good: ninesMetric(i, 'good'), total: ninesMetric(i, 'total') } };
    case 'latency':
      return { ratioMetric: { counter: true, good: ninesMetric(i, 'good'), total: ninesMetric(i, 'total') } };
    case 'raw':
      return {
        ratioMetric: {
          raw:
            external && i.query !== undefined
              ? metric(i.source, i.query)
              : {
                  metricSource: {
                    ...ninesMetric(i).metricSource,
                    spec: { ...ninesMetric(i).metricSource.spec, rawType: i.rawType },
                  },
                },
          rawType: i.rawType,
        },
      };
    case 'threshold':
      return { thresholdMetric: i.metric !== undefined ? metric(i.source, i.metric) : ninesMetric(i) };
  }
}

function timeWindow(w: Window): Record<string, unknown>[] {
  if (w.type === 'rolling') return [{ duration: w.text, isRolling: true }];
  return [
    {
      duration: CALENDAR_DURATION[w.unit],
      isRolling: false,
      calendar: { startTime: w.startTime ?? DEFAULT_CALENDAR_START, timeZone: w.timeZone },
    },
  ];
}

/** `text` cut to at most `max` characters, without a dangling '-'. */
const cut = (text: string, max: number) => text.slice(0, max).replace(/-+$/, '');

/**
 * OpenSLO has no journeys: each journey is exported as a Service of its own,
 * `journey-<name>`, or `journey-<name>-2`, `-3`, … when that name is taken by a real
 * service or another journey (names are cut to 63 characters).
 */
export function journeyServiceNames(
  journeys: Iterable<string>,
  services: Iterable<string>,
): Map<string, string> {
  const taken = new Set(services);
  const names = new Map<string, string>();
  for (const journey of journeys) {
    const base = `journey-${journey}`;
    let name = cut(base, 63);
    for (let n = 2; taken.has(name); n++) name = `${cut(base, 63 - `-${n}`.length)}-${n}`;
    taken.add(name);
    names.set(journey, name);
  }
  return names;
}

function sloDoc(slo: Slo, journeyServices: ReadonlyMap<string, string>): Doc {
  const extra: Record<string, string> = {};
  if (slo.journey !== undefined) extra[JOURNEY_ANNOTATION] = slo.journey;
  if (slo.sla) {
    extra[SLA_ANNOTATION] = String(slo.sla.target);
    if (slo.sla.creditPercent !== undefined) extra[SLA_CREDIT_ANNOTATION] = String(slo.sla.creditPercent);
  }
  if (slo.alerting) extra[ALERTING_ANNOTATION] = JSON.stringify(slo.alerting);
  return doc('SLO', metadata(slo, extra), {
    ...described(slo),
    service: slo.service ?? journeyServices.get(slo.journey ?? '') ?? '',
    indicatorRef: slo.sli,
    budgetingMethod: slo.budgetingMethod === 'timeslices' ? 'Timeslices' : 'Occurrences',
    timeWindow: timeWindow(slo.window),
    objectives: slo.objectives.map((o) => ({
      ...(o.displayName !== undefined && { displayName: o.displayName }),
      ...(o.op !== undefined && { op: o.op }),
      ...(o.value !== undefined && { value: o.value }),
      targetPercent: o.target,
      ...(o.timesliceTarget !== undefined && { timeSliceTarget: percentToFraction(o.timesliceTarget) }),
      ...(o.timesliceWindowMs !== undefined && { timeSliceWindow: formatDuration(o.timesliceWindowMs) }),
    })),
    ...(slo.alertPolicies.length > 0 && {
      alertPolicies: slo.alertPolicies.map((p) => ({ alertPolicyRef: p })),
    }),
  });
}

/**
 * The catalog's SLOs as OpenSLO v1 documents: the services and journeys they
 * measure (journeys as Services annotated `nines.dev/journey`), their SLIs, data
 * sources and alert policies. What OpenSLO cannot express (journeys, SLAs,
 * indicators nines measures itself) travels in `nines.dev/` annotations and the
 * `nines` metric source type, so nines reads its own export back unchanged.
 */
export function exportOpenslo(catalog: Catalog): Doc[] {
  const docs: Doc[] = [];
  const services = new Set<string>();
  const journeys = new Set<string>();
  for (const slo of catalog.SLO.values()) {
    if (slo.service !== undefined) services.add(slo.service);
    if (slo.journey !== undefined) journeys.add(slo.journey);
  }
  for (const name of services) {
    const s = catalog.Service.get(name);
    docs.push(doc('Service', metadata(s ?? { name, labels: {}, annotations: {} }), s ? described(s) : {}));
  }
  const journeyServices = journeyServiceNames(journeys, [...catalog.Service.keys(), ...services]);
  for (const [name, service] of journeyServices) {
    const j = catalog.Journey.get(name) ?? { name, labels: {}, annotations: {} };
    docs.push(
      doc(
        'Service',
        metadata({ ...j, name: service, annotations: {} }, { [JOURNEY_ANNOTATION]: name }),
        described(j),
      ),
    );
  }
  for (const ds of catalog.DataSource.values()) {
    docs.push(
      doc('DataSource', metadata(ds), {
        ...described(ds),
        type: ds.type === 'prometheus' ? 'Prometheus' : ds.type,
        connectionDetails: { ...ds.connection },
      }),
    );
  }
  for (const sli of catalog.SLI.values())
    docs.push(doc('SLI', metadata(sli), { ...described(sli), ...sliSpec(sli) }));
  for (const c of catalog.AlertCondition.values()) {
    docs.push(
      doc('AlertCondition', metadata(c), {
        ...described(c),
        severity: c.severity,
        condition: {
          kind: 'burnrate',
          op: c.op,
          threshold: c.threshold,
          lookbackWindow: formatDuration(c.lookbackWindowMs),
          ...(c.alertAfterMs > 0 && { alertAfter: formatDuration(c.alertAfterMs) }),
        },
      }),
    );
  }
  for (const t of catalog.AlertNotificationTarget.values()) {
    docs.push(doc('AlertNotificationTarget', metadata(t), { ...described(t), target: t.target }));
  }
  for (const p of catalog.AlertPolicy.values()) {
    docs.push(
      doc('AlertPolicy', metadata(p), {
        ...described(p),
        alertWhenBreaching: p.alertWhenBreaching,
        alertWhenResolved: p.alertWhenResolved,
        alertWhenNoData: p.alertWhenNoData,
        conditions: p.conditions.map((c) => ({ conditionRef: c })),
        notificationTargets: p.notificationTargets.map((t) => ({ targetRef: t })),
      }),
    );
  }
  for (const slo of catalog.SLO.values()) docs.push(sloDoc(slo, journeyServices));
  return docs;
}
