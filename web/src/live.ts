/**
 * Live data: one shared EventSource on `/api/v1/stream` (events `change` with `{"kinds": […]}`)
 * and a 15-second poll as the fallback, paused while the tab is hidden.
 *
 * @example useLive(['incidents'], refetch);
 */
import { useEffect, useRef } from 'react';
import { announce } from './announce';

export type LiveKind = 'slos' | 'incidents' | 'gates' | 'oncall';

const POLL_MS = 15_000;
/** Changes come in bursts (an alert storm): fold them into one refetch. */
const DEBOUNCE_MS = 300;
const RECONNECT_MS = 30_000;
/** Say "updated" at most this often. */
const ANNOUNCE_EVERY_MS = 20_000;

interface Subscriber {
  readonly kinds: ReadonlySet<LiveKind>;
  readonly changed: () => void;
}

const subscribers = new Set<Subscriber>();
let source: EventSource | null = null;
let reconnect: ReturnType<typeof setTimeout> | null = null;
let lastAnnounced = 0;

function parseKinds(data: string): LiveKind[] {
  try {
    const body = JSON.parse(data) as { kinds?: unknown };
    return Array.isArray(body.kinds) ? body.kinds.filter((k): k is LiveKind => typeof k === 'string') : [];
  } catch {
    return [];
  }
}

function open(): void {
  if (source || typeof EventSource === 'undefined' || subscribers.size === 0) return;
  const es = new EventSource('/api/v1/stream', { withCredentials: true });
  es.addEventListener('change', (event) => {
    const kinds = parseKinds((event as MessageEvent<string>).data);
    for (const s of subscribers) if (kinds.some((k) => s.kinds.has(k))) s.changed();
  });
  es.onerror = () => {
    // The browser reconnects by itself after a network error; after an HTTP error (401, 404)
    // it gives up, and polling carries on alone until we try again.
    if (es.readyState === EventSource.CLOSED) {
      es.close();
      if (source === es) source = null;
      if (!reconnect)
        reconnect = setTimeout(() => {
          reconnect = null;
          open();
        }, RECONNECT_MS);
    }
  };
  source = es;
}

let closing: ReturnType<typeof setTimeout> | null = null;

/** Closes the stream once nobody listens; a moment later, so moving between pages keeps it. */
function close(): void {
  if (closing) clearTimeout(closing);
  closing = setTimeout(() => {
    closing = null;
    if (subscribers.size > 0) return;
    source?.close();
    source = null;
    if (reconnect) clearTimeout(reconnect);
    reconnect = null;
  }, 2000);
}

/**
 * Calls `refetch` when the server says one of `kinds` changed, and every 15 s while the tab is
 * visible (at once when it becomes visible again after a while).
 */
export function useLive(kinds: readonly LiveKind[], refetch: () => void): void {
  const refetchRef = useRef(refetch);
  refetchRef.current = refetch;
  const key = [...kinds].sort().join(',');

  useEffect(() => {
    let last = Date.now();
    let debounce: ReturnType<typeof setTimeout> | null = null;
    const run = () => {
      last = Date.now();
      refetchRef.current();
    };
    const subscriber: Subscriber = {
      kinds: new Set(key.split(',') as LiveKind[]),
      changed: () => {
        if (debounce) clearTimeout(debounce);
        debounce = setTimeout(() => {
          debounce = null;
          run();
          if (Date.now() - lastAnnounced > ANNOUNCE_EVERY_MS) {
            lastAnnounced = Date.now();
            announce('The page was updated with new data.');
          }
        }, DEBOUNCE_MS);
      },
    };
    subscribers.add(subscriber);
    open();
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible' && Date.now() - last >= POLL_MS - 500) run();
    }, POLL_MS);
    const onVisible = () => {
      if (document.visibilityState === 'visible' && Date.now() - last >= POLL_MS) run();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      subscribers.delete(subscriber);
      clearInterval(timer);
      if (debounce) clearTimeout(debounce);
      document.removeEventListener('visibilitychange', onVisible);
      close();
    };
  }, [key]);
}
