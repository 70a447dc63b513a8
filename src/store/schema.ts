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
}
