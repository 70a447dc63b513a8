/** Scales and ticks for the small SVG charts. */

export interface Domain {
  readonly min: number;
  readonly max: number;
}

/** Maps a value in `domain` onto [from, to] (pixels); a flat domain maps to the middle. */
export function scale(domain: Domain, from: number, to: number): (v: number) => number {
  const span = domain.max - domain.min;
  if (span === 0) return () => (from + to) / 2;
  return (v) => from + ((v - domain.min) / span) * (to - from);
}

/**
 * About `count` round tick values inside the domain (steps of 1, 2 or 5 × 10ⁿ).
 *
 * @example niceTicks({ min: 99, max: 100 }, 4); // [99, 99.2, 99.4, 99.6, 99.8, 100]
 */
export function niceTicks(domain: Domain, count = 4): number[] {
  const span = domain.max - domain.min;
  if (!(span > 0) || !Number.isFinite(span)) return [domain.min];
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  // The round step whose number of intervals comes closest to `count`.
  let step = power;
  for (const m of [2, 5, 10])
    if (Math.abs(span / (m * power) - count) < Math.abs(span / step - count)) step = m * power;
  const ticks: number[] = [];
  const first = Math.ceil(domain.min / step - 1e-9) * step;
  for (let v = first; v <= domain.max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** Evenly spaced times across a range, for the x axis. */
export function timeTicks(domain: Domain, count = 5): number[] {
  const out: number[] = [];
  for (let i = 0; i <= count; i++) out.push(domain.min + ((domain.max - domain.min) * i) / count);
  return out;
}

/** An SVG path through the points, broken where a value is missing. */
export function linePath(
  points: readonly { readonly t: number; readonly v: number | null }[],
  x: (t: number) => number,
  y: (v: number) => number,
): string {
  let d = '';
  let pen = false;
  for (const p of points) {
    if (p.v === null || !Number.isFinite(p.v)) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`;
    pen = true;
  }
  return d;
}

/** The SLI axis: down to a little below the objective or the worst value, up to 100%. */
export function sliDomain(values: readonly (number | null)[], objective: number | null): Domain {
  let min = objective === null ? 100 : objective - Math.max(3 * (100 - objective), 0.01);
  for (const v of values) if (v !== null && v < min) min = v;
  if (min >= 100) min = 99;
  const span = 100 - min;
  return { min: Math.max(0, min - span * 0.05), max: 100 };
}
