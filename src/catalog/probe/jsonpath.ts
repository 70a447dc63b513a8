import { type JSONPathQuery, jsonpath } from 'json-p3';

const cache = new Map<string, CompiledJsonPath>();

export type CompiledJsonPath = { ok: true; query: JSONPathQuery } | { ok: false; error: string };

/**
 * Compiles an RFC 9535 JSONPath once; a syntax error comes back as a message
 * naming the position, for `nines validate` and for the probe runner alike.
 *
 * @example
 * compileJsonPath('$.items[0].id'); // { ok: true, query }
 * compileJsonPath('$.items['); // { ok: false, error: "JSONPath '$.items[': unclosed bracketed selection …" }
 */
export function compileJsonPath(path: string): CompiledJsonPath {
  const hit = cache.get(path);
  if (hit) return hit;
  let out: CompiledJsonPath;
  try {
    out = { ok: true, query: jsonpath.compile(path) };
  } catch (e) {
    out = {
      ok: false,
      error: `JSONPath '${path}' is not valid: ${e instanceof Error ? e.message : String(e)}`,
    };
  }
  if (cache.size > 10_000) cache.clear();
  cache.set(path, out);
  return out;
}
