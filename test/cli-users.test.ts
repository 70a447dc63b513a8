import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/store/db.js';
import { UserRepository } from '../src/store/users.js';
import { nines } from './helpers.js';

let dataDir: string;
beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'nines-users-'));
});
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

const PASSWORD = 'correct horse battery staple';

describe('nines user', () => {
  it('creates a user with the password from NINES_PASSWORD, lists and disables users', async () => {
    const created = await nines(
      ['user', 'create', '--name', 'ada', '--role', 'admin', '--data-dir', dataDir],
      {
        env: { NINES_PASSWORD: PASSWORD },
      },
    );
    expect(created).toMatchObject({ code: 0, stdout: "created admin user 'ada'\n" });
    const again = await nines(
      ['user', 'create', '--name', 'ada', '--role', 'viewer', '--data-dir', dataDir],
      {
        env: { NINES_PASSWORD: PASSWORD },
      },
    );
    expect(again).toMatchObject({ code: 1, stderr: "nines: a user named 'ada' exists\n" });
    const short = await nines(
      ['user', 'create', '--name', 'bea', '--role', 'viewer', '--data-dir', dataDir],
      {
        env: { NINES_PASSWORD: 'too short' },
      },
    );
    expect(short).toMatchObject({ code: 1, stderr: 'nines: a password has at least 12 characters\n' });
    const bad = await nines(['user', 'create', '--name', 'bea', '--role', 'root', '--data-dir', dataDir], {
      env: { NINES_PASSWORD: PASSWORD },
    });
    expect(bad.code).toBe(2);

    expect((await nines(['user', 'list', '--data-dir', dataDir])).stdout).toBe('admin      ada\n');
    expect(await nines(['user', 'disable', 'ada', '--data-dir', dataDir])).toMatchObject({
      code: 0,
      stdout: 'disabled ada\n',
    });
    const listed = JSON.parse((await nines(['user', 'list', '--json', '--data-dir', dataDir])).stdout);
    expect(listed).toEqual([{ name: 'ada', role: 'admin', createdAt: expect.any(String), disabled: true }]);
    expect(await nines(['user', 'disable', 'nobody', '--data-dir', dataDir])).toMatchObject({
      code: 1,
      stderr: "nines: no user named 'nobody'\n",
    });
  });

  it('reads the password from standard input (the binary; run npm run build first)', async () => {
    const dir = join(dataDir, 'stdin');
    const out = execFileSync(
      process.execPath,
      ['bin/nines.js', 'user', 'create', '--name', 'cleo', '--role', 'responder', '--data-dir', dir],
      { input: `${PASSWORD}\n`, env: { PATH: process.env.PATH ?? '' } },
    ).toString();
    expect(out).toBe("created responder user 'cleo'\n");
    const store = await openStore({ url: undefined, dataDir: dir });
    try {
      const users = new UserRepository(store.db);
      expect(await users.authenticate('cleo', PASSWORD)).toMatchObject({ name: 'cleo', role: 'responder' });
    } finally {
      await store.close();
    }
  });
});
