import { describe, expect, it } from 'vitest';
import { FailureLimit } from './login-limit.js';

describe('FailureLimit', () => {
  it('refuses a key after max failures in the window, until the oldest leaves it', () => {
    const limit = new FailureLimit(3, 1_000);
    for (const t of [0, 100, 200]) {
      expect(limit.retryAfterMs(['a'], t)).toBe(0);
      limit.fail(['a', 'b'], t);
    }
    expect(limit.retryAfterMs(['a'], 300)).toBe(700);
    expect(limit.retryAfterMs(['c', 'b'], 300)).toBe(700);
    expect(limit.retryAfterMs(['a'], 999)).toBe(1);
    expect(limit.retryAfterMs(['a'], 1_000)).toBe(0);
  });

  it('forgets a key on request, and the oldest keys when full', () => {
    const limit = new FailureLimit(1, 1_000, 2);
    limit.fail(['a'], 0);
    limit.forget('a');
    expect(limit.retryAfterMs(['a'], 1)).toBe(0);
    limit.fail(['x'], 0);
    limit.fail(['y'], 1);
    limit.fail(['z'], 2);
    expect(limit.retryAfterMs(['x'], 3)).toBe(0);
    expect(limit.retryAfterMs(['y'], 3)).toBeGreaterThan(0);
    expect(limit.retryAfterMs(['z'], 3)).toBeGreaterThan(0);
  });

  it('takes back one failure counted at a time, leaving the others', () => {
    const limit = new FailureLimit(2, 1_000);
    limit.fail(['a', 'b'], 0);
    limit.fail(['a', 'b'], 10);
    expect(limit.retryAfterMs(['a'], 20)).toBe(980);
    limit.undo(['a', 'b'], 10);
    expect(limit.retryAfterMs(['a', 'b'], 20)).toBe(0);
    limit.fail(['a'], 30);
    expect(limit.retryAfterMs(['a'], 40)).toBe(960);
    // Nothing counted at that time: nothing to take back.
    limit.undo(['a', 'c'], 5);
    expect(limit.retryAfterMs(['a'], 40)).toBe(960);
  });
});
