import type { z } from 'zod';
import { isRecord } from '../guards.js';
import { buildNines } from './build-nines.js';
import { buildOpenslo, resolveSourceTypes } from './build-openslo.js';
import { buildSloth, readSlothSpec } from './build-sloth.js';
import { checkConsistency, checkCycles, checkReferences, dedupe } from './checks.js';
import type { BuildResult, Declared, Referrer } from './declared.js';
import type { Diagnostic } from './diagnostics.js';
import { compareDiagnostics, didYouMean } from './diagnostics.js';
import { describeValue } from './issues.js';
import type { Catalog, Entity } from './model.js';
import { emptyCatalogMaps } from './model.js';
import { invalidNames, invalidNamesParsed } from './names.js';
import { knockOn, parseRepaired } from './repair.js';
import { isName, nameMessage, metadata as ninesMetadata } from './schema/common.js';
import { DROPPABLE_LISTS, NINES_SPECS, OPTIONAL_SPEC } from './schema/nines.js';
import { OPENSLO_SPECS, opensloMetadata } from './schema/openslo.js';
import { SLOTH_CRD_SPECS, SLOTH_VERSION, slothMetadata } from './schema/sloth.js';
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
  /** Lists (under spec) whose items nothing refers to by position: a bad item can be left out whole. */
  readonly droppableLists: ReadonlySet<string>;
  readonly build: (kind: string, metadata: never, spec: never, doc: SourceDocument) => BuildResult;
}

const FORMATS: Readonly<Record<string, Format>> = {
  'nines/v1': {
    metadata: ninesMetadata,
    specs: NINES_SPECS,
    optionalSpec: OPTIONAL_SPEC,
    droppableLists: DROPPABLE_LISTS,
    build: buildNines as Format['build'],
  },
  'openslo/v1': {
    metadata: opensloMetadata,
    specs: OPENSLO_SPECS,
    optionalSpec: new Set(['Service']),
    droppableLists: new Set(),
    build: buildOpenslo as Format['build'],
  },
  'sloth.slok.dev/v1': {
    metadata: slothMetadata,
    specs: SLOTH_CRD_SPECS,
    optionalSpec: new Set(),
    droppableLists: new Set(),
    build: buildSloth as Format['build'],
  },
};

export const API_VERSIONS = Object.keys(FORMATS);

/** What nines reads, for messages: every apiVersion, and Sloth's plain spec (see `readSlothSpec`). */
const READS = `${API_VERSIONS.join(', ')}, or version: ${SLOTH_VERSION} (a Sloth spec)`;

const ENVELOPE_KEYS = ['apiVersion', 'kind', 'metadata', 'spec'];

/** What one document yields. */
interface DocumentResult extends BuildResult {
  /** Entities left out for an invalid name; their references are still checked. */
  readonly unnamed: Referrer[];
}

/** Checks one document's envelope and schema, then builds its entities. */
function readDocument(doc: SourceDocument): DocumentResult {
  const fail = (d: Diagnostic): DocumentResult => ({ declared: [], unnamed: [], diagnostics: [d] });
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
  if (apiVersion === undefined && data.version !== undefined) return { ...readSlothSpec(doc), unnamed: [] };
  const foreign = apiVersion === undefined ? prometheusFile(data) : undefined;
  if (foreign !== undefined) {
    // Generated rules often sit next to the catalog; they are not an error, just not read.
    return fail(
      doc.diagnostic('suspicious', [], `${foreign}, not a catalog document; left out`, {
        severity: 'warning',
      }),
    );
  }
  if (apiVersion === undefined) {
    return fail(
      doc.diagnostic(
        'missing-field',
        ['apiVersion'],
        `required field 'apiVersion' is missing; use one of: ${READS}`,
      ),
    );
  }
  if (typeof apiVersion !== 'string') {
    return fail(
      doc.diagnostic(
        'invalid-type',
        ['apiVersion'],
        `apiVersion must be text, got ${describeValue(apiVersion)}; use one of: ${READS}`,
      ),
    );
  }
  const format = FORMATS[apiVersion];
  if (!format) {
    return fail(
      doc.diagnostic(
        'unknown-api-version',
        ['apiVersion'],
        `unknown apiVersion '${apiVersion}'${didYouMean(apiVersion, API_VERSIONS)}; nines reads ${READS}`,
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
  if (typeof kind !== 'string') {
    return fail(
      doc.diagnostic(
        'invalid-type',
        ['kind'],
        `kind must be text, got ${describeValue(kind)}; ${apiVersion} kinds are ${kinds.join(', ')}`,
      ),
    );
  }
  const spec = format.specs[kind];
  if (!spec) {
    return fail(
      doc.diagnostic(
        'unknown-kind',
        ['kind'],
        `unknown kind '${kind}'${didYouMean(kind, kinds)}; ${apiVersion} kinds are ${kinds.join(', ')}`,
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
  // `spec:` with nothing after it is null in YAML: the same as leaving it out.
  const specData =
    (data.spec === undefined || data.spec === null) && format.optionalSpec.has(kind) ? {} : data.spec;
  const before = diagnostics.length;
  const meta = parseRepaired(doc, 'metadata', format.metadata, data.metadata, new Set(), diagnostics);
  const parsed = parseRepaired(doc, 'spec', spec, specData, format.droppableLists, diagnostics);
  // A clean parse has its names checked on the output; otherwise the slower walk
  // over the text as written also finds names inside parts that failed.
  const clean = meta && parsed && diagnostics.length === before;
  const badNames = clean
    ? [
        ...invalidNamesParsed(format.metadata, meta.data, ['metadata']),
        ...invalidNamesParsed(spec, parsed.data, ['spec']),
      ]
    : [
        ...invalidNames(format.metadata, data.metadata, ['metadata']),
        ...invalidNames(spec, specData, ['spec']),
      ];
  for (const bad of badNames) {
    diagnostics.push(doc.diagnostic('invalid-name', bad.path, nameMessage(bad.value)));
  }
  if (!meta || !parsed) return { declared: [], unnamed: [], diagnostics };
  const built = format.build(kind, meta.data as never, parsed.data as never, doc);
  // A field left out above must not come back as "missing" or as a knock-on error.
  const isKnockOn = knockOn([...meta.removed, ...parsed.removed]);
  const declared: Declared[] = [];
  const unnamed: Referrer[] = [];
  for (const d of built.declared) {
    if (isName(d.entity.name)) declared.push(d);
    else unnamed.push({ doc: d.doc, refs: d.refs });
  }
  return {
    declared,
    unnamed,
    diagnostics: [...diagnostics, ...built.diagnostics.filter((d) => !isKnockOn(d.path))],
  };
}

function assemble(kept: readonly Declared[]): Catalog {
  const maps = emptyCatalogMaps();
  for (const { entity } of kept) (maps[entity.kind] as Map<string, Entity>).set(entity.name, entity);
  return maps;
}

/**
 * Reads catalog files (nines/v1, openslo/v1 and Sloth, several documents per file) into
 * one catalog and reports every problem found, not only the first.
 *
 * @example
 * const { catalog, diagnostics } = loadCatalog([{ path: 'shop.yaml', text }]);
 * if (diagnostics.some((d) => d.severity === 'error')) process.exitCode = 1;
 */
export function loadCatalog(files: readonly CatalogFile[]): LoadResult {
  const diagnostics: Diagnostic[] = [];
  const declared: Declared[] = [];
  const unnamed: Referrer[] = [];
  let documents = 0;
  for (const file of files) {
    const parsed = parseYamlFile(file.path, file.text);
    diagnostics.push(...parsed.diagnostics);
    for (const doc of parsed.documents) {
      documents++;
      const result = readDocument(doc);
      diagnostics.push(...result.diagnostics);
      declared.push(...result.declared);
      unnamed.push(...result.unnamed);
    }
  }
  const deduped = dedupe(declared);
  const duplicates = deduped.diagnostics;
  const kept = resolveSourceTypes(deduped.kept);
  diagnostics.push(
    ...duplicates,
    ...checkReferences(kept, unnamed),
    ...checkCycles(kept),
    ...checkConsistency(kept),
  );
  diagnostics.sort(compareDiagnostics);
  return { catalog: assemble(kept), diagnostics, documents };
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** What a Prometheus file is (a rule file, a promtool test file), or undefined for anything else. */
function prometheusFile(data: Record<string, unknown>): string | undefined {
  if (Array.isArray(data.groups) && Object.keys(data).every((k) => k === 'groups'))
    return 'a Prometheus rule file';
  if (Array.isArray(data.tests) && 'rule_files' in data) return 'a promtool rule test file';
  return undefined;
}
