import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** nines' own metrics, served at /metrics for Prometheus. */
export class Metrics {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'nines_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly eventsAccepted = new Counter({
    name: 'nines_sli_events_accepted_total',
    help: 'SLI events committed',
    registers: [this.registry],
  });
  readonly evaluationDuration = new Histogram({
    name: 'nines_evaluation_duration_seconds',
    help: 'Duration of one evaluation tick over all SLOs',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  readonly slos = new Gauge({ name: 'nines_slos', help: 'SLOs in the catalog', registers: [this.registry] });
  readonly alertsFiring = new Gauge({
    name: 'nines_alerts_firing',
    help: 'Alerts firing by kind',
    labelNames: ['kind'],
    registers: [this.registry],
  });

  readonly probeRuns = new Counter({
    name: 'nines_probe_runs_total',
    help: 'Probe runs by outcome (passed, failed, skipped: due while the previous run was still going)',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  readonly probeLag = new Histogram({
    name: 'nines_probe_schedule_lag_seconds',
    help: 'How late probe runs start against their plan',
    buckets: [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly probeDuration = new Histogram({
    name: 'nines_probe_run_duration_seconds',
    help: 'Duration of probe runs',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'nines_' });
  }
}
