import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../test/support/net.js';
import { createMailTransport, type MailTransport, messageIdFor, sendEmail } from './email.js';
import { renderPage } from './message.js';
import { buildIncident, startSmtp, type TestSmtp } from './notify.test-support.js';

const closers: (() => unknown)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

async function smtp(
  refuse?: Parameters<typeof startSmtp>[0],
): Promise<{ server: TestSmtp; transport: MailTransport }> {
  const server = await startSmtp(refuse);
  const transport = createMailTransport(server.url, 2_000);
  closers.push(
    () => server.close(),
    () => transport.close(),
  );
  return { server, transport };
}

const ACK =
  'https://nines.example/actions/eyJpIjoxMiwiYSI6ImFja25vd2xlZGdlIiwiZSI6MTc0ODg2NTc4MDAwMH0.c2lnbmF0dXJlLW9mLTMyLWJ5dGVzLXh4eHh4eHh4eHg';
const page = renderPage({
  incident: buildIncident({ title: 'Payment <gateway> errors' }),
  kind: 'triggered',
  journeysAtRisk: ['checkout'],
  links: { view: 'https://nines.example/incidents/12', acknowledge: ACK },
});
const mail = {
  from: 'nines <pager@example.com>',
  to: 'alice@example.com',
  subject: page.subject,
  text: page.text,
  html: page.html,
  idempotencyId: 'n-1842',
};

/** Headers unfolded, one per line, in the raw message `raw`. */
function headersOf(raw: string): string {
  return (raw.split(/\r\n\r\n/)[0] ?? '').replace(/\r\n[ \t]+/g, ' ');
}

/** The decoded body of the first MIME part of type `type` (no mail parser is installed). */
function partOf(raw: string, type: string): string {
  const boundary = /boundary="?([^";\r\n]+)"?/.exec(raw)?.[1];
  if (boundary === undefined) throw new Error('not multipart');
  for (const part of raw.split(`--${boundary}`)) {
    const [head = '', ...rest] = part.split(/\r\n\r\n/);
    if (!new RegExp(`content-type:\\s*${type}`, 'i').test(head)) continue;
    const body = rest.join('\r\n\r\n');
    const encoding = /content-transfer-encoding:\s*([\w-]+)/i.exec(head)?.[1]?.toLowerCase();
    if (encoding === 'base64') return Buffer.from(body, 'base64').toString('utf8');
    if (encoding === 'quoted-printable') {
      const bytes = body
        .replace(/=\r\n/g, '')
        .replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
      return Buffer.from(bytes, 'latin1').toString('utf8');
    }
    return body;
  }
  throw new Error(`no ${type} part`);
}

describe('sendEmail', () => {
  it('delivers a multipart message with the subject, delivery header, Message-ID and links', async () => {
    const { server, transport } = await smtp();
    const result = await sendEmail(transport, mail);
    expect(result).toEqual({ ok: true, status: 250 });
    expect(server.messages).toHaveLength(1);
    const raw = server.messages[0] ?? '';
    const headers = headersOf(raw);
    expect(headers).toContain(`Subject: ${page.subject}`);
    expect(headers).toContain('X-Nines-Delivery: n-1842');
    expect(headers).toContain('Message-ID: <nines.n-1842@example.com>');
    expect(headers).toContain('Auto-Submitted: auto-generated');
    expect(headers).toMatch(/Content-Type: multipart\/alternative/i);
    const text = partOf(raw, 'text/plain');
    expect(text).toContain(`Acknowledge: ${ACK}`);
    expect(text).toContain('#12 Payment <gateway> errors');
    const html = partOf(raw, 'text/html');
    expect(html).toContain(`<a href="${ACK}"`);
    expect(html).toContain('#12 Payment &lt;gateway&gt; errors');
  });

  it('sends a retry under the same Message-ID', async () => {
    const { server, transport } = await smtp();
    await sendEmail(transport, mail);
    await sendEmail(transport, mail);
    const ids = server.messages.map((m) => /^Message-ID: (.*)$/im.exec(headersOf(m))?.[1]);
    expect(ids).toEqual(['<nines.n-1842@example.com>', '<nines.n-1842@example.com>']);
  });

  it('calls a 451 retryable', async () => {
    const { server, transport } = await smtp({ code: 451, message: 'Try again later' });
    const result = await sendEmail(transport, mail);
    expect(result).toMatchObject({ ok: false, retryable: true, status: 451 });
    expect(!result.ok && result.error).toContain('451');
    expect(server.messages).toHaveLength(0);
  });

  it('calls a 550 final', async () => {
    const { transport } = await smtp({ code: 550, message: 'No such user' });
    const result = await sendEmail(transport, mail);
    expect(result).toMatchObject({ ok: false, retryable: false, status: 550 });
    expect(!result.ok && result.error).toContain('No such user');
  });

  it('calls a refused connection retryable', async () => {
    const transport = createMailTransport(`smtp://127.0.0.1:${await freePort()}`, 2_000);
    closers.push(() => transport.close());
    expect(await sendEmail(transport, mail)).toMatchObject({ ok: false, retryable: true });
  });

  it('refuses an idempotency id that could not go in a header', async () => {
    const { server, transport } = await smtp();
    expect(await sendEmail(transport, { ...mail, idempotencyId: 'a\r\nBcc: x@example.com' })).toMatchObject({
      ok: false,
      retryable: false,
    });
    expect(server.messages).toHaveLength(0);
  });
});

describe('messageIdFor', () => {
  it('is stable, at the sender domain, and hashes ids unfit for a Message-ID', () => {
    expect(messageIdFor('n-1842', 'pager@example.com')).toBe('<nines.n-1842@example.com>');
    expect(messageIdFor('n-1842', 'nines')).toBe('<nines.n-1842@nines.invalid>');
    const odd = messageIdFor('a b@c', 'x@example.com');
    expect(odd).toMatch(/^<nines\.[0-9a-f]{32}@example\.com>$/);
    expect(messageIdFor('a b@c', 'x@example.com')).toBe(odd);
  });
});
