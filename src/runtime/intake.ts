import { RateLimiter } from '../alerting/rate-limit.js';
import type { AlertEvent, ChangeEvent, IntegrationType } from '../alerting/types.js';
import { ChangeRepository } from '../store/changes.js';
import type { Store } from '../store/db.js';
import { GroupCommit } from '../store/group-commit.js';
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

/** Most events in one transaction, so a flood cannot build one without end. */
const MAX_GROUP_EVENTS = 5_000;

/**
 * Alert intake: key lookup, per-key rate limits and a group commit like the SLI
 * EventWriter's. Requests that arrive while a transaction runs share the next
 * one; each is answered only after its transaction commits.
 */
export class Intake {
  private readonly queue: GroupCommit<IntakeJob, IntakeResult>;
  private readonly repo: IntakeRepository;
  private readonly limiter: RateLimiter;
  readonly integrations: IntegrationRepository;
  readonly changes: ChangeRepository;

  constructor(
    private readonly store: Store,
    limits: { readonly ratePerSecond: number; readonly burst: number },
  ) {
    this.repo = new IntakeRepository(store.db);
    this.integrations = new IntegrationRepository(store.db);
    this.changes = new ChangeRepository(store.db);
    this.limiter = new RateLimiter(limits.ratePerSecond, limits.burst);
    this.queue = new GroupCommit({
      commit: (jobs) => this.commit(jobs),
      weight: (job) => (job.kind === 'alerts' ? job.events.length : 1),
      maxWeight: MAX_GROUP_EVENTS,
      closedMessage: 'alert intake is closed',
    });
  }

  /** Commits and jobs so far. */
  get stats(): { commits: number; jobs: number } {
    return this.queue.stats;
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

  /** Called after each committed job, so grouping can pick up what it brought. */
  onCommitted: (() => void) | undefined;

  async submit(job: IntakeJob): Promise<IntakeResult> {
    const result = await this.queue.submit(job);
    this.onCommitted?.();
    return result;
  }

  /** Waits for everything submitted so far to be committed (or failed). */
  close(): Promise<void> {
    return this.queue.close();
  }

  private commit(jobs: readonly IntakeJob[]): Promise<IntakeResult[]> {
    return this.store.db.transaction().execute(async (trx) => {
      const alertJobs = jobs.flatMap((job) => (job.kind === 'alerts' ? [job] : []));
      const applied = await this.repo.applyMany(alertJobs, trx);
      const out: IntakeResult[] = [];
      let next = 0;
      for (const job of jobs) {
        if (job.kind === 'alerts') {
          out.push({ kind: 'alerts', applied: applied[next++] ?? [] });
        } else {
          out.push({
            kind: 'change',
            ...(await this.changes.add(
              {
                integrationId: job.integration.id,
                service: job.integration.service,
                summary: job.change.summary,
                type: null,
                version: null,
                author: null,
                source: job.change.source,
                occurredAt: job.change.occurredAt,
                links: job.change.links,
                customDetails: job.change.customDetails,
                ...(job.change.changeKey !== undefined && { changeKey: job.change.changeKey }),
              },
              job.receivedAt,
              trx,
            )),
          });
        }
      }
      return out;
    });
  }
}
