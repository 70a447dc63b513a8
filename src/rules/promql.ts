/** Small PromQL text helpers for the rule generator: durations, selectors, bucket matchers, numbers, templates. */
import { DAY, HOUR, MINUTE } from '../slo/types.js';

const UNITS: readonly (readonly [unit: string, ms: number, exact: boolean])[] = [
  ['y', 365 * DAY, true],
  ['w', 7 * DAY, true],
  ['d', DAY, false],
  ['h', HOUR, false],
  ['m', MINUTE, false],
  ['s', 1000, false],
  ['ms', 1, false],
];

/**
 * A duration the way Prometheus prints one (`model.Duration.String`, which Sloth
 * uses for its rule names): years and weeks only when they divide it exactly.
 *
 * @example
 * promDuration(28 * DAY); // '4w'
 * promDuration(30 * DAY); // '30d'
 * promDuration(36 * HOUR); // '1d12h'
 */
export function promDuration(ms: number): string {
  if (!Number.isInteger(ms) || ms <= 0)
    throw new RangeError(`a duration is a positive whole number of ms; got ${ms}`);
  let rest = ms;
  let out = '';
  for (const [unit, size, exact] of UNITS) {
    if (exact && rest % size !== 0) continue;
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}

/** `{a="x", b="y"}` with the values escaped as PromQL strings; keys in the given order. */
export function selector(labels: Readonly<Record<string, string>>): string {
  return `{${Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ')}}`;
}

/**
 * The `le` matcher of a histogram bucket at `seconds`. Prometheus 3 writes whole
 * numbers as `2.0` where older servers and exporters write `2`, so those match both.
 *
 * @example
 * leMatcher(0.8); // le="0.8"
 * leMatcher(2);   // le=~"2(\\.0)?"  (PromQL text: the regex is 2(\.0)?)
 */
export function leMatcher(seconds: number): string {
  const text = String(seconds);
  return Number.isInteger(seconds) ? `le=~"${text}(\\\\.0)?"` : `le="${text}"`;
}

/** A number as a PromQL literal: the shortest text that reads back as the same float. */
export function num(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`not a finite number: ${n}`);
  return String(n);
}

/**
 * A text for an alert annotation, which Prometheus expands as a Go template: any
 * `{{` the catalog wrote is printed literally.
 */
export function templateLiteral(text: string): string {
  return text.replaceAll('{{', '{{ "{{" }}');
}
