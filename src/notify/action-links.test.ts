import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createActionToken, readActionToken } from './action-links.js';

const KEY = randomBytes(32);
const NOW = Date.parse('2025-06-01T12:05:00Z');
const DAY = 86_400_000;

describe('action tokens', () => {
  it('round-trip their claims, user included or not', () => {
    const claims = { incident: 12, action: 'acknowledge', expiresAt: NOW + DAY, user: 'alice' } as const;
    const token = createActionToken(KEY, claims);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(readActionToken(KEY, token, NOW)).toEqual({ ok: true, claims });

    const anonymous = createActionToken(KEY, { incident: 7, action: 'resolve', expiresAt: NOW + 1 });
    expect(readActionToken(KEY, anonymous, NOW)).toEqual({
      ok: true,
      claims: { incident: 7, action: 'resolve', expiresAt: NOW + 1 },
    });
  });

  it('expire at expiresAt', () => {
    const token = createActionToken(KEY, { incident: 12, action: 'resolve', expiresAt: NOW });
    expect(readActionToken(KEY, token, NOW - 1).ok).toBe(true);
    expect(readActionToken(KEY, token, NOW)).toEqual({ ok: false, reason: 'expired' });
    expect(readActionToken(KEY, token, Number.NaN)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuse a token signed with another key, or with claims changed', () => {
    const token = createActionToken(KEY, { incident: 12, action: 'acknowledge', expiresAt: NOW + DAY });
    expect(readActionToken(randomBytes(32), token, NOW)).toEqual({ ok: false, reason: 'bad-signature' });

    const [payload, signature] = token.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, a: 'resolve' })).toString('base64url');
    expect(readActionToken(KEY, `${forged}.${signature}`, NOW)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    const flipped = signature.startsWith('A') ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
    expect(readActionToken(KEY, `${payload}.${flipped}`, NOW)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('call anything else malformed, and never throw', () => {
    const token = createActionToken(KEY, { incident: 12, action: 'acknowledge', expiresAt: NOW + DAY });
    const junk: unknown[] = [
      '',
      '.',
      'abc',
      'abc.',
      '.abc',
      `${token}.x`,
      `${token}=`,
      token.slice(0, -1),
      `${token}A`,
      'a'.repeat(100_000),
      `${'a'.repeat(5_000_000)}.${'b'.repeat(43)}`,
      '\u0000\uffff\ud800.💥',
      '%2e%2e/%2e%2e',
      undefined,
      null,
      42,
      {},
    ];
    for (const t of junk) {
      expect(readActionToken(KEY, t as string, NOW)).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('call a correctly signed but invalid payload malformed', () => {
    // A valid signature over a payload that is not a claims object cannot come from
    // createActionToken; forge one with the key to check the claims are still validated.
    for (const body of ['not json', '[]', '{"i":0,"a":"acknowledge","e":1}', '{"i":1,"a":"delete","e":1}']) {
      const payload = Buffer.from(body).toString('base64url');
      const mac = createHmac('sha256', KEY).update('nines-action.v1.').update(payload).digest('base64url');
      expect(readActionToken(KEY, `${payload}.${mac}`, NOW)).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('will not be made with a short key or bad claims', () => {
    expect(() =>
      createActionToken(randomBytes(16), { incident: 1, action: 'resolve', expiresAt: NOW }),
    ).toThrow(TypeError);
    expect(() => createActionToken(KEY, { incident: 1.5, action: 'resolve', expiresAt: NOW })).toThrow(
      TypeError,
    );
  });
});
