import { describe, expect, it } from 'vitest';
import type { NewTimelineEntry } from '../store/incidents.js';
import { condense } from './grouping.js';

const joined = (incident: number, i: number, service = 'shipping'): NewTimelineEntry => ({
  incident,
  at: 1000 + i,
  type: 'alert',
  actor: 'pd',
  message: `Alert on ${service} joined: storm ${i}`,
  data: { alert: `a${i}`, subject: { kind: 'service', name: service }, event: 'joined' },
});

describe('condense', () => {
  it('keeps the first ten alerts of a kind per incident and sums up the rest with their services', () => {
    const storm = Array.from({ length: 25 }, (_, i) => joined(1, i, i % 2 === 0 ? 'shipping' : 'order'));
    const other = [joined(2, 0), { ...joined(1, 99), type: 'opened' as const, data: {} }];
    const out = condense([...storm, ...other]);
    expect(out.filter((e) => e.incident === 1 && e.type === 'alert')).toHaveLength(11);
    expect(out.at(-1)).toEqual({
      incident: 1,
      at: 1024,
      type: 'alert',
      actor: 'pd',
      message: '…and 15 more alerts joined (shipping, order)',
      data: { event: 'joined', count: 15, summarised: true },
    });
    // Other incidents and other entries are untouched.
    expect(out).toContainEqual(other[0]);
    expect(out).toContainEqual(other[1]);
  });

  it('leaves a batch of ten or fewer as it is', () => {
    const few = Array.from({ length: 10 }, (_, i) => joined(1, i));
    expect(condense(few)).toEqual(few);
  });
});
