import { connect, isIP, type Socket } from 'node:net';
import { type DetailedPeerCertificate, rootCertificates, connect as tlsConnect } from 'node:tls';
import { formatRemaining, StepError } from './errors.js';

/**
 * Resolves once `socket` emits `ready`; rejects with its error, or with the
 * signal's reason when the signal aborts first. The socket is destroyed on failure.
 */
function opened<T extends Socket>(
  socket: T,
  ready: 'connect' | 'secureConnect',
  signal: AbortSignal,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const settle = (error?: unknown) => {
      signal.removeEventListener('abort', onAbort);
      socket.off(ready, onReady).off('error', settle);
      if (error === undefined) {
        resolve(socket);
      } else {
        socket.destroy();
        reject(error);
      }
    };
    const onReady = () => settle();
    const onAbort = () => settle(signal.reason);
    socket.once(ready, onReady).once('error', settle);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Opens a TCP connection and closes it again.
 *
 * @example
 * await connectTcp('db.internal', 5432, signal); // rejects with ECONNREFUSED, a DNS error or the abort reason
 */
export async function connectTcp(host: string, port: number, signal: AbortSignal): Promise<void> {
  const socket = await opened(connect({ host, port }), 'connect', signal);
  socket.destroy();
}

export interface CertificateCheck {
  readonly host: string;
  readonly port: number;
  readonly serverName?: string;
  readonly minValidityMs: number;
  /** Trusted in addition to the system store. */
  readonly ca?: string;
  readonly signal: AbortSignal;
  /** Epoch milliseconds. */
  readonly now: () => number;
}

/**
 * Completes a verified TLS handshake (never `insecure`: the certificate is the
 * point) and checks that no certificate of the chain expires within
 * `minValidityMs`.
 *
 * @example
 * await checkCertificate({ host: 'shop.example', port: 443, minValidityMs: 14 * 86_400_000, signal, now: Date.now });
 * // rejects: "certificate expires in 3 days (2026-11-25T10:00:00.000Z), less than the 14 days required"
 */
export async function checkCertificate(c: CertificateCheck): Promise<void> {
  // An IP is not a server name (RFC 6066); Node then verifies the certificate against the IP.
  const servername = c.serverName ?? (isIP(c.host) === 0 ? c.host : undefined);
  const socket = await opened(
    tlsConnect({
      host: c.host,
      port: c.port,
      ...(servername !== undefined && { servername }),
      // `ca` replaces the system store in Node; an internal CA is meant to add to it.
      ...(c.ca !== undefined && { ca: [...rootCertificates, c.ca] }),
      rejectUnauthorized: true,
    }),
    'secureConnect',
    c.signal,
  );
  const chain = peerChain(socket.getPeerCertificate(true));
  socket.destroy();
  const now = c.now();
  const soonest = chain.reduce<Expiry | undefined>(
    (a, b) => (a === undefined || b.at < a.at ? b : a),
    undefined,
  );
  if (soonest === undefined) throw new StepError('the server sent no certificate');
  const left = soonest.at - now;
  if (left >= c.minValidityMs) return;
  const which = soonest.leaf ? 'certificate' : `certificate '${soonest.subject}' in the chain`;
  const when = new Date(soonest.at).toISOString();
  throw new StepError(
    left <= 0
      ? `${which} expired on ${when}`
      : `${which} expires in ${formatRemaining(left)} (${when}), less than the ${formatRemaining(c.minValidityMs)} required`,
  );
}

interface Expiry {
  readonly at: number;
  readonly subject: string;
  readonly leaf: boolean;
}

/** The leaf and its issuers up to the root (which is its own issuer). */
function peerChain(leaf: DetailedPeerCertificate): Expiry[] {
  const out: Expiry[] = [];
  const seen = new Set<string>();
  for (
    let c: DetailedPeerCertificate | undefined = leaf;
    c?.fingerprint256 !== undefined;
    c = c.issuerCertificate
  ) {
    if (seen.has(c.fingerprint256)) break;
    seen.add(c.fingerprint256);
    const at = Date.parse(c.valid_to);
    if (Number.isFinite(at))
      out.push({
        at,
        subject: [c.subject?.CN ?? c.fingerprint256].flat().join(', '),
        leaf: out.length === 0,
      });
  }
  return out;
}
