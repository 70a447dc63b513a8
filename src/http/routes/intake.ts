import { randomBytes } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { parseAlertmanager } from '../../alerting/alertmanager.js';
import {
  PD_ACCEPTED,
  PD_BODY_LIMIT,
  PD_CHANGE_ACCEPTED,
  PD_INVALID,
  PD_UNRECOGNIZED,
  pagerDutyRoutingKey,
  parsePagerDutyChange,
  parsePagerDutyEvent,
} from '../../alerting/pagerduty.js';
import { parseSplunk, SPLUNK_BODY_LIMIT, splunkFailureMessage } from '../../alerting/splunk.js';
import type { FieldProblem, IntegrationType } from '../../alerting/types.js';
import { NinesError } from '../../errors.js';
import type { IntakeJob, IntakeResult } from '../../runtime/intake.js';
import type { Integration } from '../../store/integrations.js';
import { errorBody, fromFastify, STATUS, sendError } from '../errors.js';
import {
  alertmanagerAccepted,
  pagerDutyAccepted,
  pagerDutyChangeAccepted,
  pagerDutyError,
  splunkAccepted,
  splunkFailure,
} from '../intake-schemas.js';

/**
 * A UUID version 7 (RFC 9562): milliseconds first, then random bits. Generated
 * dedup keys then sort by time, so opening alerts appends to the open-alert
 * index instead of scattering across it (about a fifth more triggers a second).
 */
function uuidV7(): string {
  const b = randomBytes(16);
  const ms = Date.now();
  b.writeUIntBE(ms, 0, 6);
  b[6] = ((b[6] as number) & 0x0f) | 0x70;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** What the intake routes need: a narrow port that runtime/intake.ts implements. */
export interface IntakePort {
  integration(key: string, type: IntegrationType, nowMs: number): Promise<Integration | undefined>;
  admit(
    integration: Integration,
    events: number,
    nowMs: number,
  ): { ok: true } | { ok: false; retryAfterMs: number };
  submit(job: IntakeJob): Promise<IntakeResult>;
}

export interface IntakeDeps {
  readonly intake: IntakePort;
  readonly clock: () => number;
  /** Largest Alertmanager notification, in bytes (the server's body limit). */
  readonly alertmanagerBodyLimit: number;
}

/** Each protocol's answer to a coded error; `unparsable` when the body was not JSON. */
type Render = (error: NinesError, unparsable: boolean) => unknown;

const invalid = (problems: readonly FieldProblem[], message = 'the body is invalid; nothing was stored') =>
  new NinesError('VALIDATION_FAILED', message, problems);
/** Unknown, revoked and wrong-protocol keys look the same: nothing tells which keys exist. */
const unknownKey = () => new NinesError('NOT_FOUND', 'no live integration has this key');

const renderPagerDuty: Render = (e, unparsable) => {
  const errors = e.details.length > 0 ? e.details.map((d) => d.message) : [e.message];
  switch (e.code) {
    case 'VALIDATION_FAILED':
      return unparsable ? PD_UNRECOGNIZED : { ...PD_INVALID, errors };
    case 'NOT_FOUND':
      return { status: 'invalid routing key', message: 'Routing key not found', errors: [e.message] };
    case 'PAYLOAD_TOO_LARGE':
      return { status: 'payload too large', message: 'Event object is too large', errors };
    case 'RATE_LIMITED':
      return {
        status: 'throttle event',
        message: 'Requests for this service are arriving too quickly. Please retry later.',
        errors,
      };
    default:
      return { status: 'error', message: 'The event could not be processed; retry later', errors: [] };
  }
};

const renderSplunk: Render = (e, unparsable) => ({
  result: 'failure',
  message:
    e.code === 'VALIDATION_FAILED' && !unparsable && e.details.length > 0
      ? splunkFailureMessage(e.details.map((d) => ({ field: d.field ?? 'body', message: d.message })))
      : e.code === 'INTERNAL'
        ? 'the event could not be stored; retry later'
        : e.message,
});

/**
 * A scope whose routes take any content type as JSON (curl's default form type
 * included, as the real services do) and answer errors in `render`'s format.
 */
function protocolScope(
  app: FastifyInstance,
  render: Render | undefined,
  routes: (scope: FastifyInstance) => void,
) {
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string' }, scope.getDefaultJsonParser('error', 'error'));
    scope.setErrorHandler((error: FastifyError, request, reply) => {
      const unparsable =
        error instanceof SyntaxError ||
        error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ||
        error.code === 'FST_ERR_CTP_INVALID_JSON_BODY';
      let coded = unparsable
        ? new NinesError('VALIDATION_FAILED', 'the body is not valid JSON')
        : error instanceof NinesError
          ? error
          : (fromFastify(error, request) ??
            (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500
              ? new NinesError('VALIDATION_FAILED', error.message)
              : undefined));
      if (coded === undefined) {
        request.log.error({ err: error }, 'alert intake failed');
        coded = new NinesError('INTERNAL', 'internal error');
      }
      if (render === undefined) return sendError(reply, coded.code, coded.message, coded.details);
      return reply.code(STATUS[coded.code]).send(render(coded, unparsable));
    });
    routes(scope);
  });
}

async function commit(deps: IntakeDeps, job: IntakeJob, request: FastifyRequest): Promise<IntakeResult> {
  try {
    return await deps.intake.submit(job);
  } catch (err) {
    request.log.error({ err }, 'storing an alert event failed');
    throw new NinesError('UNAVAILABLE', 'the event could not be stored; retry it');
  }
}

/**
 * Applies the key's rate limit. PagerDuty clients retry a 429; Alertmanager and
 * Splunk On-Call clients retry only 5xx, so for them an over-limit is a 503, or
 * the throttled notification would be lost.
 */
function admit(
  deps: IntakeDeps,
  integration: Integration,
  events: number,
  now: number,
  reply: FastifyReply,
  code: 'RATE_LIMITED' | 'UNAVAILABLE' = 'RATE_LIMITED',
) {
  const verdict = deps.intake.admit(integration, events, now);
  if (!verdict.ok) {
    const seconds = Math.max(1, Math.ceil(verdict.retryAfterMs / 1000));
    void reply.header('retry-after', String(seconds));
    throw new NinesError(code, `this integration key sends more events than allowed; retry in ${seconds} s`);
  }
}

const keyParam = z.string().min(1).max(2048);
const doc = { validatorCompiler: () => (data: unknown) => ({ value: data }) };
const pdErrors = {
  400: pagerDutyError,
  404: pagerDutyError,
  413: pagerDutyError,
  429: pagerDutyError,
  503: pagerDutyError,
};
const splunkErrors = {
  400: splunkFailure,
  404: splunkFailure,
  413: splunkFailure,
  503: splunkFailure,
};

/**
 * Alert intake: PagerDuty Events API v2, Alertmanager's webhook and Splunk
 * On-Call's REST endpoint. Public at the HTTP level; each is authenticated by its
 * integration key. Every answer comes after the events are committed.
 */
export function registerIntakeRoutes(app: FastifyInstance, deps: IntakeDeps): void {
  protocolScope(app, renderPagerDuty, (scope) => {
    scope.post(
      '/v2/enqueue',
      {
        config: { public: true },
        bodyLimit: PD_BODY_LIMIT,
        ...doc,
        schema: {
          tags: ['intake'],
          summary: 'PagerDuty Events API v2: trigger, acknowledge or resolve an alert',
          description:
            'Drop-in for https://events.pagerduty.com/v2/enqueue; `routing_key` is a nines integration key of type pagerduty.',
          security: [],
          body: z.object({
            routing_key: z.string().length(32),
            event_action: z.enum(['trigger', 'acknowledge', 'resolve']),
            dedup_key: z.string().max(255).optional(),
            payload: z
              .object({
                summary: z.string().max(1024),
                source: z.string(),
                severity: z.enum(['critical', 'error', 'warning', 'info']),
                timestamp: z.string().optional(),
                component: z.string().optional(),
                group: z.string().optional(),
                class: z.string().optional(),
                custom_details: z.unknown().optional(),
              })
              .optional(),
          }),
          response: { 202: pagerDutyAccepted, ...pdErrors },
        },
      },
      async (request, reply) => {
        const now = deps.clock();
        const integration = await pagerDutyIntegration(deps, request.body, now);
        // A bad event is told to fix its body (400), not to retry, and uses none of the key's rate.
        const parsed = parsePagerDutyEvent(request.body, now, uuidV7);
        if (!parsed.ok) throw invalid(parsed.problems);
        admit(deps, integration, 1, now, reply);
        await commit(deps, { kind: 'alerts', integration, events: [parsed.value], receivedAt: now }, request);
        return reply.code(202).send({ ...PD_ACCEPTED, dedup_key: parsed.value.dedupKey });
      },
    );
    scope.post(
      '/v2/change/enqueue',
      {
        config: { public: true },
        bodyLimit: PD_BODY_LIMIT,
        ...doc,
        schema: {
          tags: ['intake'],
          summary: 'PagerDuty Events API v2: a change event (deploy, configuration change)',
          security: [],
          body: z.object({
            routing_key: z.string().length(32),
            payload: z.object({
              summary: z.string().max(1024),
              source: z.string().optional(),
              timestamp: z.string().optional(),
              custom_details: z.unknown().optional(),
            }),
          }),
          response: { 202: pagerDutyChangeAccepted, ...pdErrors },
        },
      },
      async (request, reply) => {
        const now = deps.clock();
        const integration = await pagerDutyIntegration(deps, request.body, now);
        const parsed = parsePagerDutyChange(request.body, now);
        if (!parsed.ok) throw invalid(parsed.problems);
        admit(deps, integration, 1, now, reply);
        await commit(deps, { kind: 'change', integration, change: parsed.value, receivedAt: now }, request);
        return reply.code(202).send(PD_CHANGE_ACCEPTED);
      },
    );
  });

  protocolScope(app, undefined, (scope) => {
    scope.post(
      '/integrations/alertmanager/:key',
      {
        config: { public: true },
        bodyLimit: deps.alertmanagerBodyLimit,
        ...doc,
        schema: {
          tags: ['intake'],
          summary: "Alertmanager's webhook (version 4)",
          description:
            'Point a webhook_config url here. Each alert is firing or resolved on its fingerprint; a notification delivered twice (retries, HA peers) changes nothing the second time.',
          security: [],
          params: z.object({ key: keyParam.describe('a nines integration key of type alertmanager') }),
          body: z.object({
            version: z.literal('4'),
            groupKey: z.string(),
            status: z.enum(['firing', 'resolved']),
            alerts: z.array(
              z.object({
                status: z.enum(['firing', 'resolved']),
                labels: z.record(z.string(), z.string()),
                annotations: z.record(z.string(), z.string()).optional(),
                startsAt: z.string(),
                endsAt: z.string().optional(),
                generatorURL: z.string().optional(),
                fingerprint: z.string(),
              }),
            ),
          }),
          response: {
            200: alertmanagerAccepted,
            400: errorBody('VALIDATION_FAILED'),
            404: errorBody('NOT_FOUND'),
            413: errorBody('PAYLOAD_TOO_LARGE'),
            503: errorBody('UNAVAILABLE'),
          },
        },
      },
      async (request, reply) => {
        const now = deps.clock();
        const { key } = request.params as { key: string };
        const integration = await deps.intake.integration(key, 'alertmanager', now);
        if (!integration) throw unknownKey();
        const parsed = parseAlertmanager(request.body, now);
        if (!parsed.ok) throw invalid(parsed.problems, 'the notification is invalid; nothing was stored');
        const { events } = parsed.value;
        admit(deps, integration, events.length, now, reply, 'UNAVAILABLE');
        const result = await commit(deps, { kind: 'alerts', integration, events, receivedAt: now }, request);
        const duplicates =
          result.kind === 'alerts' ? result.applied.filter((a) => a.outcome === 'duplicate').length : 0;
        return reply.code(200).send({ status: 'success', alerts: events.length, duplicates });
      },
    );
  });

  protocolScope(app, renderSplunk, (scope) => {
    scope.post(
      '/integrations/splunk/:key/:routingKey',
      {
        config: { public: true },
        bodyLimit: SPLUNK_BODY_LIMIT,
        ...doc,
        schema: {
          tags: ['intake'],
          summary: 'Splunk On-Call (VictorOps) REST endpoint',
          description:
            "The URL shape of Splunk On-Call's `…/alert/{api_key}/{routing_key}`: the api_key is a nines integration key of type splunk; the routing key is kept as a label.",
          security: [],
          params: z.object({ key: keyParam, routingKey: z.string().min(1).max(255) }),
          body: z.looseObject({
            message_type: z
              .string()
              .describe('CRITICAL, WARNING, INFO, ACKNOWLEDGEMENT, RECOVERY (any case)'),
            entity_id: z.string().max(512).optional(),
            entity_display_name: z.string().optional(),
            state_message: z.string().optional(),
            monitoring_tool: z.string().optional(),
            timestamp: z.number().optional().describe('epoch seconds'),
          }),
          response: { 200: splunkAccepted, ...splunkErrors },
        },
      },
      async (request, reply) => {
        const now = deps.clock();
        const { key, routingKey } = request.params as { key: string; routingKey: string };
        const integration = await deps.intake.integration(key, 'splunk', now);
        if (!integration) throw unknownKey();
        if (routingKey.length > 255 || /\p{Cc}/u.test(routingKey))
          throw invalid([{ field: 'routing_key', message: 'the routing key in the URL is not valid' }]);
        const parsed = parseSplunk(request.body, routingKey, now, uuidV7);
        if (!parsed.ok) throw invalid(parsed.problems);
        admit(deps, integration, 1, now, reply, 'UNAVAILABLE');
        await commit(deps, { kind: 'alerts', integration, events: [parsed.value], receivedAt: now }, request);
        return reply.code(200).send({ result: 'success', entity_id: parsed.value.dedupKey });
      },
    );
  });
}

async function pagerDutyIntegration(deps: IntakeDeps, body: unknown, now: number): Promise<Integration> {
  const key = pagerDutyRoutingKey(body);
  if (!key.ok) throw invalid(key.problems);
  const integration = await deps.intake.integration(key.value, 'pagerduty', now);
  if (!integration) throw unknownKey();
  return integration;
}
