import { cut, isObject, MAX_DEPTH, nestsWithin, Problems } from './fields.js';
import type { AlertAction, AlertEvent, AlertSeverity, Parsed } from './types.js';

/**
 * Splunk On-Call (VictorOps) REST endpoint: `message_type` says what to do,
 * `entity_id` names the incident (events with the same entity_id roll up into one
 * alert while it is open). Any other key is accepted and kept.
 */

export const SPLUNK_BODY_LIMIT = 512 * 1024;
const ENTITY_ID_MAX = 512;
const FIELD_MAX = 1024;
const STATE_MESSAGE_MAX = 20480;
const ANNOTATION_MAX = 1124;

const MESSAGE_TYPES: Record<string, { action: AlertAction; severity: AlertSeverity | null }> = {
  CRITICAL: { action: 'trigger', severity: 'critical' },
  WARNING: { action: 'trigger', severity: 'warning' },
  INFO: { action: 'info', severity: 'info' },
  ACKNOWLEDGEMENT: { action: 'acknowledge', severity: null },
  RECOVERY: { action: 'resolve', severity: null },
  OK: { action: 'resolve', severity: null },
};

/** Fields Splunk On-Call knows; the rest are custom fields, kept as details. */
const KNOWN = new Set([
  'message_type',
  'entity_id',
  'entity_display_name',
  'state_message',
  'monitoring_tool',
  'hostname',
  'timestamp',
  'state_start_time',
  'ack_author',
  'ack_msg',
]);

/**
 * @example
 * parseSplunk({ message_type: 'critical', entity_id: 'disk/db1' }, 'ops', now, randomUUID)
 * // { ok: true, value: { action: 'trigger', dedupKey: 'disk/db1', severity: 'critical', … } }
 */
export function parseSplunk(
  body: unknown,
  routingKey: string,
  nowMs: number,
  newId: () => string,
): Parsed<AlertEvent> {
  if (!isObject(body))
    return { ok: false, problems: [{ field: 'body', message: 'body must be a JSON object' }] };
  const p = new Problems();
  const rawType = p.string(body, 'message_type', 'message_type', { required: true, max: FIELD_MAX });
  const entityId = p.string(body, 'entity_id', 'entity_id', { max: ENTITY_ID_MAX });
  if (entityId === '') p.add('entity_id', "'entity_id' must not be empty");
  const displayName = p.string(body, 'entity_display_name', 'entity_display_name', { max: FIELD_MAX });
  const stateMessage = p.string(body, 'state_message', 'state_message', { max: STATE_MESSAGE_MAX });
  const tool = p.string(body, 'monitoring_tool', 'monitoring_tool', { max: FIELD_MAX });
  const hostname = p.string(body, 'hostname', 'hostname', { max: FIELD_MAX });
  const ackAuthor = p.string(body, 'ack_author', 'ack_author', { max: FIELD_MAX });
  const ackMsg = p.string(body, 'ack_msg', 'ack_msg', { max: FIELD_MAX });
  const timestamp = epochSeconds(body.timestamp, 'timestamp', p);
  const stateStart = epochSeconds(body.state_start_time, 'state_start_time', p);
  const custom: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (KNOWN.has(key)) continue;
    if (key.length > FIELD_MAX) {
      p.add(cut(key, 64), 'a field name is longer than 1024 characters');
      continue;
    }
    const max = key.startsWith('vo_annotate.') ? ANNOTATION_MAX : FIELD_MAX;
    if (typeof value === 'string' && value.length > max) {
      p.add(key, `'${key}' is longer than ${max} characters`);
      continue;
    }
    if (!nestsWithin(value)) {
      p.add(key, `'${key}' nests deeper than ${MAX_DEPTH} levels`);
      continue;
    }
    Object.defineProperty(custom, key, { value, enumerable: true, writable: true, configurable: true });
  }
  if (p.list.length > 0 || rawType === undefined) return { ok: false, problems: p.list };
  // Unknown message types are INFO, as Splunk On-Call treats them.
  const type = MESSAGE_TYPES[rawType.toUpperCase()] ?? MESSAGE_TYPES.INFO;
  const { action, severity } = type ?? { action: 'info' as const, severity: 'info' as const };
  const details: Record<string, unknown> = { ...custom };
  if (stateMessage !== undefined) details.state_message = stateMessage;
  if (ackAuthor !== undefined) details.ack_author = ackAuthor;
  if (ackMsg !== undefined) details.ack_msg = ackMsg;
  if (stateStart !== undefined) details.state_start_time = new Date(stateStart).toISOString();
  const labels: Record<string, string> = { routing_key: routingKey, message_type: rawType.toUpperCase() };
  if (hostname !== undefined) labels.hostname = hostname;
  const links = Object.entries(custom)
    .filter(([k, v]) => k.startsWith('vo_annotate.u.') && typeof v === 'string')
    .map(([k, v]) => ({ href: v as string, text: k.slice('vo_annotate.u.'.length) }));
  return {
    ok: true,
    value: {
      action,
      dedupKey: entityId ?? newId(),
      summary:
        displayName ?? (stateMessage === undefined ? null : cut(stateMessage, 1024)) ?? entityId ?? null,
      severity,
      source: tool ?? hostname ?? null,
      occurredAt: timestamp ?? nowMs,
      labels,
      details,
      links,
    },
  };
}

/** Epoch seconds, as a number or numeric text; undefined when absent. */
function epochSeconds(v: unknown, field: string, p: Problems): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n =
    typeof v === 'number' ? v : typeof v === 'string' && /^\d+(\.\d+)?$/.test(v) ? Number(v) : Number.NaN;
  if (!Number.isFinite(n) || n < 0 || n > 253402300799) {
    p.add(field, `'${field}' must be a time in epoch seconds`);
    return undefined;
  }
  return Math.round(n * 1000);
}

/** The `Missing fields: …` / `Invalid fields: …` message of Splunk On-Call's failure answer. */
export function splunkFailureMessage(problems: readonly { field: string; message: string }[]): string {
  const missing = problems.filter((p) => p.message.endsWith('is missing')).map((p) => p.field);
  const invalid = problems.filter((p) => !p.message.endsWith('is missing'));
  const parts: string[] = [];
  if (missing.length > 0) parts.push(`Missing fields: ${missing.join(', ')}`);
  if (invalid.length > 0) parts.push(`Invalid fields: ${invalid.map((p) => p.message).join('; ')}`);
  return parts.join('. ');
}
