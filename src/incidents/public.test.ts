import { describe, expect, it } from 'vitest';
import { publicStatus, publicTitle, publicUpdates } from './public.js';
import type { TimelineEntry } from './types.js';

let id = 0;
const entry = (overrides: Partial<TimelineEntry>): TimelineEntry => ({
  id: String(++id).padStart(4, '0'),
  incident: 1,
  at: 1_000 + id,
  type: 'status-update',
  actor: 'ada',
  message: `message ${id}`,
  data: {},
  ...overrides,
});

describe('an incident in public', () => {
  it('shows public status updates only, newest first, each with the status in force', () => {
    const timeline = [
      entry({ type: 'opened', message: 'payment-gateway: 5xx' }),
      entry({ message: 'internal: rolled back v7', data: { status: 'identified' } }),
      entry({ message: 'We are looking into failed payments', data: { public: true } }),
      entry({ type: 'note', message: 'db01 is on fire', data: { public: true } }),
      entry({ message: 'The cause is found', data: { public: true, status: 'identified' } }),
      entry({ message: 'A fix is out', data: { public: true } }),
      entry({ message: 'odd', data: { public: 'yes', status: 'resolved' } }),
    ];
    const updates = publicUpdates(timeline);
    expect(updates.map((u) => [u.status, u.message])).toEqual([
      ['identified', 'A fix is out'],
      ['identified', 'The cause is found'],
      ['investigating', 'We are looking into failed payments'],
    ]);
    expect(publicStatus(updates, false)).toBe('identified');
    expect(publicStatus(updates, true)).toBe('resolved');
    expect(publicStatus([], false)).toBe('investigating');
  });

  it('is titled by the journeys it affects in customer words', () => {
    expect(publicTitle(['Paying'])).toBe('Issue affecting Paying');
    expect(publicTitle(['Finding products', 'Paying'])).toBe('Issue affecting Finding products and Paying');
    expect(publicTitle(['A', 'B', 'C'])).toBe('Issue affecting A, B and C');
  });
});
