import type { IncomingHttpHeaders } from 'node:http';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { JSONValue } from 'json-p3';
import type { Extraction, JsonValue, ProbeExpect } from '../../catalog/model.js';
import { compileJsonPath } from '../../catalog/probe/jsonpath.js';
import { formatDuration, StepError } from './errors.js';
import { headerSecrets, SENSITIVE_HEADERS } from './redact.js';

/** A response body as text, parsed as JSON once, the first time an assertion needs it. */
export class ResponseBody {
  private parsed?:
    | { readonly ok: true; readonly value: unknown }
    | { readonly ok: false; readonly error: string };
  constructor(readonly text: string) {}

  /** The body as JSON; throws a {@link StepError} naming the parse error. */
  json(): unknown {
    if (this.parsed === undefined) {
      try {
        this.parsed = { ok: true, value: JSON.parse(this.text) };
      } catch (e) {
        this.parsed = { ok: false, error: `response is not valid JSON: ${(e as Error).message}` };
      }
    }
    if (!this.parsed.ok) throw new StepError(this.parsed.error);
    return this.parsed.value;
  }
}

export interface Answer {
  readonly status: number;
  /** The request's own time: every redirect and the whole body. */
  readonly durationMs: number;
  readonly body: ResponseBody;
}

/**
 * Checks a response against a step's expectations, in the order people read
 * them: status, latency, then each body assertion. Returns the first failure.
 * `fill` expands the templates of `contains` and throws a {@link StepError}.
 *
 * @example
 * checkExpect({ status: [[200, 299]], body: [] }, { status: 500, durationMs: 12, body }, fill);
 * // 'expected status 200-299, got 500'
 */
export function checkExpect(
  expect: ProbeExpect,
  answer: Answer,
  fill: (template: string) => string,
): string | undefined {
  if (!expect.status.some(([lo, hi]) => answer.status >= lo && answer.status <= hi)) {
    const ranges = expect.status.map(([lo, hi]) => (lo === hi ? `${lo}` : `${lo}-${hi}`)).join(' or ');
    return `expected status ${ranges}, got ${answer.status}`;
  }
  if (expect.latencyMs !== undefined && answer.durationMs > expect.latencyMs) {
    return `took ${Math.round(answer.durationMs)} ms, over the ${formatDuration(expect.latencyMs)} latency limit`;
  }
  try {
    for (const a of expect.body) {
      const failure =
        a.type === 'contains'
          ? contains(answer.body, fill(a.text))
          : a.type === 'exists'
            ? exists(answer.body, a.path, a.exists)
            : a.type === 'equals'
              ? equals(answer.body, a.path, a.value)
              : matchesSchema(answer.body, a.schema);
      if (failure !== undefined) return failure;
    }
  } catch (e) {
    if (e instanceof StepError) return e.message;
    throw e;
  }
  return undefined;
}

export interface Extracted {
  readonly vars: ReadonlyMap<string, string>;
  /** Values of `secret` extractions, and of anything taken from a credential header. */
  readonly secrets: readonly string[];
  readonly error?: string;
}

/**
 * Takes the values later steps use. Runs before the assertions so that a
 * secret in a failing response is known, and redacted, before anything is
 * recorded; its own failure is reported after theirs.
 *
 * @example
 * extract([{ name: 'orderId', from: 'jsonPath', path: '$.id', secret: false }], headers, body);
 * // { vars: Map { 'orderId' => 'o-17' }, secrets: [] }
 */
export function extract(
  extractions: readonly Extraction[],
  headers: IncomingHttpHeaders,
  body: ResponseBody,
): Extracted {
  const vars = new Map<string, string>();
  const secrets: string[] = [];
  for (const x of extractions) {
    let value: string;
    if (x.from === 'header') {
      const raw = headers[x.header];
      if (raw === undefined)
        return { vars, secrets, error: `cannot extract ${x.name}: no ${x.header} header` };
      value = Array.isArray(raw) ? raw.join(', ') : raw;
      if (SENSITIVE_HEADERS.has(x.header)) secrets.push(value, ...headerSecrets({ [x.header]: raw }));
    } else {
      let nodes: unknown[];
      try {
        nodes = select(body, x.path);
      } catch (e) {
        if (e instanceof StepError) return { vars, secrets, error: `cannot extract ${x.name}: ${e.message}` };
        throw e;
      }
      const first = nodes[0];
      if (first === undefined)
        return { vars, secrets, error: `cannot extract ${x.name}: ${x.path} matches nothing` };
      value = typeof first === 'string' ? first : JSON.stringify(first);
    }
    vars.set(x.name, value);
    if (x.secret) secrets.push(value);
  }
  return { vars, secrets };
}

function select(body: ResponseBody, path: string): unknown[] {
  const compiled = compileJsonPath(path);
  if (!compiled.ok) throw new StepError(compiled.error);
  const root = body.json() as JSONValue;
  try {
    return compiled.query.query(root).values();
  } catch (e) {
    // json-p3 can still fail while evaluating (a recursion limit, a filter type error).
    throw new StepError(`${path} could not be evaluated: ${(e as Error).message}`);
  }
}

function contains(body: ResponseBody, text: string): string | undefined {
  return body.text.includes(text) ? undefined : `body does not contain ${show(text)}`;
}

function exists(body: ResponseBody, path: string, wanted: boolean): string | undefined {
  const n = select(body, path).length;
  if (wanted) return n > 0 ? undefined : `${path} matches nothing`;
  return n === 0 ? undefined : `${path} matches ${n === 1 ? '1 node' : `${n} nodes`}, expected none`;
}

function equals(body: ResponseBody, path: string, value: JsonValue): string | undefined {
  const nodes = select(body, path);
  if (nodes.length === 0) return `${path} matches nothing, expected ${show(value)}`;
  if (nodes.length > 1)
    return `${path} matches ${nodes.length} nodes, expected exactly one equal to ${show(value)}`;
  return deepEqual(nodes[0], value) ? undefined : `${path} is ${show(nodes[0])}, expected ${show(value)}`;
}

// One instance, no formats (annotations in 2020-12) and no strict mode: a schema
// copied from an API's documentation often carries `example` and vendor keywords.
const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false, logger: false });
/** Compiled once per schema object, that is once per probe as loaded; gone with the catalog. */
const validators = new WeakMap<object, ValidateFunction | string>();
const MAX_SCHEMA_ERRORS = 3;

function validator(schema: { readonly [k: string]: JsonValue }): ValidateFunction | string {
  let v = validators.get(schema);
  if (v === undefined) {
    try {
      v = ajv.compile(schema);
    } catch (e) {
      v = `the schema is not valid: ${(e as Error).message}`;
    }
    // Ajv keeps every schema it compiled (and refuses a second one with the same $id); the WeakMap is the cache.
    ajv.removeSchema(schema);
    validators.set(schema, v);
  }
  return v;
}

function matchesSchema(body: ResponseBody, schema: { readonly [k: string]: JsonValue }): string | undefined {
  const validate = validator(schema);
  if (typeof validate === 'string') return validate;
  if (validate(body.json())) return undefined;
  const errors = validate.errors ?? [];
  const listed = errors
    .slice(0, MAX_SCHEMA_ERRORS)
    .map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
  if (errors.length > MAX_SCHEMA_ERRORS) listed.push(`and ${errors.length - MAX_SCHEMA_ERRORS} more`);
  return `body does not match the schema: ${listed.join('; ')}`;
}

const MAX_SHOWN = 80;

/** A value as JSON, cut short: a message names the difference, not the whole document. */
function show(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > MAX_SHOWN ? `${s.slice(0, MAX_SHOWN - 1)}…` : s;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  const ka = Object.keys(a);
  const rb = b as Record<string, unknown>;
  const ra = a as Record<string, unknown>;
  return (
    ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(rb, k) && deepEqual(ra[k], rb[k]))
  );
}
