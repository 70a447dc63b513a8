/**
 * The channel adapters: one attempt at delivering a page by webhook, Slack or
 * email. They never throw and never retry; each returns whether it worked and,
 * if not, whether another attempt could (the durable queue decides when, with
 * backoff.ts). Every attempt of one notification carries the same
 * idempotency id, so receivers can recognise a retry of what they already have.
 */
import { type Dispatcher, request } from 'undici';
import { abortable } from '../sources/probes/abort.js';
import { oneLine } from './escape.js';
import {
  codeOf,
  describeError,
  INVALID_ID,
  isValidIdempotencyId,
  refused,
  type SendResult,
} from './result.js';
import { SIGNATURE_HEADER, signWebhook } from './signature.js';

export {
  createMailTransport,
  type EmailDelivery,
  type MailTransport,
  messageIdFor,
  sendEmail,
} from './email.js';
export type { SendResult } from './result.js';

export interface WebhookDelivery {
  readonly url: string;
  /** Shared secret the receiver verifies `x-nines-signature` with. */
  readonly secret: string;
  readonly body: object;
  /** Same for every attempt of one notification; sent as `x-nines-delivery`. */
  readonly idempotencyId: string;
  /** The whole attempt: connecting, sending, the headers and the response body. */
  readonly timeoutMs: number;
  /** Epoch milliseconds; the signature's timestamp. */
  readonly now: number;
}

export interface SlackDelivery {
  /** An incoming-webhook URL; a secret, so it never appears in errors. */
  readonly url: string;
  /** `{ text, blocks }` from renderPage. */
  readonly payload: object;
  readonly timeoutMs: number;
}

/** The most of a response body read (and thrown away, bar an excerpt for the error). */
const MAX_RESPONSE_BYTES = 64 * 1024;
const EXCERPT_CHARS = 200;
const USER_AGENT = 'nines';
/** setTimeout's limit (2^31 - 1 ms). */
const MAX_TIMEOUT_MS = 2_147_483_647;

/**
 * Posts a signed JSON body to a webhook receiver. Headers: `content-type`,
 * `user-agent: nines`, `x-nines-signature` (see signature.ts), `x-nines-timestamp`
 * (unix seconds) and `x-nines-delivery` (the idempotency id, to dedupe on).
 * 2xx is success; 408, 425, 429, 5xx, network errors and timeouts are retryable;
 * other statuses, redirects included (never followed), are not.
 *
 * @example
 * const r = await sendWebhook({ url, secret, body: page.webhook, idempotencyId: 'n-1842', timeoutMs: 10_000, now: Date.now() });
 * if (!r.ok && r.retryable) queue.retryLater(r.retryAfterMs);
 */
export async function sendWebhook(d: WebhookDelivery): Promise<SendResult> {
  if (!isValidIdempotencyId(d.idempotencyId)) return refused(INVALID_ID);
  if (d.secret === '') return refused('webhook secret is empty');
  if (!Number.isFinite(d.now)) return refused('now must be epoch milliseconds');
  let body: string;
  try {
    body = JSON.stringify(d.body);
  } catch (e) {
    return refused(`body is not JSON: ${describeError(e)}`);
  }
  const t = Math.floor(d.now / 1000);
  return postJson(d.url, body, d.timeoutMs, {
    [SIGNATURE_HEADER]: signWebhook(d.secret, body, t),
    'x-nines-timestamp': String(t),
    'x-nines-delivery': d.idempotencyId,
  });
}

/**
 * Posts a message to a Slack incoming webhook, with the same outcomes as
 * {@link sendWebhook} (Slack answers 400 `invalid_payload`, 404 `no_service`
 * and the like for good, 429 when rate limited).
 *
 * @example
 * await sendSlack({ url: slackWebhookUrl, payload: page.slack, timeoutMs: 10_000 });
 */
export async function sendSlack(d: SlackDelivery): Promise<SendResult> {
  let body: string;
  try {
    body = JSON.stringify(d.payload);
  } catch (e) {
    return refused(`payload is not JSON: ${describeError(e)}`);
  }
  return postJson(d.url, body, d.timeoutMs, {});
}

async function postJson(
  url: string,
  body: string,
  timeoutMs: number,
  extra: Record<string, string>,
): Promise<SendResult> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return refused('invalid URL');
  }
  if (target.protocol !== 'https:' && target.protocol !== 'http:') {
    return refused(`unsupported URL scheme ${target.protocol}`);
  }
  if (!(timeoutMs >= 1 && timeoutMs <= MAX_TIMEOUT_MS)) return refused('timeoutMs must be 1 ms to 24 days');
  const ms = Math.ceil(timeoutMs);
  const signal = AbortSignal.timeout(ms);
  try {
    const res = await abortable(
      request(target, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': USER_AGENT, ...extra },
        body,
        signal,
        headersTimeout: ms,
        bodyTimeout: ms,
      }),
      signal,
    );
    const excerpt = await abortable(drain(res.body), signal);
    return outcome(res, excerpt);
  } catch (e) {
    if (signal.aborted) return { ok: false, retryable: true, error: `timed out after ${timeoutMs} ms` };
    const code = codeOf(e);
    const retryable = code === undefined || !PROGRAMMING_CODES.has(code);
    return { ok: false, retryable, error: describeError(e) };
  }
}

/** Errors in what we send, which no retry mends. */
const PROGRAMMING_CODES = new Set(['UND_ERR_INVALID_ARG', 'UND_ERR_NOT_SUPPORTED', 'ERR_INVALID_URL']);

function outcome(res: Dispatcher.ResponseData, excerpt: string): SendResult {
  const status = res.statusCode;
  if (status >= 200 && status < 300) return { ok: true, status };
  if (status >= 300 && status < 400) {
    const location = header(res, 'location');
    const to = location === undefined ? '' : ` to ${oneLine(location).slice(0, EXCERPT_CHARS)}`;
    return { ok: false, retryable: false, status, error: `HTTP ${status}: redirect${to} not followed` };
  }
  const retryable = status === 408 || status === 425 || status === 429 || (status >= 500 && status < 600);
  const retryAfterMs = retryable ? parseRetryAfter(header(res, 'retry-after')) : undefined;
  return {
    ok: false,
    retryable,
    status,
    error: excerpt === '' ? `HTTP ${status}` : `HTTP ${status}: ${excerpt}`,
    ...(retryAfterMs !== undefined && { retryAfterMs }),
  };
}

/** Reads at most MAX_RESPONSE_BYTES and drops the rest with the connection; returns the start as text. */
async function drain(body: Dispatcher.ResponseData['body']): Promise<string> {
  const head: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buf = chunk as Buffer;
    if (size < EXCERPT_CHARS) head.push(buf);
    size += buf.length;
    if (size >= MAX_RESPONSE_BYTES) {
      body.destroy();
      break;
    }
  }
  return oneLine(Buffer.concat(head).toString('utf8').slice(0, EXCERPT_CHARS));
}

function header(res: Dispatcher.ResponseData, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Delay-seconds or an HTTP date; nothing for anything else. */
function parseRetryAfter(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
