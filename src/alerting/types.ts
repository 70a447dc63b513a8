/**
 * Alert intake, normalised: what the PagerDuty, Alertmanager and Splunk On-Call
 * adapters turn their bodies into. Pure values; times are UTC epoch milliseconds.
 */

export const INTEGRATION_TYPES = ['pagerduty', 'alertmanager', 'splunk'] as const;
export type IntegrationType = (typeof INTEGRATION_TYPES)[number];

export const ALERT_SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

export const ALERT_STATUSES = ['triggered', 'acknowledged', 'resolved'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** `info` is a note on the alert's timeline (Splunk INFO): it never opens or changes an alert. */
export type AlertAction = 'trigger' | 'acknowledge' | 'resolve' | 'info';

export interface AlertLink {
  readonly href: string;
  readonly text?: string;
}

export interface AlertEvent {
  readonly action: AlertAction;
  /** Identifies the alert within its integration (dedup_key, fingerprint, entity_id). */
  readonly dedupKey: string;
  readonly summary: string | null;
  readonly severity: AlertSeverity | null;
  readonly source: string | null;
  /** When the sender says the event happened; the time of receipt when it does not say. */
  readonly occurredAt: number;
  /**
   * Start of the occurrence the event is about (Alertmanager's startsAt): a resolve
   * only closes an alert that started no later, so a late resolve of an older
   * occurrence cannot close a newer one.
   */
  readonly startedAt?: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly details: Readonly<Record<string, unknown>>;
  readonly links: readonly AlertLink[];
  /** The journey of a journey SLO's alert (nines' own alerts only). */
  readonly journey?: string;
  /**
   * Identity of this delivery, when the protocol has one (Alertmanager: group key,
   * fingerprint, status, startsAt): a second delivery with the same key changes nothing.
   */
  readonly deliveryKey?: string;
}

export interface ChangeEvent {
  readonly summary: string;
  readonly source: string | null;
  readonly occurredAt: number;
  readonly customDetails: unknown;
  readonly links: readonly AlertLink[];
  /** Set when the sender gave a timestamp: the same change sent twice is stored once. */
  readonly changeKey?: string;
}

/** A bad field, named by its path in the body. */
export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

export type Parsed<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problems: readonly FieldProblem[] };

/** What applying one event did; `duplicate` is a delivery seen before (nothing changed). */
export type AlertOutcome =
  | 'opened'
  | 'updated'
  | 'acknowledged'
  | 'resolved'
  | 'unchanged'
  | 'dropped'
  | 'noted'
  | 'duplicate';
