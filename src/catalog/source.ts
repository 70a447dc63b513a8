import { CORE_SCHEMA, loadAll } from 'js-yaml';
import {
  type Document,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseAllDocuments,
} from 'yaml';
import type { Diagnostic, DiagnosticCode } from './diagnostics.js';
import { formatPath } from './diagnostics.js';

export type Path = readonly (string | number)[];

/** Where a diagnostic should point for a path. */
export type Anchor = 'value' | 'key';

/**
 * The text of one catalog file and, only once a problem must be located, its
 * YAML node tree with positions. A valid catalog never builds the tree.
 */
class FileText {
  private tree?: { docs: (Node | null)[]; lines: LineCounter };

  constructor(
    readonly file: string,
    readonly text: string,
    parsed?: { docs: (Node | null)[]; lines: LineCounter },
  ) {
    if (parsed) this.tree = parsed;
  }

  /** Root node of the `index`-th non-empty document, and the line counter. */
  node(index: number): { root: Node | null; lines: LineCounter } {
    if (!this.tree) {
      const lines = new LineCounter();
      const docs = parseAllDocuments(this.text, {
        lineCounter: lines,
        uniqueKeys: true,
        prettyErrors: false,
      });
      this.tree = { docs: nonEmpty([...docs]).map((d) => d.contents), lines };
    }
    return { root: this.tree.docs[index] ?? null, lines: this.tree.lines };
  }
}

function nonEmpty(docs: Document.Parsed[]): Document.Parsed[] {
  return docs.filter((d) => d.contents !== null && !(isScalar(d.contents) && d.contents.value === null));
}

/**
 * One YAML document of a catalog file: its plain data, and a way to find where a
 * path sits in the text.
 */
export class SourceDocument {
  constructor(
    readonly file: string,
    /** Position among the file's non-empty documents. */
    readonly index: number,
    readonly data: unknown,
    private readonly text: FileText,
  ) {}

  /** Line and column (1-based) of the node at `path`, or of its nearest present ancestor. */
  locate(path: Path, anchor: Anchor = 'value'): { line: number; column: number } {
    const { root, lines } = this.text.node(this.index);
    let node: unknown = root;
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
    const pos = lines.linePos(offset);
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

/** The `yaml` library's refusal to expand too many aliases (an alias bomb). */
const ALIAS_BOMB = /excessive alias count/i;

/** An anchor (`&name`) somewhere in the text: aliases then need the guarded parser. */
const ANCHOR = /(?:^|[\s[{,:-])&[^\s,[\]{}]+/m;

/**
 * Splits a file into documents. Valid files take the fast path (js-yaml, YAML 1.2
 * core schema, about ten times faster than a parser that keeps positions); files
 * with syntax errors or anchors go through the `yaml` parser, which locates syntax
 * errors and caps alias expansion.
 */
export function parseYamlFile(
  file: string,
  raw: string,
): { documents: SourceDocument[]; diagnostics: Diagnostic[] } {
  // A byte order mark is not content: left in, it shifts every column on line 1.
  const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
  if (!ANCHOR.test(text)) {
    try {
      const source = new FileText(file, text);
      const data = loadAll(text, undefined, { schema: CORE_SCHEMA, filename: file }).filter(
        (d) => d !== null && d !== undefined,
      );
      return { documents: data.map((d, i) => new SourceDocument(file, i, d, source)), diagnostics: [] };
    } catch {
      // Fall through: the positioned parser reports what is wrong and where.
    }
  }
  return parseWithPositions(file, text);
}

function parseWithPositions(
  file: string,
  text: string,
): { documents: SourceDocument[]; diagnostics: Diagnostic[] } {
  const lines = new LineCounter();
  const docs = [...parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true })];
  const diagnostics: Diagnostic[] = [];
  const at = (offset: number) => lines.linePos(offset);
  const kept = nonEmpty(docs);
  const source = new FileText(file, text, { docs: kept.map((d) => d.contents), lines });
  const documents: SourceDocument[] = [];
  // Warnings count as errors: an unknown tag (`!Ref`) would otherwise be read as plain text.
  const problems = (doc: Document.Parsed) => [...doc.errors, ...doc.warnings];
  kept.forEach((doc, index) => {
    if (problems(doc).length > 0) {
      for (const err of problems(doc)) {
        diagnostics.push(yamlDiagnostic(file, at(err.pos[0]), yamlMessage(err.message)));
      }
      return;
    }
    try {
      documents.push(new SourceDocument(file, index, doc.toJS({ maxAliasCount: 100 }), source));
    } catch (err) {
      const message = (err as Error).message;
      // The yaml library refuses alias expansions that look like a resource-exhaustion attack.
      const hint = ALIAS_BOMB.test(message) ? '; expand the aliases by hand' : '';
      diagnostics.push(yamlDiagnostic(file, at(doc.range[0]), `${yamlMessage(message)}${hint}`));
    }
  });
  for (const doc of docs) {
    // Problems in documents with no content (a stray `]`) are still problems.
    if (!kept.includes(doc))
      for (const err of problems(doc))
        diagnostics.push(yamlDiagnostic(file, at(err.pos[0]), yamlMessage(err.message)));
  }
  return { documents, diagnostics };
}

function yamlDiagnostic(file: string, pos: { line: number; col: number }, message: string): Diagnostic {
  return { severity: 'error', code: 'yaml-syntax', file, line: pos.line, column: pos.col, path: '', message };
}

function yamlMessage(message: string): string {
  // The yaml library appends " at line L, column C" plus a code excerpt; we print positions ourselves.
  const first = message.split('\n')[0] ?? message;
  return first.replace(/ at line \d+, column \d+:?$/, '');
}
