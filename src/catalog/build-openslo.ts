import type { z } from 'zod';
import { checkAlertTiers } from './alert-tiers.js';
import { buildAlerting, checkRollingWindow, checkTimesliceWindow, START_TIME } from './build-nines.js';
import type { BuildResult, Declared, Reference } from './declared.js';
import { metaOf, reservedAnnotations } from './declared.js';
import type { Diagnostic } from './diagnostics.js';
import { LATENCY_DURATION, parseDuration } from './duration.js';
import type {
  AlertingOverride,
  Entity,
  Indicator,
  Objective,
  Query,
  SliSource,
  ThresholdOp,
  Window,
} from './model.js';
import { isName, nameMessage } from './schema/common.js';
import { alerting as alertingSchema } from './schema/nines.js';
import {
  OPENSLO_DURATION,
  type OPENSLO_SPECS,
  type OpensloConditionSpec,
  type OpensloMetadata,
  type OpensloPolicySpec,
  type OpensloSliSpec,
} from './schema/openslo.js';
import type { Path, SourceDocument } from './source.js';

type Specs = { [K in keyof typeof OPENSLO_SPECS]: z.infer<(typeof OPENSLO_SPECS)[K]> };

/** Annotations nines writes into exported OpenSLO to keep what OpenSLO cannot say. */
export const NINES_ANNOTATION = 'nines.dev/';
export const JOURNEY_ANNOTATION = 'nines.dev/journey';
export const SLA_ANNOTATION = 'nines.dev/sla-target';
export const SLA_CREDIT_ANNOTATION = 'nines.dev/sla-credit-percent';
/** Per-SLO alert overrides (nines/v1 `spec.alerting`) as JSON. */
export const ALERTING_ANNOTATION = 'nines.dev/alerting';
/** Metric source type for SLIs that nines measures itself (pushed events, probes, latency thresholds). */
export const NINES_SOURCE_TYPE = 'nines';

const DAY = 86_400_000;
const OPENSLO_UNIT_MS: Record<string, number> = {
  m: 60_000,
  h: 3_600_000,
  d: DAY,
  w: 7 * DAY,
  M: 30 * DAY,
  Q: 90 * DAY,
  Y: 365 * DAY,
};
const CALENDAR_UNITS: Record<string, Extract<Window, { type: 'calendar' }>['unit']> = {
  '1w': 'week',
  '1M': 'month',
  '1Q': 'quarter',
  '1Y': 'year',
};

/** `0.999` → `99.9` without binary noise. */
export function fractionToPercent(f: number): number {
  return Number((f * 100).toPrecision(12));
}

export function percentToFraction(p: number): number {
  return Number((p / 100).toPrecision(12));
}

/** Milliseconds of an OpenSLO duration; months, quarters and years count 30, 90 and 365 days as go-sdk does. */
export function opensloDurationMs(text: string): number {
  const m = OPENSLO_DURATION.exec(text);
  return m ? Number(m[1]) * (OPENSLO_UNIT_MS[m[2] ?? ''] ?? 0) : 0;
}

/** The nines text of an OpenSLO rolling duration: `1M` → `30d`. */
function rollingText(text: string): string {
  const m = /^(\d+)([MQY])$/.exec(text);
  return m ? `${opensloDurationMs(text) / DAY}d` : text;
}

class Builder {
  readonly diagnostics: Diagnostic[] = [];
  readonly declared: Declared[] = [];
  constructor(readonly doc: SourceDocument) {}

  error(code: Diagnostic['code'], path: Path, message: string, anchor: 'key' | 'value' = 'value'): void {
    this.diagnostics.push(this.doc.diagnostic(code, path, message, { anchor }));
  }

  /**
   * Records a reference written where the schema does not know a name is expected
   * (an annotation, a nines metric source); an invalid one is reported instead.
   */
  ref(refs: Reference[], kind: Reference['kind'], name: string, path: Path): void {
    if (isName(name)) refs.push({ kind, name, path });
    else this.error('invalid-name', path, nameMessage(name));
  }

  add(entity: Entity, namePath: Path, refs: Reference[], yields = false): void {
    this.declared.push({ entity, doc: this.doc, namePath, refs, ...(yields && { yields }) });
  }

  meta(metadata: OpensloMetadata, description: string | undefined, at: Path) {
    this.diagnostics.push(...reservedAnnotations(metadata.annotations, at, this.doc, 'inconsistent-openslo'));
    return metaOf(metadata, description, NINES_ANNOTATION);
  }

  metricQuery(
    holder: {
      metricSource: {
        metricSourceRef?: string | undefined;
        type?: string | undefined;
        spec: Record<string, unknown>;
      };
    },
    at: Path,
    refs: Reference[],
  ): { source: SliSource; query?: Query; nines?: Record<string, unknown> } | undefined {
    const ms = holder.metricSource;
    const msAt = [...at, 'metricSource'];
    if (Object.keys(ms.spec).length === 0) {
      this.error('inconsistent-openslo', [...msAt, 'spec'], 'metricSource.spec must not be empty');
      return undefined;
    }
    if (ms.type === undefined && ms.metricSourceRef === undefined) {
      this.error(
        'inconsistent-openslo',
        msAt,
        'metricSource needs a type, or a metricSourceRef naming a DataSource',
      );
      return undefined;
    }
    if (ms.metricSourceRef !== undefined)
      refs.push({ kind: 'DataSource', name: ms.metricSourceRef, path: [...msAt, 'metricSourceRef'] });
    const type = (ms.type ?? '').toLowerCase();
    const dataSource = ms.metricSourceRef;
    if (type === NINES_SOURCE_TYPE) {
      return { source: { type: 'events' }, nines: ms.spec };
    }
    if (type === 'prometheus') {
      const q = ms.spec.query;
      if (typeof q !== 'string') {
        this.error(
          'missing-field',
          [...msAt, 'spec', 'query'],
          'a Prometheus metric source needs spec.query, a PromQL expression',
        );
        return undefined;
      }
      return { source: { type: 'prometheus', ...(dataSource !== undefined && { dataSource }) }, query: q };
    }
    return {
      source: { type: 'foreign', sourceType: ms.type ?? '', ...(dataSource !== undefined && { dataSource }) },
      query: ms.spec,
    };
  }

  /** Reads the nines metric-source spec that nines' own OpenSLO export writes. */
  ninesIndicator(spec: Record<string, unknown>, at: Path, refs: Reference[]): Indicator | undefined {
    const src = spec.source;
    let source: SliSource;
    if (src === 'events') source = { type: 'events' };
    else if (src === 'probe' && typeof spec.probe === 'string') {
      // Probes are nines' own kind: a catalog exported to OpenSLO alone no longer has them.
      source = {
        type: 'probe',
        probe: spec.probe,
        ...(typeof spec.step === 'string' && { step: spec.step }),
      };
    } else if (src === 'prometheus') {
      const ds = typeof spec.dataSource === 'string' ? spec.dataSource : undefined;
      if (ds !== undefined) this.ref(refs, 'DataSource', ds, [...at, 'dataSource']);
      source = { type: 'prometheus', ...(ds !== undefined && { dataSource: ds }) };
    } else {
      this.error(
        'invalid-value',
        [...at, 'source'],
        `a nines metric source has source events, probe (with probe) or prometheus`,
      );
      return undefined;
    }
    switch (spec.indicator) {
      case 'ratio':
        return { type: 'ratio', source };
      case 'raw':
        return { type: 'raw', source, rawType: spec.rawType === 'failure' ? 'failure' : 'success' };
      case 'latency': {
        const t = spec.threshold;
        const ms =
          typeof t === 'number' ? t : typeof t === 'string' ? parseDuration(t, LATENCY_DURATION) : undefined;
        if (ms === undefined || ms <= 0) {
          this.error(
            'invalid-value',
            [...at, 'threshold'],
            'a nines latency source needs threshold, e.g. 800ms',
          );
          return undefined;
        }
        return {
          type: 'latency',
          source,
          thresholdMs: ms,
          ...(typeof spec.histogram === 'string' && { histogram: spec.histogram }),
        };
      }
      default:
        this.error(
          'invalid-value',
          [...at, 'indicator'],
          'a nines metric source has indicator ratio, latency or raw',
        );
        return undefined;
    }
  }

  indicator(s: OpensloSliSpec, at: Path, refs: Reference[]): Indicator | undefined {
    if ((s.thresholdMetric === undefined) === (s.ratioMetric === undefined)) {
      this.error(
        'inconsistent-openslo',
        at,
        'an SLI has exactly one of thresholdMetric or ratioMetric',
        'key',
      );
      return undefined;
    }
    if (s.thresholdMetric) {
      const q = this.metricQuery(s.thresholdMetric, [...at, 'thresholdMetric'], refs);
      if (!q) return undefined;
      return { type: 'threshold', source: q.source, ...(q.query !== undefined && { metric: q.query }) };
    }
    const r = s.ratioMetric ?? {};
    const rAt = [...at, 'ratioMetric'];
    if ((r.total === undefined) === (r.raw === undefined)) {
      this.error('inconsistent-openslo', rAt, 'a ratioMetric has exactly one of total or raw');
      return undefined;
    }
    if (r.raw) {
      if (r.rawType === undefined) {
        this.error(
          'missing-field',
          [...rAt, 'rawType'],
          'a raw ratioMetric needs rawType: success or failure',
        );
        return undefined;
      }
      for (const f of ['good', 'bad'] as const) {
        if (r[f]) this.error('inconsistent-openslo', [...rAt, f], `${f} is forbidden next to raw`, 'key');
      }
      const q = this.metricQuery(r.raw, [...rAt, 'raw'], refs);
      if (!q) return undefined;
      if (q.nines) return this.ninesIndicator(q.nines, [...rAt, 'raw', 'metricSource', 'spec'], refs);
      return {
        type: 'raw',
        source: q.source,
        rawType: r.rawType,
        ...(q.query !== undefined && { query: q.query }),
      };
    }
    if ((r.good === undefined) === (r.bad === undefined)) {
      this.error('inconsistent-openslo', rAt, 'a ratioMetric with total has exactly one of good or bad');
      return undefined;
    }
    const total = r.total && this.metricQuery(r.total, [...rAt, 'total'], refs);
    const goodBad = r.good ? 'good' : 'bad';
    const part = r.good ?? r.bad;
    const numerator = part && this.metricQuery(part, [...rAt, goodBad], refs);
    if (!total || !numerator) return undefined;
    if (total.nines) return this.ninesIndicator(total.nines, [...rAt, 'total', 'metricSource', 'spec'], refs);
    return {
      type: 'ratio',
      source: total.source,
      ...(numerator.query !== undefined && { [goodBad]: numerator.query }),
      ...(total.query !== undefined && { total: total.query }),
    };
  }

  window(tw: Specs['SLO']['timeWindow'], at: Path): Window | undefined {
    if (tw === undefined) {
      this.error(
        'missing-field',
        [...at, 'timeWindow'],
        'nines needs the SLO window: add timeWindow with one rolling or calendar entry',
      );
      return undefined;
    }
    const w = tw[0];
    if (tw.length !== 1 || !w) {
      this.error(
        'inconsistent-openslo',
        [...at, 'timeWindow'],
        `timeWindow holds exactly one item, not ${tw.length}`,
      );
      return undefined;
    }
    const wAt = [...at, 'timeWindow', 0];
    if (w.isRolling) {
      if (w.calendar) {
        this.error(
          'inconsistent-openslo',
          [...wAt, 'calendar'],
          'calendar is forbidden on a rolling window (isRolling: true)',
          'key',
        );
        return undefined;
      }
      const ms = opensloDurationMs(w.duration);
      const text = rollingText(w.duration);
      const problem = checkRollingWindow(ms, text, this.doc, [...wAt, 'duration']);
      if (problem) {
        this.diagnostics.push(problem);
        if (problem.severity === 'error') return undefined;
      }
      return { type: 'rolling', durationMs: ms, text };
    }
    if (!w.calendar) {
      this.error(
        'inconsistent-openslo',
        wAt,
        'a calendar window (isRolling: false) needs calendar with startTime and timeZone',
      );
      return undefined;
    }
    const unit = CALENDAR_UNITS[w.duration];
    if (!unit) {
      this.error(
        'unsupported',
        [...wAt, 'duration'],
        `nines runs calendar windows of 1w, 1M, 1Q or 1Y, not ${w.duration}`,
      );
      return undefined;
    }
    if (!START_TIME.test(w.calendar.startTime)) {
      this.error(
        'invalid-window',
        [...wAt, 'calendar', 'startTime'],
        `'${w.calendar.startTime}' is not YYYY-MM-DD HH:MM:SS`,
      );
      return undefined;
    }
    return { type: 'calendar', unit, timeZone: w.calendar.timeZone, startTime: w.calendar.startTime };
  }

  /** The `nines.dev/alerting` annotation, checked like nines/v1 `spec.alerting`. */
  alerting(metadata: OpensloMetadata): { alerting?: AlertingOverride } {
    const text = metadata.annotations?.[ALERTING_ANNOTATION];
    if (text === undefined) return {};
    const at = ['metadata', 'annotations', ALERTING_ANNOTATION];
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      this.error('invalid-value', at, `${ALERTING_ANNOTATION} must be JSON like {"disabled": ["page"]}`);
      return {};
    }
    const parsed = alertingSchema.safeParse(value);
    if (!parsed.success) {
      this.error(
        'invalid-value',
        at,
        `${ALERTING_ANNOTATION} is not a valid alerting override: ${parsed.error.issues[0]?.message ?? ''}`,
      );
      return {};
    }
    return { alerting: buildAlerting(parsed.data, this.doc, this.diagnostics, at) };
  }

  sla(metadata: OpensloMetadata): { sla?: { target: number; creditPercent?: number } } {
    const target = Number(metadata.annotations?.[SLA_ANNOTATION]);
    const credit = Number(metadata.annotations?.[SLA_CREDIT_ANNOTATION]);
    if (!(target > 0 && target < 100)) return {};
    return { sla: { target, ...(credit > 0 && credit <= 100 && { creditPercent: credit }) } };
  }

  condition(metadata: OpensloMetadata, s: OpensloConditionSpec, at: Path): string {
    const c = s.condition;
    this.add(
      {
        kind: 'AlertCondition',
        ...this.meta(metadata, s.description, [...at, 'metadata']),
        severity: s.severity,
        op: c.op,
        threshold: c.threshold,
        lookbackWindowMs: opensloDurationMs(c.lookbackWindow),
        alertAfterMs: c.alertAfter === undefined ? 0 : opensloDurationMs(c.alertAfter),
      },
      [...at, 'metadata', 'name'],
      [],
    );
    return metadata.name;
  }

  policy(metadata: OpensloMetadata, s: OpensloPolicySpec, at: Path): string {
    const refs: Reference[] = [];
    const sAt = [...at, 'spec'];
    if (s.conditions.length !== 1) {
      this.error(
        'inconsistent-openslo',
        [...sAt, 'conditions'],
        `an AlertPolicy has exactly one condition, not ${s.conditions.length}`,
      );
    }
    if (s.notificationTargets.length === 0) {
      this.error(
        'inconsistent-openslo',
        [...sAt, 'notificationTargets'],
        'an AlertPolicy needs at least one notification target',
      );
    }
    const conditions = s.conditions.map((c, i) => {
      if ('conditionRef' in c) {
        refs.push({
          kind: 'AlertCondition',
          name: c.conditionRef,
          path: [...sAt, 'conditions', i, 'conditionRef'],
        });
        return c.conditionRef;
      }
      return this.condition(c.metadata, c.spec, [...sAt, 'conditions', i]);
    });
    const targets = s.notificationTargets.map((t, i) => {
      if ('targetRef' in t) {
        refs.push({
          kind: 'AlertNotificationTarget',
          name: t.targetRef,
          path: [...sAt, 'notificationTargets', i, 'targetRef'],
        });
        return t.targetRef;
      }
      const tAt = [...sAt, 'notificationTargets', i];
      this.add(
        {
          kind: 'AlertNotificationTarget',
          ...this.meta(t.metadata, t.spec.description, [...tAt, 'metadata']),
          target: t.spec.target,
        },
        [...tAt, 'metadata', 'name'],
        [],
      );
      return t.metadata.name;
    });
    this.add(
      {
        kind: 'AlertPolicy',
        ...this.meta(metadata, s.description, [...at, 'metadata']),
        alertWhenBreaching: s.alertWhenBreaching ?? false,
        alertWhenResolved: s.alertWhenResolved ?? false,
        alertWhenNoData: s.alertWhenNoData ?? false,
        conditions,
        notificationTargets: targets,
      },
      [...at, 'metadata', 'name'],
      refs,
    );
    return metadata.name;
  }

  slo(metadata: OpensloMetadata, s: Specs['SLO']): void {
    const refs: Reference[] = [];
    const at: Path = ['spec'];
    const meta = this.meta(metadata, s.description, ['metadata']);
    const journey = metadata.annotations?.[JOURNEY_ANNOTATION];
    if (journey !== undefined)
      this.ref(refs, 'Journey', journey, ['metadata', 'annotations', JOURNEY_ANNOTATION]);
    else refs.push({ kind: 'Service', name: s.service, path: ['spec', 'service'] });

    const perObjective = s.objectives.some((o) => o.indicator !== undefined || o.indicatorRef !== undefined);
    const specLevel = s.indicator !== undefined || s.indicatorRef !== undefined;
    let sli: string | undefined;
    let inlineType: Indicator['type'] | undefined;
    if (perObjective && specLevel) {
      this.error(
        'inconsistent-openslo',
        at,
        'an indicator goes on the SLO or on every objective (composite), never both',
        'key',
      );
    } else if (perObjective) {
      this.error(
        'unsupported',
        ['spec', 'objectives'],
        'composite SLOs (an indicator per objective) are not supported by nines yet',
        'key',
      );
    } else if (s.indicator && s.indicatorRef !== undefined) {
      this.error('inconsistent-openslo', at, 'indicator and indicatorRef are alternatives; keep one', 'key');
    } else if (s.indicator) {
      const sliRefs: Reference[] = [];
      const iAt = ['spec', 'indicator'];
      const indicator = this.indicator(s.indicator.spec, [...iAt, 'spec'], sliRefs);
      if (indicator) {
        sli = s.indicator.metadata.name;
        inlineType = s.indicator.spec.thresholdMetric ? 'threshold' : 'ratio';
        this.add(
          {
            kind: 'SLI',
            ...this.meta(s.indicator.metadata, s.indicator.spec.description, [...iAt, 'metadata']),
            indicator,
          },
          [...iAt, 'metadata', 'name'],
          sliRefs,
        );
      }
    } else if (s.indicatorRef !== undefined) {
      sli = s.indicatorRef;
      refs.push({ kind: 'SLI', name: s.indicatorRef, path: ['spec', 'indicatorRef'] });
    } else {
      this.error('missing-field', at, 'an SLO needs indicator or indicatorRef', 'key');
    }

    let method: 'occurrences' | 'timeslices' | undefined;
    if (s.budgetingMethod === 'RatioTimeslices') {
      this.error(
        'unsupported',
        ['spec', 'budgetingMethod'],
        'RatioTimeslices is not supported by nines yet; use Occurrences or Timeslices',
      );
    } else {
      method = s.budgetingMethod === 'Timeslices' ? 'timeslices' : 'occurrences';
    }

    const objectives: Objective[] = [];
    s.objectives.forEach((o, i) => {
      const oAt = ['spec', 'objectives', i];
      if ((o.target === undefined) === (o.targetPercent === undefined)) {
        this.error(
          'inconsistent-openslo',
          oAt,
          'an objective has exactly one of target (a fraction) or targetPercent',
          'key',
        );
        return;
      }
      if (inlineType === 'ratio') {
        for (const f of ['op', 'value'] as const) {
          if (o[f] !== undefined) {
            this.error(
              'inconsistent-openslo',
              [...oAt, f],
              `property is forbidden: '${f}' does not apply when the indicator is an inlined ratioMetric`,
              'key',
            );
          }
        }
      } else if (inlineType === 'threshold') {
        for (const f of ['op', 'value'] as const) {
          if (o[f] === undefined) {
            this.error(
              'missing-field',
              [...oAt, f],
              `'${f}' is required when the indicator is an inlined thresholdMetric`,
            );
          }
        }
      }
      if (method === 'timeslices') {
        if (o.timeSliceTarget === undefined)
          this.error(
            'missing-field',
            [...oAt, 'timeSliceTarget'],
            'Timeslices budgeting needs timeSliceTarget, a fraction in (0, 1]',
          );
        if (o.timeSliceWindow === undefined)
          this.error(
            'missing-field',
            [...oAt, 'timeSliceWindow'],
            'Timeslices budgeting needs timeSliceWindow, e.g. 1m',
          );
        else {
          const ms = opensloDurationMs(o.timeSliceWindow);
          const problem = checkTimesliceWindow(ms, o.timeSliceWindow, this.doc, [...oAt, 'timeSliceWindow']);
          if (problem) this.diagnostics.push(problem);
        }
      }
      const target = o.targetPercent ?? fractionToPercent(o.target ?? 0);
      objectives.push({
        ...(o.displayName !== undefined && { displayName: o.displayName }),
        target,
        ...(o.op !== undefined && { op: o.op as ThresholdOp }),
        ...(o.value !== undefined && { value: o.value }),
        ...(method === 'timeslices' &&
          o.timeSliceTarget !== undefined && { timesliceTarget: fractionToPercent(o.timeSliceTarget) }),
        ...(method === 'timeslices' &&
          o.timeSliceWindow !== undefined && { timesliceWindowMs: opensloDurationMs(o.timeSliceWindow) }),
      });
    });

    const policies = (s.alertPolicies ?? []).map((p, i) => {
      if ('alertPolicyRef' in p) {
        refs.push({
          kind: 'AlertPolicy',
          name: p.alertPolicyRef,
          path: ['spec', 'alertPolicies', i, 'alertPolicyRef'],
        });
        return p.alertPolicyRef;
      }
      return this.policy(p.metadata, p.spec, ['spec', 'alertPolicies', i]);
    });

    const window = this.window(s.timeWindow, at);
    const alerting = this.alerting(metadata);
    if (window)
      checkAlertTiers(window, alerting.alerting, this.doc, this.diagnostics, ['spec', 'timeWindow']);
    if (window && sli !== undefined && method !== undefined && objectives.length === s.objectives.length) {
      this.declared.unshift({
        entity: {
          kind: 'SLO',
          ...meta,
          ...(journey !== undefined ? { journey } : { service: s.service }),
          sli,
          objectives,
          window,
          budgetingMethod: method,
          ...this.sla(metadata),
          alertPolicies: policies,
          ...alerting,
        },
        doc: this.doc,
        namePath: ['metadata', 'name'],
        refs,
      });
    }
  }
}

/** Maps a schema-valid openslo/v1 document onto the nines model, with OpenSLO's consistency rules. */
export function buildOpenslo<K extends keyof Specs>(
  kind: K,
  metadata: OpensloMetadata,
  spec: Specs[K],
  doc: SourceDocument,
): BuildResult {
  const b = new Builder(doc);
  const namePath: Path = ['metadata', 'name'];
  switch (kind) {
    case 'Service': {
      const s = spec as Specs['Service'];
      if (metadata.annotations?.[JOURNEY_ANNOTATION] === undefined) {
        b.add(
          {
            kind: 'Service',
            ...b.meta(metadata, s.description, ['metadata']),
            external: false,
            dependsOn: [],
            links: [],
          },
          namePath,
          [],
          true,
        );
      }
      break;
    }
    case 'DataSource': {
      const s = spec as Specs['DataSource'];
      b.add(
        {
          kind: 'DataSource',
          ...b.meta(metadata, s.description, ['metadata']),
          type: s.type.toLowerCase(),
          connection: s.connectionDetails,
        },
        namePath,
        [],
      );
      break;
    }
    case 'SLI': {
      const s = spec as Specs['SLI'];
      const refs: Reference[] = [];
      const indicator = b.indicator(s, ['spec'], refs);
      if (indicator)
        b.add({ kind: 'SLI', ...b.meta(metadata, s.description, ['metadata']), indicator }, namePath, refs);
      break;
    }
    case 'SLO':
      b.slo(metadata, spec as Specs['SLO']);
      break;
    case 'AlertCondition':
      b.condition(metadata, spec as Specs['AlertCondition'], []);
      break;
    case 'AlertPolicy':
      b.policy(metadata, spec as Specs['AlertPolicy'], []);
      break;
    case 'AlertNotificationTarget': {
      const s = spec as Specs['AlertNotificationTarget'];
      b.add(
        {
          kind: 'AlertNotificationTarget',
          ...b.meta(metadata, s.description, ['metadata']),
          target: s.target,
        },
        namePath,
        [],
      );
      break;
    }
  }
  return { declared: b.declared, diagnostics: b.diagnostics };
}

function promQuery(q: Query | undefined): Query | undefined {
  return q !== undefined && typeof q === 'object' && typeof q.query === 'string' ? q.query : q;
}

/**
 * OpenSLO lets a metric source give only a `metricSourceRef`; its type is then the
 * referenced DataSource's. Resolved once every document is read.
 */
export function resolveSourceTypes(kept: readonly Declared[]): Declared[] {
  const types = new Map<string, string>();
  for (const d of kept) if (d.entity.kind === 'DataSource') types.set(d.entity.name, d.entity.type);
  return kept.map((d) => {
    if (d.entity.kind !== 'SLI') return d;
    const i = d.entity.indicator;
    const s = i.source;
    if (s.type !== 'foreign' || s.sourceType !== '' || s.dataSource === undefined) return d;
    const type = types.get(s.dataSource);
    if (type === undefined) return d; // a dangling reference, reported by the reference check
    if (type !== 'prometheus')
      return { ...d, entity: { ...d.entity, indicator: { ...i, source: { ...s, sourceType: type } } } };
    const source = { type: 'prometheus' as const, dataSource: s.dataSource };
    let indicator: Indicator;
    switch (i.type) {
      case 'ratio': {
        const good = promQuery(i.good);
        const bad = promQuery(i.bad);
        const total = promQuery(i.total);
        indicator = {
          type: 'ratio',
          source,
          ...(good !== undefined && { good }),
          ...(bad !== undefined && { bad }),
          ...(total !== undefined && { total }),
        };
        break;
      }
      case 'raw': {
        const query = promQuery(i.query);
        indicator = { type: 'raw', source, rawType: i.rawType, ...(query !== undefined && { query }) };
        break;
      }
      case 'threshold': {
        const metric = promQuery(i.metric);
        indicator = { type: 'threshold', source, ...(metric !== undefined && { metric }) };
        break;
      }
      case 'latency':
        indicator = { ...i, source };
        break;
    }
    return { ...d, entity: { ...d.entity, indicator } };
  });
}
