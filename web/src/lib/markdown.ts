/**
 * A small, safe Markdown subset for postmortems: headings, paragraphs, lists, tables, code
 * blocks, and inline strong, emphasis, code and http(s) links. It builds a tree of plain data
 * that components render as React elements: no text ever becomes HTML.
 */
import { safeHref } from './url';

export type Inline =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'code'; readonly text: string }
  | { readonly kind: 'strong' | 'em'; readonly children: readonly Inline[] }
  | { readonly kind: 'link'; readonly href: string; readonly children: readonly Inline[] };

export type Block =
  | { readonly kind: 'heading'; readonly level: 1 | 2 | 3 | 4 | 5 | 6; readonly text: readonly Inline[] }
  | { readonly kind: 'paragraph'; readonly text: readonly Inline[] }
  | { readonly kind: 'list'; readonly ordered: boolean; readonly items: readonly (readonly Inline[])[] }
  | {
      readonly kind: 'table';
      readonly head: readonly (readonly Inline[])[];
      readonly rows: readonly (readonly (readonly Inline[])[])[];
    }
  | { readonly kind: 'code'; readonly text: string };

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'", '#39': "'" };

/** Splits a table row on `|`, keeping escaped `\|` inside cells. */
export function splitRow(line: string): string[] {
  const body = line.trim().replace(/^\|/, '').replace(/\|$/, '');
  const cells: string[] = [];
  let cell = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c === '\\' && i + 1 < body.length) {
      cell += c + body[i + 1];
      i++;
    } else if (c === '|') {
      cells.push(cell.trim());
      cell = '';
    } else cell += c;
  }
  cells.push(cell.trim());
  return cells;
}

function findClosing(text: string, marker: string, from: number): number {
  for (let i = from; i <= text.length - marker.length; i++) {
    if (text[i] === '\\') {
      i++;
      continue;
    }
    if (text.startsWith(marker, i)) return i;
  }
  return -1;
}

/** Inline Markdown to a tree. */
export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  let plain = '';
  const flush = () => {
    if (plain) out.push({ kind: 'text', text: plain });
    plain = '';
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '\\' && i + 1 < text.length && /[\\`*_[\]()#+\-.!|<>&]/.test(text[i + 1] as string)) {
      plain += text[i + 1];
      i += 2;
      continue;
    }
    if (c === '&') {
      const m = /^&(lt|gt|amp|quot|apos|#39);/.exec(text.slice(i));
      if (m) {
        plain += ENTITIES[m[1] as string];
        i += m[0].length;
        continue;
      }
    }
    if (c === '`') {
      const end = text.indexOf('`', i + 1);
      if (end > i) {
        flush();
        out.push({ kind: 'code', text: text.slice(i + 1, end) });
        i = end + 1;
        continue;
      }
    }
    if (text.startsWith('**', i)) {
      const end = findClosing(text, '**', i + 2);
      if (end > i + 2) {
        flush();
        out.push({ kind: 'strong', children: parseInline(text.slice(i + 2, end)) });
        i = end + 2;
        continue;
      }
    }
    if ((c === '_' || c === '*') && (i === 0 || /[\s(]/.test(text[i - 1] as string))) {
      const end = findClosing(text, c, i + 1);
      if (end > i + 1 && (end + 1 >= text.length || /[\s.,;:!?)]/.test(text[end + 1] as string))) {
        flush();
        out.push({ kind: 'em', children: parseInline(text.slice(i + 1, end)) });
        i = end + 1;
        continue;
      }
    }
    if (c === '[') {
      const close = findClosing(text, ']', i + 1);
      if (close > i && text[close + 1] === '(') {
        const paren = text.indexOf(')', close + 2);
        if (paren > close) {
          const href = safeHref(text.slice(close + 2, paren).trim());
          const label = parseInline(text.slice(i + 1, close));
          flush();
          // A link to anything but http(s) keeps its words and loses the link.
          if (href) out.push({ kind: 'link', href, children: label });
          else out.push(...label);
          i = paren + 1;
          continue;
        }
      }
    }
    plain += c;
    i++;
  }
  flush();
  return out;
}

const HEADING = /^(#{1,6})\s+(.*)$/;
const BULLET = /^\s*[-*+]\s+(.*)$/;
const ORDERED = /^\s*\d+[.)]\s+(.*)$/;
const TABLE = /^\s*\|.*\|\s*$/;
const SEPARATOR = /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/;

/** Markdown text to blocks. */
export function parseMarkdown(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as string;
    if (line.trim() === '') {
      i++;
      continue;
    }
    if (line.startsWith('```')) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !(lines[i] as string).startsWith('```')) body.push(lines[i++] as string);
      i++;
      blocks.push({ kind: 'code', text: body.join('\n') });
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      const level = Math.min(6, (heading[1] as string).length) as 1 | 2 | 3 | 4 | 5 | 6;
      blocks.push({ kind: 'heading', level, text: parseInline(heading[2] as string) });
      i++;
      continue;
    }
    if (TABLE.test(line) && i + 1 < lines.length && SEPARATOR.test(lines[i + 1] as string)) {
      const head = splitRow(line).map(parseInline);
      i += 2;
      const rows: Inline[][][] = [];
      while (i < lines.length && TABLE.test(lines[i] as string))
        rows.push(splitRow(lines[i++] as string).map(parseInline));
      blocks.push({ kind: 'table', head, rows });
      continue;
    }
    const bullet = BULLET.exec(line);
    const ordered = ORDERED.exec(line);
    if (bullet || ordered) {
      const pattern = bullet ? BULLET : ORDERED;
      const items: Inline[][] = [];
      while (i < lines.length) {
        const m = pattern.exec(lines[i] as string);
        if (!m) break;
        items.push(parseInline(m[1] as string));
        i++;
      }
      blocks.push({ kind: 'list', ordered: !bullet, items });
      continue;
    }
    const para: string[] = [];
    while (
      i < lines.length &&
      (lines[i] as string).trim() !== '' &&
      !HEADING.test(lines[i] as string) &&
      !BULLET.test(lines[i] as string) &&
      !(lines[i] as string).startsWith('```') &&
      !TABLE.test(lines[i] as string)
    )
      para.push((lines[i++] as string).trim());
    if (para.length === 0) {
      // A lone table-looking line without a separator: keep it as text.
      para.push((lines[i++] as string).trim());
    }
    blocks.push({ kind: 'paragraph', text: parseInline(para.join(' ')) });
  }
  return blocks;
}
