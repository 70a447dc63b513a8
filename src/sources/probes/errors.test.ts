import { describe, expect, it } from 'vitest';
import { describeError, formatBytes, formatDuration, formatRemaining, StepError } from './errors.js';

const err = (code: string, fields: Record<string, unknown> = {}) =>
  Object.assign(new Error(`raw ${code}`), { code, ...fields });

describe('describeError', () => {
  it.each([
    [err('ECONNRESET'), 'connection reset by peer'],
    [err('ECONNREFUSED', { address: '10.0.0.7', port: 443 }), 'connection refused (10.0.0.7:443)'],
    [err('ENOTFOUND', { hostname: 'shop.invalid' }), 'DNS lookup failed: host shop.invalid not found'],
    [
      err('EAI_AGAIN', { hostname: 'shop.example' }),
      'DNS lookup failed: temporary failure resolving shop.example',
    ],
    [err('UND_ERR_CONNECT_TIMEOUT'), 'connection timed out'],
    [err('UND_ERR_SOCKET'), 'the server closed the connection'],
    [err('CERT_HAS_EXPIRED'), 'certificate has expired'],
    [
      err('DEPTH_ZERO_SELF_SIGNED_CERT'),
      'certificate is self-signed and not trusted (add it to tls.ca to trust it)',
    ],
    [
      err('ERR_TLS_CERT_ALTNAME_INVALID', { host: 'shop.example' }),
      'certificate is not valid for host shop.example',
    ],
    [err('ERR_SSL_WRONG_VERSION_NUMBER'), 'TLS handshake failed: raw ERR_SSL_WRONG_VERSION_NUMBER'],
    [err('HPE_INVALID_CONSTANT'), 'invalid HTTP response: raw HPE_INVALID_CONSTANT'],
    [err('ESOMETHING'), 'raw ESOMETHING (ESOMETHING)'],
  ])('%s → %s', (e, message) => {
    expect(describeError(e)).toBe(message);
  });

  it('looks inside an AggregateError and a cause, and passes StepError messages through', () => {
    expect(describeError(new AggregateError([err('ECONNREFUSED', { address: '::1', port: 80 })]))).toBe(
      'connection refused (::1:80)',
    );
    expect(describeError(new Error('fetch failed', { cause: err('ECONNRESET') }))).toBe(
      'connection reset by peer',
    );
    expect(describeError(new StepError('timed out after 5 s'))).toBe('timed out after 5 s');
  });
});

describe('formatting', () => {
  it('says durations, sizes and time left as people do', () => {
    expect([250, 5_000, 1_500, 120_000, 90_000].map(formatDuration)).toEqual([
      '250 ms',
      '5 s',
      '1.5 s',
      '2 min',
      '90 s',
    ]);
    expect([512, 65_536, 1_048_576, 1_500].map(formatBytes)).toEqual([
      '512 bytes',
      '64 KiB',
      '1 MiB',
      '1500 bytes',
    ]);
    expect([14 * 86_400_000, 3 * 86_400_000 - 5_000, 3_600_000, 30 * 3_600_000].map(formatRemaining)).toEqual(
      ['14 days', '3 days', '1 hour', '30 hours'],
    );
  });
});
