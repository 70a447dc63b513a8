/**
 * Failed sign-ins per key (a user name, a client address) in a sliding window: after
 * `max` failures within `windowMs`, a key is refused until the oldest of them leaves
 * the window. In memory, per replica: with several replicas an attacker gets `max`
 * guesses per replica, still a handful per quarter hour.
 *
 * An attempt is counted as a failure before the password is checked, so concurrent
 * attempts cannot all pass the check while earlier ones are still hashing; a success
 * takes its attempt back with `undo`.
 *
 * @example
 * const limit = new FailureLimit();
 * if (limit.retryAfterMs(keys, now) > 0) refuse();
 * limit.fail(keys, now);
 * if (await passwordIsRight()) limit.undo(keys, now);
 */
export class FailureLimit {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly max = 10,
    private readonly windowMs = 15 * 60_000,
    /** Keys kept at most; beyond it the oldest are forgotten, so a spray of names cannot fill memory. */
    private readonly maxKeys = 100_000,
  ) {}

  /** How long until every key may try again; 0 when all may now. */
  retryAfterMs(keys: readonly string[], nowMs: number): number {
    let wait = 0;
    for (const key of keys) {
      const recent = this.recent(key, nowMs);
      if (recent.length >= this.max)
        wait = Math.max(wait, (recent[recent.length - this.max] ?? nowMs) + this.windowMs - nowMs);
    }
    return wait;
  }

  fail(keys: readonly string[], nowMs: number): void {
    for (const key of keys) {
      const recent = [...this.recent(key, nowMs), nowMs].slice(-this.max);
      this.failures.delete(key);
      this.failures.set(key, recent);
    }
    if (this.failures.size > this.maxKeys) this.sweep(nowMs);
  }

  /** Takes back one failure counted at `atMs` from each key: the attempt it reserved succeeded. */
  undo(keys: readonly string[], atMs: number): void {
    for (const key of keys) {
      const times = this.failures.get(key);
      const i = times?.lastIndexOf(atMs) ?? -1;
      if (!times || i < 0) continue;
      times.splice(i, 1);
      if (times.length === 0) this.failures.delete(key);
    }
  }

  /** Forgets a key's failures (a user who signed in). */
  forget(key: string): void {
    this.failures.delete(key);
  }

  private recent(key: string, nowMs: number): number[] {
    const times = this.failures.get(key);
    if (!times) return [];
    const recent = times.filter((t) => t > nowMs - this.windowMs);
    if (recent.length === 0) this.failures.delete(key);
    return recent;
  }

  private sweep(nowMs: number): void {
    for (const key of [...this.failures.keys()]) this.recent(key, nowMs);
    // Still full: the least recently failed keys go first (a Map keeps insertion order).
    for (const key of this.failures.keys()) {
      if (this.failures.size <= this.maxKeys) break;
      this.failures.delete(key);
    }
  }
}
