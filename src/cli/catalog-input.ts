import { resolve } from 'node:path';
import { formatDiagnostic } from '../catalog/diagnostics.js';
import type { LoadResult } from '../catalog/load.js';
import { hasErrors, loadCatalog } from '../catalog/load.js';
import { CatalogPathError, readCatalogFiles } from '../catalog/load-dir.js';
import type { Io } from './io.js';
import { UserError } from './io.js';

export interface LoadedCatalog extends LoadResult {
  readonly files: number;
}

/** Reads and checks a catalog directory; a path or file that cannot be read is a user error. */
export async function readCatalog(dir: string, io: Io): Promise<LoadedCatalog> {
  try {
    const files = await readCatalogFiles(resolve(io.cwd, dir), io.cwd);
    if (files.length === 0) throw new UserError(`no .yaml or .yml files under '${dir}'`);
    return { ...loadCatalog(files), files: files.length };
  } catch (err) {
    if (err instanceof CatalogPathError) throw new UserError(err.message);
    throw err;
  }
}

/** For commands that need a valid catalog: prints problems to stderr and stops with exit code 1. */
export async function requireValidCatalog(dir: string, io: Io): Promise<LoadedCatalog> {
  const loaded = await readCatalog(dir, io);
  if (hasErrors(loaded.diagnostics)) {
    for (const d of loaded.diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
    const n = loaded.diagnostics.filter((d) => d.severity === 'error').length;
    throw new UserError(
      `the catalog in '${dir}' has ${n} error${n === 1 ? '' : 's'}; run 'nines validate ${dir}' for details`,
    );
  }
  return loaded;
}
