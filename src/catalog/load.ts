import type { z } from 'zod';
import { buildNines } from './build-nines.js';
import { buildOpenslo, resolveSourceTypes } from './build-openslo.js';
import { checkConsistency, checkCycles, checkReferences, dedupe } from './checks.js';
import type { BuildResult, Declared } from './declared.js';
import type { Diagnostic } from './diagnostics.js';
import { compareDiagnostics, didYouMean, formatPath } from './diagnostics.js';
import { issuesToDiagnostics } from './issues.js';
import type { Catalog, Entity } from './model.js';
import { emptyCatalogMaps } from './model.js';
import { metadata as ninesMetadata } from './schema/common.js';
import { NINES_SPECS, OPTIONAL_SPEC } from './schema/nines.js';
import { OPENSLO_SPECS, opensloMetadata } from './schema/openslo.js';
import type { SourceDocument } from './source.js';
import { parseYamlFile } from './source.js';

export interface CatalogFile {
  /** Path as it should appear in messages, e.g. `examples/webshop/slos.yaml`. */
  readonly path: string;
  readonly text: string;
}

export interface LoadResult {
  /** Everything that could be built; complete only when there are no errors. */
  readonly catalog: Catalog;
  /** Errors and warnings, sorted by file and position. */
  readonly diagnostics: readonly Diagnostic[];
  readonly documents: number;
}

interface Format {
  readonly metadata: z.ZodType;
  readonly specs: Readonly<Record<string, z.ZodType>>;
  readonly optionalSpec: ReadonlySet<string>;
  readonly build: (kind: string, metadata: never, spec: never, doc: SourceDocument) => BuildResult;
}

const FORMATS: Readonly<Record<string, Format>> = {
  'nines/v1': {
    metadata: ninesMetadata,
    specs: NINES_SPECS,
    optionalSpec: OPTIONAL_SPEC,
    build: buildNines as Format['build'],
  },
  'openslo/v1': {
    metadata: opensloMetadata,
    specs: OPENSLO_SPECS,
    optionalSpec: new Set(['Service']),
    build: buildOpenslo as Format['build'],
  },
};

export const API_VERSIONS = Object.keys(FORMATS);

const ENVELOPE_KEYS = ['apiVersion', 'kind', 'metadata', 'spec'];

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Checks one document's envelope and schema, then builds its entities. */
function readDocument(doc: SourceDocument): BuildResult {
  const fail = (d: Diagnostic): BuildResult => ({ declared: [], diagnostics: [d] });
  const data = doc.data;
  if (!isRecord(data)) {
    return fail(
      doc.diagnostic(
        'not-a-document',
        [],
        'a catalog document is a mapping with apiVersion, kind, metadata and spec',
      ),
    );
  }
  const apiVersion = data.apiVersion;
  if (apiVersion === undefined) {
    return fail(
      doc.diagnostic(
        'missing-field',
        ['apiVersion'],
        `required field 'apiVersion' is missing; use one of: ${API_VERSIONS.join(', ')}`,
      ),
    );
  }
  const format = typeof apiVersion === 'string' ? FORMATS[apiVersion] : undefined;
  if (!format) {
    const text = String(apiVersion);
    return fail(
      doc.diagnostic(
        'unknown-api-version',
        ['apiVersion'],
        `unknown apiVersion '${text}'${didYouMean(text, API_VERSIONS)}; nines reads ${API_VERSIONS.join(', ')}`,
      ),
    );
  }
  const kinds = Object.keys(format.specs);
  const kind = data.kind;
  if (kind === undefined) {
    return fail(
      doc.diagnostic(
        'missing-field',
        ['kind'],
        `required field 'kind' is missing; ${apiVersion} kinds are ${kinds.join(', ')}`,
      ),
    );
  }
  const spec = typeof kind === 'string' ? format.specs[kind] : undefined;
  if (typeof kind !== 'string' || !spec) {
    const text = String(kind);
    return fail(
      doc.diagnostic(
        'unknown-kind',
        ['kind'],
        `unknown kind '${text}'${didYouMean(text, kinds)}; ${apiVersion} kinds are ${kinds.join(', ')}`,
      ),
    );
  }
  const diagnostics: Diagnostic[] = [];
  for (const key of Object.keys(data)) {
    if (!ENVELOPE_KEYS.includes(key)) {
      diagnostics.push(
        doc.diagnostic(
          'unknown-field',
          [key],
          `unknown field '${key}'${didYouMean(key, ENVELOPE_KEYS)}; allowed here: ${ENVELOPE_KEYS.join(', ')}`,
          {
            anchor: 'key',
          },
        ),
      );
    }
  }
  const meta = format.metadata.safeParse(data.metadata);
  if (!meta.success)
    diagnostics.push(
      ...issuesToDiagnostics(doc, ['metadata'], format.metadata, data.metadata, meta.error.issues),
    );
  const specData = data.spec === undefined && format.optionalSpec.has(kind) ? {} : data.spec;
  let parsed = spec.safeParse(specData);
  let removed: string[] = [];
  if (!parsed.success) {
    diagnostics.push(...issuesToDiagnostics(doc, ['spec'], spec, specData, parsed.error.issues));
    // Leave out the fields already reported, so that references and the checks
    // after the schema still run on the rest: every problem is reported at once.
    const rest = withoutFields(specData, parsed.error.issues);
    if (rest !== undefined) {
      parsed = spec.safeParse(rest.data);
      removed = rest.removed;
    }
  }
  if (!meta.success || !parsed.success) return { declared: [], diagnostics };
  const built = format.build(kind, meta.data as never, parsed.data as never, doc);
  // A field left out above must not come back as "missing" or as a knock-on error.
  const related = (path: string) => removed.some((r) => overlaps(path, r));
  return {
    declared: built.declared,
    diagnostics: [...diagnostics, ...built.diagnostics.filter((d) => !related(d.path))],
  };
}

function overlaps(a: string, b: string): boolean {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  return (
    long.startsWith(short) &&
    (long.length === short.length || long[short.length] === '.' || long[short.length] === '[')
  );
}

/**
 * A copy of `data` without the object fields that `issues` point at, or undefined
 * when an issue cannot be removed that way (a list item, or the whole value).
 */
function withoutFields(
  data: unknown,
  issues: readonly z.core.$ZodIssue[],
): { data: unknown; removed: string[] } | undefined {
  const copy: unknown = structuredClone(data);
  const removed: string[] = [];
  for (const issue of issues) {
    const paths =
      issue.code === 'unrecognized_keys' ? issue.keys.map((k) => [...issue.path, k]) : [issue.path];
    for (const p of paths) {
      const last = p[p.length - 1];
      if (typeof last !== 'string') return undefined;
      let parent: unknown = copy;
      for (const seg of p.slice(0, -1)) {
        parent =
          parent !== null && typeof parent === 'object'
            ? (parent as Record<PropertyKey, unknown>)[seg]
            : undefined;
      }
      if (!isRecord(parent)) return undefined;
      delete parent[last];
      removed.push(formatPath(['spec', ...(p as (string | number)[])]));
    }
  }
  return { data: copy, removed };
}

function assemble(kept: readonly Declared[]): Catalog {
  const maps = emptyCatalogMaps();
  for (const { entity } of kept) (maps[entity.kind] as Map<string, Entity>).set(entity.name, entity);
  return maps;
}

/**
 * Reads catalog files (nines/v1 and openslo/v1, several documents per file) into
 * one catalog and reports every problem found, not only the first.
 *
 * @example
 * const { catalog, diagnostics } = loadCatalog([{ path: 'shop.yaml', text }]);
 * if (diagnostics.some((d) => d.severity === 'error')) process.exitCode = 1;
 */
export function loadCatalog(files: readonly CatalogFile[]): LoadResult {
  const diagnostics: Diagnostic[] = [];
  const declared: Declared[] = [];
  let documents = 0;
  for (const file of files) {
    const parsed = parseYamlFile(file.path, file.text);
    diagnostics.push(...parsed.diagnostics);
    for (const doc of parsed.documents) {
      documents++;
      const result = readDocument(doc);
      diagnostics.push(...result.diagnostics);
      declared.push(...result.declared);
    }
  }
  const deduped = dedupe(declared);
  const duplicates = deduped.diagnostics;
  const kept = resolveSourceTypes(deduped.kept);
  diagnostics.push(...duplicates, ...checkReferences(kept), ...checkCycles(kept), ...checkConsistency(kept));
  diagnostics.sort(compareDiagnostics);
  return { catalog: assemble(kept), diagnostics, documents };
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}
