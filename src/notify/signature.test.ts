import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhook } from './signature.js';

const SECRET = 'whsec_test';
const BODY = '{"event":"incident.triggered","incident":{"number":12}}';
const T = 1_748_779_380;

describe('signWebhook', () => {
  it('is t=<seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">', () => {
    const mac = createHmac('sha256', SECRET).update(`${T}.${BODY}`).digest('hex');
    expect(signWebhook(SECRET, BODY, T)).toBe(`t=${T},v1=${mac}`);
  });
});

describe('verifyWebhook', () => {
  const header = signWebhook(SECRET, BODY, T);

  it('accepts its own signature within the tolerance, as a string or the raw bytes', () => {
    expect(verifyWebhook(header, BODY, SECRET, T)).toBe(true);
    expect(verifyWebhook(header, Buffer.from(BODY), SECRET, T + 300)).toBe(true);
    expect(verifyWebhook(header, BODY, SECRET, T - 300)).toBe(true);
  });

  it('refuses an old or future timestamp (a replay)', () => {
    expect(verifyWebhook(header, BODY, SECRET, T + 301)).toBe(false);
    expect(verifyWebhook(header, BODY, SECRET, T - 301)).toBe(false);
    expect(verifyWebhook(header, BODY, SECRET, T + 3_600, 7_200)).toBe(true);
  });

  it('refuses another body, secret or timestamp', () => {
    expect(verifyWebhook(header, `${BODY} `, SECRET, T)).toBe(false);
    expect(verifyWebhook(header, BODY, 'other', T)).toBe(false);
    expect(verifyWebhook(header.replace(`t=${T}`, `t=${T + 1}`), BODY, SECRET, T)).toBe(false);
  });

  it('accepts any one of several v1 signatures (secret rotation)', () => {
    const other = signWebhook('old-secret', BODY, T).split(',')[1];
    expect(verifyWebhook(`${header},${other}`, BODY, SECRET, T)).toBe(true);
    expect(verifyWebhook(`t=${T},${other}`, BODY, SECRET, T)).toBe(false);
  });

  it('is false, never an exception, for malformed headers', () => {
    const junk: unknown[] = [
      undefined,
      '',
      ['a', 'b'],
      't=',
      `t=${T}`,
      `v1=${'a'.repeat(64)}`,
      `t=abc,v1=${'a'.repeat(64)}`,
      `t=${T},v1=zz`,
      `t=${T},v1=${'a'.repeat(63)}`,
      `t=${T},t=${T},v1=${'a'.repeat(64)}`,
      'garbage',
      'x'.repeat(1_000_000),
    ];
    for (const h of junk) {
      expect(verifyWebhook(h as string, BODY, SECRET, T)).toBe(false);
    }
    expect(verifyWebhook(header, BODY, '', T)).toBe(false);
    expect(verifyWebhook(header, BODY, SECRET, Number.NaN)).toBe(false);
  });
});
