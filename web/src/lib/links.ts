/**
 * Which clicks on plain anchors the app routes itself: a plain left click on a same-origin link
 * that opens in place. Long tables use plain `<a href>` instead of React Router's Link, which
 * runs several hooks per link (hundreds of rows cost tens of milliseconds).
 */
export function routedPath(
  event: Pick<MouseEvent, 'defaultPrevented' | 'button' | 'metaKey' | 'ctrlKey' | 'shiftKey' | 'altKey'>,
  anchor: Pick<HTMLAnchorElement, 'href' | 'target' | 'hasAttribute'> | null,
  origin: string,
): string | null {
  if (!anchor || event.defaultPrevented || event.button !== 0) return null;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return null;
  if ((anchor.target && anchor.target !== '_self') || anchor.hasAttribute('download')) return null;
  let url: URL;
  try {
    url = new URL(anchor.href);
  } catch {
    return null;
  }
  if (url.origin !== origin || /^\/(api|auth|ical|act)\//.test(url.pathname)) return null;
  return url.pathname + url.search + url.hash;
}
