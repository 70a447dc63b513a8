import type { IncomingHttpHeaders } from 'node:http';
import type { CookieJar } from 'tough-cookie';
import { type Dispatcher, request } from 'undici';
import { abortable } from './abort.js';
import { formatBytes, StepError } from './errors.js';
import { headerSecrets } from './redact.js';

/** A request with its templates filled in. */
export interface HttpRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly followRedirects: boolean;
  readonly maxRedirects: number;
}

/** The final response of an exchange, its body read whole. */
export interface HttpResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** Where an exchange got to, kept current so a failure still reports the URL and the redirects. */
export interface HttpProgress {
  url: string;
  redirects: number;
}

export interface HttpContext {
  readonly dispatcher: Dispatcher;
  readonly jar: CookieJar;
  /** Aborts on the request's timeout or the run's end. */
  readonly signal: AbortSignal;
  readonly maxBodyBytes: number;
  /** Cookie values the server sets join the run's secrets. */
  readonly addSecrets: (values: readonly string[]) => void;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Dropped when a redirect turns the request into a GET without body (fetch: request-body-header names). */
const BODY_HEADERS = [
  'content-type',
  'content-length',
  'content-encoding',
  'content-language',
  'content-location',
];
/** Never sent on to another origin (fetch drops Authorization on cross-origin redirects). */
const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie'];

const list = (v: string | string[] | undefined): string[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];

/**
 * Sends a request, following redirects by hand so that cookies set on the way
 * are kept (one jar per run) and loops are named. Rejects with a
 * {@link StepError} for what it detects itself, or with the network error.
 *
 * @example
 * const res = await exchange({ method: 'GET', url: new URL('https://shop.example/'), headers: {},
 *   followRedirects: true, maxRedirects: 10 }, ctx, { url: '', redirects: 0 });
 */
export async function exchange(
  req: HttpRequest,
  ctx: HttpContext,
  progress: HttpProgress,
): Promise<HttpResponse> {
  let { method, url, body } = req;
  const headers: Record<string, string> = { ...req.headers };
  const chain: URL[] = [url];
  // A request repeated with the same cookies gets the same answer: that, and not a revisited URL, is a loop.
  const seen = new Map<string, number>();
  for (;;) {
    progress.url = url.href;
    const cookies = [headers.cookie, await ctx.jar.getCookieString(url.href)].filter((c) => !!c).join('; ');
    const sent = cookies === '' ? headers : { ...headers, cookie: cookies };
    const key = `${method} ${url.href}\n${cookies}`;
    const first = seen.get(key);
    if (first !== undefined)
      throw new StepError(`redirect loop: ${describeChain(chain.slice(first), req.url)}`);
    seen.set(key, chain.length - 1);
    if (progress.redirects > req.maxRedirects) {
      throw new StepError(
        `too many redirects (more than ${req.maxRedirects}): ${describeChain(chain, req.url)}`,
      );
    }

    const res = await abortable(
      request(url, {
        method,
        headers: sent,
        ...(body !== undefined && { body }),
        dispatcher: ctx.dispatcher,
        signal: ctx.signal,
      }),
      ctx.signal,
    );
    const setCookies = list(res.headers['set-cookie']);
    ctx.addSecrets(headerSecrets({ 'set-cookie': setCookies }));
    for (const c of setCookies) await ctx.jar.setCookie(c, url.href, { ignoreError: true });

    const location = list(res.headers.location)[0];
    if (!req.followRedirects || !REDIRECT_STATUSES.has(res.statusCode) || location === undefined) {
      const content = await abortable(readBody(res, ctx), ctx.signal);
      return { status: res.statusCode, headers: res.headers, body: content };
    }
    await abortable(res.body.dump(), ctx.signal);
    let next: URL;
    try {
      next = new URL(location, url);
    } catch {
      throw new StepError(`redirect to an invalid location '${location}'`);
    }
    if (next.protocol !== 'http:' && next.protocol !== 'https:') {
      throw new StepError(`redirect to ${next.href}, which is not http(s)`);
    }
    // fetch semantics: 303 always, and 301/302 after a POST, continue as a GET without body.
    if (
      (res.statusCode === 303 && method !== 'HEAD') ||
      ((res.statusCode === 301 || res.statusCode === 302) && method === 'POST')
    ) {
      method = 'GET';
      body = undefined;
      for (const h of BODY_HEADERS) delete headers[h];
    }
    if (next.origin !== url.origin) for (const h of CREDENTIAL_HEADERS) delete headers[h];
    chain.push(next);
    url = next;
    progress.redirects += 1;
  }
}

/** Reads a body up to the limit, naming truncation and resets with the bytes that did arrive. */
async function readBody(res: Dispatcher.ResponseData, ctx: HttpContext): Promise<Buffer> {
  const declared = Number(list(res.headers['content-length'])[0]);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body) {
      const buf = chunk as Buffer;
      size += buf.length;
      if (size > ctx.maxBodyBytes) {
        res.body.destroy();
        throw new StepError(
          `response body is larger than ${formatBytes(ctx.maxBodyBytes)}, the most a probe reads`,
        );
      }
      chunks.push(buf);
    }
  } catch (e) {
    if (e instanceof StepError || ctx.signal.aborted) throw e;
    const got = Number.isFinite(declared) ? `${size} of ${declared} bytes` : `${size} bytes`;
    const code = (e as { code?: unknown }).code;
    if (code === 'ECONNRESET')
      throw new StepError(`connection reset by peer while reading the body (after ${got})`);
    if (code === 'UND_ERR_SOCKET' || code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH') {
      throw new StepError(`response body truncated: the server closed the connection after ${got}`);
    }
    throw e;
  }
  return Buffer.concat(chunks, size);
}

/** `/a → /b → /a`: paths on the first URL's origin, whole URLs elsewhere; long chains elided in the middle. */
function describeChain(chain: readonly URL[], start: URL): string {
  const shown = chain.map((u) => (u.origin === start.origin ? `${u.pathname}${u.search}` : u.href));
  return (shown.length > 6 ? [...shown.slice(0, 2), '…', ...shown.slice(-3)] : shown).join(' → ');
}
