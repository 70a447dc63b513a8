import { RateLimiter } from '../alerting/rate-limit.js';
import type { AlertEvent, ChangeEvent, IntegrationType } from '../alerting/types.js';
import type { Store } from '../store/db.js';
import { type AppliedEvent, IntakeRepository } from '../store/intake.js';
import { type Integration, IntegrationRepository } from '../store/integrations.js';

export type IntakeJob =
  | {
      readonly kind: 'alerts';
      readonly integration: Integration;
      readonly events: readonly AlertEvent[];
      readonly receivedAt: number;
    }
  | {
      readonly kind: 'change';
      readonly integration: Integration;
      readonly change: ChangeEvent;
      readonly receivedAt: number;
    };

export type IntakeResult =
  | { readonly kind: 'alerts'; readonly applied: readonly AppliedEvent[] }
  | { readonly kind: 'change'; readonly id: string | null; readonly duplicate: boolean };

interface Pending {
  readonly job: IntakeJob;
  readonly resolve: (r: IntakeResult) => void;
  readonly reject: (e: unknown) => void;
}

/** Most events in one transaction, so a flood cannot build one without end. */
const MAX_GROUP_EVENTS = 5_000;

/**
 * Alert intake: key lookup, per-key rate limits and a group commit like the SLI
 * EventWriter's. Requests that arrive while a transaction runs share the next
 * one; each is answered only after its transaction commits.
 */
export class Intake {
  private queue: Pending[] = [];
  private running: Promise<void> | undefined;
  private closed = false;
  readonly stats = { commits: 0, jobs: 0 };
  private readonly repo: IntakeRepository;
  private readonly limiter: RateLimiter;
  readonly integrations: IntegrationRepository;

  constructor(
    private readonly store: Store,
    limits: { readonly ratePerSecond: number; readonly burst: number },
  ) {
    this.repo = new IntakeRepository(store.db);
    this.integrations = new IntegrationRepository(store.db);
    this.limiter = new RateLimiter(limits.ratePerSecond, limits.burst);
  }

  get repository(): IntakeRepository {
    return this.repo;
  }

  /** The live integration of `key` if it is of `type`; undefined for anything else, alike. */
  async integration(key: string, type: IntegrationType, nowMs: number): Promise<Integration | undefined> {
    const found = await this.integrations.resolve(key, nowMs);
    return found?.type === type ? found : undefined;
  }

  /** Counts `events` against the integration's rate; when over, how long to wait. */
  admit(integration: Integration, events: number, nowMs: number) {
    return this.limiter.take(integration.id, Math.max(1, events), nowMs);
  }

  submit(job: IntakeJob): Promise<IntakeResult> {
    if (this.closed) return Promise.reject(new Error('alert intake is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.running ??= this.drain();
    });
  }

  /** Waits for everything submitted so far to be committed (or failed). */
  async close(): Promise<void> {
    this.closed = true;
    await this.running;
  }

  private async drain(): Promise<void> {
    await new Promise((r) => setImmediate(r));
    while (this.queue.length > 0) {
      const group: Pending[] = [];
      let events = 0;
      while (this.queue.length > 0 && (group.length === 0 || events < MAX_GROUP_EVENTS)) {
        const next = this.queue.shift() as Pending;
        group.push(next);
        events += next.job.kind === 'alerts' ? next.job.events.length : 1;
      }
      await this.commit(group);
    }
    this.running = undefined;
  }

  private async commit(group: readonly Pending[]): Promise<void> {
    let results: IntakeResult[];
    try {
      results = await this.store.db.transaction().execute(async (trx) => {
        const alertJobs = group.flatMap(({ job }) => (job.kind === 'alerts' ? [job] : []));
        const applied = await this.repo.applyMany(alertJobs, trx);
        const out: IntakeResult[] = [];
        let next = 0;
        for (const { job } of group) {
          if (job.kind === 'alerts') {
            out.push({ kind: 'alerts', applied: applied[next++] ?? [] });
          } else {
            out.push({
              kind: 'change',
              ...(await this.repo.addChange(job.integration, job.change, job.receivedAt, trx)),
            });
          }
        }
        return out;
      });
    } catch (err) {
      // One failing job must not fail the others that shared its transaction.
      if (group.length > 1) {
        for (const p of group) await this.commit([p]);
        return;
      }
      for (const p of group) p.reject(err);
      return;
    }
    this.stats.commits++;
    this.stats.jobs += group.length;
    for (const [i, p] of group.entries()) {
      const r = results[i];
      if (r) p.resolve(r);
      else p.reject(new Error('no result for a committed job'));
    }
  }
}
