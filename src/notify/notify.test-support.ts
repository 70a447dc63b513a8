import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { Incident } from '../incidents/types.js';

const OPENED = Date.parse('2025-06-01T12:03:00Z');

/** Incident #12, triggered: payment errors caused by payment-gateway behind payment. */
export function buildIncident(overrides: Partial<Incident> = {}): Incident {
  return {
    number: 12,
    title: 'Payment gateway errors',
    status: 'triggered',
    severity: 'critical',
    priority: 'P1',
    subject: { kind: 'service', name: 'payment' },
    suspectedCause: { service: 'payment-gateway', chain: ['payment', 'payment-gateway'] },
    services: ['payment', 'payment-gateway'],
    journeys: ['checkout'],
    assignee: null,
    roles: {},
    createdAt: OPENED,
    acknowledgedAt: null,
    resolvedAt: null,
    lastAlertAt: OPENED,
    alertCount: 2,
    openAlertCount: 2,
    mergedInto: null,
    ...overrides,
  };
}

export interface TestSmtp {
  readonly url: string;
  /** Raw messages received (headers and body, as sent on the wire), in order. */
  readonly messages: string[];
  close(): Promise<void>;
}

/** A reply the server gives to every RCPT TO instead of accepting it. */
export interface SmtpRefusal {
  readonly code: number;
  readonly message: string;
}

/**
 * A real SMTP server on 127.0.0.1 and an ephemeral port, without TLS or
 * authentication, that keeps what it receives; or refuses every recipient.
 */
export async function startSmtp(refuse?: SmtpRefusal): Promise<TestSmtp> {
  const messages: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    closeTimeout: 500,
    onRcptTo(_address, _session, callback) {
      if (refuse === undefined) return callback();
      callback(Object.assign(new Error(refuse.message), { responseCode: refuse.code }));
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        messages.push(Buffer.concat(chunks).toString('utf8'));
        callback();
      });
    },
  });
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
