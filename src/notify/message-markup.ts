/**
 * The HTML email and the Slack Block Kit message of a page, from the words
 * message.ts has chosen. Every string in a {@link PageView} is raw text and is
 * escaped here, at the point it enters markup.
 */
import { escapeHtml, escapeSlack, fitSlack, isWebUrl } from './escape.js';

/** What a page says, before any markup; every string is raw, single-line text. */
export interface PageView {
  readonly number: number;
  readonly title: string;
  readonly headline: string;
  readonly subject: string;
  /** When the incident opened, as people read it. */
  readonly opened: string;
  /** An emoji for the state, at the head of the Slack message. */
  readonly marker: string;
  readonly facts: readonly (readonly [label: string, value: string])[];
  /** Action links, in order; only web URLs become buttons. */
  readonly buttons: readonly (readonly [label: string, url: string])[];
}

/** Slack's limits on a header and a section field. */
const SLACK_HEADER_MAX = 150;
const SLACK_FIELD_MAX = 2000;

const BUTTON_STYLE =
  'display:inline-block;margin:0 8px 8px 0;padding:8px 14px;background:#1f2937;color:#fff;' +
  'text-decoration:none;border-radius:4px';

/** A small HTML email: headline, title, a table of facts and the action buttons. */
export function renderHtml(view: PageView): string {
  const rows = [...view.facts, ['Opened', view.opened] as const]
    .map(
      ([label, value]) =>
        `<tr><th align="left" style="padding:2px 12px 2px 0;color:#555;font-weight:normal">${escapeHtml(label)}</th>` +
        `<td style="padding:2px 0">${escapeHtml(value)}</td></tr>`,
    )
    .join('\n');
  const actions = view.buttons
    .filter(([, url]) => isWebUrl(url))
    .map(([label, url]) => `<a href="${escapeHtml(url)}" style="${BUTTON_STYLE}">${escapeHtml(label)}</a>`)
    .join('\n');
  return [
    '<!doctype html>',
    '<html><head><meta charset="utf-8"></head>',
    '<body style="font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;font-size:14px;color:#111">',
    `<p>${escapeHtml(view.headline)}</p>`,
    `<h2 style="font-size:18px;margin:12px 0">#${view.number} ${escapeHtml(view.title)}</h2>`,
    `<table cellpadding="0" cellspacing="0">\n${rows}\n</table>`,
    `<p style="margin-top:16px">\n${actions}\n</p>`,
    '<p style="color:#888;font-size:12px">Sent by nines.</p>',
    '</body></html>',
    '',
  ].join('\n');
}

/**
 * Block Kit: a header, the headline, the facts as fields, when it opened, and
 * link buttons. `text` is the notification fallback.
 */
export function renderSlack(view: PageView): { text: string; blocks: unknown[] } {
  const fields = view.facts.map(([label, value]) => ({
    type: 'mrkdwn',
    text: fitSlack(`*${label}*\n`, value, SLACK_FIELD_MAX),
  }));
  const elements = view.buttons
    .filter(([, url]) => isWebUrl(url))
    .map(([label, url]) => ({
      type: 'button',
      text: { type: 'plain_text', text: label },
      url,
      action_id: label === 'Open in nines' ? 'open' : label.toLowerCase(),
      ...(label === 'Acknowledge' && { style: 'primary' }),
    }));
  const blocks: unknown[] = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: fitSlack(`${view.marker} `, `#${view.number} ${view.title}`, SLACK_HEADER_MAX),
      },
    },
    { type: 'section', text: { type: 'mrkdwn', text: escapeSlack(view.headline) } },
    { type: 'section', fields },
    { type: 'context', elements: [{ type: 'mrkdwn', text: `Opened ${escapeSlack(view.opened)} · nines` }] },
  ];
  if (elements.length > 0) blocks.push({ type: 'actions', elements });
  return { text: escapeSlack(view.subject), blocks };
}
