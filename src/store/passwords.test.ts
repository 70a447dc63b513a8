import { describe, expect, it } from 'vitest';
import { hashPassword, UNMATCHABLE_HASH, verifyPassword } from './passwords.js';

describe('password hashes', () => {
  it('are salted scrypt hashes that verify only the password', async () => {
    const [a, b] = [await hashPassword('correct horse battery'), await hashPassword('correct horse battery')];
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
  });

  it('never match a malformed hash or one with parameters out of bounds', async () => {
    const good = await hashPassword('correct horse battery');
    for (const stored of [
      '',
      'plain',
      good.replace('$32768$', '$1000$'),
      good.replace('$32768$', '$4194304$'),
    ])
      expect(await verifyPassword('correct horse battery', stored), stored).toBe(false);
  });

  it('have an unmatchable stand-in that costs as much to check', async () => {
    expect(UNMATCHABLE_HASH).toMatch(/^scrypt\$32768\$8\$1\$/);
    const start = performance.now();
    expect(await verifyPassword('', UNMATCHABLE_HASH)).toBe(false);
    expect(performance.now() - start).toBeGreaterThan(5);
  });
});
