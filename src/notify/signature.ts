/**
 * Signatures of outgoing webhooks, Stripe style: the `x-nines-signature`
 * header is `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
 * Signing the timestamp with the body lets a receiver refuse replays of an
 * old delivery; the `x-nines-delivery` id lets it drop duplicates of a new one.
 *
 * A receiver verifies the raw body (the bytes received, before any JSON
 * parsing) against the header with {@link verifyWebhook}, or does the same by
 * hand: split the header on `,`, take `t` and every `v1`, compute
 * HMAC-SHA256 with the shared secret over `${t}.${rawBody}`, compare it with
 * each `v1` in constant time, and check that `t` is within five minutes of now.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-nines-signature';

const digest = (secret: string, timestampSec: number, body: string | Uint8Array): Buffer =>
  createHmac('sha256', secret).update(`${timestampSec}.`).update(body).digest();

/**
 * The signature header value for `body` sent at `timestampSec`.
 *
 * @example
 * signWebhook('whsec_1', '{"event":"incident.triggered"}', 1748779380);
 * // 't=1748779380,v1=5f0c…'
 */
export function signWebhook(secret: string, body: string, timestampSec: number): string {
  const t = Math.floor(timestampSec);
  return `t=${t},v1=${digest(secret, t, body).toString('hex')}`;
}

/**
 * Whether `header` is a valid signature of `body` with `secret`, made no more
 * than `toleranceSec` from `nowSec` (either side, for clock skew). Several `v1`
 * entries are accepted, any one matching, so a sender can sign with an old and
 * a new secret while they are rotated. Never throws: anything malformed is false.
 *
 * @example
 * // In a receiver, with the raw request body:
 * const ok = verifyWebhook(req.headers['x-nines-signature'], rawBody, process.env.NINES_SECRET,
 *   Math.floor(Date.now() / 1000));
 * if (!ok) return res.writeHead(401).end();
 */
export function verifyWebhook(
  header: string | readonly string[] | undefined,
  body: string | Uint8Array,
  secret: string,
  nowSec: number,
  toleranceSec = 300,
): boolean {
  if (typeof header !== 'string' || header.length > 4096) return false;
  if (typeof secret !== 'string' || secret === '') return false;
  if (typeof body !== 'string' && !(body instanceof Uint8Array)) return false;
  let t: number | undefined;
  const candidates: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) return false;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') {
      if (t !== undefined || !/^\d{1,12}$/.test(value)) return false;
      t = Number(value);
    } else if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) {
      candidates.push(value);
    }
  }
  if (t === undefined || candidates.length === 0) return false;
  if (!Number.isFinite(nowSec) || Math.abs(nowSec - t) > toleranceSec) return false;
  const expected = digest(secret, t, body);
  let match = false;
  // Every candidate is compared, so the time taken does not tell which one matched.
  for (const c of candidates) if (timingSafeEqual(expected, Buffer.from(c, 'hex'))) match = true;
  return match;
}
