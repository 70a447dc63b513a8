/**
 * Where to go after signing in: the `next` parameter only when it is a path on this site.
 * `//evil.example` and `/\evil.example` are other hosts to a browser, so both are refused.
 *
 * @example safeNext('/incidents/4'); // '/incidents/4'
 * @example safeNext('https://evil.example/'); // '/'
 */
export function safeNext(next: string | null | undefined): string {
  if (!next?.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  // Control characters and backslashes have no place in our paths; browsers strip or rewrite them.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: that is the point
  if (/[\u0000-\u001f\u007f\\]/.test(next)) return '/';
  try {
    const url = new URL(next, 'http://nines.invalid');
    if (url.origin !== 'http://nines.invalid') return '/';
    return url.pathname + url.search + url.hash;
  } catch {
    return '/';
  }
}

/** The sign-in URL that brings the user back to `path` afterwards. */
export function loginUrl(path: string): string {
  return path && path !== '/' ? `/login?next=${encodeURIComponent(path)}` : '/login';
}
