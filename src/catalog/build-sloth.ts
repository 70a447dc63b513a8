import type { z } from 'zod';
import { isRecord } from '../guards.js';
import { inlineSliName } from './build-nines.js';
import type { BuildResult, Declared } from './declared.js';
import type { Diagnostic, DiagnosticCode } from './diagnostics.js';
import { didYouMean, formatPath } from './diagnostics.js';
import { describeValue, issuesToDiagnostics } from './issues.js';
import type { AlertingOverride, Indicator, Service, Window } from './model.js';
import { knockOn } from './repair.js';
import {
  SLOTH_VERSION,
  type SlothAlert,
  type SlothCrdSpec,
  type SlothMetadata,
  type SlothSpec,
  slothSpec,
} from './schema/sloth.js';
import type { Path, SourceDocument } from './source.js';

/** Annotations that keep what Sloth says and nines does not use (alert names, labels, annotations). */
export const SLOTH_ANNOTATION = 'sloth.slok.dev/';

/** Sloth's default SLO period (`--default-slo-period`). */
const SLOTH_WINDOW: Window = { type: 'rolling', durationMs: 30 * 86_400_000, text: '30d' };

/** Sloth's `{{.window}}` (Go template) and nines' own `{{window}}`. */
const WINDOW_PLACEHOLDER = /\{\{\s*\.?window\s*\}\}/g;

/** A Sloth service without the `version`: the shape both spellings are read into. */
type SlothService = Omit<SlothSpec, 'version'>;
type SlothSlo = SlothService['slos'][number];

/** Field names that differ between the plain spec (snake_case) and the CRD (camelCase), for paths. */
interface Spelling {
  readonly errorQuery: string;
  readonly totalQuery: string;
  readonly errorRatioQuery: string;
  readonly pageAlert: string;
  readonly ticketAlert: string;
  readonly sloPlugins: string;
}

const SPEC_SPELLING: Spelling = {
  errorQuery: 'error_query',
  totalQuery: 'total_query',
  errorRatioQuery: 'error_ratio_query',
  pageAlert: 'page_alert',
  ticketAlert: 'ticket_alert',
  sloPlugins: 'slo_plugins',
};

const CRD_SPELLING: Spelling = {
  errorQuery: 'errorQuery',
  totalQuery: 'totalQuery',
  errorRatioQuery: 'errorRatioQuery',
  pageAlert: 'pageAlert',
  ticketAlert: 'ticketAlert',
  sloPlugins: 'sloPlugins',
};

/**
 * A Sloth name as a nines name (an RFC 1123 label): lower case, each run of other
 * characters one '-', at most 63 characters. Empty when nothing is left.
 *
 * @example
 * slothName('MyService_requests.availability'); // 'myservice-requests-availability'
 */
export function slothName(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, 63)
    .replace(/-+$/, '');
}

/** Reads one Sloth service (a file's `service` and its `slos`) written at `at`. */
class Builder {
  readonly diagnostics: Diagnostic[] = [];
  readonly declared: Declared[] = [];
  /** The nines name of the service; empty (and reported) when it cannot have one. */
  readonly service: string;

  constructor(
    readonly doc: SourceDocument,
    readonly spelling: Spelling,
    readonly s: SlothService,
    readonly at: Path,
    /** Annotations every SLO gets (where a CRD came from). */
    readonly extra: Readonly<Record<string, string>> = {},
  ) {
    this.service = slothName(s.service);
  }

  report(code: DiagnosticCode, path: Path, message: string, anchor: 'key' | 'value' = 'value'): void {
    this.diagnostics.push(this.doc.diagnostic(code, path, message, { anchor }));
  }

  warn(code: DiagnosticCode, path: Path, message: string): void {
    this.diagnostics.push(this.doc.diagnostic(code, path, message, { severity: 'warning', anchor: 'key' }));
  }

  missing(path: Path, hint: string): void {
    this.report('missing-field', path, `required field '${String(path.at(-1))}' is missing; ${hint}`);
  }

  where(path: Path): string {
    const { line, column } = this.doc.locate(path);
    return `${this.doc.file}:${line}:${column}`;
  }

  plugins(value: Readonly<Record<string, unknown>> | undefined, path: Path): void {
    if (value === undefined) return;
    const chain = Array.isArray(value.chain) ? value.chain : [];
    const ids = chain.flatMap((p) => (isRecord(p) && typeof p.id === 'string' ? [p.id] : []));
    this.warn(
      'unsupported',
      path,
      `nines does not run Sloth SLO plugins${ids.length > 0 ? ` (${ids.join(', ')})` : ''}; they are ignored, as nines evaluates and alerts on the SLO itself`,
    );
  }

  /** The query with nines' placeholder; a warning when it has none. */
  query(text: string, path: Path): string {
    if (!text.match(WINDOW_PLACEHOLDER)) {
      this.warn(
        'suspicious',
        path,
        `${String(path.at(-1))} has no {{.window}}, so it reads one fixed range whatever the window (Sloth would generate it so too); write the range as [{{.window}}]`,
      );
    }
    return text.replace(WINDOW_PLACEHOLDER, '{{window}}');
  }

  indicator(sli: NonNullable<SlothSlo['sli']>, at: Path): Indicator | undefined {
    const sp = this.spelling;
    const present = (['events', 'raw', 'plugin'] as const).filter((k) => sli[k] !== undefined);
    if (present.length !== 1) {
      this.report(
        present.length === 0 ? 'missing-field' : 'invalid-value',
        at,
        present.length === 0
          ? `an SLI needs one of events (${sp.errorQuery} and ${sp.totalQuery}), raw (${sp.errorRatioQuery}) or plugin`
          : `an SLI has exactly one of events, raw or plugin; this one has ${present.join(' and ')}`,
        'key',
      );
      return undefined;
    }
    if (sli.plugin) {
      const id = sli.plugin.id === undefined ? '' : ` '${sli.plugin.id}'`;
      this.report(
        'unsupported',
        [...at, 'plugin'],
        `the SLI plugin${id} cannot run in nines: Sloth plugins are Go code that writes the queries inside Sloth; write the SLI as events (${sp.errorQuery}, ${sp.totalQuery}) or raw (${sp.errorRatioQuery})`,
        'key',
      );
      return undefined;
    }
    const source = { type: 'prometheus' } as const;
    if (sli.events) {
      const eAt = [...at, 'events'];
      const hint = `events need ${sp.errorQuery} (bad events) and ${sp.totalQuery}, PromQL rates over [{{.window}}]`;
      const { error_query: bad, total_query: total } = sli.events;
      if (bad === undefined) this.missing([...eAt, sp.errorQuery], hint);
      if (total === undefined) this.missing([...eAt, sp.totalQuery], hint);
      if (bad === undefined || total === undefined) return undefined;
      return {
        type: 'ratio',
        source,
        bad: this.query(bad, [...eAt, sp.errorQuery]),
        total: this.query(total, [...eAt, sp.totalQuery]),
      };
    }
    const query = sli.raw?.error_ratio_query;
    const qAt = [...at, 'raw', sp.errorRatioQuery];
    if (query === undefined) {
      this.missing(qAt, 'raw needs a PromQL query giving the error ratio (0 to 1) over [{{.window}}]');
      return undefined;
    }
    return { type: 'raw', source, rawType: 'failure', query: this.query(query, qAt) };
  }

  /** The nines name of an SLO, or undefined (reported) when it has none or repeats one. */
  name(i: number, first: Map<string, number>): string | undefined {
    const { at, service, s } = this;
    const written = s.slos[i]?.name;
    if (written === undefined) return undefined; // reported as missing by slo()
    const own = slothName(written);
    if (own === '') {
      this.report(
        'invalid-name',
        [...at, 'slos', i, 'name'],
        `'${written}' has no letter or digit to name an SLO after`,
      );
      return undefined;
    }
    if (service === '') return undefined;
    const name = slothName(`${service}-${own}`);
    const j = first.get(name);
    if (j === undefined) {
      first.set(name, i);
      return name;
    }
    const other = s.slos[j]?.name ?? '';
    const was = this.where([...at, 'slos', j, 'name']);
    this.report(
      'duplicate-name',
      [...at, 'slos', i, 'name'],
      other === written
        ? `SLO '${other}' is already declared at ${was}; Sloth SLO names are unique per service`
        : `'${written}' becomes the nines SLO '${name}', as '${other}' at ${was} does; rename one of them`,
    );
    return undefined;
  }

  /** Checks one SLO and, when `name` is given and all is well, declares it with its SLI. */
  slo(i: number, name: string | undefined): void {
    const { at, service, s } = this;
    const slo = s.slos[i];
    if (!slo) return;
    const sAt = [...at, 'slos', i];
    if (slo.name === undefined)
      this.missing([...sAt, 'name'], 'it names the SLO within its service, e.g. requests-availability');
    if (slo.objective === undefined)
      this.missing([...sAt, 'objective'], 'it is the percentage of good events, e.g. 99.9');
    else if (slo.objective <= 1)
      this.warn(
        'suspicious',
        [...sAt, 'objective'],
        `objective is a percentage: ${slo.objective} asks for ${slo.objective}% good events (did you mean ${Number((slo.objective * 100).toPrecision(12))}?)`,
      );
    if (slo.sli === undefined)
      this.missing(
        [...sAt, 'sli'],
        `write events (${this.spelling.errorQuery} and ${this.spelling.totalQuery}) or raw (${this.spelling.errorRatioQuery})`,
      );
    const indicator = slo.sli && this.indicator(slo.sli, [...sAt, 'sli']);
    this.plugins(slo.plugins, [...sAt, 'plugins']);
    if (name === undefined || slo.objective === undefined || !indicator) return;
    const sli = inlineSliName(name);
    this.declared.push(
      {
        entity: {
          kind: 'SLO',
          name,
          ...(slo.description !== undefined && { description: slo.description }),
          labels: { ...s.labels, ...slo.labels },
          annotations: { ...this.extra, ...this.annotations(slo) },
          service,
          sli,
          objectives: [{ target: slo.objective }],
          window: SLOTH_WINDOW,
          budgetingMethod: 'occurrences',
          alertPolicies: [],
          ...this.alerting(slo.alerting),
        },
        doc: this.doc,
        namePath: [...sAt, 'name'],
        refs: [{ kind: 'Service', name: service, path: [...at, 'service'] }],
      },
      {
        entity: { kind: 'SLI', name: sli, labels: {}, annotations: {}, indicator },
        doc: this.doc,
        namePath: [...sAt, 'sli'],
        refs: [],
      },
    );
  }

  alerting(a: SlothSlo['alerting']): { alerting?: AlertingOverride } {
    const disabled = (['page', 'ticket'] as const).filter((sev) => this.alert(a, sev)?.disable === true);
    return disabled.length > 0 ? { alerting: { disabled, tiers: [] } } : {};
  }

  alert(a: SlothSlo['alerting'], severity: 'page' | 'ticket'): SlothAlert | undefined {
    return severity === 'page' ? a?.page_alert : a?.ticket_alert;
  }

  /** Everything Sloth says about its alerts, kept under `sloth.slok.dev/`. */
  annotations(slo: SlothSlo): Record<string, string> {
    const out: Record<string, string> = {
      [`${SLOTH_ANNOTATION}service`]: this.s.service,
      [`${SLOTH_ANNOTATION}slo`]: slo.name ?? '',
    };
    const a = slo.alerting;
    const keep = (prefix: string, map: Readonly<Record<string, string>> | undefined) => {
      for (const [k, v] of Object.entries(map ?? {})) out[`${SLOTH_ANNOTATION}${prefix}.${k}`] = v;
    };
    if (a?.name !== undefined) out[`${SLOTH_ANNOTATION}alert-name`] = a.name;
    keep('alert-label', a?.labels);
    keep('alert-annotation', a?.annotations);
    for (const severity of ['page', 'ticket'] as const) {
      const alert = this.alert(a, severity);
      keep(`${severity}-alert-label`, alert?.labels);
      keep(`${severity}-alert-annotation`, alert?.annotations);
      if (alert?.for !== undefined) out[`${SLOTH_ANNOTATION}${severity}-alert-for`] = alert.for;
    }
    return out;
  }

  /** The service stub, then each SLO with its SLI. */
  build(): BuildResult {
    const { at, service, s } = this;
    if (service === '') {
      this.report(
        'invalid-name',
        [...at, 'service'],
        `'${s.service}' has no letter or digit to name a service after`,
      );
    } else {
      // A stub: it stands for the nines/v1 or OpenSLO Service of that name when there is one.
      const stub: Service = {
        kind: 'Service',
        name: service,
        labels: {},
        annotations: {},
        external: false,
        dependsOn: [],
        links: [],
      };
      this.declared.push({ entity: stub, doc: this.doc, namePath: [...at, 'service'], refs: [], stub: true });
    }
    this.plugins(s.slo_plugins, [...at, this.spelling.sloPlugins]);
    const first = new Map<string, number>();
    s.slos.forEach((_, i) => {
      this.slo(i, this.name(i, first));
    });
    return { declared: this.declared, diagnostics: this.diagnostics };
  }
}

/** The CRD's camelCase fields under the plain spec's names. */
function fromCrd(s: SlothCrdSpec): SlothService {
  return {
    service: s.service,
    labels: s.labels,
    slo_plugins: s.sloPlugins,
    slos: s.slos.map(({ sli, alerting, ...slo }) => ({
      ...slo,
      sli: sli && {
        events: sli.events && { error_query: sli.events.errorQuery, total_query: sli.events.totalQuery },
        raw: sli.raw && { error_ratio_query: sli.raw.errorRatioQuery },
        plugin: sli.plugin,
      },
      alerting: alerting && {
        name: alerting.name,
        labels: alerting.labels,
        annotations: alerting.annotations,
        page_alert: alerting.pageAlert,
        ticket_alert: alerting.ticketAlert,
      },
    })),
  };
}

/** Builds a schema-valid `sloth.slok.dev/v1` PrometheusServiceLevel (see `FORMATS` in load.ts). */
export function buildSloth(
  _kind: 'PrometheusServiceLevel',
  metadata: SlothMetadata,
  spec: SlothCrdSpec,
  doc: SourceDocument,
): BuildResult {
  const resource =
    metadata.namespace === undefined ? metadata.name : `${metadata.namespace}/${metadata.name}`;
  return new Builder(doc, CRD_SPELLING, fromCrd(spec), ['spec'], {
    [`${SLOTH_ANNOTATION}resource`]: resource,
  }).build();
}

/**
 * Reads a `version: prometheus/v1` Sloth spec, a document without apiVersion,
 * kind, metadata or spec: each SLO becomes a nines SLO `<service>-<slo>` with an
 * inline SLI, on a Service stub named after `service`.
 *
 * @example
 * readSlothSpec(doc); // { declared: [Service myservice, SLO myservice-requests-availability, SLI …], diagnostics: [] }
 */
export function readSlothSpec(doc: SourceDocument): BuildResult {
  const data = doc.data as Record<string, unknown>;
  const version = data.version;
  if (version !== SLOTH_VERSION) {
    const message =
      typeof version === 'string'
        ? `unknown Sloth version '${version}'${didYouMean(version, [SLOTH_VERSION])}; nines reads version: ${SLOTH_VERSION}`
        : `version must be text, got ${describeValue(version)}; nines reads version: ${SLOTH_VERSION}`;
    const code = typeof version === 'string' ? 'unknown-api-version' : 'invalid-type';
    return { declared: [], diagnostics: [doc.diagnostic(code, ['version'], message)] };
  }
  const diagnostics: Diagnostic[] = [];
  const parsed = parseRoot(doc, slothSpec, data, diagnostics);
  if (!parsed) return { declared: [], diagnostics };
  const built = new Builder(doc, SPEC_SPELLING, parsed.data, []).build();
  const isKnockOn = knockOn(parsed.removed);
  return {
    declared: built.declared,
    diagnostics: [...diagnostics, ...built.diagnostics.filter((d) => !isKnockOn(d.path))],
  };
}

/**
 * `parseRepaired` (repair.ts) for a document that is its own spec: every schema
 * problem is reported, the fields that fail are left out and the rest parsed
 * again, so that the builder still checks it. Undefined when what failed cannot
 * be left out (a required field, or an item of a list).
 */
function parseRoot<T>(
  doc: SourceDocument,
  schema: z.ZodType<T>,
  data: Record<string, unknown>,
  diagnostics: Diagnostic[],
): { data: T; removed: string[] } | undefined {
  const first = schema.safeParse(data);
  if (first.success) return { data: first.data, removed: [] };
  diagnostics.push(...issuesToDiagnostics(doc, [], schema, data, first.error.issues));
  const copy = structuredClone(data);
  const removed: string[] = [];
  for (const issue of first.error.issues) {
    const paths =
      issue.code === 'unrecognized_keys' ? issue.keys.map((k) => [...issue.path, k]) : [issue.path];
    for (const raw of paths) {
      const path = raw.filter((seg): seg is string | number => typeof seg !== 'symbol');
      const parent = path
        .slice(0, -1)
        .reduce<unknown>(
          (v, seg) => (typeof v === 'object' && v ? (v as Record<number | string, unknown>)[seg] : undefined),
          copy,
        );
      const last = path.at(-1);
      if (typeof last !== 'string' || !isRecord(parent)) return undefined;
      delete parent[last];
      removed.push(formatPath(path));
    }
  }
  const second = schema.safeParse(copy);
  return second.success ? { data: second.data, removed } : undefined;
}
