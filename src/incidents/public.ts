/**
 * An incident as the public sees it: only what responders published for them.
 * Titles, services, notes and private updates are written for the team and may
 * name internals, so none of them is shown.
 */
import type { TimelineEntry } from './types.js';

export const PUBLIC_INCIDENT_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type PublicIncidentStatus = (typeof PUBLIC_INCIDENT_STATUSES)[number];

export interface PublicUpdate {
  readonly at: number;
  readonly status: PublicIncidentStatus;
  readonly message: string;
}

const isPublicStatus = (s: unknown): s is PublicIncidentStatus =>
  typeof s === 'string' && (PUBLIC_INCIDENT_STATUSES as readonly string[]).includes(s);

/**
 * The public status updates of a timeline, newest first. An update without a
 * status keeps the one before it (`investigating` before the first).
 *
 * @example
 * publicUpdates(timeline); // [{ at, status: 'identified', message: 'Card payments fail; a fix is rolling out' }]
 */
export function publicUpdates(timeline: readonly TimelineEntry[]): PublicUpdate[] {
  const out: PublicUpdate[] = [];
  let status: PublicIncidentStatus = 'investigating';
  for (const e of [...timeline].sort((a, b) => a.at - b.at || a.id.localeCompare(b.id))) {
    if (e.type !== 'status-update' || e.data.public !== true) continue;
    if (isPublicStatus(e.data.status)) status = e.data.status;
    out.push({ at: e.at, status, message: e.message });
  }
  return out.reverse();
}

/**
 * What the public is told about an incident's progress: the latest public
 * update's status, `investigating` before any, and `resolved` once it is.
 */
export function publicStatus(updates: readonly PublicUpdate[], resolved: boolean): PublicIncidentStatus {
  if (resolved) return 'resolved';
  return updates[0]?.status ?? 'investigating';
}

/**
 * A title from the affected journeys' public names: the incident's own title is
 * an alert summary written for responders.
 *
 * @example
 * publicTitle(['Finding products', 'Paying']); // 'Issue affecting Finding products and Paying'
 */
export function publicTitle(journeys: readonly string[]): string {
  if (journeys.length === 0) return 'Issue';
  const last = journeys[journeys.length - 1] as string;
  const list = journeys.length === 1 ? last : `${journeys.slice(0, -1).join(', ')} and ${last}`;
  return `Issue affecting ${list}`;
}
