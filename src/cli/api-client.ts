import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { Io } from './io.js';
import { UserError } from './io.js';

/** The flags of commands that talk to a running nines (`incident`, `change`, `report`, …). */
export interface ApiFlags {
  url?: string;
  token?: string;
}

export const DEFAULT_URL = 'http://127.0.0.1:4000';
const TIMEOUT_MS = 30_000;

/** Adds `--url` and `--token`; NINES_URL and NINES_TOKEN stand in for them. */
export const apiOptions = (cmd: Command) =>
  cmd
    .option('--url <url>', `the nines server (env NINES_URL, default ${DEFAULT_URL})`)
    .option('--token <token>', 'API token (env NINES_TOKEN; prefer the variable, flags show up in ps)');

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/**
 * Calls the nines API and returns its parsed JSON (undefined for 204). An error
 * answer, a server that cannot be reached or a missing token is a UserError
 * saying what happened; the token is never part of a message.
 *
 * @example
 * const { incidents } = await callApi<{ incidents: unknown[] }>(opts, io, 'GET', '/api/v1/incidents');
 */
export async function callApi<T = unknown>(
  flags: ApiFlags,
  io: Io,
  method: Method,
  path: string,
  body?: unknown,
): Promise<T> {
  const base = baseUrl(flags, io);
  const token = flags.token ?? io.env.NINES_TOKEN;
  if (token === undefined || token === '')
    throw new UserError(
      'no API token: pass --token or set NINES_TOKEN (create one with `nines token create --role responder`)',
    );
  let res: Response;
  try {
    res = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/json',
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
      redirect: 'error',
    });
  } catch (err) {
    throw new UserError(`cannot reach nines at ${base}: ${reason(err)}`);
  }
  let text: string;
  try {
    text = await res.text();
  } catch (err) {
    throw new UserError(`nines at ${base} broke off its answer: ${reason(err)}`);
  }
  if (!res.ok) throw new UserError(describeError(res, text));
  if (res.status === 204 || text === '') return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new UserError(
      `${base} answered ${res.status} with something other than JSON; is it a nines server? ${snippet(text)}`,
    );
  }
}

/** The server's URL from --url, NINES_URL or the default, without a trailing slash. */
function baseUrl(flags: ApiFlags, io: Io): string {
  const url = flags.url ?? io.env.NINES_URL ?? DEFAULT_URL;
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol))
    throw new UserError(
      `${flags.url !== undefined ? '--url' : 'NINES_URL'} '${url}' is not an http(s) URL like ${DEFAULT_URL}`,
    );
  return url.replace(/\/+$/, '');
}

/** `nines answered 409 CONFLICT: …` and a line per detail, or the status and a snippet of a foreign body. */
function describeError(res: Response, text: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const error = (parsed as { error?: unknown } | undefined)?.error as
    | { code?: unknown; message?: unknown; details?: unknown }
    | undefined;
  if (typeof error?.code !== 'string' || typeof error.message !== 'string')
    return `nines answered ${res.status} ${res.statusText}${text === '' ? '' : `: ${snippet(text)}`}`;
  const lines = [`nines answered ${res.status} ${error.code}: ${error.message}`];
  if (Array.isArray(error.details))
    for (const d of error.details as { field?: unknown; index?: unknown; message?: unknown }[]) {
      const where =
        typeof d.field === 'string' ? d.field : typeof d.index === 'number' ? `[${d.index}]` : undefined;
      lines.push(`  ${where === undefined ? '' : `${where}: `}${String(d.message)}`);
    }
  return lines.join('\n');
}

function reason(err: unknown): string {
  if (err instanceof Error && err.name === 'TimeoutError') return `no answer within ${TIMEOUT_MS / 1000} s`;
  // fetch wraps the socket's error as `cause`; happy eyeballs may wrap several in an AggregateError.
  const cause = (err as { cause?: unknown }).cause as
    | { message?: string; code?: string; errors?: { message?: string }[] }
    | undefined;
  // Redirects are not followed, so neither the token nor a POST body goes elsewhere.
  if (cause?.message === 'unexpected redirect')
    return 'it answered with a redirect; give the address it redirects to (https?) as --url or NINES_URL';
  return (
    cause?.message ||
    cause?.errors?.[0]?.message ||
    cause?.code ||
    (err instanceof Error ? err.message : String(err))
  );
}

const snippet = (text: string) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
};

/** An incident number as typed: `12` or `#12`. For commander's argument parsing. */
export function incidentNumber(text: string): number {
  const m = /^#?(\d{1,10})$/.exec(text.trim());
  const n = m ? Number(m[1]) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > 2 ** 31)
    throw new InvalidArgumentError('an incident number is a whole number like 12');
  return n;
}

/**
 * An instant for the API: RFC 3339 with an offset, a date (midnight UTC) or epoch
 * milliseconds; as epoch milliseconds. For commander's option parsing.
 */
export function instant(text: string): number {
  const t = text.trim();
  if (/^\d+$/.test(t) && Number(t) <= 8.64e15) return Number(t);
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) {
    const ms = Date.parse(`${t}T00:00:00Z`);
    if (!Number.isNaN(ms) && new Date(ms).toISOString().startsWith(t)) return ms;
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(t)) {
    const ms = Date.parse(t);
    if (!Number.isNaN(ms)) return ms;
  }
  throw new InvalidArgumentError(
    'give a time as RFC 3339 with an offset (2026-11-22T10:00:00Z), a date (2026-11-22) or epoch milliseconds',
  );
}

export const iso = (ms: number) => new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
/** A timestamp from the API, shown to the second. */
export const shortTime = (at: string) => at.replace(/\.\d+Z$/, 'Z');

/** Rows as columns padded to their widest cell; the last column is not padded. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows)
    for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, cell.length);
  let out = '';
  for (const row of rows) {
    const cells = row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)));
    out += `${cells.join('  ').trimEnd()}\n`;
  }
  return out;
}
