import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ChangeFeed, type ChangeKind } from './change-feed.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the change feed', () => {
  it('tells every subscriber at once without a minimum interval', () => {
    const feed = new ChangeFeed();
    const a: (readonly ChangeKind[])[] = [];
    const b: (readonly ChangeKind[])[] = [];
    feed.subscribe((k) => a.push(k));
    feed.subscribe((k) => b.push(k));
    feed.publish('slos');
    feed.publish('incidents', 'gates');
    expect(a).toEqual([['slos'], ['incidents', 'gates']]);
    expect(b).toEqual(a);
  });

  it('merges what is published within the interval into one later call, kinds in a fixed order', () => {
    const feed = new ChangeFeed();
    const told: (readonly ChangeKind[])[] = [];
    feed.subscribe((k) => told.push(k), { minIntervalMs: 500 });
    feed.publish('incidents');
    feed.publish('oncall');
    feed.publish('slos');
    feed.publish('incidents');
    expect(told).toEqual([['incidents']]);
    vi.advanceTimersByTime(499);
    expect(told).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(told).toEqual([['incidents'], ['slos', 'incidents', 'oncall']]);
    vi.advanceTimersByTime(600);
    feed.publish('gates');
    expect(told.at(-1)).toEqual(['gates']);
  });

  it('stops telling a subscriber that left, including what was waiting', () => {
    const feed = new ChangeFeed();
    const told: (readonly ChangeKind[])[] = [];
    const stop = feed.subscribe((k) => told.push(k), { minIntervalMs: 500 });
    feed.publish('slos');
    feed.publish('gates');
    stop();
    vi.advanceTimersByTime(1000);
    feed.publish('slos');
    expect(told).toEqual([['slos']]);
    expect(feed.size).toBe(0);
  });

  it('keeps telling the others when one listener throws', () => {
    const errors: unknown[] = [];
    const feed = new ChangeFeed((err) => errors.push(err));
    const told: (readonly ChangeKind[])[] = [];
    feed.subscribe(() => {
      throw new Error('broken');
    });
    feed.subscribe((k) => told.push(k));
    feed.publish('incidents');
    expect(told).toEqual([['incidents']]);
    expect(errors).toHaveLength(1);
  });
});
