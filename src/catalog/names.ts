import { z } from 'zod';
import { formatPath } from './diagnostics.js';
import { isName, name } from './schema/common.js';
import { def, type Schema } from './schema/introspect.js';
import type { Path } from './source.js';

export interface InvalidName {
  readonly path: Path;
  readonly value: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
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
