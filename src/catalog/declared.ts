import type { Diagnostic, DiagnosticCode } from './diagnostics.js';
import type { Entity, EntityKind, Meta } from './model.js';
import type { Path, SourceDocument } from './source.js';

/** A reference from one entity to another, with where it was written. */
export interface Reference {
  readonly kind: EntityKind;
  readonly name: string;
  readonly path: Path;
}

/** An entity as built from a document, with what the cross-document checks need. */
export interface Declared {
  readonly entity: Entity;
  readonly doc: SourceDocument;
  /** Where the entity's name was written. */
  readonly namePath: Path;
  readonly refs: readonly Reference[];
  /**
   * An OpenSLO Service only names a service; when a nines/v1 Service of the same
   * name exists, it yields to it instead of being a duplicate.
   */
  readonly yields?: boolean;
  /**
   * A Service only implied by another format's SLOs (Sloth's `service`): it yields
   * to any declaration of the name, and the stubs of one name are one service.
   */
  readonly stub?: boolean;
}

/** A document's references, checked even when its entity could not be declared. */
export type Referrer = Pick<Declared, 'doc' | 'refs'>;

export interface BuildResult {
  readonly declared: Declared[];
  readonly diagnostics: Diagnostic[];
}

export function metaOf(
  metadata: {
    name: string;
    displayName?: string | undefined;
    labels?: Record<string, string | string[]> | undefined;
    annotations?: Record<string, string> | undefined;
  },
  description: string | undefined,
  dropAnnotationPrefix?: string,
): Meta {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(metadata.labels ?? {})) labels[k] = Array.isArray(v) ? v.join(',') : v;
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(metadata.annotations ?? {})) {
    if (dropAnnotationPrefix === undefined || !k.startsWith(dropAnnotationPrefix)) annotations[k] = v;
  }
  return {
    name: metadata.name,
    ...(metadata.displayName !== undefined && { displayName: metadata.displayName }),
    ...(description !== undefined && { description }),
    labels,
    annotations,
  };
}

/** Reserved by OpenSLO; nines/v1 keeps off it too, so that every catalog exports as OpenSLO. */
const RESERVED_ANNOTATION_PREFIX = 'openslo.com/';

/** An error for each annotation under the prefix OpenSLO reserves. */
export function reservedAnnotations(
  annotations: Readonly<Record<string, unknown>> | undefined,
  at: Path,
  doc: SourceDocument,
  code: DiagnosticCode,
): Diagnostic[] {
  return Object.keys(annotations ?? {})
    .filter((key) => key.startsWith(RESERVED_ANNOTATION_PREFIX))
    .map((key) =>
      doc.diagnostic(
        code,
        [...at, 'annotations', key],
        `the annotation prefix '${RESERVED_ANNOTATION_PREFIX}' is reserved by OpenSLO`,
        { anchor: 'key' },
      ),
    );
}
