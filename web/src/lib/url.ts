/**
 * An href for a URL from the catalog or an integration, only when it is http(s): a
 * `javascript:` link in a runbook field must not become a clickable script.
 *
 * @example safeHref('https://runbooks.example/payment'); // 'https://runbooks.example/payment'
 * @example safeHref('javascript:alert(1)'); // null
 */
export function safeHref(raw: string | null | undefined): string | null {
  if (!raw) return null;
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}
