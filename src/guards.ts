/** A plain object (not null, not a list): the shape YAML and JSON mappings take. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
