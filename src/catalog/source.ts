import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseAllDocuments } from 'yaml';
import type { Diagnostic, DiagnosticCode } from './diagnostics.js';
import { formatPath } from './diagnostics.js';

export type Path = readonly (string | number)[];

/** Where a diagnostic should point for a path. */
export type Anchor = 'value' | 'key';

/**
 * One YAML document of a catalog file: its plain data, and a way to find where a
 * path sits in the text. Positions are looked up only when a problem is reported,
 * so a clean catalog pays for plain parsing only.
 */
export class SourceDocument {
  constructor(
    readonly file: string,
    readonly index: number,
    readonly data: unknown,
    private readonly root: Node | null,
    private readonly lines: LineCounter,
  ) {}

  /** Line and column (1-based) of the node at `path`, or of its nearest present ancestor. */
  locate(path: Path, anchor: Anchor = 'value'): { line: number; column: number } {
    let node: unknown = this.root;
    let offset = rangeStart(node) ?? 0;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) break;
        const keyStart = rangeStart(pair.key);
        const valueStart = rangeStart(pair.value);
        offset =
          (anchor === 'key' && seg === path[path.length - 1] ? keyStart : (valueStart ?? keyStart)) ?? offset;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === 'number') {
        const item = node.items[seg];
        if (item === undefined) break;
        offset = rangeStart(item) ?? offset;
        node = item;
      } else {
        break;
      }
    }
    const pos = this.lines.linePos(offset);
    return { line: pos.line, column: pos.col };
  }

  diagnostic(
    code: DiagnosticCode,
    path: Path,
    message: string,
    options: { anchor?: Anchor; severity?: 'error' | 'warning' } = {},
  ): Diagnostic {
    const { line, column } = this.locate(path, options.anchor);
    return {
      severity: options.severity ?? 'error',
      code,
      file: this.file,
      line,
      column,
      path: formatPath(path),
      message,
    };
  }
}

function rangeStart(node: unknown): number | undefined {
  if (isPair(node)) return rangeStart(node.key);
  if (node && typeof node === 'object' && 'range' in node) {
    const range = (node as { range?: [number, number, number] | null }).range;
    return range?.[0];
  }
  return undefined;
}

/** Splits a file into documents; YAML syntax errors come back as diagnostics with positions. */
export function parseYamlFile(
  file: string,
  text: string,
): { documents: SourceDocument[]; diagnostics: Diagnostic[] } {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const documents: SourceDocument[] = [];
  const diagnostics: Diagnostic[] = [];
  // parseAllDocuments returns an EmptyStream (no array methods needed) for empty input.
  let index = 0;
  for (const doc of docs) {
    const errors = doc.errors;
    if (errors.length > 0) {
      for (const err of errors) {
        const pos = lines.linePos(err.pos[0]);
        diagnostics.push({
          severity: 'error',
          code: 'yaml-syntax',
          file,
          line: pos.line,
          column: pos.col,
          path: '',
          message: yamlMessage(err.message),
        });
      }
    } else {
      try {
        const data: unknown = doc.toJS({ maxAliasCount: 100 });
        // `---` with nothing after it, or a comment only: no document to check.
        if (data !== null && data !== undefined)
          documents.push(new SourceDocument(file, index, data, doc.contents, lines));
      } catch (err) {
        // The yaml library refuses alias expansions that look like a resource-exhaustion attack.
        const pos = lines.linePos(doc.range[0]);
        diagnostics.push({
          severity: 'error',
          code: 'yaml-syntax',
          file,
          line: pos.line,
          column: pos.col,
          path: '',
          message: `${(err as Error).message}; expand the aliases by hand`,
        });
      }
    }
    index++;
  }
  return { documents, diagnostics };
}

function yamlMessage(message: string): string {
  // The yaml library appends " at line L, column C" plus a code excerpt; we print positions ourselves.
  const first = message.split('\n')[0] ?? message;
  return first.replace(/ at line \d+, column \d+:?$/, '');
}

export { formatPath };
