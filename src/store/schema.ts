import type { ColumnType } from 'kysely';

/** Tables as Kysely sees them. Timestamps are UTC epoch milliseconds. */
export interface Database {
  api_tokens: {
    id: string;
    name: string;
    role: string;
    /** SHA-256 of the token; the token itself is shown once and never stored. */
    token_hash: string;
    created_at: number;
    last_used_at: number | null;
    revoked_at: number | null;
  };
  sli_batches: {
    batch_id: string;
    received_at: number;
    events: number;
  };
  sli_buckets: {
    sli: string;
    /** 'm' minute, 'h' hour, 'd' day (UTC). */
    resolution: string;
    start_ms: number;
    good: number;
    total: number;
  };
  /** Latency histograms per SLI and minute: how many latencies fell in each bucket (src/slo/latency.ts). */
  sli_latency: {
    sli: string;
    start_ms: number;
    bucket: number;
    count: number;
  };
  alert_states: {
    slo: string;
    /** JSON of the SLO's AlertState (slo/alert-state.ts). */
    state: string;
    updated_at: number;
  };
  probe_runs: {
    id: string;
    probe: string;
    started_at: number;
    duration_ms: number;
    /** 1 when the run passed, 0 when it failed. */
    ok: number;
    /** 'schedule' or 'manual' (an on-demand run, which feeds no SLI). */
    trigger: string;
    /** JSON of the ProbeRunResult (sources/probes/run.ts), already redacted. */
    result: string;
  };
  /** How far a pulling source (a Prometheus SLI) has been read; moved in the transaction that stores what was read. */
  source_cursors: {
    key: string;
    read_to: number;
  };
  alert_history: {
    id: string;
    slo: string;
    kind: string;
    at: number;
    /** JSON of an AlertTransition. */
    transition: string;
  };
  /** Integration keys of alert intake: each bound to one service and one protocol. */
  integrations: {
    id: string;
    name: string;
    service: string;
    /** 'pagerduty', 'alertmanager' or 'splunk'. */
    type: string;
    /** SHA-256 of the key; the key itself is shown once and never stored. */
    key_hash: string;
    created_at: number;
    revoked_at: number | null;
  };
  /** Alerts received from intake; at most one open (resolved_at null) per integration and dedup key. */
  intake_alerts: {
    id: string;
    integration_id: string;
    service: string;
    dedup_key: string;
    /** 'triggered', 'acknowledged' or 'resolved'. */
    status: string;
    summary: string | null;
    severity: string | null;
    source: string | null;
    started_at: number;
    created_at: number;
    last_event_at: number;
    acknowledged_at: number | null;
    resolved_at: number | null;
    event_count: number;
    /** JSON object of strings. */
    labels: string;
    /** JSON object. */
    details: string;
    /** JSON array of {href, text?}. */
    links: string;
    /** The journey of a journey SLO's alert (nines' own); its service is then ''. */
    journey: ColumnType<string | null, string | null | undefined, string | null>;
    incident_number: ColumnType<number | null, number | null | undefined, number | null>;
    /** The status grouping last saw; differs from `status` while grouping has work to do. */
    grouped_status: ColumnType<string | null, string | null | undefined, string | null>;
    /** The maintenance window that kept this alert from opening an incident. */
    suppressed_by: ColumnType<string | null, string | null | undefined, string | null>;
  };
  /** Every event received for an alert (and those that acted on none), in arrival order. */
  intake_alert_events: {
    id: string;
    alert_id: string | null;
    integration_id: string;
    dedup_key: string;
    action: string;
    outcome: string;
    at: number;
    received_at: number;
    /** SHA-256 of the protocol's delivery identity, when it has one: a repeat is stored once. */
    delivery_key: string | null;
    /** JSON of the normalised event. */
    event: string;
  };
  /** Change events (deploys, config changes) for a service. */
  /** Gate evaluations (pre- and post-deploy), each with its full report. */
  gate_results: {
    id: string;
    service: string;
    version: string | null;
    /** 'pre' or 'post'. */
    stage: string;
    change_id: string | null;
    /** pass, warning, fail or inconclusive. */
    result: string;
    score: number | null;
    fix: number;
    override_reason: string | null;
    /** The token (or `nines` for automatic post-deploy analysis) that asked. */
    requested_by: string;
    evaluated_at: number;
    /** The change id when this is the final post-deploy verdict for it (unique), else null. */
    final_key: string | null;
    /** JSON of the GateReport. */
    report: string;
  };
  /** Calls of a release gate's rollback hook, one per change. */
  rollback_calls: {
    change_id: string;
    gate_result: string;
    service: string;
    /** The hook's URL without its query string. */
    url: string;
    /** pending, delivered or failed. */
    status: string;
    http_status: number | null;
    /** The start of the answer's body. */
    response: string | null;
    error: string | null;
    attempts: number;
    created_at: number;
    finished_at: number | null;
    /** While pending: the sending process's lease; another takes the call over after it. */
    claimed_until: ColumnType<number | null, number | null | undefined, number | null>;
  };
  intake_changes: {
    id: string;
    integration_id: string;
    service: string;
    summary: string;
    source: string | null;
    occurred_at: number;
    received_at: number;
    links: string;
    custom_details: string;
    /** SHA-256 of the change's content when it has a timestamp: a retried delivery is stored once. */
    change_key: string | null;
    /** deploy, feature-flag, config or other; null for PagerDuty change events. */
    type: ColumnType<string | null, string | null | undefined, string | null>;
    version: ColumnType<string | null, string | null | undefined, string | null>;
    author: ColumnType<string | null, string | null | undefined, string | null>;
  };
  incidents: {
    number: number;
    title: string;
    status: string;
    severity: string;
    priority: string | null;
    subject_kind: string;
    subject_name: string;
    cause_service: string | null;
    /** JSON array of names. */
    cause_chain: string;
    /** JSON arrays of names. */
    services: string;
    journeys: string;
    assignee: string | null;
    /** JSON object role → person. */
    roles: string;
    created_at: number;
    acknowledged_at: number | null;
    resolved_at: number | null;
    last_alert_at: number;
    alert_count: number;
    open_alert_count: number;
    merged_into: number | null;
    /** JSON of the impact, fixed when the incident resolved (minute buckets do not last). */
    impact: ColumnType<string | null, string | null | undefined, string | null>;
    updated_at: number;
  };
  incident_timeline: {
    id: string;
    incident: number;
    at: number;
    type: string;
    actor: string;
    message: string;
    /** JSON object. */
    data: string;
  };
  action_items: {
    id: string;
    incident: number;
    title: string;
    owner: string | null;
    due_date: string | null;
    status: string;
    created_at: number;
    done_at: number | null;
  };
  schedule_overrides: {
    id: string;
    schedule: string;
    user_name: string;
    starts_at: number;
    ends_at: number;
    reason: string | null;
    created_by: string;
    created_at: number;
  };
  calendar_feeds: {
    id: string;
    /** 'schedule' or 'user'. */
    kind: string;
    name: string;
    token_hash: string;
    created_by: string;
    created_at: number;
    revoked_at: number | null;
  };
  escalations: {
    id: string;
    incident: number;
    policy: string;
    /** JSON of the policy as it was when the escalation started. */
    policy_snapshot: string;
    /** The level paged next, and in which round. */
    level: number;
    round: number;
    next_at: number;
    /** 'active', 'stopped' (acknowledged or resolved) or 'exhausted'. */
    status: string;
    created_at: number;
    updated_at: number;
  };
  notifications: {
    id: string;
    incident: number;
    escalation: string;
    user_name: string;
    contact: string;
    channel: string;
    level: number;
    round: number;
    /** 'pending', 'delivered', 'failed' or 'cancelled'. */
    status: string;
    attempts: number;
    due_at: number;
    give_up_at: number;
    claimed_until: number | null;
    last_error: string | null;
    created_at: number;
    delivered_at: number | null;
  };
  server_secrets: {
    name: string;
    value: string;
    created_at: number;
  };
  maintenance_windows: {
    id: string;
    /** JSON array of service names. */
    services: string;
    starts_at: number;
    ends_at: number;
    reason: string | null;
    created_by: string;
    created_at: number;
  };
  users: {
    id: string;
    name: string;
    /** scrypt$N$r$p$salt$hash (store/passwords.ts). */
    password_hash: string;
    role: string;
    created_at: number;
    updated_at: number;
    disabled_at: number | null;
  };
  web_sessions: {
    /** SHA-256 of the session id; the id itself is only in the browser's cookie. */
    id_hash: string;
    user_id: string;
    csrf_token: string;
    created_at: number;
    expires_at: number;
    last_seen_at: number;
  };
}
