import type { z } from 'zod';
import { isRecord } from '../guards.js';
import type { Diagnostic } from './diagnostics.js';
import { formatPath } from './diagnostics.js';
import { issuesToDiagnostics } from './issues.js';
import type { Path, SourceDocument } from './source.js';

/*
 * Schema repair: a field that fails the schema is reported, left out, and the rest
 * parsed again, so that references and the checks after the schema still run on it
 * and one run reports every problem.
 */

/**
 * Parses `value` at `field`, reporting every schema problem. When some fail, they are
 * left out and the rest is parsed again, so that references and the checks after the
 * schema still run on it: every problem is reported at once. Undefined when what
 * failed cannot be left out.
 */
export function parseRepaired(
  doc: SourceDocument,
  field: 'metadata' | 'spec',
  schema: z.ZodType,
  value: unknown,
  droppableLists: ReadonlySet<string>,
  diagnostics: Diagnostic[],
): { data: unknown; removed: string[] } | undefined {
  const first = schema.safeParse(value);
  if (first.success) return { data: first.data, removed: [] };
  diagnostics.push(...issuesToDiagnostics(doc, [field], schema, value, first.error.issues));
  const rest = withoutFailures(value, first.error.issues, droppableLists);
  if (rest === undefined) return undefined;
  const second = schema.safeParse(rest.data);
  if (!second.success) return undefined;
  return { data: second.data, removed: rest.removed.map((p) => formatPath([field, ...p])) };
}

/**
 * Whether a builder diagnostic at `path` is a knock-on of leaving out the `removed`
 * paths: it is one of them, lies below one, or is an ancestor of one ("missing").
 * A rule about the whole spec (one of ratio, latency or raw) still applies.
 */
export function knockOn(removed: readonly string[]): (path: string) => boolean {
  return (path) => path !== 'spec' && removed.some((r) => overlaps(path, r));
}

/** Whether one path is the other, or lies below it. */
function overlaps(a: string, b: string): boolean {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  return (
    long.startsWith(short) &&
    (long.length === short.length || long[short.length] === '.' || long[short.length] === '[')
  );
}

/**
 * A copy of `data` without what `issues` point at: the whole item when the path
 * runs through an item of a droppable list, otherwise the object field. Undefined
 * when an issue cannot be removed that way (an item of another list, or the whole
 * value).
 */
function withoutFailures(
  data: unknown,
  issues: readonly z.core.$ZodIssue[],
  droppableLists: ReadonlySet<string>,
): { data: unknown; removed: Path[] } | undefined {
  const copy: unknown = structuredClone(data);
  const removed: Path[] = [];
  const items = new Map<unknown[], Set<number>>();
  const at = (path: Path): unknown => {
    let v: unknown = copy;
    for (const seg of path) {
      v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[seg] : undefined;
    }
    return v;
  };
  for (const issue of issues) {
    const paths =
      issue.code === 'unrecognized_keys' ? issue.keys.map((k) => [...issue.path, k]) : [issue.path];
    for (const raw of paths) {
      const p = raw.filter((seg): seg is string | number => typeof seg !== 'symbol');
      const item = p.findIndex(
        (seg, i) => typeof seg === 'number' && droppableLists.has(formatPath(p.slice(0, i))),
      );
      if (item >= 0) {
        const list = at(p.slice(0, item));
        if (!Array.isArray(list)) return undefined;
        const indices = items.get(list) ?? new Set<number>();
        items.set(list, indices.add(p[item] as number));
        removed.push(p.slice(0, item + 1));
        continue;
      }
      const last = p[p.length - 1];
      const parent = at(p.slice(0, -1));
      if (typeof last !== 'string' || !isRecord(parent)) return undefined;
      delete parent[last];
      removed.push(p);
    }
  }
  for (const [list, indices] of items) {
    for (const i of [...indices].sort((a, b) => b - a)) list.splice(i, 1);
  }
  return { data: copy, removed };
}
