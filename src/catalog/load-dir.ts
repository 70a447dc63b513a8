import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { CatalogFile } from './load.js';

const YAML_FILE = /\.ya?ml$/i;

/** Thrown when a catalog path cannot be read at all. */
export class CatalogPathError extends Error {
  readonly code = 'CATALOG_PATH';
}

/**
 * Reads every `.yaml`/`.yml` file under `path` (or the one file `path` names),
 * sorted for stable output. Paths in messages are relative to `cwd`.
 */
export async function readCatalogFiles(path: string, cwd: string = process.cwd()): Promise<CatalogFile[]> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch {
    throw new CatalogPathError(`catalog path '${path}' does not exist`);
  }
  const paths: string[] = [];
  if (info.isDirectory()) {
    const walk = async (dir: string): Promise<void> => {
      const entries = await readdir(dir, { withFileTypes: true });
      for (const e of entries) {
        if (e.name.startsWith('.') || e.name === 'node_modules') continue;
        const p = join(dir, e.name);
        if (e.isDirectory()) await walk(p);
        else if (e.isFile() && YAML_FILE.test(e.name)) paths.push(p);
      }
    };
    await walk(path);
  } else {
    paths.push(path);
  }
  paths.sort();
  return Promise.all(
    paths.map(async (p) => ({ path: relative(cwd, p) || p, text: await readFile(p, 'utf8') })),
  );
}
