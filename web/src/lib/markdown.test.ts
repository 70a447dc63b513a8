import { describe, expect, it } from 'vitest';
import { parseInline, parseMarkdown, splitRow } from './markdown';

describe('the Markdown subset', () => {
  it('reads headings, paragraphs, lists and tables', () => {
    const blocks = parseMarkdown(
      '# Title\n\nline one\nline two\n\n- a\n- b\n\n| A | B |\n| --- | --- |\n| 1 | x \\| y |\n',
    );
    expect(blocks.map((b) => b.kind)).toEqual(['heading', 'paragraph', 'list', 'table']);
    expect(blocks[1]).toEqual({ kind: 'paragraph', text: [{ kind: 'text', text: 'line one line two' }] });
    const table = blocks[3];
    expect(table?.kind === 'table' && table.rows[0]?.[1]).toEqual([{ kind: 'text', text: 'x | y' }]);
  });

  it('keeps escaped pipes inside a cell', () => {
    expect(splitRow('| a \\| b | c |')).toEqual(['a \\| b', 'c']);
  });

  it('links only to http(s); other links keep their words', () => {
    expect(parseInline('[run](https://ci.example/1)')).toEqual([
      { kind: 'link', href: 'https://ci.example/1', children: [{ kind: 'text', text: 'run' }] },
    ]);
    expect(parseInline('[x](javascript:alert(1))')).toEqual([
      { kind: 'text', text: 'x' },
      { kind: 'text', text: ')' },
    ]);
  });

  it('reads strong, emphasis, code and entities as text, never as HTML', () => {
    expect(parseInline('**Status:** _to fill in_ `a<b` &lt;script&gt;')).toEqual([
      { kind: 'strong', children: [{ kind: 'text', text: 'Status:' }] },
      { kind: 'text', text: ' ' },
      { kind: 'em', children: [{ kind: 'text', text: 'to fill in' }] },
      { kind: 'text', text: ' ' },
      { kind: 'code', text: 'a<b' },
      { kind: 'text', text: ' <script>' },
    ]);
  });

  it('leaves snake_case words alone', () => {
    expect(parseInline('slo_error_ratio')).toEqual([{ kind: 'text', text: 'slo_error_ratio' }]);
  });
});
