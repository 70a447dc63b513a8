/**
 * Action links: signed, expiring tokens put in an email or Slack message so
 * that one click acknowledges or resolves an incident without a login. A token
 * is good for one action on one incident; the route that takes it must do the
 * action the claims name (never one given beside the token), so a leaked
 * acknowledge link cannot resolve anything.
 *
 * Format: `base64url(JSON claims) "." base64url(HMAC-SHA256(key, "nines-action.v1." + payload))`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type IncidentAction = 'acknowledge' | 'resolve';

export interface ActionClaims {
  readonly incident: number;
  readonly action: IncidentAction;
  /** Epoch milliseconds; the token is refused from this instant on. */
  readonly expiresAt: number;
  /** Who the link was sent to, recorded as the actor. */
  readonly user?: string;
}

export type ActionTokenResult =
  | { readonly ok: true; readonly claims: ActionClaims }
  | { readonly ok: false; readonly reason: 'malformed' | 'bad-signature' | 'expired' };

/** Tokens are a few hundred characters; anything much longer is refused before any work. */
const MAX_TOKEN_LENGTH = 2048;
const MIN_KEY_BYTES = 32;
const DOMAIN = 'nines-action.v1.';
const BASE64URL = /^[A-Za-z0-9_-]+$/;

const mac = (key: Buffer, payload: string): Buffer =>
  createHmac('sha256', key).update(DOMAIN).update(payload).digest();

const isAction = (v: unknown): v is IncidentAction => v === 'acknowledge' || v === 'resolve';

/**
 * A url-safe token carrying `claims`. `key` is a secret of at least 32 random
 * bytes, kept by the server; throws a TypeError on a short key or invalid claims
 * (programming errors, not input).
 *
 * @example
 * const token = createActionToken(key, { incident: 12, action: 'acknowledge', expiresAt: now + 86_400_000, user: 'alice' });
 * const url = `${baseUrl}/actions/${token}`;
 */
export function createActionToken(key: Buffer, claims: ActionClaims): string {
  if (key.length < MIN_KEY_BYTES)
    throw new TypeError(`action link key must be at least ${MIN_KEY_BYTES} bytes`);
  if (!Number.isSafeInteger(claims.incident) || claims.incident < 1) {
    throw new TypeError('incident must be a positive integer');
  }
  if (!isAction(claims.action)) throw new TypeError('action must be acknowledge or resolve');
  if (!Number.isFinite(claims.expiresAt)) throw new TypeError('expiresAt must be a finite number');
  const body: Record<string, unknown> = { i: claims.incident, a: claims.action, e: claims.expiresAt };
  if (claims.user !== undefined) body.u = claims.user;
  const payload = Buffer.from(JSON.stringify(body)).toString('base64url');
  return `${payload}.${mac(key, payload).toString('base64url')}`;
}

/**
 * Checks a token's signature and expiry at `now` (epoch ms) and returns its
 * claims. Never throws: any string (or anything else) gets a result.
 *
 * @example
 * const r = readActionToken(key, req.params.token, Date.now());
 * if (!r.ok) return reply.code(r.reason === 'expired' ? 410 : 400).send();
 * await incidents.apply(r.claims.incident, r.claims.action, r.claims.user ?? 'link');
 */
export function readActionToken(key: Buffer, token: string, now: number): ActionTokenResult {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'malformed' };
  const dot = token.indexOf('.');
  if (dot < 0) return { ok: false, reason: 'malformed' };
  const payload = token.slice(0, dot);
  const signature = token.slice(dot + 1);
  if (!BASE64URL.test(payload) || !BASE64URL.test(signature)) return { ok: false, reason: 'malformed' };
  const given = Buffer.from(signature, 'base64url');
  const expected = mac(key, payload);
  if (given.length !== expected.length) return { ok: false, reason: 'malformed' };
  if (!timingSafeEqual(given, expected)) return { ok: false, reason: 'bad-signature' };

  const claims = parseClaims(Buffer.from(payload, 'base64url').toString('utf8'));
  if (claims === undefined) return { ok: false, reason: 'malformed' };
  if (!(now < claims.expiresAt)) return { ok: false, reason: 'expired' };
  return { ok: true, claims };
}

function parseClaims(json: string): ActionClaims | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const { i, a, e, u } = raw as Record<string, unknown>;
  if (typeof i !== 'number' || !Number.isSafeInteger(i) || i < 1) return undefined;
  if (!isAction(a) || typeof e !== 'number' || !Number.isFinite(e)) return undefined;
  if (u !== undefined && typeof u !== 'string') return undefined;
  return u === undefined
    ? { incident: i, action: a, expiresAt: e }
    : { incident: i, action: a, expiresAt: e, user: u };
}
