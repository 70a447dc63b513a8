/** Table sorting: a direction, and comparators that keep missing values last whatever the direction. */

export type SortDirection = 'ascending' | 'descending';

export interface SortState<K extends string> {
  readonly key: K;
  readonly direction: SortDirection;
}

/** Clicking the sorted column flips it; another column starts with its natural direction. */
export function nextSort<K extends string>(
  current: SortState<K>,
  key: K,
  natural: SortDirection = 'ascending',
): SortState<K> {
  if (current.key !== key) return { key, direction: natural };
  return { key, direction: current.direction === 'ascending' ? 'descending' : 'ascending' };
}

type Value = string | number | null | undefined;

/** One collator for every comparison: `localeCompare` with options builds one per call. */
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Compares names as people read them: `svc-2` before `svc-10`, case ignored. */
export const compareText: (a: string, b: string) => number = collator.compare;

/** Compares two values; null, undefined and NaN go last in both directions. */
export function compareValues(a: Value, b: Value, direction: SortDirection): number {
  const aMissing = a === null || a === undefined || (typeof a === 'number' && Number.isNaN(a));
  const bMissing = b === null || b === undefined || (typeof b === 'number' && Number.isNaN(b));
  if (aMissing || bMissing) return aMissing === bMissing ? 0 : aMissing ? 1 : -1;
  const c =
    typeof a === 'string' && typeof b === 'string' ? collator.compare(a, b) : a < b ? -1 : a > b ? 1 : 0;
  return direction === 'ascending' ? c : -c;
}

/**
 * A sorted copy; ties keep the order of `tieBreak` (a name, say).
 *
 * @example sortBy(rows, (r) => r.budget, 'ascending', (r) => r.name)
 */
export function sortBy<T>(
  rows: readonly T[],
  value: (row: T) => Value,
  direction: SortDirection,
  tieBreak?: (row: T) => string,
): T[] {
  // Read each value once: sort calls the comparator n log n times.
  const keyed = rows.map((row) => ({ row, v: value(row), t: tieBreak ? tieBreak(row) : '' }));
  keyed.sort((a, b) => compareValues(a.v, b.v, direction) || compareValues(a.t, b.t, 'ascending'));
  return keyed.map((k) => k.row);
}
