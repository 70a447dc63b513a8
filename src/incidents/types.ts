/**
 * Incidents, as the domain sees them: plain values, times in UTC epoch
 * milliseconds. An incident gathers alerts; its subject is what it is about
 * (a service, or a journey when only a journey's SLO is alerting) and its
 * suspected cause is the deepest alerting service the others depend on.
 */
import type { AlertSeverity } from '../alerting/types.js';

export const INCIDENT_STATUSES = ['triggered', 'acknowledged', 'resolved'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export type IncidentSeverity = AlertSeverity;
export const INCIDENT_SEVERITIES: readonly IncidentSeverity[] = ['critical', 'error', 'warning', 'info'];

export const INCIDENT_PRIORITIES = ['P1', 'P2', 'P3', 'P4', 'P5'] as const;
export type IncidentPriority = (typeof INCIDENT_PRIORITIES)[number];

/** Roles of the incident command system that responders take on. */
export const INCIDENT_ROLES = ['commander', 'communications', 'scribe'] as const;
export type IncidentRole = (typeof INCIDENT_ROLES)[number];

/** A node of the dependency graph: alerts are on services, or on journeys (journey SLOs). */
export type Subject = { readonly kind: 'service' | 'journey'; readonly name: string };

export interface SuspectedCause {
  readonly service: string;
  /**
   * The dependsOn chain from the incident's first subject to the cause, both
   * included; a journey at the head stands for the journey's step services.
   */
  readonly chain: readonly string[];
}

export interface Incident {
  readonly number: number;
  readonly title: string;
  readonly status: IncidentStatus;
  readonly severity: IncidentSeverity;
  readonly priority: IncidentPriority | null;
  /** The subject of the alert that opened it. */
  readonly subject: Subject;
  readonly suspectedCause: SuspectedCause | null;
  /** Services and journeys with alerts in it, in order of arrival. */
  readonly services: readonly string[];
  readonly journeys: readonly string[];
  readonly assignee: string | null;
  readonly roles: Readonly<Partial<Record<IncidentRole, string>>>;
  readonly createdAt: number;
  readonly acknowledgedAt: number | null;
  readonly resolvedAt: number | null;
  readonly lastAlertAt: number;
  readonly alertCount: number;
  readonly openAlertCount: number;
  /** Set when the incident was folded into another one. */
  readonly mergedInto: number | null;
}

export const TIMELINE_TYPES = [
  'opened',
  'alert',
  'cause',
  'merged',
  'acknowledged',
  'resolved',
  'reopened',
  'severity',
  'priority',
  'assigned',
  'role',
  'title',
  'note',
  'status-update',
  'notification',
  'action-item',
  'gate',
] as const;
export type TimelineType = (typeof TIMELINE_TYPES)[number];

/** One entry of an incident's timeline; `actor` is a token name, an integration or 'nines'. */
export interface TimelineEntry {
  readonly id: string;
  readonly incident: number;
  readonly at: number;
  readonly type: TimelineType;
  readonly actor: string;
  readonly message: string;
  readonly data: Readonly<Record<string, unknown>>;
}

export interface ActionItem {
  readonly id: string;
  readonly incident: number;
  readonly title: string;
  readonly owner: string | null;
  /** ISO date (YYYY-MM-DD). */
  readonly dueDate: string | null;
  readonly status: 'open' | 'done';
  readonly createdAt: number;
  readonly doneAt: number | null;
}

export interface Change {
  readonly id: string;
  readonly service: string;
  readonly summary: string;
  /** deploy, feature-flag, config or other. */
  readonly type: string;
  readonly version: string | null;
  readonly author: string | null;
  readonly source: string | null;
  readonly occurredAt: number;
  readonly links: readonly { readonly href: string; readonly text?: string }[];
}

export interface MaintenanceWindow {
  readonly id: string;
  readonly services: readonly string[];
  readonly startsAt: number;
  readonly endsAt: number;
  readonly reason: string | null;
  readonly createdBy: string;
  readonly createdAt: number;
}
