import type { z } from 'zod';
import type { Reference } from './declared.js';
import { type Diagnostic, didYouMean } from './diagnostics.js';
import { PROBE_DURATION, parseDuration, WINDOW_DURATION } from './duration.js';
import type {
  BodyAssertion,
  Extraction,
  JsonValue,
  Meta,
  Probe,
  ProbeCheck,
  ProbeExpect,
  ProbeRequest,
  ProbeStep,
} from './model.js';
import { compileJsonPath } from './probe/jsonpath.js';
import { templateRefs } from './probe/template.js';
import type { bodyAssertion, probeExpect, probeRequest, probeSpec } from './schema/probe.js';
import type { Path, SourceDocument } from './source.js';

type Spec = z.infer<typeof probeSpec>;

export const DEFAULT_PROBE_INTERVAL_MS = 60_000;
/** A run may take this long unless the probe says otherwise (and never longer than its interval). */
export const DEFAULT_PROBE_TIMEOUT_MS = 30_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_REDIRECTS = 10;
export const DEFAULT_MIN_VALIDITY_MS = 14 * 86_400_000;
const MIN_INTERVAL_MS = 1_000;
const MAX_INTERVAL_MS = 86_400_000;
const VARIABLE = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Headers whose literal value in the catalog would be a credential checked into git. */
const CREDENTIAL_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'x-api-key',
  'api-key',
]);

const ms = (v: number | string): number =>
  typeof v === 'number' ? v : (parseDuration(v, PROBE_DURATION) ?? Number.NaN);

/**
 * Builds a Probe from a schema-valid spec: one check (a request, a journey of
 * steps, a TCP connect or a certificate), with templates, JSONPaths, URLs and
 * times checked here, where a schema cannot.
 */
export function buildProbe(
  meta: Meta,
  s: Spec,
  doc: SourceDocument,
  diagnostics: Diagnostic[],
  refs: Reference[],
): Probe | undefined {
  const error = (path: Path, message: string, anchor?: 'key') =>
    diagnostics.push(doc.diagnostic('invalid-value', path, message, anchor ? { anchor } : {}));
  if (s.journey !== undefined) refs.push({ kind: 'Journey', name: s.journey, path: ['spec', 'journey'] });
  if (s.service !== undefined) refs.push({ kind: 'Service', name: s.service, path: ['spec', 'service'] });

  const present = (['http', 'steps', 'tcp', 'certificate'] as const).filter((k) => s[k] !== undefined);
  if (present.length !== 1) {
    diagnostics.push(
      doc.diagnostic(
        present.length === 0 ? 'missing-field' : 'invalid-value',
        ['spec'],
        present.length === 0
          ? 'a probe needs exactly one of http (a request), steps (a journey), tcp or certificate'
          : `a probe has exactly one of http, steps, tcp or certificate; this one has ${present.join(' and ')}`,
        { anchor: 'key' },
      ),
    );
    return undefined;
  }
  if (s.expect !== undefined && s.http === undefined) {
    error(['spec', 'expect'], 'expect belongs to an http probe; steps carry their own', 'key');
  }

  const intervalMs = s.interval === undefined ? DEFAULT_PROBE_INTERVAL_MS : ms(s.interval);
  if (intervalMs < MIN_INTERVAL_MS || intervalMs > MAX_INTERVAL_MS) {
    const hint =
      typeof s.interval === 'number'
        ? ` (a bare number is milliseconds; write ${s.interval}s for seconds)`
        : '';
    error(['spec', 'interval'], `an interval lies between 1s and 24h; got ${formatMs(intervalMs)}${hint}`);
  }
  const timeoutMs = s.timeout === undefined ? Math.min(intervalMs, DEFAULT_PROBE_TIMEOUT_MS) : ms(s.timeout);
  if (timeoutMs > intervalMs) {
    error(
      ['spec', 'timeout'],
      `timeout ${formatMs(timeoutMs)} exceeds the interval ${formatMs(intervalMs)}; runs of one probe never overlap, so a run must end before the next is due`,
    );
  }
  const latencyMs = s.latency === undefined ? undefined : ms(s.latency);
  if (latencyMs !== undefined && latencyMs > timeoutMs) {
    error(
      ['spec', 'latency'],
      `latency threshold ${formatMs(latencyMs)} exceeds the timeout ${formatMs(timeoutMs)}; no run could be slow without timing out`,
    );
  }

  const insecure = s.tls?.insecure ?? false;
  if (s.tls?.ca !== undefined && !s.tls.ca.includes('-----BEGIN CERTIFICATE-----')) {
    error(['spec', 'tls', 'ca'], 'ca holds PEM certificates (-----BEGIN CERTIFICATE----- …)');
  }
  if (insecure && s.certificate !== undefined) {
    error(['spec', 'tls', 'insecure'], 'a certificate check always verifies the certificate', 'key');
  }

  // Which step extracts each variable, to say why a variable is not there yet.
  const extractedBy = new Map<string, string>();
  for (const st of s.steps ?? []) for (const n of Object.keys(st.extract ?? {})) extractedBy.set(n, st.name);
  const checkTemplate = (text: string, path: Path, known: ReadonlySet<string>) => {
    const { refs: used, errors } = templateRefs(text);
    for (const e of errors) error(path, e);
    for (const r of used) {
      if (r.kind === 'env' || known.has(r.name)) continue;
      const by = extractedBy.get(r.name);
      const hint = didYouMean(r.name, [...known]);
      error(
        path,
        by !== undefined
          ? `variable '\${${r.name}}' is extracted by step '${by}', which has not run yet here; a value is there from the step after the one that extracts it`
          : hint === ''
            ? `unknown variable '\${${r.name}}'; variables come from an earlier step's extract (or write \${env:${r.name}} for an environment variable)`
            : `unknown variable '\${${r.name}}'${hint}; variables come from an earlier step's extract`,
      );
    }
  };

  let check: ProbeCheck;
  if (s.http !== undefined) {
    const step: ProbeStep = {
      name: meta.name,
      request: buildRequest(s.http, ['spec', 'http'], new Set(), timeoutMs),
      expect: buildExpect(s.expect, ['spec', 'expect'], new Set()),
      extract: [],
    };
    check = { type: 'http', steps: [step] };
  } else if (s.steps !== undefined) {
    const known = new Set<string>();
    const names = new Set<string>();
    const steps = s.steps.map((st, i): ProbeStep => {
      const at: Path = ['spec', 'steps', i];
      if (names.has(st.name))
        error([...at, 'name'], `step '${st.name}' is already named; step names are unique`);
      names.add(st.name);
      const request = buildRequest(st.http, [...at, 'http'], known, timeoutMs);
      const expect = buildExpect(st.expect, [...at, 'expect'], known);
      const extract = Object.entries(st.extract ?? {}).flatMap(([name, x]): Extraction[] => {
        const xAt: Path = [...at, 'extract', name];
        if (!VARIABLE.test(name)) {
          error(xAt, `'${name}' is not a variable name; use letters, digits and _`, 'key');
          return [];
        }
        if ((x.jsonPath === undefined) === (x.header === undefined)) {
          error(xAt, 'an extraction takes exactly one of jsonPath or header');
          return [];
        }
        if (known.has(name)) error(xAt, `variable '${name}' is already extracted by an earlier step`, 'key');
        const secret = x.secret ?? false;
        if (x.jsonPath !== undefined) {
          const compiled = compileJsonPath(x.jsonPath);
          if (!compiled.ok) error([...xAt, 'jsonPath'], compiled.error);
          return [{ name, from: 'jsonPath', path: x.jsonPath, secret }];
        }
        return [{ name, from: 'header', header: (x.header ?? '').toLowerCase(), secret }];
      });
      // Extracted values reach the next steps, not this one's own request.
      for (const x of extract) known.add(x.name);
      return { name: st.name, request, expect, extract };
    });
    check = { type: 'http', steps };
  } else if (s.tcp !== undefined) {
    checkTemplate(s.tcp.host, ['spec', 'tcp', 'host'], new Set());
    check = { type: 'tcp', host: s.tcp.host, port: s.tcp.port };
  } else {
    const c = s.certificate as NonNullable<Spec['certificate']>;
    checkTemplate(c.host, ['spec', 'certificate', 'host'], new Set());
    check = {
      type: 'tls',
      host: c.host,
      port: c.port ?? 443,
      ...(c.serverName !== undefined && { serverName: c.serverName }),
      minValidityMs:
        c.minValidity === undefined
          ? DEFAULT_MIN_VALIDITY_MS
          : (parseDuration(c.minValidity, WINDOW_DURATION) ?? DEFAULT_MIN_VALIDITY_MS),
    };
  }

  return {
    kind: 'Probe',
    ...meta,
    ...(s.journey !== undefined && { journey: s.journey }),
    ...(s.service !== undefined && { service: s.service }),
    intervalMs,
    timeoutMs,
    ...(latencyMs !== undefined && { latencyMs }),
    check,
    tls: { ...(s.tls?.ca !== undefined && { ca: s.tls.ca }), insecure },
  };

  function buildRequest(
    r: z.infer<typeof probeRequest>,
    at: Path,
    known: ReadonlySet<string>,
    runTimeoutMs: number,
  ): ProbeRequest {
    checkUrl(r.url, [...at, 'url'], known);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(r.headers ?? {})) {
      const key = k.toLowerCase();
      if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(k))
        error([...at, 'headers', k], `'${k}' is not a header name`, 'key');
      checkTemplate(v, [...at, 'headers', k], known);
      if (CREDENTIAL_HEADERS.has(key) && !templateRefs(v).refs.some((x) => x.kind === 'env')) {
        diagnostics.push(
          doc.diagnostic(
            'suspicious',
            [...at, 'headers', k],
            `header ${k} holds a literal credential; write it as \${env:NAME} so the secret stays out of the catalog`,
            { severity: 'warning' },
          ),
        );
      }
      headers[key] = v;
    }
    let body = r.body;
    if (r.body !== undefined && r.json !== undefined) {
      error([...at, 'json'], 'a request has body or json, not both', 'key');
    }
    if (r.json !== undefined) {
      body = JSON.stringify(r.json);
      headers['content-type'] ??= 'application/json';
    }
    if (body !== undefined) checkTemplate(body, [...at, r.json !== undefined ? 'json' : 'body'], known);
    const method = r.method ?? 'GET';
    if (body !== undefined && (method === 'GET' || method === 'HEAD')) {
      error(
        [...at, r.json !== undefined ? 'json' : 'body'],
        `a ${method} request carries no body; set method to POST, PUT or PATCH`,
        'key',
      );
    }
    const timeoutMs =
      r.timeout === undefined ? Math.min(DEFAULT_REQUEST_TIMEOUT_MS, runTimeoutMs) : ms(r.timeout);
    if (timeoutMs > runTimeoutMs) {
      diagnostics.push(
        doc.diagnostic(
          'suspicious',
          [...at, 'timeout'],
          `request timeout ${formatMs(timeoutMs)} exceeds the probe's timeout ${formatMs(runTimeoutMs)}, which cuts it short`,
          { severity: 'warning' },
        ),
      );
    }
    return {
      method,
      url: r.url,
      headers,
      ...(body !== undefined && { body }),
      timeoutMs,
      followRedirects: r.followRedirects ?? true,
      maxRedirects: r.maxRedirects ?? DEFAULT_MAX_REDIRECTS,
    };
  }

  function checkUrl(url: string, at: Path, known: ReadonlySet<string>): void {
    const before = diagnostics.length;
    checkTemplate(url, at, known);
    if (diagnostics.length > before) return;
    // A URL may come whole from a variable (`${env:SHOP_URL}/search`); then only the rest is known.
    if (/^\$\{/.test(url)) return;
    let parsed: URL;
    try {
      parsed = new URL(url.replace(/\$\{[^}]*\}/g, 'x'));
    } catch {
      error(
        at,
        `'${url}' is not a URL; write an absolute http(s) URL such as https://shop.example.com/search`,
      );
      return;
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      error(at, `'${url}' is not an http(s) URL; tcp and certificate checks have their own keys`);
    }
  }

  function buildExpect(
    e: z.infer<typeof probeExpect> | undefined,
    at: Path,
    known: ReadonlySet<string>,
  ): ProbeExpect {
    const items = e?.status === undefined ? [] : Array.isArray(e.status) ? e.status : [e.status];
    const status = items.flatMap((item, i) => {
      const range = statusRange(item);
      if (!range) {
        error(
          Array.isArray(e?.status) ? [...at, 'status', i] : [...at, 'status'],
          `'${String(item)}' is not a status; write a code (200), a class (2xx) or a range (200-299) between 100 and 599`,
        );
        return [];
      }
      return [range];
    });
    const body = (e?.body ?? []).flatMap((a, i) => {
      const built = buildAssertion(a, [...at, 'body', i], known);
      return built ? [built] : [];
    });
    return {
      status: status.length > 0 ? status : [[200, 299]],
      ...(e?.latency !== undefined && { latencyMs: ms(e.latency) }),
      body,
    };
  }

  function buildAssertion(
    a: z.infer<typeof bodyAssertion>,
    at: Path,
    known: ReadonlySet<string>,
  ): BodyAssertion | undefined {
    const kinds = [
      a.contains !== undefined && 'contains',
      a.jsonPath !== undefined && 'jsonPath',
      a.schema !== undefined && 'schema',
    ].filter((k): k is string => k !== false);
    if (kinds.length !== 1) {
      diagnostics.push(
        doc.diagnostic(
          kinds.length === 0 ? 'missing-field' : 'invalid-value',
          at,
          kinds.length === 0
            ? 'an assertion needs one of contains, jsonPath (with exists or equals) or schema'
            : `an assertion checks one thing; this one has ${kinds.join(' and ')}`,
        ),
      );
      return undefined;
    }
    if (a.jsonPath === undefined && (a.exists !== undefined || a.equals !== undefined)) {
      error(
        [...at, a.exists !== undefined ? 'exists' : 'equals'],
        'exists and equals go with a jsonPath',
        'key',
      );
      return undefined;
    }
    if (a.contains !== undefined) {
      checkTemplate(a.contains, [...at, 'contains'], known);
      return { type: 'contains', text: a.contains };
    }
    if (a.schema !== undefined) return { type: 'schema', schema: a.schema as { [k: string]: JsonValue } };
    const path = a.jsonPath as string;
    const compiled = compileJsonPath(path);
    if (!compiled.ok) {
      error([...at, 'jsonPath'], compiled.error);
      return undefined;
    }
    if (a.exists !== undefined && a.equals !== undefined) {
      error([...at, 'equals'], 'a jsonPath assertion takes exists or equals, not both', 'key');
      return undefined;
    }
    if (a.equals !== undefined) return { type: 'equals', path, value: a.equals as JsonValue };
    return { type: 'exists', path, exists: a.exists ?? true };
  }
}

/** `200` → [200, 200]; `'2xx'` → [200, 299]; `'200-204'` → [200, 204]; undefined when not a status. */
export function statusRange(item: number | string): readonly [number, number] | undefined {
  const ok = (lo: number, hi: number) =>
    Number.isInteger(lo) && Number.isInteger(hi) && lo >= 100 && hi <= 599 && lo <= hi
      ? ([lo, hi] as const)
      : undefined;
  if (typeof item === 'number') return ok(item, item);
  const text = item.trim();
  const cls = /^([1-5])xx$/i.exec(text);
  if (cls) return ok(Number(cls[1]) * 100, Number(cls[1]) * 100 + 99);
  const range = /^(\d{3})\s*-\s*(\d{3})$/.exec(text);
  if (range) return ok(Number(range[1]), Number(range[2]));
  return /^\d{3}$/.test(text) ? ok(Number(text), Number(text)) : undefined;
}

/** `1500` → `1.5s`, `60000` → `1m`. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms >= 1000) return `${ms / 1000}s`;
  return `${ms}ms`;
}
