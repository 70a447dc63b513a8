import type { BigIntStats } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { CatalogFile } from './load.js';

const YAML_FILE = /\.ya?ml$/i;

/** Thrown when a catalog path, or a file or directory in it, cannot be read; the message names it. */
export class CatalogPathError extends Error {
  readonly code = 'CATALOG_PATH';
}

/** What went wrong, in words, for the error codes people meet. */
function reason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'it does not exist';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'ELOOP':
      return 'too many symbolic links (a loop?)';
    case 'EISDIR':
      return 'it is a directory';
    case 'ERR_FS_FILE_TOO_LARGE':
    case 'ERR_STRING_TOO_LONG':
      return 'it is too large';
    default:
      return code ?? (err instanceof Error ? err.message : String(err));
  }
}

/**
 * Reads every `.yaml`/`.yml` file under `path` (or the one file `path` names),
 * sorted for stable output. Symbolic links to files and directories are followed;
 * a file or directory reached twice (a link loop, or two links to one place) is read
 * once. Hidden entries and `node_modules` are skipped. Paths in messages are
 * relative to `cwd`.
 *
 * @throws CatalogPathError naming the path that cannot be read, and why.
 */
export async function readCatalogFiles(path: string, cwd: string = process.cwd()): Promise<CatalogFile[]> {
  const shown = (p: string) => relative(cwd, p) || p;
  let info: BigIntStats;
  try {
    info = await stat(path, { bigint: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CatalogPathError(
      code === 'ENOENT'
        ? `catalog path '${shown(path)}' does not exist`
        : `cannot read catalog path '${shown(path)}': ${reason(err)}`,
    );
  }
  const seen = new Set<string>();
  const firstVisit = (st: BigIntStats) => {
    const key = `${st.dev}:${st.ino}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  };
  const paths: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    let names: string[];
    try {
      names = (await readdir(dir)).sort();
    } catch (err) {
      throw new CatalogPathError(`cannot read directory '${shown(dir)}': ${reason(err)}`);
    }
    for (const name of names) {
      if (name.startsWith('.') || name === 'node_modules') continue;
      const p = join(dir, name);
      let st: BigIntStats;
      try {
        st = await stat(p, { bigint: true }); // follows symbolic links
      } catch (err) {
        // A broken link that is not named like a catalog file is none of our business.
        if (!YAML_FILE.test(name)) continue;
        // readdir has just listed it, so "does not exist" means a link to nothing.
        const broken = (err as NodeJS.ErrnoException).code === 'ENOENT';
        throw new CatalogPathError(
          `cannot read '${shown(p)}': ${broken ? 'it is a broken symbolic link' : reason(err)}`,
        );
      }
      if (st.isDirectory()) {
        if (firstVisit(st)) await walk(p);
      } else if (st.isFile() && YAML_FILE.test(name) && firstVisit(st)) {
        paths.push(p);
      }
    }
  };
  if (info.isDirectory()) {
    firstVisit(info);
    await walk(path);
  } else if (info.isFile()) {
    paths.push(path);
  } else {
    throw new CatalogPathError(`catalog path '${shown(path)}' is not a file or a directory`);
  }
  paths.sort();
  return Promise.all(
    paths.map(async (p) => {
      try {
        return { path: shown(p), text: await readFile(p, 'utf8') };
      } catch (err) {
        throw new CatalogPathError(`cannot read '${shown(p)}': ${reason(err)}`);
      }
    }),
  );
}
