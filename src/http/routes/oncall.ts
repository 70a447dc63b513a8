import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Catalog, Schedule } from '../../catalog/model.js';
import { NinesError } from '../../errors.js';
import { scheduleCalendar, userCalendar } from '../../oncall/ical.js';
import { finalSchedule, gaps, nextHandoff, onCallAt, type Shift } from '../../oncall/schedule.js';
import type { Escalator } from '../../runtime/escalation.js';
import type { IncidentService } from '../../runtime/incidents.js';
import type {
  CalendarFeedRepository,
  OverrideRepository,
  PagingRepository,
  StoredOverride,
} from '../../store/oncall.js';
import { iso } from '../presenters.js';
import { errorResponses, timestamp } from '../schemas.js';
import { timeQuery } from './changes.js';

export interface OnCallRoutesDeps {
  readonly catalog: Catalog;
  readonly overrides: OverrideRepository;
  readonly feeds: CalendarFeedRepository;
  readonly paging: PagingRepository;
  readonly escalator: Pick<Escalator, 'policyFor'>;
  readonly incidents: Pick<IncidentService, 'get'>;
  readonly publicUrl: () => string;
  readonly clock: () => number;
  /** Told after an override was added or removed. */
  readonly onChange?: () => void;
}

const DAY = 86_400_000;
/** Schedules are expanded a year around a time: keep times well inside what a Date holds. */
const LATEST = Date.UTC(9999, 0, 1);
const boundedTime = timeQuery.refine((t) => t <= LATEST, 'a time before the year 9999');

const shift = z.strictObject({ user: z.string(), start: timestamp, end: timestamp, source: z.string() });
const presentShift = (s: Shift) => ({ user: s.user, start: iso(s.start), end: iso(s.end), source: s.source });
const override = z.strictObject({
  id: z.string(),
  schedule: z.string(),
  user: z.string(),
  start: timestamp,
  end: timestamp,
  reason: z.string().nullable(),
  createdBy: z.string(),
});
const presentOverride = (o: StoredOverride) => ({
  id: o.id,
  schedule: o.schedule,
  user: o.user,
  start: iso(o.start),
  end: iso(o.end),
  reason: o.reason,
  createdBy: o.createdBy,
});
const onCallNow = z.strictObject({
  schedule: z.string(),
  displayName: z.string().optional(),
  timeZone: z.string(),
  onCall: shift.nullable().describe('who is on call at `at`, with the handoffs around it'),
  next: z.strictObject({ at: timestamp, user: z.string().nullable() }).nullable().describe('the next change'),
});
const feed = z.strictObject({
  id: z.string(),
  kind: z.enum(['schedule', 'user']),
  name: z.string(),
  createdBy: z.string(),
  createdAt: timestamp,
  revokedAt: timestamp.nullable(),
});
for (const [schema, id] of [
  [shift, 'Shift'],
  [override, 'ScheduleOverride'],
  [onCallNow, 'OnCallNow'],
  [feed, 'CalendarFeed'],
] as const)
  if (!z.globalRegistry.has(schema)) z.globalRegistry.add(schema, { id });

/** Schedules, who is on call, overrides, calendar feeds and an incident's paging. */
export function registerOnCallRoutes(app: FastifyInstance, deps: OnCallRoutesDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { catalog } = deps;
  const tags = ['on-call'];
  const scheduleOf = (name: string): Schedule => {
    const s = catalog.Schedule.get(name);
    if (!s) throw new NinesError('NOT_FOUND', `no schedule named '${name}' in the catalog`);
    return s;
  };
  const overridesOf = (schedule: string, fromMs: number, toMs: number) =>
    deps.overrides.list({ schedule, fromMs, toMs });
  const nowOf = async (s: Schedule, at: number) => {
    const overrides = await overridesOf(s.name, at - 366 * DAY, at + 366 * DAY);
    const current = onCallAt(s, overrides, at);
    const next = nextHandoff(s, overrides, at);
    return {
      schedule: s.name,
      ...(s.displayName !== undefined && { displayName: s.displayName }),
      timeZone: s.timeZone,
      onCall: current ? presentShift(current) : null,
      next: next ? { at: iso(next.at), user: next.user } : null,
    };
  };

  r.get(
    '/api/v1/oncall',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary:
          'Who is on call now (or at `at`), per schedule, or for a service through its escalation policy',
        querystring: z.object({
          at: boundedTime.optional(),
          service: z.string().min(1).max(253).optional(),
        }),
        response: {
          200: z
            .strictObject({
              at: timestamp,
              schedules: z.array(onCallNow),
              service: z
                .strictObject({
                  name: z.string(),
                  policy: z.string().nullable(),
                  levels: z.array(
                    z.strictObject({
                      level: z.number().int(),
                      escalateAfterMinutes: z.number(),
                      users: z.array(z.string()),
                      unstaffed: z.array(z.string()),
                    }),
                  ),
                })
                .optional()
                .describe('who each level of the service’s policy would page at `at`'),
            })
            .describe('On call'),
          ...errorResponses('VALIDATION_FAILED', 'NOT_FOUND'),
        },
      },
    },
    async (request) => {
      const at = request.query.at ?? deps.clock();
      const schedules = await Promise.all([...catalog.Schedule.values()].map((s) => nowOf(s, at)));
      const name = request.query.service;
      if (name === undefined) return { at: iso(at), schedules };
      const service = catalog.Service.get(name);
      if (!service) throw new NinesError('NOT_FOUND', `no service named '${name}' in the catalog`);
      const policy = deps.escalator.policyFor({ subject: { kind: 'service', name }, cause: name });
      const levels = [];
      for (const [i, level] of (policy?.levels ?? []).entries()) {
        const users = new Set<string>();
        const unstaffed: string[] = [];
        for (const t of level.targets) {
          if (t.type === 'user') users.add(t.name);
          else {
            const scheduleName = t.type === 'schedule' ? t.name : catalog.Team.get(t.name)?.schedule;
            const s = scheduleName === undefined ? undefined : catalog.Schedule.get(scheduleName);
            const who = s ? onCallAt(s, await overridesOf(s.name, at, at + 1), at) : undefined;
            if (who) users.add(who.user);
            else unstaffed.push(`${t.type} ${t.name}`);
          }
        }
        levels.push({
          level: i + 1,
          escalateAfterMinutes: level.escalateAfterMs / 60_000,
          users: [...users],
          unstaffed,
        });
      }
      return { at: iso(at), schedules, service: { name, policy: policy?.name ?? null, levels } };
    },
  );

  r.get(
    '/api/v1/schedules/:name',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary:
          'A schedule rendered over a range: each layer, the overrides, the final schedule and its gaps',
        params: z.object({ name: z.string().min(1).max(253) }),
        querystring: z.object({
          from: boundedTime.optional().describe('default: now'),
          to: boundedTime.optional().describe('default: 14 days after from; at most 366 days'),
        }),
        response: {
          200: z
            .strictObject({
              schedule: z.string(),
              timeZone: z.string(),
              from: timestamp,
              to: timestamp,
              layers: z.array(z.strictObject({ name: z.string(), shifts: z.array(shift) })),
              overrides: z.array(override),
              final: z.array(shift),
              gaps: z.array(z.strictObject({ start: timestamp, end: timestamp })).describe('nobody on call'),
            })
            .describe('The schedule'),
          ...errorResponses('VALIDATION_FAILED', 'NOT_FOUND'),
        },
      },
    },
    async (request) => {
      const s = scheduleOf(request.params.name);
      const from = request.query.from ?? deps.clock();
      const to = request.query.to ?? Math.min(from + 14 * DAY, LATEST);
      if (to <= from || to - from > 366 * DAY)
        throw new NinesError(
          'VALIDATION_FAILED',
          'the range must end after it starts and span at most 366 days',
          [{ field: 'to', message: 'after from, at most 366 days later' }],
        );
      const overrides = await overridesOf(s.name, from, to);
      const view = finalSchedule(s, overrides, from, to);
      return {
        schedule: s.name,
        timeZone: s.timeZone,
        from: iso(from),
        to: iso(to),
        layers: view.layers.map((l) => ({ name: l.name, shifts: l.shifts.map(presentShift) })),
        overrides: overrides.map(presentOverride),
        final: view.final.map(presentShift),
        gaps: gaps(view.final, from, to).map((g) => ({ start: iso(g.start), end: iso(g.end) })),
      };
    },
  );

  r.post(
    '/api/v1/schedules/:name/overrides',
    {
      config: { role: 'responder' },
      schema: {
        tags,
        summary: 'Put someone on call in place of whoever the schedule has, for a time range',
        params: z.object({ name: z.string().min(1).max(253) }),
        body: z.strictObject({
          user: z.string().min(1).max(253),
          start: boundedTime.optional().describe('RFC 3339 or epoch milliseconds; default: now'),
          end: boundedTime,
          reason: z.string().trim().min(1).max(500).optional(),
        }),
        response: {
          201: override.describe('The override'),
          ...errorResponses('VALIDATION_FAILED', 'FORBIDDEN', 'NOT_FOUND'),
        },
      },
    },
    async (request, reply) => {
      const s = scheduleOf(request.params.name);
      const b = request.body;
      const [start, end] = [b.start ?? deps.clock(), b.end];
      const problems = [
        ...(catalog.User.has(b.user)
          ? []
          : [{ field: 'user', message: `no user named '${b.user}' in the catalog` }]),
        ...(end > start ? [] : [{ field: 'end', message: 'must be after start' }]),
        ...(end - start <= 366 * DAY
          ? []
          : [{ field: 'end', message: 'an override lasts at most 366 days' }]),
      ];
      if (problems.length > 0)
        throw new NinesError('VALIDATION_FAILED', 'the override is not valid', problems);
      const saved = await deps.overrides.add(
        {
          schedule: s.name,
          user: b.user,
          start,
          end,
          reason: b.reason ?? null,
          createdBy: request.principal?.name ?? 'unknown',
        },
        deps.clock(),
      );
      deps.onChange?.();
      return reply.code(201).send(presentOverride(saved));
    },
  );

  r.delete(
    '/api/v1/schedules/:name/overrides/:id',
    {
      config: { role: 'responder' },
      schema: {
        tags,
        summary: 'Remove an override',
        params: z.object({ name: z.string().min(1).max(253), id: z.string().min(1).max(100) }),
        response: {
          204: z.null().describe('Removed'),
          ...errorResponses('VALIDATION_FAILED', 'FORBIDDEN', 'NOT_FOUND'),
        },
      },
    },
    async (request, reply) => {
      if (!(await deps.overrides.remove(request.params.name, request.params.id)))
        throw new NinesError(
          'NOT_FOUND',
          `no override '${request.params.id}' on schedule '${request.params.name}'`,
        );
      deps.onChange?.();
      return reply.code(204).send(null);
    },
  );

  r.get(
    '/api/v1/calendar-feeds',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'Calendar feeds (their secret URLs are shown only when created)',
        response: { 200: z.strictObject({ feeds: z.array(feed) }).describe('Feeds'), ...errorResponses() },
      },
    },
    async () => ({
      feeds: (await deps.feeds.list()).map((f) => ({
        ...f,
        createdAt: iso(f.createdAt),
        revokedAt: f.revokedAt === null ? null : iso(f.revokedAt),
      })),
    }),
  );

  r.post(
    '/api/v1/calendar-feeds',
    {
      config: { role: 'responder' },
      schema: {
        tags,
        summary:
          'A secret iCal URL for a schedule or a person, to subscribe to in Google Calendar or Outlook',
        body: z
          .strictObject({
            schedule: z.string().min(1).max(253).optional(),
            user: z.string().min(1).max(253).optional(),
          })
          .refine(
            (b) => (b.schedule === undefined) !== (b.user === undefined),
            'name a schedule or a user (one)',
          ),
        response: {
          201: feed
            .extend({ url: z.string().describe('shown once: keep it secret, revoke it when it leaks') })
            .describe('The feed'),
          ...errorResponses('VALIDATION_FAILED', 'FORBIDDEN'),
        },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const kind = b.schedule !== undefined ? 'schedule' : 'user';
      const name = b.schedule ?? b.user ?? '';
      if (kind === 'schedule' ? !catalog.Schedule.has(name) : !catalog.User.has(name))
        throw new NinesError('VALIDATION_FAILED', `no ${kind} named '${name}' in the catalog`, [
          { field: kind, message: `no ${kind} named '${name}' in the catalog` },
        ]);
      const { feed: f, token } = await deps.feeds.create(
        { kind, name, createdBy: request.principal?.name ?? 'unknown' },
        deps.clock(),
      );
      return reply.code(201).send({
        ...f,
        createdAt: iso(f.createdAt),
        revokedAt: null,
        url: `${deps.publicUrl()}/ical/${token}.ics`,
      });
    },
  );

  r.delete(
    '/api/v1/calendar-feeds/:id',
    {
      config: { role: 'responder' },
      schema: {
        tags,
        summary: 'Revoke a feed: its URL stops working at once',
        params: z.object({ id: z.string().min(1).max(100) }),
        response: {
          204: z.null().describe('Revoked'),
          ...errorResponses('VALIDATION_FAILED', 'FORBIDDEN', 'NOT_FOUND'),
        },
      },
    },
    async (request, reply) => {
      if (!(await deps.feeds.revoke(request.params.id, deps.clock())))
        throw new NinesError('NOT_FOUND', `no live calendar feed '${request.params.id}'`);
      return reply.code(204).send(null);
    },
  );

  // The feed itself: the secret in the URL is the credential (calendar clients send no headers).
  r.get(
    '/ical/:token',
    {
      config: { public: true },
      schema: { hide: true, params: z.object({ token: z.string().min(1).max(200) }) },
    },
    async (request, reply) => {
      const found = await deps.feeds.resolve(request.params.token.replace(/\.ics$/, ''));
      if (!found) throw new NinesError('NOT_FOUND', 'no such calendar feed');
      const now = deps.clock();
      const from = now - 30 * DAY;
      const to = now + 180 * DAY;
      let body: string;
      if (found.kind === 'schedule') {
        const s = catalog.Schedule.get(found.name);
        if (!s) throw new NinesError('NOT_FOUND', 'no such calendar feed');
        body = scheduleCalendar({
          name: s.name,
          ...(s.displayName !== undefined && { displayName: s.displayName }),
          timeZone: s.timeZone,
          shifts: finalSchedule(s, await overridesOf(s.name, from, to), from, to).final,
          now,
        });
      } else {
        const entries = [];
        for (const s of catalog.Schedule.values())
          entries.push({
            // The schedule's name, not its display name: event UIDs match its own feed's.
            schedule: s.name,
            ...(s.displayName !== undefined && { displayName: s.displayName }),
            shifts: finalSchedule(s, await overridesOf(s.name, from, to), from, to).final,
          });
        const user = catalog.User.get(found.name);
        body = userCalendar({
          user: found.name,
          ...(user?.fullName !== undefined && { displayName: user.fullName }),
          entries: entries.map((e) => ({ ...e, shifts: e.shifts.filter((x) => x.user === found.name) })),
          now,
        });
      }
      return reply
        .type('text/calendar; charset=utf-8')
        .header('cache-control', 'private, max-age=300')
        .send(body);
    },
  );

  r.get(
    '/api/v1/incidents/:number/paging',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'How an incident is being escalated: its policies and every notification with its delivery',
        params: z.object({
          number: z.coerce
            .number()
            .int()
            .min(1)
            .max(2 ** 31 - 1),
        }),
        response: {
          200: z
            .strictObject({
              escalations: z.array(
                z.strictObject({
                  policy: z.string(),
                  status: z.enum(['active', 'stopped', 'exhausted']),
                  level: z.number().int().describe('the level paged next, from 1'),
                  round: z.number().int().describe('from 1'),
                  nextAt: timestamp.nullable(),
                }),
              ),
              notifications: z.array(
                z.strictObject({
                  id: z.string().describe('the idempotency id receivers see'),
                  user: z.string(),
                  contact: z.string(),
                  channel: z.enum(['email', 'slack', 'webhook']),
                  level: z.number().int(),
                  round: z.number().int(),
                  status: z.enum(['pending', 'delivered', 'failed', 'cancelled']),
                  attempts: z.number().int(),
                  dueAt: timestamp,
                  deliveredAt: timestamp.nullable(),
                  lastError: z.string().nullable(),
                }),
              ),
            })
            .describe('Paging'),
          ...errorResponses('VALIDATION_FAILED', 'NOT_FOUND'),
        },
      },
    },
    async (request) => {
      const n = request.params.number;
      await deps.incidents.get(n);
      return {
        escalations: (await deps.paging.escalations(n)).map((e) => ({
          policy: e.policy,
          status: e.status as 'active' | 'stopped' | 'exhausted',
          level: e.level + 1,
          round: e.round + 1,
          nextAt: e.status === 'active' ? iso(e.next_at) : null,
        })),
        notifications: (await deps.paging.notifications(n)).map((x) => ({
          id: x.id,
          user: x.user_name,
          contact: x.contact,
          channel: x.channel as 'email' | 'slack' | 'webhook',
          level: x.level + 1,
          round: x.round + 1,
          status: x.status as 'pending' | 'delivered' | 'failed' | 'cancelled',
          attempts: x.attempts,
          dueAt: iso(x.due_at),
          deliveredAt: x.delivered_at === null ? null : iso(x.delivered_at),
          lastError: x.last_error,
        })),
      };
    },
  );
}
