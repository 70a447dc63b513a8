import { z } from 'zod';
import { isRecord } from '../guards.js';
import { formatPath } from './diagnostics.js';
import { isName, name } from './schema/common.js';
import { def, type Schema } from './schema/introspect.js';
import type { Path } from './source.js';

export interface InvalidName {
  readonly path: Path;
  readonly value: string;
}

/**
 * Every name written in `data` where `schema` expects one (the `name` schema) that is
 * not an RFC 1123 label. Names pass the schema as any text so that one bad name does
 * not hide the rest of the document; this finds them, at the paths zod would use.
 * `data` is the text as written: values of the wrong type are skipped (the schema
 * reports them), shorthands are expanded as the schema does.
 *
 * @example
 * invalidNames(serviceSpec, { owner: 'Shop_Team' }, ['spec']);
 * // [{ path: ['spec', 'owner'], value: 'Shop_Team' }]
 */
export function invalidNames(schema: Schema, data: unknown, at: Path = []): InvalidName[] {
  const found = new Map<string, InvalidName>();
  const walk = (s: Schema, v: unknown, path: Path): void => {
    if (v === undefined) return;
    if (s === name) {
      if (typeof v === 'string' && !isName(v)) found.set(formatPath(path), { path, value: v });
      return;
    }
    const d = def(s);
    switch (d.type) {
      case 'optional':
      case 'nullable':
      case 'default':
      case 'readonly':
      case 'prefault':
      case 'nonoptional':
        if (d.innerType) walk(d.innerType, v, path);
        return;
      case 'pipe': {
        // A preprocess (shorthand) pipe: follow the value as the schema rewrites it.
        if (!d.in || !d.out) return;
        const rewritten = z.safeParse(d.in, v);
        walk(d.out, rewritten.success ? rewritten.data : v, path);
        return;
      }
      case 'object':
        if (!isRecord(v)) return;
        for (const [key, field] of Object.entries(d.shape ?? {})) walk(field, v[key], [...path, key]);
        return;
      case 'array':
        if (!Array.isArray(v) || !d.element) return;
        v.forEach((item, i) => {
          if (d.element) walk(d.element, item, [...path, i]);
        });
        return;
      case 'record':
        if (!isRecord(v) || !d.valueType) return;
        for (const [key, item] of Object.entries(v)) walk(d.valueType, item, [...path, key]);
        return;
      case 'union': {
        const options = d.options ?? [];
        const chosen = options.find((o) => z.safeParse(o, v).success);
        // When no branch fits, the schema reports why; look for names in every branch.
        for (const o of chosen ? [chosen] : options) walk(o, v, path);
        return;
      }
      default:
        return;
    }
  };
  walk(schema, data, at);
  return [...found.values()];
}

/** Where names sit in a schema's output: object keys, or '*' for any list item or record value. */
type Site = readonly (string | '*')[];

const sitesCache = new WeakMap<Schema, readonly Site[]>();

/** The name sites of a schema, found once by walking it (shorthand pipes lead to their output). */
function nameSites(schema: Schema): readonly Site[] {
  const cached = sitesCache.get(schema);
  if (cached) return cached;
  const sites: Site[] = [];
  const seen = new Set<Schema>();
  const walk = (s: Schema, path: Site): void => {
    if (s === name) {
      sites.push(path);
      return;
    }
    if (seen.has(s)) return;
    seen.add(s);
    const d = def(s);
    if (d.innerType) walk(d.innerType, path);
    if (d.type === 'pipe' && d.out) walk(d.out, path);
    if (d.type === 'object')
      for (const [key, field] of Object.entries(d.shape ?? {})) walk(field, [...path, key]);
    if (d.type === 'array' && d.element) walk(d.element, [...path, '*']);
    if (d.type === 'record' && d.valueType) walk(d.valueType, [...path, '*']);
    if (d.type === 'union') for (const o of d.options ?? []) walk(o, path);
    seen.delete(s);
  };
  walk(schema, []);
  sitesCache.set(schema, sites);
  return sites;
}

/**
 * `invalidNames` for data that passed `schema`: only the places where the schema
 * has names are visited, so a valid catalog pays a few lookups per document.
 */
export function invalidNamesParsed(schema: Schema, parsed: unknown, at: Path = []): InvalidName[] {
  const out: InvalidName[] = [];
  const visit = (v: unknown, site: Site, i: number, path: (string | number)[]): void => {
    if (v === undefined || v === null) return;
    if (i === site.length) {
      if (typeof v === 'string' && !isName(v)) out.push({ path: [...path], value: v });
      return;
    }
    const seg = site[i] as string;
    if (seg === '*') {
      if (Array.isArray(v)) {
        for (let k = 0; k < v.length; k++) {
          path.push(k);
          visit(v[k], site, i + 1, path);
          path.pop();
        }
      } else if (isRecord(v)) {
        for (const key of Object.keys(v)) {
          path.push(key);
          visit(v[key], site, i + 1, path);
          path.pop();
        }
      }
      return;
    }
    if (!isRecord(v)) return;
    path.push(seg);
    visit(v[seg], site, i + 1, path);
    path.pop();
  };
  for (const site of nameSites(schema)) visit(parsed, site, 0, [...at]);
  return out;
}
