import { isObject, type Json, MAX_DEPTH, nestsWithin, Problems, parseTimestamp } from './fields.js';
import {
  ALERT_SEVERITIES,
  type AlertEvent,
  type AlertSeverity,
  type ChangeEvent,
  type FieldProblem,
  type Parsed,
} from './types.js';

/**
 * PagerDuty Events API v2 (`/v2/enqueue`, `/v2/change/enqueue`): the fields,
 * limits and texts of PagerDuty's own answers, so existing clients (Alertmanager's
 * pagerduty_config, the PagerDuty SDKs) can point at nines unchanged.
 */

export const PD_ROUTING_KEY_LENGTH = 32;
export const PD_SUMMARY_MAX = 1024;
export const PD_DEDUP_KEY_MAX = 255;
/** PagerDuty takes bodies up to 512 KB; Alertmanager shrinks its events to 512,000 bytes. */
export const PD_BODY_LIMIT = 512 * 1024;

export const PD_ACCEPTED = { status: 'success', message: 'Event processed' } as const;
export const PD_CHANGE_ACCEPTED = { status: 'success', message: 'Change event processed' } as const;
export const PD_INVALID = { status: 'invalid event', message: 'Event object is invalid' } as const;
export const PD_UNRECOGNIZED = {
  status: 'Unrecognized object',
  message: 'Event object format is unrecognized',
  errors: ['JSON parse error'],
} as const;

const ACTIONS = ['trigger', 'acknowledge', 'resolve'] as const;

/**
 * The routing key of a body, or the problem with it. A key of the right shape that
 * matches no live integration is the caller's 404, not a 400.
 */
export function pagerDutyRoutingKey(body: unknown): Parsed<string> {
  if (!isObject(body)) return { ok: false, problems: [notAnObject] };
  const key = body.routing_key;
  if (key === undefined || key === null)
    return { ok: false, problems: [{ field: 'routing_key', message: "'routing_key' is missing" }] };
  if (typeof key !== 'string')
    return { ok: false, problems: [{ field: 'routing_key', message: "'routing_key' must be a string" }] };
  if (key.length !== PD_ROUTING_KEY_LENGTH)
    return {
      ok: false,
      problems: [
        {
          field: 'routing_key',
          message: `'routing_key' is the wrong length (should be ${PD_ROUTING_KEY_LENGTH} characters)`,
        },
      ],
    };
  return { ok: true, value: key };
}

const notAnObject: FieldProblem = { field: 'body', message: 'the event must be a JSON object' };

/**
 * An alert event. A trigger without dedup_key gets `newKey()`; acknowledge and
 * resolve need one. Every problem is listed, each naming its field.
 *
 * @example
 * parsePagerDutyEvent({ routing_key, event_action: 'resolve', dedup_key: 'db/disk' }, now, randomUUID)
 * // { ok: true, value: { action: 'resolve', dedupKey: 'db/disk', … } }
 */
export function parsePagerDutyEvent(body: unknown, nowMs: number, newKey: () => string): Parsed<AlertEvent> {
  if (!isObject(body)) return { ok: false, problems: [notAnObject] };
  const p = new Problems();
  const action = body.event_action;
  if (action === undefined || action === null) p.add('event_action', "'event_action' is missing");
  else if (typeof action !== 'string' || !(ACTIONS as readonly string[]).includes(action))
    p.add('event_action', "'event_action' must be one of trigger, acknowledge, resolve");
  const given = p.string(body, 'dedup_key', 'dedup_key', { max: PD_DEDUP_KEY_MAX });
  if (given === '') p.add('dedup_key', "'dedup_key' must not be empty");
  if ((action === 'acknowledge' || action === 'resolve') && body.dedup_key == null)
    p.add('dedup_key', `'dedup_key' is required to ${action}`);
  const client = p.string(body, 'client', 'client', { max: 1024 });
  const clientUrl = p.string(body, 'client_url', 'client_url', { max: 2048 });
  const links = p.links(body, 'links', 'links');
  const images = imagesOf(body, p);

  let payload: ReturnType<typeof payloadOf> | undefined;
  if (action === 'trigger') {
    if (!isObject(body.payload))
      p.add('payload', body.payload == null ? "'payload' is missing" : "'payload' must be an object");
    else payload = payloadOf(body.payload, p, nowMs);
  }
  if (p.list.length > 0) return { ok: false, problems: p.list };

  const details: Record<string, unknown> = {};
  if (payload?.customDetails !== undefined) details.custom_details = payload.customDetails;
  if (client !== undefined) details.client = client;
  if (clientUrl !== undefined) details.client_url = clientUrl;
  if (images.length > 0) details.images = images;
  const labels: Record<string, string> = {};
  for (const k of ['component', 'group', 'class'] as const) {
    const v = payload?.[k];
    if (v !== undefined) labels[k] = v;
  }
  return {
    ok: true,
    value: {
      action: action as (typeof ACTIONS)[number],
      dedupKey: given ?? newKey(),
      summary: payload?.summary ?? null,
      severity: payload?.severity ?? null,
      source: payload?.source ?? null,
      occurredAt: payload?.timestamp ?? nowMs,
      labels,
      details,
      links,
    },
  };
}

function payloadOf(payload: Json, p: Problems, nowMs: number) {
  const summary = p.string(payload, 'summary', 'payload.summary', {
    required: true,
    nonEmpty: true,
    max: PD_SUMMARY_MAX,
  });
  const source = p.string(payload, 'source', 'payload.source', { required: true, nonEmpty: true, max: 1024 });
  const sev = payload.severity;
  let severity: AlertSeverity | undefined;
  if (sev === undefined || sev === null) p.add('payload.severity', "'payload.severity' is missing");
  else if (typeof sev !== 'string' || !(ALERT_SEVERITIES as readonly string[]).includes(sev))
    p.add('payload.severity', "'payload.severity' must be one of critical, error, warning, info");
  else severity = sev as AlertSeverity;
  const timestamp = timestampOf(payload, p, nowMs);
  deepCheck(payload.custom_details, 'payload.custom_details', p);
  return {
    summary,
    source,
    severity,
    timestamp,
    component: p.string(payload, 'component', 'payload.component', { max: 1024 }),
    group: p.string(payload, 'group', 'payload.group', { max: 1024 }),
    class: p.string(payload, 'class', 'payload.class', { max: 1024 }),
    customDetails: payload.custom_details ?? undefined,
  };
}

function timestampOf(payload: Json, p: Problems, _nowMs: number): number | undefined {
  const text = p.string(payload, 'timestamp', 'payload.timestamp', { max: 64 });
  if (text === undefined) return undefined;
  const t = parseTimestamp(text);
  if (t === undefined)
    p.add('payload.timestamp', "'payload.timestamp' must be an ISO 8601 date-time with a zone");
  return t;
}

function imagesOf(body: Json, p: Problems): { src: string; href?: string; alt?: string }[] {
  const v = body.images;
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    p.add('images', "'images' must be an array");
    return [];
  }
  const out: { src: string; href?: string; alt?: string }[] = [];
  for (const [i, item] of v.entries()) {
    const at = `images[${i}]`;
    if (!isObject(item)) {
      p.add(at, `'${at}' must be an object with src`);
      continue;
    }
    const src = p.string(item, 'src', `${at}.src`, { required: true, nonEmpty: true, max: 2048 });
    const href = p.string(item, 'href', `${at}.href`, { max: 2048 });
    const alt = p.string(item, 'alt', `${at}.alt`, { max: 1024 });
    if (src !== undefined)
      out.push({ src, ...(href !== undefined && { href }), ...(alt !== undefined && { alt }) });
  }
  return out;
}

/**
 * A change event: summary required, no action and no dedup key. A change with a
 * timestamp is identified by its content, so a retried delivery is stored once.
 */
export function parsePagerDutyChange(body: unknown, nowMs: number): Parsed<ChangeEvent> {
  if (!isObject(body)) return { ok: false, problems: [notAnObject] };
  const p = new Problems();
  const links = p.links(body, 'links', 'links');
  if (!isObject(body.payload)) {
    p.add('payload', body.payload == null ? "'payload' is missing" : "'payload' must be an object");
    return { ok: false, problems: p.list };
  }
  const payload = body.payload;
  const summary = p.string(payload, 'summary', 'payload.summary', {
    required: true,
    nonEmpty: true,
    max: PD_SUMMARY_MAX,
  });
  const source = p.string(payload, 'source', 'payload.source', { max: 1024 });
  const timestamp = timestampOf(payload, p, nowMs);
  deepCheck(payload.custom_details, 'payload.custom_details', p);
  if (p.list.length > 0 || summary === undefined) return { ok: false, problems: p.list };
  const customDetails = payload.custom_details ?? null;
  const change: ChangeEvent = {
    summary,
    source: source ?? null,
    occurredAt: timestamp ?? nowMs,
    customDetails,
    links,
    ...(timestamp !== undefined && {
      changeKey: JSON.stringify([summary, source ?? null, timestamp, customDetails, links]),
    }),
  };
  return { ok: true, value: change };
}

function deepCheck(value: unknown, field: string, p: Problems): void {
  if (!nestsWithin(value)) p.add(field, `'${field}' nests deeper than ${MAX_DEPTH} levels`);
}
