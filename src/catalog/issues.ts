import type { z } from 'zod';
import type { Diagnostic, DiagnosticCode } from './diagnostics.js';
import { DIAGNOSTIC_CODES, didYouMean } from './diagnostics.js';
import { def, type Schema, unwrap } from './schema/introspect.js';
import type { Path, SourceDocument } from './source.js';

type Issue = z.core.$ZodIssue;

/** The schema that applies at `path` below `schema`, as far as it can be followed. */
function schemaAt(schema: Schema, path: readonly PropertyKey[]): Schema | undefined {
  let s: Schema | undefined = schema;
  for (const seg of path) {
    if (!s) return undefined;
    const d = def(unwrap(s));
    if (d.type === 'object') s = d.shape?.[String(seg)];
    else if (d.type === 'array') s = d.element;
    else if (d.type === 'record') s = d.valueType;
    else if (d.type === 'union')
      s = d.options?.map((o) => def(unwrap(o)).shape?.[String(seg)]).find((x) => x !== undefined);
    else return undefined;
  }
  return s;
}

function allowedKeys(schema: Schema | undefined): string[] {
  if (!schema) return [];
  return Object.keys(def(unwrap(schema)).shape ?? {});
}

/** The value written at `path`; a shorthand string (`source: events`) stands for its one field. */
function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = data;
  for (const [i, seg] of path.entries()) {
    if (typeof v === 'string' && i === path.length - 1) return v;
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[seg];
  }
  return v;
}

export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the text '${v.length > 40 ? `${v.slice(0, 40)}…` : v}'`;
  if (typeof v === 'number') return `the number ${v}`;
  if (typeof v === 'boolean') return `${v}`;
  return typeof v;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  record: 'a mapping',
};

/** Weight of a union branch's issues: problems near its root mean the branch was not the one meant. */
function branchScore(issues: readonly Issue[]): number {
  let score = 0;
  for (const i of issues) {
    if (i.path.length === 0 && i.code === 'invalid_type') return Number.POSITIVE_INFINITY;
    score += i.path.length <= 1 ? 10 : 1;
  }
  return score;
}

/**
 * Turns schema issues into located diagnostics with messages that say what is
 * wrong and what is allowed.
 */
export function issuesToDiagnostics(
  doc: SourceDocument,
  basePath: Path,
  schema: Schema,
  data: unknown,
  issues: readonly Issue[],
): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const issue of issues) {
    const rel = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    const path: Path = [...basePath, ...rel];
    const value = valueAt(data, rel);
    switch (issue.code) {
      case 'unrecognized_keys': {
        const allowed = allowedKeys(schemaAt(schema, rel));
        for (const key of issue.keys) {
          out.push(
            doc.diagnostic(
              'unknown-field',
              [...path, key],
              `unknown field '${key}'${didYouMean(key, allowed)}; allowed here: ${allowed.join(', ')}`,
              { anchor: 'key' },
            ),
          );
        }
        break;
      }
      case 'invalid_type': {
        const expected = TYPE_WORDS[issue.expected] ?? issue.expected;
        if (value === undefined) {
          out.push(missing(doc, path, `it must be ${expected}`));
        } else {
          out.push(doc.diagnostic('invalid-type', path, `expected ${expected}, got ${describeValue(value)}`));
        }
        break;
      }
      case 'invalid_value': {
        const allowed = issue.values.map(String);
        if (value === undefined) {
          out.push(missing(doc, path, `use one of: ${allowed.join(', ')}`));
          break;
        }
        out.push(
          doc.diagnostic(
            'invalid-value',
            path,
            `${describeValue(value)} is not allowed${typeof value === 'string' ? didYouMean(value, allowed) : ''}; use one of: ${allowed.join(', ')}`,
          ),
        );
        break;
      }
      case 'invalid_union': {
        const unionSchema = schemaAt(schema, rel);
        const options = unionSchema ? (def(unwrap(unionSchema)).options ?? []) : [];
        const scores = issue.errors.map(branchScore);
        const best = scores.indexOf(Math.min(...scores));
        const branch = options[best];
        if (scores[best] === Number.POSITIVE_INFINITY || branch === undefined) {
          const expected = [
            ...new Set(options.map((o) => TYPE_WORDS[def(unwrap(o)).type] ?? def(unwrap(o)).type)),
          ];
          out.push(
            doc.diagnostic(
              'invalid-type',
              path,
              `expected ${expected.join(' or ')}, got ${describeValue(value)}`,
            ),
          );
        } else {
          out.push(...issuesToDiagnostics(doc, path, branch, value, issue.errors[best] ?? []));
        }
        break;
      }
      default: {
        out.push(doc.diagnostic(customCode(issue, path), path, issue.message));
      }
    }
  }
  return out;
}

/** Fields holding an objective's or SLA's target. */
const TARGET_FIELDS = new Set(['target', 'targetPercent', 'timesliceTarget', 'timeSliceTarget']);
/** Fields holding a window or a duration in one. */
const WINDOW_FIELDS = new Set([
  'window',
  'timeWindow',
  'timesliceWindow',
  'timeSliceWindow',
  'lookbackWindow',
  'alertAfter',
]);

/**
 * The documented code of an issue zod raised from a check. zod 4 keeps `params`
 * only on custom issues (refine), not on built-in checks such as `.gt()` or
 * `.regex()`, so targets and windows are told apart by where the issue is.
 */
function customCode(issue: Issue, path: Path): DiagnosticCode {
  if (issue.code === 'custom') {
    const code = (issue.params as { diagnostic?: string } | undefined)?.diagnostic;
    if (code !== undefined && code in DIAGNOSTIC_CODES) return code as DiagnosticCode;
  }
  const last = path[path.length - 1];
  const range = issue.code === 'too_big' || issue.code === 'too_small';
  if (range && typeof last === 'string' && TARGET_FIELDS.has(last)) return 'invalid-target';
  if (path.some((seg) => typeof seg === 'string' && WINDOW_FIELDS.has(seg))) return 'invalid-window';
  return 'invalid-value';
}

function missing(doc: SourceDocument, path: Path, hint: string): Diagnostic {
  return doc.diagnostic(
    'missing-field',
    path,
    `required field '${String(path[path.length - 1] ?? '')}' is missing; ${hint}`,
  );
}
