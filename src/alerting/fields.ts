import type { AlertLink, FieldProblem } from './types.js';

/** Small readers for untrusted JSON, shared by the protocol adapters. They collect problems, never throw. */

export type Json = Record<string, unknown>;

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Characters no store keeps everywhere (PostgreSQL refuses NUL in text). */
const NUL = { test: (s: string) => s.includes('\u0000') };

export class Problems {
  readonly list: FieldProblem[] = [];
  add(field: string, message: string): undefined {
    if (this.list.length < 100) this.list.push({ field, message });
    return undefined;
  }

  /** A string of at most `max` characters; undefined when absent (or bad, with a problem). */
  string(
    obj: Json,
    key: string,
    path: string,
    opts: { required?: boolean; max?: number; nonEmpty?: boolean } = {},
  ): string | undefined {
    const v = obj[key];
    if (v === undefined || v === null) {
      return opts.required ? this.add(path, `'${path}' is missing`) : undefined;
    }
    if (typeof v !== 'string') return this.add(path, `'${path}' must be a string`);
    if (opts.nonEmpty && v.trim() === '') return this.add(path, `'${path}' is missing or blank`);
    if (opts.max !== undefined && v.length > opts.max)
      return this.add(path, `'${path}' is longer than ${opts.max} characters`);
    if (NUL.test(v)) return this.add(path, `'${path}' contains a NUL character`);
    return v;
  }

  /** An object mapping names to strings (labels, annotations). */
  stringMap(obj: Json, key: string, path: string, required = false): Record<string, string> {
    const v = obj[key];
    if (v === undefined || v === null) {
      if (required) this.add(path, `'${path}' is missing`);
      return {};
    }
    if (!isObject(v)) {
      this.add(path, `'${path}' must be an object of strings`);
      return {};
    }
    const out: Record<string, string> = {};
    for (const [k, value] of Object.entries(v)) {
      if (typeof value !== 'string' || NUL.test(value) || NUL.test(k)) {
        this.add(`${path}.${k}`, `'${path}.${k}' must be a string`);
        continue;
      }
      Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }

  /** Links `[{href, text?}]`. */
  links(obj: Json, key: string, path: string): AlertLink[] {
    const v = obj[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) {
      this.add(path, `'${path}' must be an array`);
      return [];
    }
    const out: AlertLink[] = [];
    for (const [i, item] of v.entries()) {
      const at = `${path}[${i}]`;
      if (!isObject(item)) {
        this.add(at, `'${at}' must be an object with href`);
        continue;
      }
      const href = this.string(item, 'href', `${at}.href`, { required: true, max: 2048, nonEmpty: true });
      const text = this.string(item, 'text', `${at}.text`, { max: 1024 });
      if (href !== undefined) out.push(text === undefined ? { href } : { href, text });
    }
    return out;
  }
}

/**
 * RFC 3339 / ISO 8601 with a zone (`Z`, `+02:00` or `+0200`), any number of
 * fractional digits (Go writes nanoseconds); undefined when it is not one.
 */
export function parseTimestamp(s: string): number | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d+))?(Z|z|[+-]\d{2}:?\d{2})$/.exec(s);
  if (!m) return undefined;
  const [, date, time, fraction = '', zone = 'Z'] = m;
  const ms = fraction.slice(0, 3).padEnd(3, '0');
  const z =
    zone === 'Z' || zone === 'z' ? 'Z' : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const t = Date.parse(`${date}T${time}${time?.length === 5 ? ':00' : ''}.${ms}${z}`);
  return Number.isFinite(t) ? t : undefined;
}

/** The first `max` characters of `s`. */
export function cut(s: string, max: number): string {
  return s.length <= max ? s : s.slice(0, max);
}

/** Deepest nesting free-form fields may have: deeper JSON could not be stored (nor is it plausible). */
export const MAX_DEPTH = 32;

/**
 * Whether a JSON value nests at most `max` levels of objects and arrays; walked
 * without recursion, so a hostile body cannot overflow the stack here either.
 *
 * @example
 * nestsWithin({ a: [{ b: 1 }] }, 32); // true
 */
export function nestsWithin(value: unknown, max: number = MAX_DEPTH): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [v, depth] = next;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= max) return false;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return true;
}
