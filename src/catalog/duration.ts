const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

/** Whole-unit durations as written in windows: `5m`, `6h`, `28d`, `4w`. */
export const WINDOW_DURATION = /^(\d+)(m|h|d|w)$/;

/** Latency thresholds: `800ms`, `1.5s`. */
export const LATENCY_DURATION = /^(\d+(?:\.\d+)?)(ms|s)$/;

/** Probe intervals and timeouts: `500ms`, `30s`, `1.5m`, `1h`. */
export const PROBE_DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;

/** Milliseconds of a duration matched by one of the patterns above, or undefined. */
export function parseDuration(text: string, pattern: RegExp = WINDOW_DURATION): number | undefined {
  const m = pattern.exec(text);
  if (!m) return undefined;
  const unit = UNIT_MS[m[2] ?? ''];
  return unit === undefined ? undefined : Number(m[1]) * unit;
}

/** The shortest exact rendering of a duration in window units: 2419200000 → `28d`. */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [
    ['w', UNIT_MS.w],
    ['d', UNIT_MS.d],
    ['h', UNIT_MS.h],
    ['m', UNIT_MS.m],
    ['s', UNIT_MS.s],
  ] as const) {
    if (size !== undefined && ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
