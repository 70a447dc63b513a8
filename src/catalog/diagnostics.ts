/** A problem found in catalog files, located precisely enough to jump to. */
export interface Diagnostic {
  readonly severity: 'error' | 'warning';
  /** Stable, documented code (docs/catalog.md#diagnostics). */
  readonly code: DiagnosticCode;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** Path inside the document, e.g. `spec.objectives[0].target`; empty for the document itself. */
  readonly path: string;
  readonly message: string;
}

export const DIAGNOSTIC_CODES = {
  'yaml-syntax': 'The file is not valid YAML.',
  'not-a-document': 'A YAML document is not a mapping with apiVersion, kind, metadata and spec.',
  'unknown-api-version': 'apiVersion is not one nines reads.',
  'unknown-kind': 'kind is not defined for this apiVersion.',
  'unknown-field': 'A field that the kind does not define.',
  'missing-field': 'A required field is absent.',
  'invalid-type': 'A value has the wrong type.',
  'invalid-value': 'A value is outside what is allowed.',
  'invalid-name': 'A name is not an RFC 1123 DNS label.',
  'duplicate-name': 'Two documents of one kind share a name.',
  'dangling-reference': 'A reference names something that is not in the catalog.',
  'dependency-cycle': 'Services depend on each other in a loop.',
  'invalid-target': 'An objective or SLA target is impossible.',
  'invalid-window': 'An SLO window or duration is impossible.',
  'invalid-time-zone': 'A time zone is not an IANA zone name.',
  'inconsistent-openslo': 'An OpenSLO document contradicts the OpenSLO v1 rules.',
  unsupported: 'Valid in its format, but not something nines can run.',
  suspicious: 'Allowed, but probably not what was meant.',
} as const;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

/** `file:line:col path: message`, the form editors and CI logs link. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = `${d.file}:${d.line}:${d.column}`;
  const tag = d.severity === 'warning' ? ' warning:' : '';
  return d.path ? `${where}${tag} ${d.path}: ${d.message}` : `${where}${tag} ${d.message}`;
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.path.localeCompare(b.path)
  );
}

/** Renders a path array as `spec.objectives[0].target`. */
export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${seg}` : seg;
  }
  return out;
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] ?? 0;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j] ?? 0;
      const cost = a[i - 1]?.toLowerCase() === b[j - 1]?.toLowerCase() ? 0 : 1;
      prev[j] = Math.min(up + 1, (prev[j - 1] ?? 0) + 1, diag + cost);
      diag = up;
    }
  }
  return prev[b.length] ?? 0;
}

/** The closest candidate when it is close enough to be a typo, for "did you mean". */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  const limit = Math.max(1, Math.floor(word.length / 3));
  return best !== undefined && bestDistance <= limit ? best : undefined;
}

export function didYouMean(word: string, candidates: Iterable<string>): string {
  const c = closest(word, candidates);
  return c === undefined ? '' : ` (did you mean '${c}'?)`;
}
