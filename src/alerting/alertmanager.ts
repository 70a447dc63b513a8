import { cut, isObject, Problems, parseTimestamp } from './fields.js';
import type { AlertEvent, AlertSeverity, Parsed } from './types.js';

/**
 * Alertmanager's webhook (payload version "4"). Each alert of a notification is
 * firing or resolved on its fingerprint; the notification as a whole only says
 * which group it came from. Retries and HA peers deliver the same notification
 * more than once: each alert carries a delivery key (group key, fingerprint,
 * status, startsAt) so a repeat changes nothing.
 */

/** Go's zero time: what Alertmanager sends as endsAt of a firing alert without expiry. */
const GO_ZERO = -62135596800000;

const SEVERITY: Record<string, AlertSeverity> = {
  critical: 'critical',
  page: 'critical',
  p1: 'critical',
  error: 'error',
  high: 'error',
  p2: 'error',
  warning: 'warning',
  warn: 'warning',
  ticket: 'warning',
  p3: 'warning',
  info: 'info',
  low: 'info',
  none: 'info',
};

/** Labels' `severity` as one of PagerDuty's four; `error` (Alertmanager's own default) otherwise. */
export function severityOfLabels(labels: Readonly<Record<string, string>>): AlertSeverity {
  return SEVERITY[(labels.severity ?? '').toLowerCase()] ?? 'error';
}

export interface AlertmanagerNotification {
  readonly groupKey: string;
  readonly status: 'firing' | 'resolved';
  readonly events: readonly AlertEvent[];
}

/**
 * @example
 * parseAlertmanager({ version: '4', groupKey: '{}:{alertname="X"}', status: 'firing', alerts: [ … ] }, now)
 * // { ok: true, value: { groupKey, status, events: [{ action: 'trigger', dedupKey: '<fingerprint>', … }] } }
 */
export function parseAlertmanager(body: unknown, nowMs: number): Parsed<AlertmanagerNotification> {
  if (!isObject(body))
    return { ok: false, problems: [{ field: 'body', message: 'the notification must be a JSON object' }] };
  const p = new Problems();
  if (body.version !== '4')
    p.add('version', body.version == null ? "'version' is missing" : '\'version\' must be "4"');
  const groupKey = p.string(body, 'groupKey', 'groupKey', { required: true, max: 8192 });
  const status = body.status;
  if (status !== 'firing' && status !== 'resolved')
    p.add('status', status == null ? "'status' is missing" : "'status' must be firing or resolved");
  const receiver = p.string(body, 'receiver', 'receiver', { max: 1024 });
  const externalURL = p.string(body, 'externalURL', 'externalURL', { max: 2048 });
  const groupLabels = p.stringMap(body, 'groupLabels', 'groupLabels');
  p.stringMap(body, 'commonLabels', 'commonLabels');
  p.stringMap(body, 'commonAnnotations', 'commonAnnotations');
  if (
    body.truncatedAlerts != null &&
    !(Number.isInteger(body.truncatedAlerts) && Number(body.truncatedAlerts) >= 0)
  )
    p.add('truncatedAlerts', "'truncatedAlerts' must be a whole number");
  const alerts = body.alerts;
  const events: AlertEvent[] = [];
  if (!Array.isArray(alerts))
    p.add('alerts', alerts == null ? "'alerts' is missing" : "'alerts' must be an array");
  else {
    for (const [i, alert] of alerts.entries()) {
      const at = `alerts[${i}]`;
      if (!isObject(alert)) {
        p.add(at, `'${at}' must be an object`);
        continue;
      }
      const st = alert.status;
      if (st !== 'firing' && st !== 'resolved')
        p.add(
          `${at}.status`,
          st == null ? `'${at}.status' is missing` : `'${at}.status' must be firing or resolved`,
        );
      const labels = p.stringMap(alert, 'labels', `${at}.labels`, true);
      const annotations = p.stringMap(alert, 'annotations', `${at}.annotations`);
      const startsText = p.string(alert, 'startsAt', `${at}.startsAt`, { required: true, max: 64 });
      const startsAt = startsText === undefined ? undefined : parseTimestamp(startsText);
      if (startsText !== undefined && startsAt === undefined)
        p.add(`${at}.startsAt`, `'${at}.startsAt' must be an RFC 3339 time`);
      const endsText = p.string(alert, 'endsAt', `${at}.endsAt`, { max: 64 });
      const endsAt = endsText === undefined ? undefined : parseTimestamp(endsText);
      if (endsText !== undefined && endsAt === undefined)
        p.add(`${at}.endsAt`, `'${at}.endsAt' must be an RFC 3339 time`);
      const generatorURL = p.string(alert, 'generatorURL', `${at}.generatorURL`, { max: 2048 });
      const fingerprint = p.string(alert, 'fingerprint', `${at}.fingerprint`, {
        required: true,
        nonEmpty: true,
        max: 255,
      });
      if (
        p.list.length > 0 ||
        fingerprint === undefined ||
        startsAt === undefined ||
        startsText === undefined
      )
        continue;
      const resolved = st === 'resolved';
      const ended = endsAt !== undefined && endsAt > GO_ZERO ? endsAt : undefined;
      const details: Record<string, unknown> = { annotations, groupKey, groupLabels };
      if (receiver !== undefined) details.receiver = receiver;
      if (externalURL !== undefined) details.externalURL = externalURL;
      if (ended !== undefined) details.endsAt = new Date(ended).toISOString();
      events.push({
        action: resolved ? 'resolve' : 'trigger',
        dedupKey: fingerprint,
        summary: cut(annotations.summary ?? annotations.description ?? labels.alertname ?? fingerprint, 1024),
        severity: severityOfLabels(labels),
        source: labels.instance ?? labels.job ?? externalURL ?? null,
        occurredAt: resolved ? (ended ?? nowMs) : startsAt,
        startedAt: startsAt,
        labels,
        details,
        links: generatorURL ? [{ href: generatorURL, text: 'source' }] : [],
        deliveryKey: JSON.stringify([groupKey, fingerprint, st, startsText]),
      });
    }
  }
  if (p.list.length > 0 || groupKey === undefined) return { ok: false, problems: p.list };
  return { ok: true, value: { groupKey, status: status as 'firing' | 'resolved', events } };
}
