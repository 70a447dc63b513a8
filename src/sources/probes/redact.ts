/** What replaces a secret in anything a probe records. */
export const REDACTED = '[redacted]';

/** Headers whose values are credentials whatever they hold; their values are never recorded. */
export const SENSITIVE_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
]);

/**
 * Replaces every occurrence of every secret with `[redacted]`. Longer secrets go
 * first, so a secret that contains another is hidden whole rather than leaving
 * its remainder readable. A secret is also hidden in its URL-encoded form,
 * which is how it shows in a recorded URL.
 *
 * @example
 * redact('GET /orders?token=s3cr3t failed', ['s3cr3t']); // 'GET /orders?token=[redacted] failed'
 */
export function redact(text: string, secrets: Iterable<string>): string {
  const forms = new Set<string>();
  for (const s of secrets) {
    if (s === '') continue;
    forms.add(s);
    forms.add(encodeURIComponent(s));
  }
  if (forms.size === 0) return text;
  // One alternation, longest first: the regex engine takes the first alternative that matches.
  const pattern = [...forms]
    .sort((a, b) => b.length - a.length)
    .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('|');
  return text.replace(new RegExp(pattern, 'g'), REDACTED);
}

/** Shorter header-derived values are not treated as secrets: a cookie `lang=en` must not blank every "en". */
const MIN_HEADER_SECRET = 6;

/**
 * The credentials in headers, to add to a run's secrets so they never reach a
 * recorded URL, error or snippet (a server may echo them): the whole value of
 * authorization headers and the token after its scheme, and each cookie value.
 *
 * @example
 * headerSecrets({ authorization: 'Bearer abc123xyz', cookie: 'sid=0123456789; lang=en' });
 * // ['Bearer abc123xyz', 'abc123xyz', '0123456789']
 */
export function headerSecrets(
  headers: Readonly<Record<string, string | readonly string[] | undefined>>,
): string[] {
  const out: string[] = [];
  const add = (v: string | undefined) => {
    const t = v?.trim();
    if (t !== undefined && t.length >= MIN_HEADER_SECRET && !out.includes(t)) out.push(t);
  };
  for (const [name, value] of Object.entries(headers)) {
    const key = name.toLowerCase();
    if (value === undefined || !SENSITIVE_HEADERS.has(key)) continue;
    for (const v of typeof value === 'string' ? [value] : value) {
      if (key === 'authorization' || key === 'proxy-authorization') {
        add(v);
        add(v.slice(v.indexOf(' ') + 1));
      } else {
        // cookie: `a=1; b=2`; set-cookie: `a=1; Path=/; HttpOnly`, only the first pair is a cookie.
        const pairs = key === 'cookie' ? v.split(';') : v.split(';').slice(0, 1);
        for (const pair of pairs) add(pair.slice(pair.indexOf('=') + 1));
      }
    }
  }
  return out;
}
