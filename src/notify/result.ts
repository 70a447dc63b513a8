/**
 * What one delivery attempt came to, shared by every channel, and the helpers
 * that turn what the network throws into it.
 */
import { oneLine } from './escape.js';

export type SendResult =
  | { readonly ok: true; readonly status?: number }
  | {
      readonly ok: false;
      /** False when the receiver refused it for good: retrying the same message gets the same answer. */
      readonly retryable: boolean;
      readonly error: string;
      /** HTTP status, or SMTP reply code. */
      readonly status?: number;
      /** The receiver's Retry-After, when it gave one (429, 503). */
      readonly retryAfterMs?: number;
    };

/** Idempotency ids go into headers as they are: visible ASCII only. */
export const isValidIdempotencyId = (id: string): boolean => /^[\x21-\x7e]{1,200}$/.test(id);
export const INVALID_ID = 'idempotency id must be 1–200 visible ASCII characters';

/** A failure no retry mends. */
export function refused(error: string): SendResult {
  return { ok: false, retryable: false, error };
}

export function codeOf(e: unknown): string | undefined {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** A one-line account of an error: message and code, looking inside AggregateError and causes. */
export function describeError(e: unknown): string {
  if (typeof e !== 'object' || e === null) return oneLine(String(e));
  const { errors, cause } = e as { errors?: unknown; cause?: unknown };
  if (Array.isArray(errors) && errors.length > 0 && codeOf(e) === undefined) return describeError(errors[0]);
  const message = e instanceof Error ? e.message : String(e);
  const code = codeOf(e);
  if (code === undefined && cause !== undefined) return describeError(cause);
  const text = code !== undefined && !message.includes(code) ? `${message} (${code})` : message;
  return oneLine(text).slice(0, 300);
}
