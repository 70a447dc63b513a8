import type { Catalog, EscalationPolicy, EscalationTarget } from '../catalog/model.js';
import type { Subject } from '../incidents/types.js';
import { type PolicySnapshot, step } from '../oncall/escalation.js';
import { onCallAt } from '../oncall/schedule.js';
import type { Store } from '../store/db.js';
import { type Db, IncidentRepository, type NewTimelineEntry } from '../store/incidents.js';
import { type NotificationRow, OverrideRepository, PagingRepository } from '../store/oncall.js';
import { Drain } from './drain.js';

export interface EscalatorOptions {
  readonly store: Store;
  readonly catalog: Catalog;
  readonly clock: () => number;
  /** How long a notification is retried before it is given up (the next level still proceeds). */
  readonly giveUpMs: number;
  readonly log: (msg: string, err: unknown) => void;
  /** Told when notifications were added, so they go out at once. */
  readonly onPaged?: () => void;
}

const BATCH = 100;
const DAY = 86_400_000;

/**
 * Escalation: an incident that opens starts its service's policy (a durable
 * row with the level and round it is at, in the same transaction as the
 * incident); each level due pages the people its targets name at that moment
 * (notification rows with deterministic ids), then the row moves on. Levels
 * stop once the incident is acknowledged or resolved. A restart finds the rows
 * where they were; a level whose notifications were written is never written
 * twice (the ids collide), so nobody is paged twice for one level.
 */
export class Escalator {
  readonly paging: PagingRepository;
  private readonly incidents: IncidentRepository;
  private readonly overrides: OverrideRepository;
  private readonly drain: Drain;

  constructor(private readonly options: EscalatorOptions) {
    this.drain = new Drain(
      () => this.batch(),
      (n) => n > 0,
      (err) => this.options.log('escalating incidents failed', err),
    );
    this.paging = new PagingRepository(options.store.db, options.store.dialect);
    this.incidents = new IncidentRepository(options.store.db, options.store.dialect);
    this.overrides = new OverrideRepository(options.store.db);
  }

  /**
   * The policy for an incident: its suspected cause's service's, else its subject
   * service's, else the owner team's; for a journey, the journey owner team's.
   */
  policyFor(incident: { subject: Subject; cause: string | null }): EscalationPolicy | undefined {
    const { catalog } = this.options;
    const ofService = (name: string) => {
      const service = catalog.Service.get(name);
      const policy = service?.escalationPolicy ?? catalog.Team.get(service?.owner ?? '')?.escalationPolicy;
      return policy === undefined ? undefined : catalog.EscalationPolicy.get(policy);
    };
    if (incident.cause !== null) {
      const found = ofService(incident.cause);
      if (found) return found;
    }
    if (incident.subject.kind === 'service') return ofService(incident.subject.name);
    const owner = catalog.Journey.get(incident.subject.name)?.owner;
    const policy = owner === undefined ? undefined : catalog.Team.get(owner)?.escalationPolicy;
    return policy === undefined ? undefined : catalog.EscalationPolicy.get(policy);
  }

  /**
   * Starts escalating an incident, in the caller's transaction (the one that
   * opened the incident or named a new cause). A policy already escalating
   * this incident is not started again.
   */
  async begin(
    trx: Db,
    incident: { number: number; subject: Subject; cause: string | null },
    at: number,
  ): Promise<NewTimelineEntry | undefined> {
    const policy = this.policyFor(incident);
    if (!policy)
      return {
        incident: incident.number,
        at,
        type: 'notification',
        actor: 'nines',
        message: `Nobody is paged: no escalation policy for ${incident.cause ?? incident.subject.name} or its owner team`,
        data: { paged: false },
      };
    const snapshot: PolicySnapshot = { name: policy.name, levels: policy.levels, repeat: policy.repeat };
    const started = await this.paging.startEscalation(trx, {
      incident: incident.number,
      policy: policy.name,
      snapshot,
      at,
    });
    if (!started) return undefined;
    return {
      incident: incident.number,
      at,
      type: 'notification',
      actor: 'nines',
      message: `Escalating with policy ${policy.name}`,
      data: { policy: policy.name },
    };
  }

  kick(): void {
    this.drain.kick();
  }

  /** Works off everything due or pending; resolves with how much it handled. */
  run(): Promise<number> {
    return this.drain.run();
  }

  close(): Promise<void> {
    return this.drain.close();
  }

  private async batch(): Promise<number> {
    let paged = 0;
    const done = await this.options.store.db.transaction().execute(async (trx) => {
      await this.paging.lockEscalations(trx);
      const now = this.options.clock();
      const due = await this.paging.dueEscalations(trx, now, BATCH);
      const timeline: NewTimelineEntry[] = [];
      for (const e of due) {
        const incident = await this.incidents.get(e.incident, trx);
        if (incident?.status !== 'triggered' || incident.mergedInto !== null) {
          await this.paging.moveEscalation(trx, e.id, { status: 'stopped' }, now);
          continue;
        }
        const policy = JSON.parse(e.policy_snapshot) as PolicySnapshot;
        const { fire, next } = step(policy, { level: e.level, round: e.round, nextAt: e.next_at });
        const { users, unstaffed } = await this.resolve(trx, fire.targets, now);
        const rows = this.notifications(e.id, e.incident, fire, users, now);
        paged += await this.paging.addNotifications(trx, rows);
        const label = `Level ${fire.level + 1}${fire.round > 0 ? ` (round ${fire.round + 1})` : ''} of ${policy.name}`;
        timeline.push({
          incident: e.incident,
          at: now,
          type: 'notification',
          actor: 'nines',
          message:
            users.length > 0
              ? `${label}: paging ${users.join(', ')}${unstaffed.length > 0 ? `; nobody on call for ${unstaffed.join(', ')}` : ''}`
              : `${label}: nobody to page (nobody on call for ${unstaffed.join(', ') || 'its targets'})`,
          data: { policy: policy.name, level: fire.level, round: fire.round, users, unstaffed },
        });
        if (next) {
          await this.paging.moveEscalation(
            trx,
            e.id,
            { level: next.level, round: next.round, nextAt: next.nextAt },
            now,
          );
        } else {
          await this.paging.moveEscalation(trx, e.id, { status: 'exhausted' }, now);
          timeline.push({
            incident: e.incident,
            at: now,
            type: 'notification',
            actor: 'nines',
            message: `Policy ${policy.name} exhausted: nobody acknowledged after ${policy.repeat + 1} round${policy.repeat === 0 ? '' : 's'}`,
            data: { policy: policy.name, exhausted: true },
          });
        }
      }
      await this.incidents.addTimeline(trx, timeline);
      return due.length;
    });
    if (paged > 0) this.options.onPaged?.();
    return done;
  }

  /** The people a level's targets name now; targets with nobody on call are listed apart. */
  private async resolve(
    trx: Db,
    targets: readonly EscalationTarget[],
    now: number,
  ): Promise<{ users: string[]; unstaffed: string[] }> {
    const { catalog } = this.options;
    const users = new Set<string>();
    const unstaffed: string[] = [];
    for (const t of targets) {
      if (t.type === 'user') {
        users.add(t.name);
        continue;
      }
      const scheduleName = t.type === 'schedule' ? t.name : catalog.Team.get(t.name)?.schedule;
      const schedule = scheduleName === undefined ? undefined : catalog.Schedule.get(scheduleName);
      if (!schedule) {
        unstaffed.push(`${t.type} ${t.name}`);
        continue;
      }
      const overrides = await this.overrides.list(
        { schedule: schedule.name, fromMs: now - 366 * DAY, toMs: now + 366 * DAY },
        trx,
      );
      const shift = onCallAt(schedule, overrides, now);
      if (shift) users.add(shift.user);
      else unstaffed.push(`${t.type} ${t.name}`);
    }
    return { users: [...users], unstaffed };
  }

  /** One row per person and notification rule; the id is the idempotency id receivers see. */
  private notifications(
    escalation: string,
    incident: number,
    fire: { level: number; round: number },
    users: readonly string[],
    now: number,
  ): NotificationRow[] {
    const rows: NotificationRow[] = [];
    for (const name of users) {
      const user = this.options.catalog.User.get(name);
      if (!user) continue;
      user.notify.forEach((rule, i) => {
        const contact = user.contacts.find((c) => c.name === rule.via);
        if (!contact) return;
        const due = now + rule.afterMs;
        rows.push({
          id: `${escalation}:${fire.round}:${fire.level}:${name}:${i}`,
          incident,
          escalation,
          user_name: name,
          contact: contact.name,
          channel: contact.type,
          level: fire.level,
          round: fire.round,
          status: 'pending',
          attempts: 0,
          due_at: due,
          give_up_at: due + this.options.giveUpMs,
          claimed_until: null,
          last_error: null,
          created_at: now,
          delivered_at: null,
        });
      });
    }
    return rows;
  }
}
