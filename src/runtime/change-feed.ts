/** What the web UI refreshes when told: each kind names a group of its pages. */
export const CHANGE_KINDS = ['slos', 'incidents', 'gates', 'oncall'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

export type ChangeListener = (kinds: readonly ChangeKind[]) => void;

export interface SubscribeOptions {
  /**
   * Tell this listener at most once per this many milliseconds; kinds published
   * meanwhile are merged into the next call. 0 (the default): at once, every time.
   */
  readonly minIntervalMs?: number;
}

/**
 * What changed, in process: the evaluation loop, grouping, responders and release
 * gates publish kinds; live-update streams and caches subscribe. Only kinds are
 * said, never data, so a listener rereads what it shows through the API and its
 * permissions.
 *
 * @example
 * const feed = new ChangeFeed();
 * const stop = feed.subscribe((kinds) => send(kinds), { minIntervalMs: 500 });
 * feed.publish('incidents');
 * stop();
 */
export class ChangeFeed {
  private readonly subscribers = new Set<Subscriber>();

  constructor(private readonly onError: (err: unknown) => void = () => {}) {}

  /** Starts telling `listener` about changes; returns the function that stops it. */
  subscribe(listener: ChangeListener, options: SubscribeOptions = {}): () => void {
    const subscriber = new Subscriber(listener, options.minIntervalMs ?? 0, this.onError);
    this.subscribers.add(subscriber);
    return () => {
      subscriber.stop();
      this.subscribers.delete(subscriber);
    };
  }

  publish(...kinds: ChangeKind[]): void {
    if (kinds.length === 0) return;
    for (const s of this.subscribers) s.tell(kinds);
  }

  /** Listeners subscribed now. */
  get size(): number {
    return this.subscribers.size;
  }
}

class Subscriber {
  private readonly pending = new Set<ChangeKind>();
  private lastAt = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly listener: ChangeListener,
    private readonly minIntervalMs: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  tell(kinds: readonly ChangeKind[]): void {
    for (const k of kinds) this.pending.add(k);
    if (this.timer) return;
    const wait = this.lastAt + this.minIntervalMs - performance.now();
    if (wait <= 0) {
      this.flush();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, wait);
    // A waiting change must not keep the process alive.
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private flush(): void {
    if (this.stopped || this.pending.size === 0) return;
    const kinds = CHANGE_KINDS.filter((k) => this.pending.has(k));
    this.pending.clear();
    this.lastAt = performance.now();
    try {
      this.listener(kinds);
    } catch (err) {
      // One failing listener must not keep the change from the others.
      this.onError(err);
    }
  }
}
