/**
 * Untrusted text (incident titles, service names, anything from alerts)
 * made safe for where it goes: HTML, Slack mrkdwn, a single line.
 */

/**
 * Text made safe between HTML tags and inside quoted attributes.
 *
 * @example
 * escapeHtml('<script>"x"</script>'); // '&lt;script&gt;&quot;x&quot;&lt;/script&gt;'
 */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}

const HTML_ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Text made literal for Slack: its control sequences (`<!channel>`, `<url|label>`) start
 * with `<`, so escaping the three characters Slack reserves disarms them.
 *
 * @example
 * escapeSlack('<!channel> & co'); // '&lt;!channel&gt; &amp; co'
 */
export function escapeSlack(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** `prefix` (already Slack text) then `value` escaped, cut with an ellipsis to fit `max` characters. */
export function fitSlack(prefix: string, value: string, max: number): string {
  let chars = Array.from(value);
  let out = prefix + escapeSlack(value);
  while (out.length > max && chars.length > 0) {
    chars = chars.slice(0, Math.max(0, chars.length - (out.length - max) - 1));
    out = `${prefix}${escapeSlack(chars.join(''))}…`;
  }
  return out;
}

/** Control characters (newlines included) folded into single spaces. */
export function oneLine(s: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
  return s.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim();
}

/** At most `max` characters (code points), the last an ellipsis when cut. */
export function truncate(s: string, max: number): string {
  const chars = Array.from(s);
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join('')}…`;
}

/** Whether `url` is an http(s) URL, the only kind put in an href or a button. */
export function isWebUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}
