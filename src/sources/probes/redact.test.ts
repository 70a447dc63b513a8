import { describe, expect, it } from 'vitest';
import { headerSecrets, redact } from './redact.js';

describe('redact', () => {
  it('replaces every occurrence of every secret', () => {
    expect(redact('a=s3cr3t b=s3cr3t c=k3y', ['s3cr3t', 'k3y'])).toBe(
      'a=[redacted] b=[redacted] c=[redacted]',
    );
  });

  it('hides a secret that contains another whole, longest first', () => {
    expect(redact('token abcdef', ['abc', 'abcdef'])).toBe('token [redacted]');
  });

  it('hides the URL-encoded form, ignores empty secrets and treats regex characters literally', () => {
    expect(redact('/x?t=a%2Fb%3Fc', ['a/b?c'])).toBe('/x?t=[redacted]');
    expect(redact('nothing to hide', [''])).toBe('nothing to hide');
    expect(redact('price 1.5 or 105', ['1.5'])).toBe('price [redacted] or 105');
  });
});

describe('headerSecrets', () => {
  it('takes authorization values with and without their scheme, and cookie values long enough to matter', () => {
    expect(
      headerSecrets({
        authorization: 'Bearer abc123xyz',
        cookie: 'sid=0123456789; lang=en',
        'set-cookie': ['session=s-4f9a2b; Path=/; HttpOnly'],
        accept: 'application/json',
      }),
    ).toEqual(['Bearer abc123xyz', 'abc123xyz', '0123456789', 's-4f9a2b']);
  });
});
