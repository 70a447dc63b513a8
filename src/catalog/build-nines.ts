import type { z } from 'zod';
import { checkAlertTiers } from './alert-tiers.js';
import { buildContacts, buildEscalationPolicy, buildSchedule } from './build-oncall.js';
import { buildProbe } from './build-probe.js';
import { buildErrorBudgetPolicy, buildReleaseGate } from './build-release.js';
import type { BuildResult, Declared, Reference } from './declared.js';
import { metaOf, reservedAnnotations } from './declared.js';
import type { Diagnostic } from './diagnostics.js';
import { LATENCY_DURATION, parseDuration } from './duration.js';
import type {
  AlertingOverride,
  AlertTierId,
  Indicator,
  Meta,
  Objective,
  SliSource,
  StatusPageJourney,
  Window,
} from './model.js';
import type { Metadata } from './schema/common.js';
import type { NINES_SPECS, sliSpec, sloSpec } from './schema/nines.js';
import type { Path, SourceDocument } from './source.js';

type Specs = { [K in keyof typeof NINES_SPECS]: z.infer<(typeof NINES_SPECS)[K]> };

/** Canonical alignment of calendar periods when none is given: a Monday and a first of January. */
export const DEFAULT_CALENDAR_START = '2024-01-01 00:00:00';

const NAME_PATH: Path = ['metadata', 'name'];

/** Turns a schema-valid nines/v1 document into entities, checking what a schema cannot. */
export function buildNines<K extends keyof Specs>(
  kind: K,
  metadata: Metadata,
  spec: Specs[K],
  doc: SourceDocument,
): BuildResult {
  const diagnostics: Diagnostic[] = reservedAnnotations(
    metadata.annotations,
    ['metadata'],
    doc,
    'invalid-value',
  );
  const refs: Reference[] = [];
  const meta = metaOf(metadata, (spec as { description?: string }).description);
  const one = (entity: Declared['entity']): BuildResult => ({
    declared: [{ entity, doc, namePath: NAME_PATH, refs }],
    diagnostics,
  });
  const ref = (k: Reference['kind'], n: string | undefined, path: Path) => {
    if (n !== undefined) refs.push({ kind: k, name: n, path });
  };

  switch (kind) {
    case 'Team': {
      const s = spec as Specs['Team'];
      s.members?.forEach((m, i) => {
        ref('User', m, ['spec', 'members', i]);
      });
      ref('Schedule', s.schedule, ['spec', 'schedule']);
      ref('EscalationPolicy', s.escalationPolicy, ['spec', 'escalationPolicy']);
      return one({
        kind: 'Team',
        ...meta,
        ...(s.email !== undefined && { email: s.email }),
        ...(s.slackChannel !== undefined && { slackChannel: s.slackChannel }),
        members: s.members ?? [],
        ...(s.schedule !== undefined && { schedule: s.schedule }),
        ...(s.escalationPolicy !== undefined && { escalationPolicy: s.escalationPolicy }),
      });
    }
    case 'User': {
      const s = spec as Specs['User'];
      return one({
        kind: 'User',
        ...meta,
        email: s.email,
        ...(s.fullName !== undefined && { fullName: s.fullName }),
        ...(s.timeZone !== undefined && { timeZone: s.timeZone }),
        ...buildContacts(s.email, s, doc, diagnostics),
      });
    }
    case 'ValueStream': {
      const s = spec as Specs['ValueStream'];
      ref('Team', s.owner, ['spec', 'owner']);
      s.journeys.forEach((j, i) => {
        ref('Journey', j, ['spec', 'journeys', i]);
      });
      return one({
        kind: 'ValueStream',
        ...meta,
        objective: s.objective,
        ...(s.owner !== undefined && { owner: s.owner }),
        journeys: s.journeys,
      });
    }
    case 'Journey': {
      const s = spec as Specs['Journey'];
      ref('Team', s.owner, ['spec', 'owner']);
      ref('ErrorBudgetPolicy', s.budgetPolicy, ['spec', 'budgetPolicy']);
      s.steps.forEach((step, i) => {
        step.services.forEach((svc, j) => {
          ref('Service', svc, ['spec', 'steps', i, 'services', j]);
        });
      });
      const value = s.value;
      if (value && value.revenuePerHour === undefined && value.valuePerSuccess === undefined) {
        diagnostics.push(
          doc.diagnostic(
            'missing-field',
            ['spec', 'value'],
            'business value needs revenuePerHour or valuePerSuccess (or both), in the given currency',
          ),
        );
      }
      return one({
        kind: 'Journey',
        ...meta,
        ...(s.owner !== undefined && { owner: s.owner }),
        steps: s.steps.map((st) => ({
          name: st.name,
          ...(st.description !== undefined && { description: st.description }),
          services: st.services,
        })),
        ...(s.budgetPolicy !== undefined && { budgetPolicy: s.budgetPolicy }),
        ...(value && {
          value: {
            currency: value.currency,
            ...(value.revenuePerHour !== undefined && { revenuePerHour: value.revenuePerHour }),
            ...(value.valuePerSuccess !== undefined && { valuePerSuccess: value.valuePerSuccess }),
          },
        }),
      });
    }
    case 'Service': {
      const s = spec as Specs['Service'];
      ref('Team', s.owner, ['spec', 'owner']);
      ref('EscalationPolicy', s.escalationPolicy, ['spec', 'escalationPolicy']);
      ref('ErrorBudgetPolicy', s.budgetPolicy, ['spec', 'budgetPolicy']);
      ref('ReleaseGate', s.releaseGate, ['spec', 'releaseGate']);
      const deps = (s.dependsOn ?? []).map((d, i) => {
        ref('Service', d.service, ['spec', 'dependsOn', i]);
        return { service: d.service, critical: d.critical ?? true };
      });
      const tier = s.tier as 1 | 2 | 3 | 4 | undefined;
      return one({
        kind: 'Service',
        ...meta,
        owner: s.owner,
        ...(tier !== undefined && { tier }),
        ...(s.runbook !== undefined && { runbook: s.runbook }),
        external: s.external ?? false,
        dependsOn: deps,
        links: s.links ?? [],
        ...(s.escalationPolicy !== undefined && { escalationPolicy: s.escalationPolicy }),
        ...(s.budgetPolicy !== undefined && { budgetPolicy: s.budgetPolicy }),
        ...(s.releaseGate !== undefined && { releaseGate: s.releaseGate }),
      });
    }
    case 'DataSource': {
      const s = spec as Specs['DataSource'];
      const connection: Record<string, unknown> = { url: s.url };
      if (s.headers) connection.headers = s.headers;
      if (s.timeout) connection.timeout = s.timeout;
      return one({ kind: 'DataSource', ...meta, type: s.type, connection });
    }
    case 'SLI': {
      const indicator = buildIndicator(spec as Specs['SLI'], ['spec'], doc, diagnostics, refs);
      return {
        declared: indicator
          ? [{ entity: { kind: 'SLI', ...meta, indicator }, doc, namePath: NAME_PATH, refs }]
          : [],
        diagnostics,
      };
    }
    case 'SLO': {
      const slo = buildSlo(meta, spec as Specs['SLO'], doc);
      return { declared: slo.declared, diagnostics: [...diagnostics, ...slo.diagnostics] };
    }
    case 'Probe': {
      const probe = buildProbe(meta, spec as Specs['Probe'], doc, diagnostics, refs);
      return { declared: probe ? [{ entity: probe, doc, namePath: NAME_PATH, refs }] : [], diagnostics };
    }
    case 'Schedule':
      return one(buildSchedule(meta, spec as Specs['Schedule'], doc, diagnostics, refs));
    case 'EscalationPolicy':
      return one(buildEscalationPolicy(meta, spec as Specs['EscalationPolicy'], refs));
    case 'ErrorBudgetPolicy':
      return one(buildErrorBudgetPolicy(meta, spec as Specs['ErrorBudgetPolicy']));
    case 'ReleaseGate':
      return one(buildReleaseGate(meta, spec as Specs['ReleaseGate'], doc, diagnostics, refs));
    case 'StatusPage': {
      const s = spec as Specs['StatusPage'];
      const listed = new Map<string, number>();
      const journeys: StatusPageJourney[] = [];
      (s.journeys ?? []).forEach((j, i) => {
        ref('Journey', j.journey, ['spec', 'journeys', i, 'journey']);
        const first = listed.get(j.journey);
        if (first !== undefined) {
          diagnostics.push(
            doc.diagnostic(
              'invalid-value',
              ['spec', 'journeys', i, 'journey'],
              `journey '${j.journey}' is listed already (journeys[${first}]); a journey appears once on the page`,
            ),
          );
          return;
        }
        listed.set(j.journey, i);
        journeys.push({
          journey: j.journey,
          ...(j.displayName !== undefined && { displayName: j.displayName }),
          ...(j.description !== undefined && { description: j.description }),
        });
      });
      return one({ kind: 'StatusPage', ...meta, title: s.title, journeys });
    }
  }
  return { declared: [], diagnostics };
}

function buildSlo(meta: Meta, s: z.infer<typeof sloSpec>, doc: SourceDocument): BuildResult {
  const diagnostics: Diagnostic[] = [];
  const refs: Reference[] = [];
  const declared: Declared[] = [];
  if ((s.journey === undefined) === (s.service === undefined)) {
    diagnostics.push(
      doc.diagnostic(
        s.journey === undefined ? 'missing-field' : 'invalid-value',
        ['spec'],
        s.journey === undefined
          ? 'an SLO needs a journey or a service it measures; set spec.journey or spec.service'
          : 'an SLO measures one journey or one service, not both; remove spec.journey or spec.service',
        { anchor: 'key' },
      ),
    );
  }
  if (s.journey !== undefined) refs.push({ kind: 'Journey', name: s.journey, path: ['spec', 'journey'] });
  if (s.service !== undefined) refs.push({ kind: 'Service', name: s.service, path: ['spec', 'service'] });

  let sliName = s.sli;
  if ((s.sli === undefined) === (s.indicator === undefined)) {
    diagnostics.push(
      doc.diagnostic(
        s.sli === undefined ? 'missing-field' : 'invalid-value',
        ['spec'],
        s.sli === undefined
          ? 'an SLO needs an indicator: name an SLI in spec.sli or write one in spec.indicator'
          : 'spec.sli and spec.indicator are alternatives; keep one',
        { anchor: 'key' },
      ),
    );
  } else if (s.sli !== undefined) {
    refs.push({ kind: 'SLI', name: s.sli, path: ['spec', 'sli'] });
  } else if (s.indicator) {
    sliName = inlineSliName(meta.name);
    const sliRefs: Reference[] = [];
    const indicator = buildIndicator(s.indicator, ['spec', 'indicator'], doc, diagnostics, sliRefs);
    if (indicator) {
      declared.push({
        entity: {
          kind: 'SLI',
          name: sliName,
          ...(s.indicator.description !== undefined && { description: s.indicator.description }),
          labels: {},
          annotations: {},
          indicator,
        },
        doc,
        namePath: ['spec', 'indicator'],
        refs: sliRefs,
      });
    }
  }
  (s.alertPolicies ?? []).forEach((p, i) => {
    refs.push({ kind: 'AlertPolicy', name: p, path: ['spec', 'alertPolicies', i] });
  });

  const method = s.budgetingMethod ?? 'occurrences';
  const objectives: Objective[] = [];
  s.objectives.forEach((o, i) => {
    const at = ['spec', 'objectives', i];
    if (method === 'timeslices') {
      if (o.timesliceTarget === undefined)
        diagnostics.push(
          doc.diagnostic(
            'missing-field',
            [...at, 'timesliceTarget'],
            'timeslices budgeting needs timesliceTarget, a percentage in (0, 100] a minute must reach to count as good',
          ),
        );
      if (o.timesliceWindow === undefined)
        diagnostics.push(
          doc.diagnostic(
            'missing-field',
            [...at, 'timesliceWindow'],
            'timeslices budgeting needs timesliceWindow, e.g. 1m or 5m',
          ),
        );
    } else {
      for (const f of ['timesliceTarget', 'timesliceWindow'] as const) {
        if (o[f] !== undefined)
          diagnostics.push(
            doc.diagnostic(
              'invalid-value',
              [...at, f],
              `${f} only applies with budgetingMethod: timeslices`,
              { anchor: 'key' },
            ),
          );
      }
    }
    const sliceMs = o.timesliceWindow === undefined ? undefined : parseDuration(o.timesliceWindow);
    if (method === 'timeslices' && o.timesliceWindow !== undefined && sliceMs !== undefined) {
      const problem = checkTimesliceWindow(sliceMs, o.timesliceWindow, doc, [...at, 'timesliceWindow']);
      if (problem) diagnostics.push(problem);
    }
    objectives.push({
      ...(o.displayName !== undefined && { displayName: o.displayName }),
      target: o.target,
      ...(o.timesliceTarget !== undefined &&
        method === 'timeslices' && { timesliceTarget: o.timesliceTarget }),
      ...(sliceMs !== undefined && method === 'timeslices' && { timesliceWindowMs: sliceMs }),
    });
  });

  const window = buildWindow(s.window, doc, diagnostics);
  if (s.sla) {
    const loosest = Math.min(...s.objectives.map((o) => o.target));
    if (s.sla.target > loosest) {
      diagnostics.push(
        doc.diagnostic(
          'invalid-target',
          ['spec', 'sla', 'target'],
          `the SLA (${s.sla.target}%) is stricter than the objective (${loosest}%); an SLO must be at least as strict as the SLA it protects`,
        ),
      );
    }
  }
  const alerting = s.alerting && buildAlerting(s.alerting, doc, diagnostics);
  if (window) checkAlertTiers(window, alerting, doc, diagnostics);
  if (window && sliName !== undefined) {
    declared.unshift({
      entity: {
        kind: 'SLO',
        ...meta,
        ...(s.journey !== undefined && { journey: s.journey }),
        ...(s.service !== undefined && { service: s.service }),
        sli: sliName,
        objectives,
        window,
        budgetingMethod: method,
        ...(s.sla && {
          sla: {
            target: s.sla.target,
            ...(s.sla.creditPercent !== undefined && { creditPercent: s.sla.creditPercent }),
          },
        }),
        alertPolicies: s.alertPolicies ?? [],
        ...(alerting && { alerting }),
      },
      doc,
      namePath: NAME_PATH,
      refs,
    });
  }
  return { declared, diagnostics };
}

/**
 * The name of an SLI written inline in an SLO: `<slo>-sli`, with the SLO's name cut
 * so that it stays a valid name of at most 63 characters.
 */
export function inlineSliName(slo: string): string {
  return `${slo.slice(0, 59).replace(/-+$/, '')}-sli`;
}

const MIN_SLICE_MS = 60_000;
const MAX_SLICE_MS = 3_600_000;

/**
 * Checks a timeslice's length; shared with the OpenSLO reader. A slice is at least a
 * minute (the finest resolution nines keeps) and at most an hour, so it is never
 * longer than a window (at least an hour).
 */
export function checkTimesliceWindow(
  ms: number,
  text: string,
  doc: SourceDocument,
  path: Path,
): Diagnostic | undefined {
  if (ms >= MIN_SLICE_MS && ms <= MAX_SLICE_MS) return undefined;
  return doc.diagnostic(
    'invalid-window',
    path,
    `a timeslice of ${text} is impossible; use between 1m and 1h (1m or 5m is usual)`,
  );
}

const MIN_WINDOW_MS = 3_600_000;
const MAX_WINDOW_MS = 366 * 86_400_000;

/** Checks a rolling window's length; shared with the OpenSLO reader. */
export function checkRollingWindow(
  ms: number,
  text: string,
  doc: SourceDocument,
  path: Path,
): Diagnostic | undefined {
  if (ms < MIN_WINDOW_MS || ms > MAX_WINDOW_MS) {
    return doc.diagnostic(
      'invalid-window',
      path,
      `a rolling window of ${text} is impossible; use between 1h and 366d (28d or 30d is usual)`,
    );
  }
  if (ms < 86_400_000) {
    return doc.diagnostic(
      'suspicious',
      path,
      `a rolling window of ${text} is shorter than a day; budgets this short page on every blip (did you mean days or months?)`,
      { severity: 'warning' },
    );
  }
  return undefined;
}

function buildWindow(
  w: z.infer<typeof sloSpec>['window'],
  doc: SourceDocument,
  diagnostics: Diagnostic[],
): Window | undefined {
  const at = ['spec', 'window'];
  if ((w.rolling === undefined) === (w.calendar === undefined)) {
    diagnostics.push(
      doc.diagnostic(
        'invalid-window',
        at,
        w.rolling === undefined
          ? 'a window is rolling (rolling: 28d) or calendar (calendar: month with a timeZone)'
          : 'a window is either rolling or calendar, not both',
      ),
    );
    return undefined;
  }
  if (w.rolling !== undefined) {
    for (const f of ['timeZone', 'startTime'] as const) {
      if (w[f] !== undefined) {
        diagnostics.push(
          doc.diagnostic('invalid-window', [...at, f], `${f} only applies to calendar windows`, {
            anchor: 'key',
          }),
        );
      }
    }
    const ms = parseDuration(w.rolling) ?? 0;
    const shorthand = typeof (doc.data as { spec?: { window?: unknown } }).spec?.window === 'string';
    const problem = checkRollingWindow(ms, w.rolling, doc, shorthand ? at : [...at, 'rolling']);
    if (problem) {
      diagnostics.push(problem);
      if (problem.severity === 'error') return undefined;
    }
    return { type: 'rolling', durationMs: ms, text: w.rolling };
  }
  const unit = w.calendar ?? 'month'; // both-or-neither was rejected above
  if (w.timeZone === undefined) {
    diagnostics.push(
      doc.diagnostic(
        'missing-field',
        [...at, 'timeZone'],
        'a calendar window needs timeZone, an IANA zone such as Europe/Berlin or UTC',
      ),
    );
    return undefined;
  }
  if (w.startTime !== undefined && !START_TIME.test(w.startTime)) {
    diagnostics.push(
      doc.diagnostic(
        'invalid-window',
        [...at, 'startTime'],
        `'${w.startTime}' is not a local time; write YYYY-MM-DD HH:MM:SS without a zone`,
      ),
    );
    return undefined;
  }
  return { type: 'calendar', unit, timeZone: w.timeZone, startTime: w.startTime ?? DEFAULT_CALENDAR_START };
}

export const START_TIME = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]) ([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/;

function buildIndicator(
  s: z.infer<typeof sliSpec>,
  at: Path,
  doc: SourceDocument,
  diagnostics: Diagnostic[],
  refs: Reference[],
): Indicator | undefined {
  const present = (['ratio', 'latency', 'raw'] as const).filter((k) => s[k] !== undefined);
  if (present.length !== 1) {
    diagnostics.push(
      doc.diagnostic(
        present.length === 0 ? 'missing-field' : 'invalid-value',
        at,
        present.length === 0
          ? 'an SLI needs exactly one of ratio (good/total events), latency (a threshold) or raw (a ratio)'
          : `an SLI has exactly one of ratio, latency or raw; this one has ${present.join(' and ')}`,
        { anchor: 'key' },
      ),
    );
    return undefined;
  }
  const src = s.source ?? { type: 'events' as const };
  const srcAt = [...at, 'source'];
  let source: SliSource;
  switch (src.type) {
    case 'events':
      source = { type: 'events' };
      break;
    case 'probe':
      if (src.probe === undefined) {
        diagnostics.push(
          doc.diagnostic(
            'missing-field',
            [...srcAt, 'probe'],
            'a probe source names the probe that measures this SLI',
          ),
        );
        return undefined;
      }
      refs.push({ kind: 'Probe', name: src.probe, path: [...srcAt, 'probe'] });
      source = { type: 'probe', probe: src.probe, ...(src.step !== undefined && { step: src.step }) };
      if (s.raw !== undefined) {
        diagnostics.push(
          doc.diagnostic(
            'invalid-value',
            [...at, 'raw'],
            'a probe counts runs: use ratio (runs that succeed) or latency (runs that succeed within a threshold)',
            { anchor: 'key' },
          ),
        );
        return undefined;
      }
      break;
    case 'prometheus':
      if (src.dataSource !== undefined)
        refs.push({ kind: 'DataSource', name: src.dataSource, path: [...srcAt, 'dataSource'] });
      source = { type: 'prometheus', ...(src.dataSource !== undefined && { dataSource: src.dataSource }) };
      break;
  }
  if (src.type !== 'probe' && src.probe !== undefined) {
    diagnostics.push(
      doc.diagnostic(
        'invalid-value',
        [...srcAt, 'probe'],
        `probe only applies to a probe source, not ${src.type}`,
        { anchor: 'key' },
      ),
    );
  }
  if (src.type !== 'probe' && src.step !== undefined) {
    diagnostics.push(
      doc.diagnostic(
        'invalid-value',
        [...srcAt, 'step'],
        `step only applies to a probe source, not ${src.type}`,
        {
          anchor: 'key',
        },
      ),
    );
  }
  if (src.type !== 'prometheus' && src.dataSource !== undefined) {
    diagnostics.push(
      doc.diagnostic(
        'invalid-value',
        [...srcAt, 'dataSource'],
        `dataSource only applies to a prometheus source, not ${src.type}`,
        { anchor: 'key' },
      ),
    );
  }
  const prom = source.type === 'prometheus';
  const queriesOnlyForPrometheus = (path: Path, fields: readonly string[], obj: Record<string, unknown>) => {
    if (prom) return;
    for (const f of fields) {
      if (obj[f] !== undefined) {
        diagnostics.push(
          doc.diagnostic(
            'invalid-value',
            [...path, f],
            `a query is only used with a prometheus source; ${source.type} SLIs receive their counts directly`,
            {
              anchor: 'key',
            },
          ),
        );
      }
    }
  };

  if (s.ratio) {
    const r = s.ratio;
    const rAt = [...at, 'ratio'];
    queriesOnlyForPrometheus(rAt, ['good', 'bad', 'total'], r);
    if (prom) {
      if (r.total === undefined)
        diagnostics.push(
          doc.diagnostic('missing-field', [...rAt, 'total'], 'a prometheus ratio needs a total query'),
        );
      if ((r.good === undefined) === (r.bad === undefined)) {
        diagnostics.push(
          doc.diagnostic(
            r.good === undefined ? 'missing-field' : 'invalid-value',
            rAt,
            'a prometheus ratio needs exactly one of good or bad, next to total',
          ),
        );
      }
    }
    return {
      type: 'ratio',
      source,
      ...(prom && r.good !== undefined && { good: r.good }),
      ...(prom && r.bad !== undefined && { bad: r.bad }),
      ...(prom && r.total !== undefined && { total: r.total }),
    };
  }
  if (s.latency) {
    const l = s.latency;
    const lAt = [...at, 'latency'];
    const thresholdMs =
      typeof l.threshold === 'number' ? l.threshold : (parseDuration(l.threshold, LATENCY_DURATION) ?? 0);
    queriesOnlyForPrometheus(lAt, ['histogram'], l);
    if (prom && l.histogram === undefined) {
      diagnostics.push(
        doc.diagnostic(
          'missing-field',
          [...lAt, 'histogram'],
          'a prometheus latency SLI names its histogram metric, e.g. http_request_duration_seconds',
        ),
      );
    }
    return {
      type: 'latency',
      source,
      thresholdMs,
      ...(prom && l.histogram !== undefined && { histogram: l.histogram }),
    };
  }
  const raw = s.raw ?? {};
  const rawAt = [...at, 'raw'];
  queriesOnlyForPrometheus(rawAt, ['query'], raw);
  if (prom && raw.query === undefined) {
    diagnostics.push(
      doc.diagnostic(
        'missing-field',
        [...rawAt, 'query'],
        'a prometheus raw SLI needs a query giving the ratio',
      ),
    );
  }
  return {
    type: 'raw',
    source,
    rawType: raw.rawType ?? 'success',
    ...(prom && raw.query !== undefined && { query: raw.query }),
  };
}

/** Checks per-tier overrides: one of budgetPercent or factor, each tier once. */
export function buildAlerting(
  a: {
    minEvents?: number | undefined;
    disabled?: AlertingOverride['disabled'] | undefined;
    tiers?:
      | { id: AlertTierId; budgetPercent?: number | undefined; factor?: number | undefined }[]
      | undefined;
  },
  doc: SourceDocument,
  diagnostics: Diagnostic[],
  at: Path = ['spec', 'alerting'],
): AlertingOverride {
  const seen = new Set<string>();
  const tiers: AlertingOverride['tiers'][number][] = [];
  (a.tiers ?? []).forEach((t, i) => {
    const tAt = [...at, 'tiers', i];
    if (seen.has(t.id)) {
      diagnostics.push(
        doc.diagnostic('invalid-value', [...tAt, 'id'], `tier ${t.id} is changed twice; give each tier once`),
      );
      return;
    }
    seen.add(t.id);
    if ((t.budgetPercent === undefined) === (t.factor === undefined)) {
      diagnostics.push(
        doc.diagnostic(
          t.factor === undefined ? 'missing-field' : 'invalid-value',
          tAt,
          'a tier override gives budgetPercent (share of the budget spent when it fires) or factor (burn rate), not both',
        ),
      );
      return;
    }
    tiers.push(
      t.factor !== undefined
        ? { id: t.id, factor: t.factor }
        : { id: t.id, budgetPercent: t.budgetPercent as number },
    );
  });
  return { ...(a.minEvents !== undefined && { minEvents: a.minEvents }), disabled: a.disabled ?? [], tiers };
}
