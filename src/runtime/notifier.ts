import type { Catalog, ContactMethod } from '../catalog/model.js';
import { ENV_REF } from '../catalog/schema/oncall.js';
import type { Incident } from '../incidents/types.js';
import { createActionToken } from '../notify/action-links.js';
import { retryDelay } from '../notify/backoff.js';
import { renderPage } from '../notify/message.js';
import { type MailTransport, type SendResult, sendEmail, sendSlack, sendWebhook } from '../notify/senders.js';
import { journeysAtRisk } from '../slo/impact.js';
import type { Store } from '../store/db.js';
import { IncidentRepository } from '../store/incidents.js';
import { type NotificationRow, PagingRepository } from '../store/oncall.js';

export interface NotifierOptions {
  readonly store: Store;
  readonly catalog: Catalog;
  readonly clock: () => number;
  /** Where people reach nines: links in pages start with it (known once the server listens). */
  readonly publicUrl: () => string;
  /** Email is sent only with a transport (`--smtp-url`). */
  readonly mail?: { readonly transport: MailTransport; readonly from: string };
  /** Where `${env:NAME}` secrets of contact methods are read. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** One attempt, all of it: connect, send, answer. */
  readonly timeoutMs: number;
  /** Action links in pages expire after this. */
  readonly linkTtlMs: number;
  readonly log: (msg: string, err: unknown) => void;
  readonly random?: () => number;
}

/** Deliveries in flight at once, and to one destination (a dead receiver holds at most these). */
const MAX_IN_FLIGHT = 64;
const MAX_PER_DESTINATION = 4;

type Resolved =
  | { readonly ok: true; readonly contact: ContactMethod; readonly url?: string; readonly secret?: string }
  | { readonly ok: false; readonly error: string };

/**
 * Delivers notification rows: leases the due ones, sends each on its own (a
 * slow receiver holds only its own deliveries), retries with backoff and jitter
 * until the row's give-up time, and writes deliveries and failures on the
 * incident's timeline. A notification of an incident that is no longer
 * triggered is cancelled: acknowledged incidents stop notifying.
 */
export class Notifier {
  readonly paging: PagingRepository;
  private readonly incidents: IncidentRepository;
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly perDestination = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private again = false;
  private closed = false;
  private key: Buffer | undefined;

  constructor(private readonly options: NotifierOptions) {
    this.paging = new PagingRepository(options.store.db, options.store.dialect);
    this.incidents = new IncidentRepository(options.store.db, options.store.dialect);
  }

  /** Looks for due notifications every `intervalMs` (and whenever kicked). */
  start(intervalMs = 250): void {
    this.timer = setInterval(() => this.kick(), intervalMs);
    this.timer.unref();
  }

  kick(): void {
    if (this.closed) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    this.ticking = this.tick()
      .catch((err: unknown) => this.options.log('delivering notifications failed', err))
      .finally(() => {
        this.ticking = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Sends everything due now and waits for those deliveries (tests and shutdown). */
  async flush(): Promise<void> {
    await this.tick();
    await Promise.all([...this.inFlight.values()]);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.ticking;
    await Promise.all([...this.inFlight.values()]);
    this.options.mail?.transport.close();
  }

  private async tick(): Promise<void> {
    const free = MAX_IN_FLIGHT - this.inFlight.size;
    if (free <= 0) return;
    const now = this.options.clock();
    // The lease outlives one attempt: only a crashed sender lets it run out.
    const rows = await this.paging.claimDue(now, now + this.options.timeoutMs * 3 + 5_000, free, [
      ...this.inFlight.keys(),
    ]);
    for (const row of rows) {
      const destination = this.destination(row);
      const busy = this.perDestination.get(destination) ?? 0;
      if (busy >= MAX_PER_DESTINATION) {
        // Back in the queue for a later tick; other destinations go ahead.
        await this.paging.settle(
          row.id,
          row.claimed_until,
          { status: 'pending', dueAt: now + 250, unclaim: true },
          now,
        );
        continue;
      }
      this.perDestination.set(destination, busy + 1);
      const delivery = this.deliver(row)
        .catch((err: unknown) => this.options.log('a notification delivery failed unexpectedly', err))
        .finally(() => {
          this.inFlight.delete(row.id);
          const left = (this.perDestination.get(destination) ?? 1) - 1;
          if (left > 0) this.perDestination.set(destination, left);
          else this.perDestination.delete(destination);
        });
      this.inFlight.set(row.id, delivery);
    }
  }

  private destination(row: NotificationRow): string {
    const r = this.contactOf(row);
    if (!r.ok) return 'none';
    if (r.contact.type === 'email') return 'smtp';
    try {
      return new URL(r.url ?? '').host;
    } catch {
      return 'none';
    }
  }

  private contactOf(row: NotificationRow): Resolved {
    const contact = this.options.catalog.User.get(row.user_name)?.contacts.find(
      (c) => c.name === row.contact,
    );
    if (!contact)
      return { ok: false, error: `${row.user_name} has no contact method ${row.contact} any more` };
    const read = (value: string): string | { missing: string } => {
      const m = ENV_REF.exec(value);
      if (!m) return value;
      const name = m[1] as string;
      const found = this.options.env[name];
      return found === undefined || found === '' ? { missing: name } : found;
    };
    if (contact.type === 'email') return { ok: true, contact };
    const url = read(contact.url);
    if (typeof url !== 'string') return { ok: false, error: `${url.missing} is not set where nines runs` };
    if (contact.type === 'slack') return { ok: true, contact, url };
    const secret = read(contact.secret);
    if (typeof secret !== 'string')
      return { ok: false, error: `${secret.missing} is not set where nines runs` };
    return { ok: true, contact, url, secret };
  }

  private async deliver(row: NotificationRow): Promise<void> {
    const now = this.options.clock();
    const incident = await this.incidents.get(row.incident);
    if (incident?.status !== 'triggered' || incident.mergedInto !== null) {
      await this.paging.settle(row.id, row.claimed_until, { status: 'cancelled' }, now);
      return;
    }
    const resolved = this.contactOf(row);
    const result: SendResult = resolved.ok
      ? await this.send(row, incident, resolved, now)
      : { ok: false, retryable: false, error: resolved.error };
    const after = this.options.clock();
    const how = `${row.user_name} by ${row.channel}${row.contact === row.channel ? '' : ` (${row.contact})`}`;
    if (result.ok) {
      if (await this.paging.settle(row.id, row.claimed_until, { status: 'delivered', error: null }, after))
        await this.entry(row, after, `Notified ${how}`, { delivered: true });
      return;
    }
    const delay = Math.max(
      result.retryAfterMs ?? 0,
      retryDelay(row.attempts - 1, {}, this.options.random ?? Math.random),
    );
    if (result.retryable && after + delay < row.give_up_at) {
      await this.paging.settle(
        row.id,
        row.claimed_until,
        { status: 'pending', dueAt: after + delay, error: result.error },
        after,
      );
      return;
    }
    if (
      !(await this.paging.settle(row.id, row.claimed_until, { status: 'failed', error: result.error }, after))
    )
      return;
    await this.entry(
      row,
      after,
      `Could not notify ${how}: ${result.error} (${row.attempts} attempt${row.attempts === 1 ? '' : 's'}); escalation goes on`,
      { delivered: false, error: result.error },
    );
  }

  private async send(
    row: NotificationRow,
    incident: Incident,
    r: Extract<Resolved, { ok: true }>,
    now: number,
  ): Promise<SendResult> {
    this.key ??= await this.paging.secret('action-links', now);
    const key = this.key;
    const base = this.options.publicUrl().replace(/\/+$/, '');
    const link = (action: 'acknowledge' | 'resolve') =>
      `${base}/act/${createActionToken(key, {
        incident: incident.number,
        action,
        // From when the notification was made, so every attempt sends the same links.
        expiresAt: row.created_at + this.options.linkTtlMs,
        user: row.user_name,
      })}`;
    const journeys = new Set(incident.journeys);
    for (const s of incident.suspectedCause ? [incident.suspectedCause.service] : incident.services)
      for (const e of journeysAtRisk(this.options.catalog, s)) if (e.critical) journeys.add(e.journey);
    const page = renderPage({
      incident,
      kind: row.level > 0 || row.round > 0 ? 'escalated' : 'triggered',
      level: row.level + 1,
      journeysAtRisk: [...journeys],
      links: {
        view: `${base}/api/v1/incidents/${incident.number}`,
        acknowledge: link('acknowledge'),
        resolve: link('resolve'),
      },
    });
    const { contact } = r;
    switch (contact.type) {
      case 'email': {
        const mail = this.options.mail;
        if (!mail) return { ok: false, retryable: false, error: 'no SMTP server is configured (--smtp-url)' };
        // SMTP timeouts apply per stage; the attempt as a whole is bounded here, inside the lease.
        return withDeadline(
          sendEmail(mail.transport, {
            from: mail.from,
            to: contact.address,
            subject: page.subject,
            text: page.text,
            html: page.html,
            idempotencyId: row.id,
          }),
          this.options.timeoutMs * 2,
        );
      }
      case 'slack':
        return sendSlack({ url: r.url ?? '', payload: page.slack, timeoutMs: this.options.timeoutMs });
      case 'webhook':
        return sendWebhook({
          url: r.url ?? '',
          secret: r.secret ?? '',
          body: page.webhook,
          idempotencyId: row.id,
          timeoutMs: this.options.timeoutMs,
          now,
        });
    }
  }

  private async entry(row: NotificationRow, at: number, message: string, data: Record<string, unknown>) {
    await this.incidents.addTimeline(this.options.store.db, [
      {
        incident: row.incident,
        at,
        type: 'notification',
        actor: 'nines',
        message,
        data: { notification: row.id, user: row.user_name, channel: row.channel, level: row.level, ...data },
      },
    ]);
  }
}

/** The result of `attempt`, or a retryable timeout once `ms` have passed. */
async function withDeadline(attempt: Promise<SendResult>, ms: number): Promise<SendResult> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<SendResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, retryable: true, error: `no answer within ${ms} ms` }), ms);
  });
  try {
    return await Promise.race([attempt, late]);
  } finally {
    clearTimeout(timer);
  }
}
