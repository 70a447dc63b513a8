import { describe, expect, it } from 'vitest';
import { chunked, multiRow } from './sql-text.js';

const sizes = (n: number, max: number) =>
  [
    ...chunked(
      Array.from({ length: n }, (_, i) => i),
      max,
    ),
  ].map((c) => c.length);

describe('chunked', () => {
  it('cuts rows into powers of two, longest first, at most max each', () => {
    expect(sizes(37, 256)).toEqual([32, 4, 1]);
    expect(sizes(600, 256)).toEqual([256, 256, 64, 16, 8]);
    expect(sizes(256, 256)).toEqual([256]);
    expect(sizes(0, 256)).toEqual([]);
  });

  it('keeps every row once, in order', () => {
    const rows = Array.from({ length: 77 }, (_, i) => i);
    expect([...chunked(rows, 16)].flat()).toEqual(rows);
  });
});

describe('multiRow', () => {
  it('writes the tuples, numbering parameters across them for PostgreSQL', () => {
    expect(multiRow('insert into t (a, b) values {rows}', '?, ?', 2, false)).toBe(
      'insert into t (a, b) values (?, ?), (?, ?)',
    );
    expect(multiRow('insert into t (a, b) values {rows} returning a', '?, cast(? as integer)', 2, true)).toBe(
      'insert into t (a, b) values ($1, cast($2 as integer)), ($3, cast($4 as integer)) returning a',
    );
  });

  it('gives back the same string for the same statement, which prepared statements are found by', () => {
    const a = multiRow('update t set a = v.column2 from (values {rows}) as v', '?, ?', 4, true);
    expect(multiRow('update t set a = v.column2 from (values {rows}) as v', '?, ?', 4, true)).toBe(a);
    expect(multiRow('update t set a = v.column2 from (values {rows}) as v', '?, ?', 4, false)).not.toBe(a);
  });
});
