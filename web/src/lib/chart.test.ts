import { describe, expect, it } from 'vitest';
import { linePath, niceTicks, sliDomain } from './chart';

describe('chart helpers', () => {
  it('picks round ticks', () => {
    expect(niceTicks({ min: 99, max: 100 }, 4)).toEqual([99, 99.2, 99.4, 99.6, 99.8, 100]);
    expect(niceTicks({ min: 0, max: 0 }, 4)).toEqual([0]);
  });

  it('breaks a line where values are missing', () => {
    const d = linePath(
      [
        { t: 0, v: 1 },
        { t: 1, v: null },
        { t: 2, v: 3 },
        { t: 3, v: 4 },
      ],
      (t) => t,
      (v) => v,
    );
    expect(d).toBe('M0.0,1.0M2.0,3.0L3.0,4.0');
  });

  it('shows the objective with room below it', () => {
    const d = sliDomain([99.95, null], 99.9);
    expect(d.max).toBe(100);
    expect(d.min).toBeLessThan(99.9);
    expect(sliDomain([50], 99.9).min).toBeLessThanOrEqual(50);
  });
});
