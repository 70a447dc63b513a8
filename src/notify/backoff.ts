/**
 * How long a failed delivery waits before its next attempt: exponential
 * backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And
 * Jitter"), so many deliveries failing together do not retry together.
 */

export interface BackoffOptions {
  /** The ceiling of the first retry's delay; doubles with each attempt. */
  readonly baseMs?: number;
  /** The ceiling never grows past this. */
  readonly maxMs?: number;
}

/** No retry comes sooner than this, whatever the random draw. */
export const MIN_RETRY_DELAY_MS = 250;

/**
 * The delay in whole milliseconds before retry number `attempt` (0 for the
 * first retry): uniform in [0, min(maxMs, baseMs · 2^attempt)), but at least
 * {@link MIN_RETRY_DELAY_MS}. `random` returns a number in [0, 1), like Math.random.
 *
 * @example
 * retryDelay(3, {}, Math.random); // somewhere in [250, 8000)
 * retryDelay(20, { baseMs: 500, maxMs: 60_000 }, () => 0.5); // 30000
 */
export function retryDelay(attempt: number, options: BackoffOptions, random: () => number): number {
  const baseMs = options.baseMs ?? 1_000;
  const maxMs = options.maxMs ?? 300_000;
  const n = Number.isFinite(attempt) && attempt > 0 ? Math.floor(attempt) : 0;
  const ceiling = Math.min(maxMs, baseMs * 2 ** n);
  const r = random();
  const unit = Number.isFinite(r) ? Math.min(Math.max(r, 0), 1 - Number.EPSILON) : 0;
  const delay = Math.floor(unit * (Number.isFinite(ceiling) ? ceiling : 0));
  return Math.max(MIN_RETRY_DELAY_MS, delay);
}
