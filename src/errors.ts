/**
 * The catalogue of coded errors. Domain code throws `NinesError` with a stable
 * code and no HTTP status; the HTTP layer maps codes to statuses (http/errors.ts),
 * and docs/api.md lists them (checked by a test).
 */
export const ERROR_CODES = {
  UNAUTHENTICATED: 'No valid API token (Authorization: Bearer <token>) or session cookie was sent.',
  FORBIDDEN:
    'The role of the token or user does not allow this, or a cookie-authenticated change lacks the CSRF token.',
  NOT_FOUND: 'No such route or resource.',
  VALIDATION_FAILED: 'The request is malformed; `details` names each bad item and field.',
  CONFLICT: 'The resource is not in a state that allows this (e.g. acknowledging a resolved incident).',
  PAYLOAD_TOO_LARGE: 'The body is larger than the limit.',
  UNSUPPORTED_MEDIA_TYPE: 'The body is neither JSON nor NDJSON.',
  RATE_LIMITED: 'Too many requests; retry after the time given.',
  UNAVAILABLE: 'The server is shutting down or not ready; retry.',
  INTERNAL: 'An unexpected error; nothing about it is revealed.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface ErrorDetail {
  /** Index of the bad item in a batch, when the request is a batch. */
  readonly index?: number;
  /** Path of the bad field, e.g. `timestamp` or `events[3].good`. */
  readonly field?: string;
  readonly message: string;
}

export class NinesError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: readonly ErrorDetail[] = [],
  ) {
    super(message);
  }
}
