import { describe, expect, it } from 'vitest';
import { loginUrl, safeNext } from './next';

describe('safeNext', () => {
  it('keeps a path on this site with its query and hash', () => {
    expect(safeNext('/incidents/4?x=1#timeline')).toBe('/incidents/4?x=1#timeline');
  });

  it.each([
    null,
    '',
    'incidents',
    'https://evil.example/',
    '//evil.example/x',
    '/\\evil.example',
    'javascript:alert(1)',
    '/ok\u0000',
  ])('sends %j home', (next) => {
    expect(safeNext(next)).toBe('/');
  });

  it('keeps an encoded newline encoded: it stays a path on this site', () => {
    expect(safeNext('/%0a//evil')).toBe('/%0a//evil');
  });
});

describe('loginUrl', () => {
  it('comes back to the page after signing in', () => {
    expect(loginUrl('/incidents?status=open')).toBe('/login?next=%2Fincidents%3Fstatus%3Dopen');
    expect(loginUrl('/')).toBe('/login');
  });
});
