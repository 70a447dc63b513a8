/**
 * Turns what Node, undici and OpenSSL throw into the sentence an on-call
 * engineer reads in a probe result: "connection reset by peer", not
 * "read ECONNRESET".
 */

/** A failure whose message is already written for people; thrown inside a step and reported as is. */
export class StepError extends Error {
  override readonly name = 'StepError';
}

interface ErrorLike {
  readonly code?: unknown;
  readonly message?: unknown;
  readonly address?: unknown;
  readonly port?: unknown;
  readonly hostname?: unknown;
  readonly host?: unknown;
  readonly cause?: unknown;
  readonly errors?: unknown;
}

const TLS_MESSAGES: Readonly<Record<string, string>> = {
  CERT_HAS_EXPIRED: 'certificate has expired',
  CERT_NOT_YET_VALID: 'certificate is not yet valid',
  CERT_REVOKED: 'certificate has been revoked',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'certificate is self-signed and not trusted (add it to tls.ca to trust it)',
  SELF_SIGNED_CERT_IN_CHAIN:
    'certificate chain ends in a self-signed root that is not trusted (add the root to tls.ca)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    'certificate is issued by an unknown authority (the server sends an incomplete chain, or its CA belongs in tls.ca)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    'certificate is issued by an unknown authority (the server sends an incomplete chain, or its CA belongs in tls.ca)',
  UNABLE_TO_GET_ISSUER_CERT: 'certificate is issued by an unknown authority',
  CERT_SIGNATURE_FAILURE: 'certificate signature is invalid',
  CERT_UNTRUSTED: 'certificate is not trusted',
  INVALID_CA: 'a CA certificate in the chain is invalid',
};

const CODE_MESSAGES: Readonly<Record<string, string>> = {
  ECONNRESET: 'connection reset by peer',
  EPIPE: 'connection closed by peer while the request was sent',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_HEADERS_TIMEOUT: 'timed out waiting for the response headers',
  UND_ERR_BODY_TIMEOUT: 'timed out reading the response body',
  UND_ERR_SOCKET: 'the server closed the connection',
  UND_ERR_CLOSED: 'the connection was closed',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'response body length does not match its content-length',
  UND_ERR_REQ_CONTENT_LENGTH_MISMATCH: 'request body length does not match its content-length header',
  UND_ERR_HEADERS_OVERFLOW: 'response headers are too large',
  UND_ERR_ABORTED: 'request aborted',
  ...TLS_MESSAGES,
};

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * A human message for anything a probe step may throw.
 *
 * @example
 * describeError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
 * // 'connection reset by peer'
 */
export function describeError(e: unknown): string {
  if (e instanceof StepError) return e.message;
  if (typeof e !== 'object' || e === null) return String(e);
  const err = e as ErrorLike;
  const code = text(err.code);
  // Happy eyeballs (several addresses tried) fails with an AggregateError; its parts say why.
  if (code === undefined && Array.isArray(err.errors) && err.errors.length > 0) {
    return describeError(err.errors[0]);
  }
  if (code === undefined && err.cause !== undefined) return describeError(err.cause);
  const message = text(err.message) ?? 'unknown error';
  const where = text(err.address) && typeof err.port === 'number' ? ` (${err.address}:${err.port})` : '';
  if (code === undefined) return message;
  if (code === 'ECONNREFUSED') return `connection refused${where}`;
  if (code === 'ENOTFOUND') return `DNS lookup failed: host ${text(err.hostname) ?? '?'} not found`;
  if (code === 'EAI_AGAIN') {
    return `DNS lookup failed: temporary failure resolving ${text(err.hostname) ?? 'the host'}`;
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return `certificate is not valid for host ${text(err.host) ?? '?'}`;
  }
  const known = CODE_MESSAGES[code];
  if (known !== undefined) return known;
  if (code.startsWith('HPE_')) return `invalid HTTP response: ${message}`;
  if (code.startsWith('ERR_SSL_') || code === 'EPROTO') return `TLS handshake failed: ${message}`;
  return `${message} (${code})`;
}

/**
 * A duration as people say it: `250 ms`, `5 s`, `1.5 s`, `2 min`.
 *
 * @example
 * formatDuration(5_000); // '5 s'
 */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 120_000 || ms % 60_000 !== 0) return `${Number((ms / 1_000).toFixed(1))} s`;
  return `${ms / 60_000} min`;
}

/**
 * A size as people say it: `512 bytes`, `64 KiB`, `1 MiB`.
 *
 * @example
 * formatBytes(1_048_576); // '1 MiB'
 */
export function formatBytes(n: number): string {
  if (n >= 1_048_576 && n % 1_048_576 === 0) return `${n / 1_048_576} MiB`;
  if (n >= 1_024 && n % 1_024 === 0) return `${n / 1_024} KiB`;
  return `${n} bytes`;
}

/**
 * Time left until a date, in days when it is two or more, else in hours.
 *
 * @example
 * formatRemaining(3 * 86_400_000 - 5_000); // '3 days'
 */
export function formatRemaining(ms: number): string {
  if (ms >= 2 * 86_400_000) return `${Math.round(ms / 86_400_000)} days`;
  const hours = Math.max(0, Math.round(ms / 3_600_000));
  return hours === 1 ? '1 hour' : `${hours} hours`;
}
