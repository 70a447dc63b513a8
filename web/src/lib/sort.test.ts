import { describe, expect, it } from 'vitest';
import { compareValues, nextSort, sortBy } from './sort';

describe('sorting', () => {
  it('keeps missing values last in both directions', () => {
    const rows = [{ v: 2 }, { v: null }, { v: 1 }, { v: Number.NaN }, { v: 3 }];
    expect(sortBy(rows, (r) => r.v, 'ascending').map((r) => r.v)).toEqual([1, 2, 3, null, Number.NaN]);
    expect(sortBy(rows, (r) => r.v, 'descending').map((r) => r.v)).toEqual([3, 2, 1, null, Number.NaN]);
  });

  it('compares names as people read them', () => {
    expect(compareValues('svc-2', 'svc-10', 'ascending')).toBeLessThan(0);
    expect(compareValues('Checkout', 'checkout', 'ascending')).toBe(0);
  });

  it('breaks ties by the tie-breaker', () => {
    const rows = [
      { n: 'b', v: 1 },
      { n: 'a', v: 1 },
    ];
    expect(
      sortBy(
        rows,
        (r) => r.v,
        'descending',
        (r) => r.n,
      ).map((r) => r.n),
    ).toEqual(['a', 'b']);
  });

  it('flips the sorted column and starts another in its natural direction', () => {
    expect(nextSort({ key: 'a', direction: 'ascending' }, 'a')).toEqual({
      key: 'a',
      direction: 'descending',
    });
    expect(nextSort({ key: 'a', direction: 'ascending' }, 'b', 'descending')).toEqual({
      key: 'b',
      direction: 'descending',
    });
  });
});
