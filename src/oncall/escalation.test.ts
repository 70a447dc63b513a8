import { describe, expect, it } from 'vitest';
import type { EscalationTarget } from '../catalog/model.js';
import { type EscalationPosition, type PolicySnapshot, step } from './escalation.js';

const user = (name: string): EscalationTarget => ({ type: 'user', name });
const policy: PolicySnapshot = {
  name: 'p',
  repeat: 1,
  levels: [
    { targets: [user('a')], escalateAfterMs: 10 },
    { targets: [user('b')], escalateAfterMs: 20 },
  ],
};

describe('escalation steps', () => {
  it('walks every level of every round once, timed from when each was due, then stops', () => {
    const fired: string[] = [];
    let at: EscalationPosition | null = { level: 0, round: 0, nextAt: 1000 };
    while (at) {
      const s = step(policy, at);
      fired.push(`${s.fire.round}:${s.fire.level}@${at.nextAt}`);
      at = s.next;
    }
    expect(fired).toEqual(['0:0@1000', '0:1@1010', '1:0@1030', '1:1@1040']);
  });

  it('ends at once for a position outside the policy (it was edited to fewer levels)', () => {
    expect(step(policy, { level: 5, round: 0, nextAt: 0 })).toEqual({
      fire: { level: 5, round: 0, targets: [] },
      next: null,
    });
  });
});
