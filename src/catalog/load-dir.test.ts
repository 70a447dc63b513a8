import { chmod, mkdir, mkdtemp, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CatalogPathError, readCatalogFiles } from './load-dir.js';

const TEAM = 'apiVersion: nines/v1\nkind: Team\nmetadata: {name: t}\n';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nines-load-dir-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const read = (path = '.') => readCatalogFiles(join(dir, path), dir);
const paths = async (path?: string) => (await read(path)).map((f) => f.path);

describe('reading a catalog directory', () => {
  it('follows symbolic links to files and directories, reading each file once', async () => {
    await mkdir(join(dir, 'shared'));
    await mkdir(join(dir, 'catalog'));
    await writeFile(join(dir, 'shared', 'teams.yaml'), TEAM);
    await writeFile(join(dir, 'catalog', 'services.yml'), TEAM);
    await symlink(join(dir, 'shared'), join(dir, 'catalog', 'linked'));
    await symlink(join(dir, 'catalog', 'services.yml'), join(dir, 'catalog', 'alias.yaml'));
    expect(await paths('catalog')).toEqual(['catalog/alias.yaml', 'catalog/linked/teams.yaml']);
  });

  it('does not loop on a link back to a parent directory', async () => {
    await mkdir(join(dir, 'a'));
    await writeFile(join(dir, 'a', 'x.yaml'), TEAM);
    await symlink(dir, join(dir, 'a', 'up'));
    expect(await paths()).toEqual(['a/x.yaml']);
  });

  it('names a broken link to a catalog file, and ignores other broken links', async () => {
    await writeFile(join(dir, 'ok.yaml'), TEAM);
    await symlink(join(dir, 'gone.txt'), join(dir, 'notes'));
    expect(await paths()).toEqual(['ok.yaml']);
    await symlink(join(dir, 'gone.yaml'), join(dir, 'slos.yaml'));
    await expect(read()).rejects.toThrow(
      new CatalogPathError("cannot read 'slos.yaml': it is a broken symbolic link"),
    );
  });

  it('names a file too large to read', async () => {
    await writeFile(join(dir, 'huge.yaml'), '');
    await truncate(join(dir, 'huge.yaml'), 3 * 2 ** 30); // sparse: takes no disk space
    await expect(read()).rejects.toThrow(new CatalogPathError("cannot read 'huge.yaml': it is too large"));
  });

  it.skipIf(process.getuid?.() === 0)('names a file it may not read', async () => {
    await writeFile(join(dir, 'secret.yaml'), TEAM);
    await chmod(join(dir, 'secret.yaml'), 0o000);
    await expect(read()).rejects.toThrow(
      new CatalogPathError("cannot read 'secret.yaml': permission denied"),
    );
  });

  it('says why a catalog path cannot be read, not always that it does not exist', async () => {
    await writeFile(join(dir, 'one.yaml'), TEAM);
    await expect(read('missing')).rejects.toThrow(
      new CatalogPathError("catalog path 'missing' does not exist"),
    );
    await expect(read('one.yaml/inner')).rejects.toThrow(
      new CatalogPathError(
        "cannot read catalog path 'one.yaml/inner': a part of the path is not a directory",
      ),
    );
    await symlink(join(dir, 'loop'), join(dir, 'loop'));
    await expect(read('loop')).rejects.toThrow(
      new CatalogPathError("cannot read catalog path 'loop': too many symbolic links (a loop?)"),
    );
    expect(await paths('one.yaml')).toEqual(['one.yaml']);
  });
});
