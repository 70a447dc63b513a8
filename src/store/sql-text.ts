/**
 * `rows` parenthesised tuples of `shape` for a multi-row statement written as SQL
 * text, its `?` numbered `$1, $2, …` across them when `numbered` (PostgreSQL).
 *
 * @example
 * tuples('?, ?', 2, true); // '($1, $2), ($3, $4)'
 */
function tuples(shape: string, rows: number, numbered: boolean): string {
  const one = `(${shape})`;
  if (!numbered) return `${one}, `.repeat(rows - 1) + one;
  let n = 0;
  const out: string[] = [];
  for (let r = 0; r < rows; r++) out.push(one.replace(/\?/g, () => `$${++n}`));
  return out.join(', ');
}

/**
 * `items` cut into runs for multi-row statements, in order: each run's length a
 * power of two, at most `max` (a power of two), longest first. A statement's
 * text then comes in a few sizes only, each prepared once and kept (store/db.ts).
 *
 * @example
 * [...chunked(Array.from({ length: 37 }, (_, i) => i), 256)].map((c) => c.length); // [32, 4, 1]
 */
export function* chunked<T>(items: readonly T[], max: number): Generator<T[]> {
  for (let i = 0; i < items.length; ) {
    let size = max;
    while (size > items.length - i) size >>= 1;
    yield items.slice(i, i + size);
    i += size;
  }
}

const built = new Map<string, string>();

/**
 * A multi-row statement: `template` with `{rows}` replaced by `rows` tuples of
 * `shape` (`?` numbered `$1, $2, …` when `numbered`, for PostgreSQL). Built once
 * per template, shape and size: the same string each time is also found at once
 * among the prepared statements (store/db.ts), where a new one is hashed in full.
 *
 * @example
 * multiRow('insert into t (a, b) values {rows}', '?, ?', 2, false); // 'insert into t (a, b) values (?, ?), (?, ?)'
 */
export function multiRow(template: string, shape: string, rows: number, numbered: boolean): string {
  const key = `${numbered ? '$' : '?'}${rows}\u0000${shape}\u0000${template}`;
  let text = built.get(key);
  if (text === undefined) {
    // A function, so that the `$1` of PostgreSQL's parameters are not read as patterns.
    text = template.replace('{rows}', () => tuples(shape, rows, numbered));
    if (built.size >= 1_000) built.clear();
    built.set(key, text);
  }
  return text;
}
