import type { FastifyInstance } from 'fastify';
import type { AlertEvent } from '../alerting/types.js';
import type { Catalog } from '../catalog/model.js';
import { Metrics } from '../http/metrics.js';
import { registerActionRoutes } from '../http/routes/actions.js';
import { registerAdminRoutes } from '../http/routes/admin.js';
import { registerChangeRoutes } from '../http/routes/changes.js';
import { registerGateRoutes } from '../http/routes/gates.js';
import { registerIncidentRoutes } from '../http/routes/incidents.js';
import { registerIntakeRoutes } from '../http/routes/intake.js';
import { registerIntakeReadRoutes } from '../http/routes/intake-read.js';
import { registerOnCallRoutes } from '../http/routes/oncall.js';
import { registerProbeRoutes } from '../http/routes/probes.js';
import { registerReadRoutes } from '../http/routes/read.js';
import { registerStatusRoutes } from '../http/routes/status.js';
import { registerWebAuthRoutes } from '../http/routes/web-auth.js';
import { buildServer } from '../http/server.js';
import { SessionCookies } from '../http/session-cookies.js';
import { registerWebRoutes, WEB_DIST } from '../http/web.js';
import { createMailTransport } from '../notify/senders.js';
import { MAX_FUTURE_MS } from '../slo/series.js';
import { EventSlis } from '../sources/events/parse.js';
import { EventWriter } from '../sources/events/writer.js';
import { PrometheusSource } from '../sources/prometheus/source.js';
import { AlertRepository } from '../store/alerts.js';
import { BatchRepository } from '../store/batches.js';
import { BucketRepository } from '../store/buckets.js';
import { CursorRepository } from '../store/cursors.js';
import { openStore, type Store } from '../store/db.js';
import { GateRepository } from '../store/gates.js';
import { pruneIntake } from '../store/intake-retention.js';
import { LatencyRepository } from '../store/latency.js';
import { MaintenanceWindowRepository } from '../store/maintenance-windows.js';
import { CalendarFeedRepository, OverrideRepository } from '../store/oncall.js';
import { ProbeRunRepository } from '../store/probe-runs.js';
import { SessionRepository } from '../store/sessions.js';
import { TokenRepository } from '../store/tokens.js';
import { UserRepository } from '../store/users.js';
import { ChangeFeed } from './change-feed.js';
import type { ServerConfig } from './config.js';
import { Engine, type TickResult } from './engine.js';
import { Escalator } from './escalation.js';
import { GateService } from './gates.js';
import { Grouping } from './grouping.js';
import { IncidentService } from './incidents.js';
import { Intake } from './intake.js';
import { Maintenance } from './maintenance.js';
import { Notifier } from './notifier.js';
import { ProbeService } from './probes.js';
import { Queries } from './queries.js';
import { SLO_ALERTS, sloAlertEvents } from './slo-alerts.js';
import { StatusPageService } from './status-page.js';
import { UserService } from './users.js';

export interface Nines {
  readonly app: FastifyInstance;
  readonly store: Store;
  readonly engine: Engine;
  readonly writer: EventWriter;
  readonly metrics: Metrics;
  readonly probes: ProbeService;
  /** Alert intake (PagerDuty, Alertmanager, Splunk On-Call): keys, rate limits, group commit. */
  readonly intake: Intake;
  /** Turns committed alerts into incidents. */
  readonly grouping: Grouping;
  readonly incidents: IncidentService;
  /** Escalation policies at work: durable levels per incident. */
  readonly escalator: Escalator;
  /** Delivers notifications with retries. */
  readonly notifier: Notifier;
  /** Release gates: pre-deploy checks, post-deploy analysis, rollback hooks. */
  readonly gates: GateService;
  /** SLIs read from Prometheus; `poll()` reads what has settled. */
  readonly prometheus: PrometheusSource;
  /** What changed (SLOs, incidents, gates, on-call), for live-update streams. */
  readonly feed: ChangeFeed;
  /** Users of the web UI and their sessions. */
  readonly users: UserService;
  /** Runs one evaluation now and stores what changed. */
  evaluate(): Promise<TickResult>;
  /** Stops ticking, stops accepting requests, drains committed work, closes the store. */
  close(): Promise<void>;
}

export interface StartOptions {
  readonly clock?: () => number;
  /** Start the evaluation loop (default true); tests drive `evaluate()` themselves. */
  readonly loop?: boolean;
  readonly version?: string;
  /** Fewest events an alert window needs before it may page; default 10. */
  readonly minEvents?: number;
  /** Where probes' `${env:NAME}` come from; default the process environment. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The built web UI; default web/dist of the package. */
  readonly webDir?: string;
}

/**
 * Wires nines together: store, engine rebuilt from stored buckets, event writer,
 * HTTP server and the evaluation loop. Does not listen; the caller does.
 */
export async function createNines(
  config: ServerConfig,
  catalog: Catalog,
  options: StartOptions = {},
): Promise<Nines> {
  const clock = options.clock ?? Date.now;
  let logError: (err: Error) => void = () => {};
  const store = await openStore({
    url: config.database,
    dataDir: config.dataDir,
    onError: (err) => logError(err),
  });
  const metrics = new Metrics();
  const feed = new ChangeFeed((err) => app.log.error({ err }, 'a change listener failed'));
  const buckets = new BucketRepository(store.db);
  const latency = new LatencyRepository(store.db);
  const alerts = new AlertRepository(store.db);
  const engine = new Engine(catalog, {
    noDataMs: config.noDataMinutes * 60_000,
    minEvents: options.minEvents ?? 10,
    pending: (sli) => prometheus.status(sli)?.state === 'pending',
  });
  const started = clock();
  const needs = engine.historyNeeds(started);
  engine.start(
    {
      minuteRows: await buckets.since('m', needs.minutesSince),
      hourRows: await buckets.since('h', needs.hoursSince),
      alertStates: await alerts.states(),
    },
    started,
  );
  metrics.slos.set(catalog.SLO.size);

  /** Counts arrived since the last tick: the next one changes SLO statuses. */
  let counted = false;
  const writer = new EventWriter(store, (counts) => {
    counted = true;
    const refused = engine.ingest(counts, clock());
    if (refused > 0)
      app.log.warn({ refused }, 'committed counts the in-memory series refused; they count after a restart');
    let events = 0;
    for (const c of counts) events += c.total;
    metrics.eventsAccepted.inc(events);
  });
  const slis = new EventSlis(catalog);
  const probeRuns = new ProbeRunRepository(store.db);
  const probes = new ProbeService({
    catalog,
    writer,
    runs: probeRuns,
    metrics,
    env: options.env ?? process.env,
    clock,
    concurrency: config.probeConcurrency,
    keepRuns: config.probeHistory,
    log: (msg, err) => app.log.error({ err }, msg),
  });
  const prometheus = new PrometheusSource({
    catalog,
    submit: (batch) => writer.submit(batch),
    cursors: () => new CursorRepository(store.db).all('prometheus/'),
    clock,
    log: (msg, err) => app.log.warn({ err }, msg),
  });
  const intake = new Intake(store, { ratePerSecond: config.intakeRate, burst: config.intakeBurst });
  const escalator = new Escalator({
    store,
    catalog,
    clock,
    giveUpMs: config.notifyGiveUpMinutes * 60_000,
    log: (msg, err) => app.log.error({ err }, msg),
    onPaged: () => {
      feed.publish('oncall');
      // Without the loops (tests), escalation and delivery run only when asked.
      if (options.loop !== false) notifier.kick();
    },
  });
  let actionKey: Buffer | undefined;
  const publicUrl = () => {
    if (config.publicUrl !== undefined) return config.publicUrl.replace(/\/+$/, '');
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    return `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  };
  const notifier = new Notifier({
    store,
    catalog,
    clock,
    publicUrl,
    ...(config.smtpUrl !== undefined && {
      mail: {
        transport: createMailTransport(config.smtpUrl, config.notifyTimeoutSeconds * 1000),
        from: config.smtpFrom,
      },
    }),
    env: options.env ?? process.env,
    timeoutMs: config.notifyTimeoutSeconds * 1000,
    linkTtlMs: 24 * 3_600_000,
    log: (msg, err) => app.log.error({ err }, msg),
  });
  const grouping = new Grouping({
    store,
    catalog,
    windowMs: config.groupWindowMinutes * 60_000,
    escalate: (trx, incident, at) => escalator.begin(trx, incident, at),
    clock,
    log: (msg, err) => app.log.error({ err }, msg),
    onChange: (numbers) => {
      feed.publish('incidents');
      // After grouping committed: new escalations are visible to the escalator now.
      if (options.loop !== false) escalator.kick();
      incidents
        .settle(numbers)
        .catch((err: unknown) => app.log.error({ err }, 'fixing the impact of resolved incidents failed'));
    },
  });
  intake.onCommitted = () => grouping.kick();
  const incidents: IncidentService = new IncidentService({
    store,
    catalog,
    engine,
    buckets,
    clock,
    changeLookbackMs: config.changeLookbackHours * 3_600_000,
    onChange: () => feed.publish('incidents'),
    gateEntries: (incident, services, from, to) => gates.timelineEntries(incident, services, from, to),
  });
  const windows = new MaintenanceWindowRepository(store.db);
  const gates: GateService = new GateService({
    catalog,
    queries: new Queries(catalog, engine),
    gates: new GateRepository(store.db),
    changes: incidents.changes,
    incidents: incidents.repo,
    buckets,
    latency,
    clock,
    env: options.env ?? process.env,
    log: (msg, data) => app.log.info(data ?? {}, msg),
    onStored: () => feed.publish('gates'),
  });
  const statusPage = new StatusPageService({
    catalog,
    queries: new Queries(catalog, engine),
    days: (since) => buckets.since('d', since),
    incidents: {
      list: (query) => incidents.list(query),
      servicesOf: (incident) => incidents.servicesOf(incident),
      statusUpdates: (number) => incidents.repo.timeline(number, { types: ['status-update'] }),
    },
    clock,
  });
  feed.subscribe((kinds) => {
    if (kinds.includes('slos') || kinds.includes('incidents')) statusPage.invalidate();
  });
  let ready = false;
  const tokens = new TokenRepository(store.db);
  const sessions = new SessionRepository(store.db);
  const users = new UserService({ users: new UserRepository(store.db), sessions, clock });
  const cookies = new SessionCookies({
    sessions,
    clock,
    secure: config.publicUrl?.startsWith('https:') ?? false,
  });

  let ticking: Promise<TickResult> | undefined;
  const evaluate = (): Promise<TickResult> => {
    // One tick at a time; a caller asking during a tick gets that tick's result.
    // Cleared in a callback, never synchronously, so a tick that throws at once cannot stick.
    ticking ??= (async () => {
      const fresh = counted;
      counted = false;
      const result = engine.tick(clock());
      metrics.evaluationDuration.observe(result.durationMs / 1000);
      for (const kind of ['page', 'ticket', 'noData'] as const) {
        metrics.alertsFiring.set(
          { kind },
          engine.allViews().filter((v) => v.alert?.[kind].status === 'firing').length,
        );
      }
      try {
        // nines' own alerts become intake alerts in the same transaction, so incidents see every one.
        const sloEvents = sloAlertEvents(catalog, result.transitions);
        await alerts.record(result.changed, result.transitions, result.evaluatedAt, async (trx) => {
          const byService = new Map<string, AlertEvent[]>();
          for (const { service, event } of sloEvents)
            byService.set(service, [...(byService.get(service) ?? []), event]);
          for (const [service, events] of byService)
            await intake.repository.apply({ id: SLO_ALERTS, service }, events, result.evaluatedAt, trx);
        });
        if (sloEvents.length > 0) grouping.kick();
      } catch (err) {
        // Unstored transitions must not be forgotten: undo them, the next tick finds them again.
        engine.revert(result);
        counted ||= fresh;
        throw err;
      }
      if (fresh || result.changed.length > 0) feed.publish('slos');
      return result;
    })().finally(() => {
      ticking = undefined;
    });
    return ticking;
  };

  const app = await buildServer({
    catalog: () => catalog,
    tokens,
    sessions: cookies,
    clock,
    metrics,
    ready: () => ready,
    logLevel: config.logLevel,
    bodyLimitBytes: config.bodyLimitMb * 1024 * 1024,
    trustProxy: config.trustProxy,
    ...(options.version !== undefined && { version: options.version }),
    events: {
      slis: () => slis,
      writer,
      clock,
      // The series take events at most a minute ahead; the parser refuses what they would.
      limits: { maxAgeMs: config.maxEventAgeHours * 3_600_000, maxFutureMs: MAX_FUTURE_MS },
    },
    routes: [
      (a) =>
        registerReadRoutes(a, {
          catalog,
          engine,
          buckets,
          alerts,
          clock,
          evaluate,
          sourceStatus: (sli) => prometheus.status(sli),
        }),
      (a) =>
        registerProbeRoutes(a, {
          catalog,
          runs: probeRuns,
          runNow: (p) => probes.runNow(p),
          history: config.probeHistory,
        }),
      (a) =>
        registerIntakeRoutes(a, { intake, clock, alertmanagerBodyLimit: config.bodyLimitMb * 1024 * 1024 }),
      (a) => registerIntakeReadRoutes(a, { repository: intake.repository }),
      (a) => registerIncidentRoutes(a, { incidents, clock }),
      (a) => registerChangeRoutes(a, { catalog, changes: incidents.changes, windows, clock }),
      (a) => registerGateRoutes(a, { catalog, gates }),
      (a) => registerStatusRoutes(a, { statusPage, feed }),
      (a) =>
        registerOnCallRoutes(a, {
          catalog,
          overrides: new OverrideRepository(store.db),
          feeds: new CalendarFeedRepository(store.db),
          paging: escalator.paging,
          escalator,
          incidents,
          publicUrl,
          clock,
          onChange: () => feed.publish('oncall'),
        }),
      (a) =>
        registerActionRoutes(a, {
          incidents,
          key: async () => {
            // Read once: every public /act request would otherwise write to the store.
            actionKey ??= await escalator.paging.secret('action-links', clock());
            return actionKey;
          },
          clock,
        }),
      (a) => registerWebAuthRoutes(a, { users, cookies, clock }),
      (a) => registerAdminRoutes(a, { users, tokens, clock }),
      (a) => registerWebRoutes(a, { dir: options.webDir ?? WEB_DIST, sessions: cookies }),
    ],
  });

  logError = (err) => app.log.warn({ err }, 'a database connection failed; the pool replaces it');
  const maintenance = new Maintenance({
    catalog,
    buckets,
    batches: new BatchRepository(store.db),
    retentionDays: config.retentionDays,
    intake: (before) => pruneIntake(store.db, before),
    latency,
    clock,
    log: (msg, err) => app.log.error({ err }, msg),
  });
  const timers: NodeJS.Timeout[] = [];
  let analysing: Promise<unknown> | undefined;
  if (options.loop !== false) {
    const onError = (err: unknown) => app.log.error({ err }, 'evaluation failed');
    timers.push(setInterval(() => evaluate().catch(onError), config.evaluationInterval * 1000));
    timers.push(
      setInterval(() => {
        void maintenance.run();
        probes.prune().catch((err: unknown) => app.log.error({ err }, 'pruning probe runs failed'));
      }, 3_600_000),
    );
    probes.start();
    // Alerts committed by another replica, or before a restart, are grouped here too.
    timers.push(setInterval(() => grouping.kick(), 1000));
    timers.push(setInterval(() => escalator.kick(), 1000));
    // Post-deploy analyses whose window ended: one final verdict per deploy, across replicas.
    timers.push(
      setInterval(() => {
        analysing ??= gates
          .runDue()
          .catch((err: unknown) => app.log.error({ err }, 'post-deploy analysis failed'))
          .finally(() => {
            analysing = undefined;
          });
      }, 30_000),
    );
    notifier.start();
    await prometheus.start(config.evaluationInterval * 1000);
  }
  for (const t of timers) t.unref();
  await evaluate();
  await grouping.run();
  ready = true;

  return {
    app,
    store,
    engine,
    writer,
    metrics,
    probes,
    intake,
    grouping,
    incidents,
    escalator,
    notifier,
    gates,
    prometheus,
    feed,
    users,
    evaluate,
    async close() {
      ready = false;
      for (const t of timers) clearInterval(t);
      await probes.close();
      await prometheus.close();
      await app.close();
      await writer.close();
      await intake.close();
      await grouping.close();
      await escalator.close();
      await notifier.close();
      await analysing;
      await gates.settled();
      await ticking;
      await store.close();
    },
  };
}
