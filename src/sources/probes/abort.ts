import { StepError } from './errors.js';

/**
 * Settles with `promise`, or rejects with the signal's reason as soon as it
 * aborts. undici does not abort a connection that is still being set up (a TLS
 * handshake that never answers waits for its own connect timeout), so every
 * wait on the network goes through this to keep a run inside its time limit;
 * the abandoned operation is torn down when the run's dispatcher is destroyed.
 *
 * @example
 * await abortable(request(url, { signal }), signal);
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

export interface TimedSignal {
  readonly signal: AbortSignal;
  /** Stops the timer and unlinks from the parent; call when the work is done. */
  dispose(): void;
}

/**
 * A child signal that aborts with a {@link StepError} carrying `message` after
 * `ms`, or with the parent's reason if the parent aborts first.
 *
 * @example
 * const t = timedSignal(run.signal, 5_000, 'timed out after 5 s');
 * try { await work(t.signal); } finally { t.dispose(); }
 */
export function timedSignal(parent: AbortSignal, ms: number, message: string): TimedSignal {
  const controller = new AbortController();
  const onParent = () => controller.abort(parent.reason);
  if (parent.aborted) onParent();
  else parent.addEventListener('abort', onParent, { once: true });
  const timer = setTimeout(() => controller.abort(new StepError(message)), Math.max(0, ms));
  return {
    signal: controller.signal,
    dispose() {
      clearTimeout(timer);
      parent.removeEventListener('abort', onParent);
    },
  };
}
