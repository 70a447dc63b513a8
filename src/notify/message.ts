/**
 * What a page says, for every channel at once: an email (subject, text, HTML),
 * a Slack message (Block Kit) and the JSON body of a webhook. Pure: the same
 * input renders the same bytes, so a retried delivery is the same message.
 *
 * Incident text comes from alerts and people and is never trusted: it is
 * escaped for HTML and for Slack, and control characters are folded into
 * spaces so a title cannot forge extra lines (a fake "Acknowledge:" link).
 */
import type { Incident, IncidentPriority, IncidentSeverity, IncidentStatus } from '../incidents/types.js';
import { oneLine, truncate } from './escape.js';
import { type PageView, renderHtml, renderSlack } from './message-markup.js';

export type PageKind = 'triggered' | 'escalated' | 'acknowledged' | 'resolved';

export interface PageLinks {
  /** The incident in nines. */
  readonly view: string;
  /** An action link (see action-links.ts); shown while the incident is triggered. */
  readonly acknowledge?: string;
  /** An action link; shown until the incident is resolved. */
  readonly resolve?: string;
}

export interface PageInput {
  readonly incident: Incident;
  readonly kind: PageKind;
  /** The escalation level being paged, from 1. */
  readonly level?: number;
  readonly journeysAtRisk: readonly string[];
  readonly revenueAtRisk?: { readonly currency: string; readonly amount: number };
  readonly links: PageLinks;
}

/**
 * The JSON body of a webhook delivery. Stable: fields are only ever added.
 * `links` holds only the actions that still apply (no `acknowledge` once acknowledged).
 */
export interface WebhookBody {
  readonly event: `incident.${PageKind}`;
  readonly incident: {
    readonly number: number;
    readonly title: string;
    readonly status: IncidentStatus;
    readonly severity: IncidentSeverity;
    readonly priority: IncidentPriority | null;
    readonly suspectedCause: { readonly service: string; readonly chain: readonly string[] } | null;
    readonly services: readonly string[];
    readonly journeys: readonly string[];
    /** ISO 8601, UTC. */
    readonly createdAt: string;
    readonly url: string;
  };
  /** The escalation level paged, or null outside escalation. */
  readonly level: number | null;
  readonly impact: {
    readonly journeysAtRisk: readonly string[];
    readonly revenueAtRisk: { readonly currency: string; readonly amount: number } | null;
  };
  readonly links: PageLinks;
}

export interface RenderedPage {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly slack: { readonly text: string; readonly blocks: unknown[] };
  readonly webhook: WebhookBody;
}

const SUBJECT_TITLE_MAX = 160;
const LIST_MAX = 10;

/**
 * Renders the page for `input` in every channel's format.
 *
 * @example
 * const page = renderPage({ incident, kind: 'triggered', journeysAtRisk: ['checkout'],
 *   links: { view: 'https://nines.example/incidents/12', acknowledge: ackUrl, resolve: resolveUrl } });
 * await sendEmail(transport, { from, to, subject: page.subject, text: page.text, html: page.html, idempotencyId });
 */
export function renderPage(input: PageInput): RenderedPage {
  const { incident, kind } = input;
  const links = applicableLinks(input);
  const buttons: [string, string][] = [];
  if (links.acknowledge !== undefined) buttons.push(['Acknowledge', links.acknowledge]);
  if (links.resolve !== undefined) buttons.push(['Resolve', links.resolve]);
  buttons.push(['Open in nines', links.view]);
  const view: PageView = {
    number: incident.number,
    title: oneLine(incident.title),
    headline: headlineOf(input),
    subject: subjectOf(input),
    opened: formatUtc(incident.createdAt),
    marker: kind === 'resolved' ? '✅' : kind === 'acknowledged' ? '👀' : SEVERITY_MARK[incident.severity],
    facts: factsOf(input),
    buttons,
  };
  return {
    subject: view.subject,
    text: renderText(view),
    html: renderHtml(view),
    slack: renderSlack(view),
    webhook: webhookOf(input, links),
  };
}

function renderText(view: PageView): string {
  return [
    view.headline,
    '',
    `#${view.number} ${view.title}`,
    ...view.facts.map(([label, value]) => `${label}: ${value}`),
    `Opened: ${view.opened}`,
    '',
    ...view.buttons.map(([label, url]) => `${label}: ${url}`),
    '',
    '-- ',
    'Sent by nines.',
    '',
  ].join('\n');
}

function applicableLinks({ incident, links }: PageInput): PageLinks {
  return {
    view: links.view,
    ...(links.acknowledge !== undefined &&
      incident.status === 'triggered' && { acknowledge: links.acknowledge }),
    ...(links.resolve !== undefined && incident.status !== 'resolved' && { resolve: links.resolve }),
  };
}

function subjectOf({ incident, kind, level }: PageInput): string {
  const title = truncate(oneLine(incident.title), SUBJECT_TITLE_MAX);
  const cause = incident.suspectedCause ? ` (cause: ${oneLine(incident.suspectedCause.service)})` : '';
  switch (kind) {
    case 'triggered':
      return `[nines] #${incident.number} ${incident.severity}: ${title}${cause}`;
    case 'escalated': {
      const where = level === undefined ? 'escalated' : `escalated to level ${level}`;
      return `[nines] #${incident.number} ${incident.severity} (${where}): ${title}${cause}`;
    }
    case 'acknowledged':
      return `[nines] #${incident.number} acknowledged: ${title}`;
    case 'resolved':
      return `[nines] #${incident.number} resolved: ${title}`;
  }
}

function headlineOf({ incident, kind, level }: PageInput): string {
  switch (kind) {
    case 'triggered':
      return `New ${incident.severity} incident #${incident.number}, not acknowledged yet.`;
    case 'escalated':
      return `Incident #${incident.number} is escalated${level === undefined ? '' : ` to level ${level}`}: nobody has acknowledged it yet.`;
    case 'acknowledged':
      return `Incident #${incident.number} is acknowledged${incident.assignee ? ` (assigned to ${oneLine(incident.assignee)})` : ''}.`;
    case 'resolved':
      return `Incident #${incident.number} is resolved.`;
  }
}

/** Label and value pairs, the same in every channel; values are raw (unescaped) single lines. */
function factsOf({ incident, kind, level, journeysAtRisk, revenueAtRisk }: PageInput): [string, string][] {
  const facts: [string, string][] = [
    ['Severity', incident.severity],
    ['Priority', incident.priority ?? 'none'],
    ['Status', incident.status],
  ];
  const cause = incident.suspectedCause;
  if (cause) {
    const chain = cause.chain.length > 1 ? ` (${cause.chain.map(oneLine).join(' → ')})` : '';
    facts.push(['Suspected cause', `${oneLine(cause.service)}${chain}`]);
  }
  if (incident.services.length > 0) facts.push(['Services', list(incident.services)]);
  if (journeysAtRisk.length > 0) facts.push(['Journeys at risk', list(journeysAtRisk)]);
  if (revenueAtRisk) facts.push(['Revenue at risk', money(revenueAtRisk.amount, revenueAtRisk.currency)]);
  if (kind === 'escalated' && level !== undefined) facts.push(['Escalation level', String(level)]);
  return facts;
}

const SEVERITY_MARK: Readonly<Record<IncidentSeverity, string>> = {
  critical: '🔴',
  error: '🟠',
  warning: '🟡',
  info: '🔵',
};

function webhookOf(
  { incident, kind, level, journeysAtRisk, revenueAtRisk }: PageInput,
  links: PageLinks,
): WebhookBody {
  return {
    event: `incident.${kind}`,
    incident: {
      number: incident.number,
      title: incident.title,
      status: incident.status,
      severity: incident.severity,
      priority: incident.priority,
      suspectedCause: incident.suspectedCause
        ? { service: incident.suspectedCause.service, chain: [...incident.suspectedCause.chain] }
        : null,
      services: [...incident.services],
      journeys: [...incident.journeys],
      createdAt: new Date(incident.createdAt).toISOString(),
      url: links.view,
    },
    level: level ?? null,
    impact: {
      journeysAtRisk: [...journeysAtRisk],
      revenueAtRisk: revenueAtRisk
        ? { currency: revenueAtRisk.currency, amount: revenueAtRisk.amount }
        : null,
    },
    links,
  };
}

function list(items: readonly string[]): string {
  const shown = items.slice(0, LIST_MAX).map(oneLine).join(', ');
  return items.length > LIST_MAX ? `${shown} and ${items.length - LIST_MAX} more` : shown;
}

function money(amount: number, currency: string): string {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).format(amount);
  } catch {
    return `${amount} ${oneLine(currency)}`;
  }
}

function formatUtc(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? 'unknown' : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
