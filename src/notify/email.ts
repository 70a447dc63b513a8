/**
 * Email pages over SMTP with nodemailer: one attempt per call, never throwing,
 * with the same outcomes as the HTTP senders.
 */
import { createHash } from 'node:crypto';
import { createTransport, type NodemailerError, type SendMailOptions } from 'nodemailer';
import { oneLine } from './escape.js';
import { describeError, INVALID_ID, isValidIdempotencyId, refused, type SendResult } from './result.js';

export interface EmailDelivery {
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly idempotencyId: string;
}

/** The part of a nodemailer transport the senders use. */
export interface MailTransport {
  sendMail(mail: SendMailOptions): Promise<unknown>;
  close(): void;
}

/**
 * An SMTP transport for `smtpUrl` (`smtp://user:pass@host:587`, `smtps://…:465`),
 * giving up on a silent server after `timeoutMs` at each stage (connect,
 * greeting, idle socket). Throws on a URL it cannot read: it is configuration,
 * read at start-up. Close it on shutdown.
 *
 * @example
 * const transport = createMailTransport(config.smtpUrl);
 * await sendEmail(transport, { from: 'nines <pager@example.com>', to, ...page, idempotencyId: 'n-1842' });
 */
export function createMailTransport(smtpUrl: string, timeoutMs = 10_000): MailTransport {
  return createTransport({
    url: smtpUrl,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    dnsTimeout: timeoutMs,
    // Pages carry no attachments; nothing may pull in a local file or a URL.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
}

/**
 * Sends one email. The Message-ID comes from the idempotency id (see
 * {@link messageIdFor}) and `X-Nines-Delivery` carries it, so a retry is
 * recognisably the same message. SMTP 4xx replies and connection failures are
 * retryable; 5xx replies (bar 503, a session out of step) are not.
 *
 * @example
 * await sendEmail(transport, { from, to: 'alice@example.com', subject, text, html, idempotencyId: 'n-1842' });
 */
export async function sendEmail(transport: MailTransport, d: EmailDelivery): Promise<SendResult> {
  if (!isValidIdempotencyId(d.idempotencyId)) return refused(INVALID_ID);
  try {
    const info = await transport.sendMail({
      from: d.from,
      to: d.to,
      subject: d.subject,
      text: d.text,
      html: d.html,
      messageId: messageIdFor(d.idempotencyId, d.from),
      headers: {
        'X-Nines-Delivery': d.idempotencyId,
        // RFC 3834: no vacation replies to a pager.
        'Auto-Submitted': 'auto-generated',
        'X-Auto-Response-Suppress': 'All',
      },
    });
    const response = (info as { response?: unknown } | undefined)?.response;
    const status = typeof response === 'string' ? Number(/^\d{3}/.exec(response)?.[0]) : Number.NaN;
    return Number.isNaN(status) ? { ok: true } : { ok: true, status };
  } catch (e) {
    return mailFailure(e);
  }
}

/** nodemailer codes for what is wrong with the message or the configuration, not the moment. */
const MAIL_PERMANENT_CODES = new Set([
  'EAUTH',
  'ENOAUTH',
  'EOAUTH2',
  'ECONFIG',
  'EENVELOPE',
  'EMESSAGE',
  'EREQUIRETLS',
  'EMAXRECIPIENTS',
  'EFILEACCESS',
  'EURLACCESS',
]);

function mailFailure(e: unknown): SendResult {
  const err = (typeof e === 'object' && e !== null ? e : {}) as Partial<NodemailerError>;
  const reply = err.responseCode;
  if (typeof reply === 'number') {
    const text = oneLine(typeof err.response === 'string' ? err.response : String(err.message));
    const permanent = reply >= 500 && reply < 600 && reply !== 503;
    return { ok: false, retryable: !permanent, status: reply, error: `SMTP ${text}`.slice(0, 300) };
  }
  const code = typeof err.code === 'string' ? err.code : undefined;
  return {
    ok: false,
    retryable: code === undefined || !MAIL_PERMANENT_CODES.has(code),
    error: describeError(e),
  };
}

/**
 * The Message-ID of the email for `idempotencyId`: the same for every attempt,
 * at the sender's domain.
 *
 * @example
 * messageIdFor('n-1842', 'nines <pager@example.com>'); // '<nines.n-1842@example.com>'
 */
export function messageIdFor(idempotencyId: string, from: string): string {
  const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from)?.[1] ?? 'nines.invalid';
  const local = /^[A-Za-z0-9_-]{1,64}$/.test(idempotencyId)
    ? idempotencyId
    : createHash('sha256').update(idempotencyId).digest('hex').slice(0, 32);
  return `<nines.${local}@${domain}>`;
}
