import { ANALYSIS_DEFAULTS } from '../catalog/build-release.js';
import type { Catalog, ErrorBudgetPolicy, ReleaseGate, Slo } from '../catalog/model.js';
import { ENV_REF } from '../catalog/schema/oncall.js';
import { NinesError } from '../errors.js';
import {
  analysisWindows,
  defaultObjectives,
  postDeploy,
  type ResolvedObjective,
  SETTLE_MS,
  type WindowData,
} from '../gates/post-deploy.js';
import { type BudgetStanding, type PolicyStanding, policyStanding, preDeploy } from '../gates/pre-deploy.js';
import type { GateReport } from '../gates/report.js';
import type { TimelineEntry } from '../incidents/types.js';
import { type SendResult, sendWebhook } from '../notify/senders.js';
import type { BucketRepository } from '../store/buckets.js';
import type { ChangeRepository, StoredChange } from '../store/changes.js';
import type { GateRepository, RollbackCall } from '../store/gates.js';
import { sortableId } from '../store/ids.js';
import type { IncidentRepository } from '../store/incidents.js';
import type { LatencyRepository } from '../store/latency.js';
import type { Queries } from './queries.js';

export interface GateRequest {
  readonly service: string;
  readonly version?: string;
  readonly stage: 'pre' | 'post';
  /** Post-deploy: the change to analyse; else the latest one of the service (with `version`, if given). */
  readonly changeId?: string;
  readonly fix: boolean;
  readonly override?: { readonly reason: string; readonly by: string };
  readonly requestedBy: string;
}

export interface GateServiceOptions {
  readonly catalog: Catalog;
  readonly queries: Queries;
  readonly gates: GateRepository;
  readonly changes: ChangeRepository;
  readonly incidents: IncidentRepository;
  readonly buckets: BucketRepository;
  readonly latency: LatencyRepository;
  readonly clock: () => number;
  /** Where `${env:NAME}` of a rollback hook is read. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly log: (message: string, data?: Record<string, unknown>) => void;
  /** Post-deploy analyses start for changes recorded this long ago at most. */
  readonly autoLookbackMs?: number;
  readonly rollbackTimeoutMs?: number;
  /** Told after a gate result was stored. */
  readonly onStored?: () => void;
}

const HOUR = 3_600_000;
/** A rollback call is another replica's to take over once this long has passed without an answer. */
const ROLLBACK_LEASE_MS = 2 * 60_000;
/** Thresholds for the default objectives, whatever the gate says for its own. */
const DEFAULT_OBJECTIVES_SCORE = { pass: 100, warning: 50 } as const;
const ROLLBACK_ATTEMPTS = 3;

/**
 * Release gates: the pre-deploy verdict (budget policies, open incidents,
 * freezes), the post-deploy analysis of a recorded change, every result stored,
 * and the rollback hook called once per change whose analysis fails.
 */
export class GateService {
  private readonly defaultPolicy: ErrorBudgetPolicy | undefined;
  private readonly defaultGate: ReleaseGate | undefined;

  constructor(private readonly o: GateServiceOptions) {
    this.defaultPolicy = [...o.catalog.ErrorBudgetPolicy.values()].find((p) => p.default);
    this.defaultGate = [...o.catalog.ReleaseGate.values()].find((g) => g.default);
  }

  gateOf(service: string): ReleaseGate | undefined {
    const name = this.o.catalog.Service.get(service)?.releaseGate;
    return name === undefined ? this.defaultGate : this.o.catalog.ReleaseGate.get(name);
  }

  private policyOf(entity: { budgetPolicy?: string } | undefined): ErrorBudgetPolicy | undefined {
    const name = entity?.budgetPolicy;
    return name === undefined ? this.defaultPolicy : this.o.catalog.ErrorBudgetPolicy.get(name);
  }

  private budgets(slos: readonly Slo[]): BudgetStanding[] {
    return slos.map((slo) => {
      const view = this.o.queries.slo(slo.name);
      const s = view?.status;
      return {
        slo: slo.name,
        remainingPercent: s === undefined || s.total === 0 ? undefined : 100 * s.budget.remainingRatio,
      };
    });
  }

  /** The journeys a service serves, directly or through what depends on it. */
  journeysOf(service: string): string[] {
    return [...new Set(this.o.queries.journeysAtRisk(service).map((e) => e.journey))];
  }

  private journeySlos(journey: string): Slo[] {
    return [...this.o.catalog.SLO.values()].filter((s) => s.journey === journey);
  }

  /** The error-budget policy in force for a service's own SLOs and for each journey it serves. */
  standingsOf(service: string): PolicyStanding[] {
    const svc = this.o.catalog.Service.get(service);
    const out = [
      policyStanding(
        { type: 'service', name: service },
        this.policyOf(svc),
        this.budgets(this.o.queries.slosOfService(service)),
      ),
    ];
    for (const j of this.journeysOf(service)) {
      const journey = this.o.catalog.Journey.get(j);
      out.push(
        policyStanding(
          { type: 'journey', name: j },
          this.policyOf(journey),
          this.budgets(this.journeySlos(j)),
        ),
      );
    }
    return out;
  }

  /** Every service's and journey's policy standing, for the API. */
  allStandings(): { services: PolicyStanding[]; journeys: PolicyStanding[] } {
    const services = [...this.o.catalog.Service.keys()].map((s) =>
      policyStanding(
        { type: 'service', name: s },
        this.policyOf(this.o.catalog.Service.get(s)),
        this.budgets(this.o.queries.slosOfService(s)),
      ),
    );
    const journeys = [...this.o.catalog.Journey.values()].map((j) =>
      policyStanding(
        { type: 'journey', name: j.name },
        this.policyOf(j),
        this.budgets(this.journeySlos(j.name)),
      ),
    );
    return { services, journeys };
  }

  /** Stored results, newest first, with the rollback call of each change. */
  async list(
    query: Parameters<GateRepository['list']>[0],
  ): Promise<{ report: GateReport; rollback?: RollbackCall }[]> {
    const reports = await this.o.gates.list(query);
    return this.withRollbacks(reports);
  }

  async get(id: string): Promise<{ report: GateReport; rollback?: RollbackCall }> {
    const report = await this.o.gates.get(id);
    if (!report) throw new NinesError('NOT_FOUND', `no gate result ${id}`);
    const [out] = await this.withRollbacks([report]);
    return out as { report: GateReport; rollback?: RollbackCall };
  }

  private async withRollbacks(
    reports: readonly GateReport[],
  ): Promise<{ report: GateReport; rollback?: RollbackCall }[]> {
    const calls = await this.o.gates.rollbacks([
      ...new Set(reports.flatMap((r) => (r.stage === 'post' && r.change ? [r.change.id] : []))),
    ]);
    return reports.map((report) => {
      const call = report.change ? calls.get(report.change.id) : undefined;
      return call && call.gateResult === report.id ? { report, rollback: call } : { report };
    });
  }

  /** Gate results on services in [from, to) as entries of an incident's timeline (read-time, not stored). */
  async timelineEntries(
    incident: number,
    services: readonly string[],
    fromMs: number,
    toMs: number,
  ): Promise<TimelineEntry[]> {
    const reports = await this.o.gates.list({ services, sinceMs: fromMs, beforeMs: toMs, limit: 50 });
    return reports.map((r) => ({
      id: `gate-${r.id}`,
      incident,
      at: r.evaluatedAt,
      type: 'gate',
      actor: r.requestedBy,
      message: `${r.stage}-deploy gate for ${r.service}${r.version ? ` ${r.version}` : ''}: ${r.result}${
        r.score === undefined ? '' : ` (score ${Math.round(r.score * 10) / 10}%)`
      }${r.reasons[0] ? `: ${r.reasons[0]}` : ''}`,
      data: {
        gate: r.id,
        service: r.service,
        version: r.version,
        stage: r.stage,
        result: r.result,
        ...(r.change && { change: r.change.id }),
      },
    }));
  }

  async evaluate(req: GateRequest): Promise<GateReport> {
    if (!this.o.catalog.Service.has(req.service))
      throw new NinesError('VALIDATION_FAILED', `no service named '${req.service}' in the catalog`, [
        { field: 'service', message: `no service named '${req.service}' in the catalog` },
      ]);
    return req.stage === 'pre' ? this.pre(req) : this.post(req);
  }

  private async pre(req: GateRequest): Promise<GateReport> {
    const now = this.o.clock();
    const gate = this.gateOf(req.service);
    const open = await this.o.incidents.list({ status: 'open', service: req.service, limit: 20 });
    const standings = this.standingsOf(req.service);
    const verdict = preDeploy({
      service: req.service,
      standings,
      openIncidents: open.map((i) => ({ number: i.number, title: i.title })),
      openIncidentsRule: gate?.openIncidents ?? 'fail',
      freezes: gate?.freezes ?? [],
      atMs: now,
      fix: req.fix,
      ...(req.override && { override: req.override }),
    });
    const report: GateReport = {
      id: sortableId(now),
      service: req.service,
      version: req.version ?? null,
      stage: 'pre',
      result: verdict.result,
      evaluatedAt: now,
      ...(gate && { gate: gate.name }),
      fix: req.fix,
      ...(req.override && { override: req.override }),
      requestedBy: req.requestedBy,
      final: false,
      reasons: verdict.reasons,
      pre: { checks: verdict.checks, policies: standings },
    };
    const added = await this.o.gates.add(report);
    if (added.stored) this.o.onStored?.();
    return added.report;
  }

  private async changeFor(req: GateRequest): Promise<StoredChange> {
    const [change] = await this.o.changes.list({
      service: req.service,
      ...(req.changeId !== undefined && { id: req.changeId }),
      ...(req.version !== undefined && { version: req.version }),
      // Without an id or version, the latest deploy (not a later flag flip).
      ...(req.changeId === undefined && req.version === undefined && { type: 'deploy' as const }),
      limit: 1,
    });
    if (!change) {
      const what =
        req.changeId !== undefined
          ? `change ${req.changeId} of ${req.service}`
          : req.version !== undefined
            ? `change of ${req.service} at version ${req.version}`
            : `change of ${req.service}`;
      throw new NinesError(
        'NOT_FOUND',
        `no ${what} is recorded; record the deploy first (nines change record --service ${req.service}${req.version === undefined ? '' : ` --version ${req.version}`})`,
      );
    }
    return change;
  }

  /** The objectives of a service's analysis, each with the SLI it reads. */
  objectivesOf(service: string, gate: ReleaseGate | undefined): ResolvedObjective[] {
    const { catalog } = this.o;
    let objectives = gate?.analysis.objectives ?? [];
    if (objectives.length === 0) {
      // The service's own SLOs, then those of the journeys it serves, each once.
      const slos = new Map(this.o.queries.slosOfService(service).map((s) => [s.name, s]));
      for (const j of this.journeysOf(service)) for (const s of this.journeySlos(j)) slos.set(s.name, s);
      objectives = defaultObjectives([...slos.values()]);
    }
    return objectives.flatMap((o): ResolvedObjective[] => {
      const slo = o.slo === undefined ? undefined : catalog.SLO.get(o.slo);
      const sli = slo?.sli ?? o.sli;
      if (sli === undefined) return [];
      const ratio = slo?.objectives[0]?.target;
      return [{ ...o, sli, ...(ratio !== undefined && { objectiveRatio: ratio / 100 }) }];
    });
  }

  private async windowData(sli: string, from: number, to: number, latency: boolean): Promise<WindowData> {
    const rows = await this.o.buckets.range(sli, 'm', from, to);
    let good = 0;
    let total = 0;
    for (const r of rows) {
      good += r.good;
      total += r.total;
    }
    return latency
      ? { good, total, latency: await this.o.latency.histogram(sli, from, to) }
      : { good, total };
  }

  private async post(req: GateRequest, now = this.o.clock()): Promise<GateReport> {
    const change = await this.changeFor(req);
    const stored = await this.o.gates.finalFor(change.id);
    if (stored) return stored;
    return this.analyse(change, req, now);
  }

  private async analyse(change: StoredChange, req: GateRequest, now: number): Promise<GateReport> {
    const gate = this.gateOf(change.service);
    const configured = gate?.analysis ?? { ...ANALYSIS_DEFAULTS, objectives: [] };
    // Default objectives are all key burn rates: any warning warns (score ≥ 50), any failure fails.
    const analysis =
      configured.objectives.length === 0
        ? { ...configured, totalScore: DEFAULT_OBJECTIVES_SCORE }
        : configured;
    const objectives = this.objectivesOf(change.service, gate);
    const windows = analysisWindows(change.occurredAt, analysis);
    const data = new Map<string, { evaluation: WindowData; baseline: WindowData }>();
    for (const o of objectives) {
      if (data.has(o.sli)) continue;
      const latency = objectives.some((x) => x.sli === o.sli && x.metric.startsWith('latency'));
      data.set(o.sli, {
        evaluation: await this.windowData(o.sli, windows.evaluation.from, windows.evaluation.to, latency),
        baseline: await this.windowData(o.sli, windows.baseline.from, windows.baseline.to, latency),
      });
    }
    const result = postDeploy(objectives, data, analysis, change.occurredAt, now);
    const final = result.pendingUntil === undefined;
    const report: GateReport = {
      id: sortableId(now),
      service: change.service,
      version: change.version,
      stage: 'post',
      result: result.result,
      ...(result.score !== undefined && { score: result.score }),
      evaluatedAt: now,
      ...(gate && { gate: gate.name }),
      change: {
        id: change.id,
        occurredAt: change.occurredAt,
        summary: change.summary,
        version: change.version,
      },
      fix: req.fix,
      ...(req.override && { override: req.override }),
      requestedBy: req.requestedBy,
      final,
      reasons: result.reasons,
      post: {
        baseline: result.windows.baseline,
        evaluation: result.windows.evaluation,
        totalScore: analysis.totalScore,
        minEvents: analysis.minEvents,
        objectives: result.objectives,
        ...(result.scoreRange && { scoreRange: result.scoreRange }),
        ...(result.pendingUntil !== undefined && { pendingUntil: result.pendingUntil }),
      },
    };
    // A failed final verdict claims the rollback in the same transaction; a fix is never rolled back.
    const hook = final && report.result === 'fail' && !req.fix ? gate?.rollback : undefined;
    const at = this.o.clock();
    const added = await this.o.gates.add(
      report,
      hook && { url: shownUrl(hook.url, this.resolve(hook.url)), at, leaseMs: ROLLBACK_LEASE_MS },
    );
    if (added.stored) this.o.onStored?.();
    // Sent after the answer: a slow CD system must not hold up the pipeline asking.
    if (added.rollbackClaimed && gate) this.track(this.callRollback(report, gate));
    return added.report;
  }

  private readonly sending = new Set<Promise<void>>();

  private track(p: Promise<void>): void {
    const tracked = p
      .catch((err: unknown) => this.o.log('rollback hook failed', { err: String(err) }))
      .finally(() => this.sending.delete(tracked));
    this.sending.add(tracked);
  }

  /** Waits for the rollback calls under way (tests; closing the server). */
  async settled(): Promise<void> {
    while (this.sending.size > 0) await Promise.all([...this.sending]);
  }

  /**
   * Analyses every deploy recorded in the lookback whose evaluation window has
   * ended and that has no final verdict yet; the number analysed.
   */
  async runDue(): Promise<number> {
    const now = this.o.clock();
    // The catalog keeps delay + window + baseline within 12 h; an hour more for a server that was down.
    const lookback = this.o.autoLookbackMs ?? 13 * HOUR;
    const recent = await this.o.changes.list({ sinceMs: now - lookback, type: 'deploy', limit: 5000 });
    const due = recent.filter((c) => {
      if (!this.o.catalog.Service.has(c.service)) return false;
      const gate = this.gateOf(c.service);
      const analysis = gate?.analysis ?? ANALYSIS_DEFAULTS;
      return analysisWindows(c.occurredAt, { ...analysis, objectives: [] }).evaluation.to + SETTLE_MS <= now;
    });
    const done = await this.o.gates.finalized(due.map((c) => c.id));
    let n = 0;
    for (const c of due) {
      if (done.has(c.id)) continue;
      if (this.objectivesOf(c.service, this.gateOf(c.service)).length === 0) continue;
      await this.analyse(c, { service: c.service, stage: 'post', fix: false, requestedBy: 'nines' }, now);
      n++;
    }
    await this.retryRollbacks(now);
    return n;
  }

  private resolve(value: string): string | { missing: string } {
    const m = ENV_REF.exec(value);
    if (!m) return value;
    const name = m[1] as string;
    const found = this.o.env[name];
    return found === undefined || found === '' ? { missing: name } : found;
  }

  private async callRollback(report: GateReport, gate: ReleaseGate): Promise<void> {
    if (!gate.rollback || !report.change) return;
    const url = this.resolve(gate.rollback.url);
    const secret = this.resolve(gate.rollback.secret);
    const finish = (outcome: {
      ok: boolean;
      status: number | null;
      error: string | null;
      attempts: number;
    }) =>
      this.o.gates.finishRollback(report.change?.id ?? '', {
        status: outcome.ok ? 'delivered' : 'failed',
        httpStatus: outcome.status,
        response: null,
        error: outcome.error,
        attempts: outcome.attempts,
        at: this.o.clock(),
      });
    if (typeof url !== 'string' || typeof secret !== 'string') {
      const missing = typeof url !== 'string' ? url.missing : (secret as { missing: string }).missing;
      await finish({ ok: false, status: null, error: `${missing} is not set where nines runs`, attempts: 0 });
      this.o.log('rollback hook not called', { service: report.service, missing });
      return;
    }
    const body = {
      event: 'gate.failed',
      action: 'rollback',
      service: report.service,
      version: report.version,
      change: report.change,
      gate: { id: report.id, name: report.gate ?? null, result: report.result, score: report.score ?? null },
      reasons: report.reasons,
    };
    let last: SendResult = { ok: false, retryable: true, error: 'not sent' };
    let attempts = 0;
    while (attempts < ROLLBACK_ATTEMPTS) {
      if (attempts > 0) await new Promise((r) => setTimeout(r, 250 * 2 ** attempts));
      attempts++;
      last = await sendWebhook({
        url,
        secret,
        body,
        idempotencyId: `rollback:${report.change.id}`,
        timeoutMs: this.o.rollbackTimeoutMs ?? 10_000,
        now: this.o.clock(),
      });
      if (last.ok || !last.retryable) break;
    }
    await finish({
      ok: last.ok,
      status: last.status ?? null,
      error: last.ok ? null : last.error,
      attempts,
    });
    this.o.log(last.ok ? 'rollback hook called' : 'rollback hook failed', {
      service: report.service,
      change: report.change.id,
      status: last.status,
    });
  }

  /** Calls whose sender stopped before the answer (its lease ran out) are sent again, same delivery id. */
  private async retryRollbacks(now: number): Promise<void> {
    for (const call of await this.o.gates.takeOverRollbacks(now, ROLLBACK_LEASE_MS)) {
      const report = await this.o.gates.get(call.gateResult);
      const gate = report ? this.gateOf(report.service) : undefined;
      if (report && gate?.rollback) this.track(this.callRollback(report, gate));
      else
        await this.o.gates.finishRollback(call.changeId, {
          status: 'failed',
          httpStatus: null,
          response: null,
          error: "the service's release gate has no rollback hook any more",
          attempts: call.attempts,
          at: now,
        });
    }
  }
}

/**
 * The rollback hook's address as stored and shown to viewers: the catalog's
 * `${env:NAME}` as written, else the URL without credentials, query or fragment.
 */
function shownUrl(written: string, resolved: string | { missing: string }): string {
  if (ENV_REF.test(written) || typeof resolved !== 'string') return written;
  try {
    const u = new URL(resolved);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(not a URL)';
  }
}
