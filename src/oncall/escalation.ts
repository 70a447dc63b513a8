/**
 * Escalation as a pure step: the level due now fires, and the next position is
 * computed from when this one was due (not from when it ran), so a restart or a
 * slow tick continues the original timeline: no level skipped, none fired twice.
 */
import type { EscalationLevel, EscalationTarget } from '../catalog/model.js';

/** The policy as it was when the incident started escalating (later edits do not apply). */
export interface PolicySnapshot {
  readonly name: string;
  readonly levels: readonly EscalationLevel[];
  readonly repeat: number;
}

export interface EscalationPosition {
  /** The level paged next (0-based) and the round it is in (0 = the first pass). */
  readonly level: number;
  readonly round: number;
  readonly nextAt: number;
}

export interface EscalationStep {
  readonly fire: {
    readonly level: number;
    readonly round: number;
    readonly targets: readonly EscalationTarget[];
  };
  /** Where the escalation goes next; null when the policy is exhausted after this level. */
  readonly next: EscalationPosition | null;
}

/**
 * What fires at `position` and what comes after it.
 *
 * @example
 * step({ name: 'p', repeat: 0, levels: [{ targets, escalateAfterMs: 600_000 }] }, { level: 0, round: 0, nextAt: t });
 * // { fire: { level: 0, round: 0, targets }, next: null }
 */
export function step(policy: PolicySnapshot, position: EscalationPosition): EscalationStep {
  const level = policy.levels[position.level];
  if (!level) return { fire: { level: position.level, round: position.round, targets: [] }, next: null };
  const fire = { level: position.level, round: position.round, targets: level.targets };
  const nextAt = position.nextAt + level.escalateAfterMs;
  if (position.level + 1 < policy.levels.length)
    return { fire, next: { level: position.level + 1, round: position.round, nextAt } };
  if (position.round < policy.repeat) return { fire, next: { level: 0, round: position.round + 1, nextAt } };
  return { fire, next: null };
}
