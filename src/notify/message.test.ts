import { describe, expect, it } from 'vitest';
import { escapeHtml, escapeSlack } from './escape.js';
import { type PageInput, renderPage } from './message.js';
import { buildIncident } from './notify.test-support.js';

const LINKS = {
  view: 'https://nines.example/incidents/12',
  acknowledge: 'https://nines.example/a/ack-token',
  resolve: 'https://nines.example/a/resolve-token',
};

function page(overrides: Partial<PageInput> = {}) {
  return renderPage({
    incident: buildIncident(),
    kind: 'triggered',
    journeysAtRisk: ['checkout', 'pay'],
    revenueAtRisk: { currency: 'EUR', amount: 1234.5 },
    links: LINKS,
    ...overrides,
  });
}

interface Block {
  type: string;
  text?: { type: string; text: string };
  fields?: { type: string; text: string }[];
  elements?: { type: string; text: string | { text: string }; url?: string; action_id?: string }[];
}

const XSS = '<script>alert("x")</script> & <!channel> <https://evil.example|click>';

describe('renderPage', () => {
  it('writes the subject with number, severity, title and cause', () => {
    expect(page().subject).toBe('[nines] #12 critical: Payment gateway errors (cause: payment-gateway)');
    expect(page({ kind: 'escalated', level: 2 }).subject).toBe(
      '[nines] #12 critical (escalated to level 2): Payment gateway errors (cause: payment-gateway)',
    );
    expect(page({ incident: buildIncident({ suspectedCause: null }) }).subject).toBe(
      '[nines] #12 critical: Payment gateway errors',
    );
    expect(page({ kind: 'resolved', incident: buildIncident({ status: 'resolved' }) }).subject).toBe(
      '[nines] #12 resolved: Payment gateway errors',
    );
  });

  it('keeps the subject one line and of reasonable length whatever the title', () => {
    const { subject } = page({
      incident: buildIncident({ title: `Line one\r\nBcc: evil@example.com\n${'x'.repeat(500)}` }),
    });
    expect(subject).not.toMatch(/[\r\n]/);
    expect(subject).toContain('Line one Bcc: evil@example.com x');
    expect(subject.length).toBeLessThan(250);
  });

  it('lists the facts and every link in the text part', () => {
    const { text } = page();
    expect(text).toContain('#12 Payment gateway errors');
    expect(text).toContain('Suspected cause: payment-gateway (payment → payment-gateway)');
    expect(text).toContain('Journeys at risk: checkout, pay');
    expect(text).toContain('Revenue at risk: €1,234.50');
    expect(text).toContain('Opened: 2025-06-01 12:03 UTC');
    expect(text).toContain(`Acknowledge: ${LINKS.acknowledge}`);
    expect(text).toContain(`Resolve: ${LINKS.resolve}`);
    expect(text).toContain(`Open in nines: ${LINKS.view}`);
  });

  it('offers only the actions that still apply', () => {
    const acked = page({ kind: 'acknowledged', incident: buildIncident({ status: 'acknowledged' }) });
    expect(acked.text).not.toContain('Acknowledge:');
    expect(acked.text).toContain('Resolve:');
    expect(acked.webhook.links).toEqual({ view: LINKS.view, resolve: LINKS.resolve });
    const resolved = page({ kind: 'resolved', incident: buildIncident({ status: 'resolved' }) });
    expect(resolved.webhook.links).toEqual({ view: LINKS.view });
    expect(resolved.html).not.toContain('ack-token');
  });

  it('escapes every piece of incident text in the HTML', () => {
    const { html } = page({
      incident: buildIncident({
        title: XSS,
        services: ['<img src=x onerror=alert(1)>'],
        suspectedCause: { service: '"><svg onload=alert(1)>', chain: ['"><svg onload=alert(1)>'] },
      }),
      journeysAtRisk: ["<b>'checkout'</b>"],
      revenueAtRisk: { currency: '<EUR>', amount: 5 },
    });
    expect(html).not.toMatch(/<script|<img|<svg|<b>|<EUR>|<!channel>/i);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;!channel&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&#39;checkout&#39;');
    expect(html).toContain(`<a href="${LINKS.acknowledge}"`);
    expect(html).toContain(`<a href="${LINKS.view}"`);
  });

  it('never turns a non-web link into an HTML or Slack button', () => {
    const { html, slack } = page({ links: { view: 'javascript:alert(1)', acknowledge: LINKS.acknowledge } });
    expect(html).not.toContain('javascript:');
    const actions = (slack.blocks as Block[]).find((b) => b.type === 'actions');
    expect(actions?.elements?.map((e) => e.url)).toEqual([LINKS.acknowledge]);
  });

  it('builds Slack blocks: header, fields, context and link buttons, all escaped', () => {
    const { slack } = page({ incident: buildIncident({ title: XSS }) });
    const blocks = slack.blocks as Block[];
    expect(blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'context', 'actions']);
    expect(blocks[0]?.text).toEqual({
      type: 'plain_text',
      text: '🔴 #12 &lt;script&gt;alert("x")&lt;/script&gt; &amp; &lt;!channel&gt; &lt;https://evil.example|click&gt;',
    });
    expect(slack.text).toContain('&lt;script&gt;');
    const fields = blocks[2]?.fields?.map((f) => f.text);
    expect(fields).toEqual([
      '*Severity*\ncritical',
      '*Priority*\nP1',
      '*Status*\ntriggered',
      '*Suspected cause*\npayment-gateway (payment → payment-gateway)',
      '*Services*\npayment, payment-gateway',
      '*Journeys at risk*\ncheckout, pay',
      '*Revenue at risk*\n€1,234.50',
    ]);
    expect(blocks[3]?.elements?.[0]?.text).toBe('Opened 2025-06-01 12:03 UTC · nines');
    const buttons = blocks[4]?.elements?.map((e) => [(e.text as { text: string }).text, e.url, e.action_id]);
    expect(buttons).toEqual([
      ['Acknowledge', LINKS.acknowledge, 'acknowledge'],
      ['Resolve', LINKS.resolve, 'resolve'],
      ['Open in nines', LINKS.view, 'open'],
    ]);
    // Nothing a user wrote reaches Slack with a raw < or >.
    const json = JSON.stringify(slack);
    expect(json).not.toMatch(/<script|<!channel>|<https/);
  });

  it("stays inside Slack's length limits", () => {
    const long = '&'.repeat(400);
    const { slack } = page({
      incident: buildIncident({
        title: long,
        services: Array.from({ length: 50 }, (_, i) => `svc-${i}-${long}`),
      }),
    });
    const blocks = slack.blocks as Block[];
    expect(blocks[0]?.text?.text.length).toBeLessThanOrEqual(150);
    expect(blocks[0]?.text?.text.endsWith('…')).toBe(true);
    for (const f of blocks[2]?.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(2000);
  });

  it('gives the webhook its documented shape', () => {
    expect(page({ kind: 'escalated', level: 2 }).webhook).toEqual({
      event: 'incident.escalated',
      incident: {
        number: 12,
        title: 'Payment gateway errors',
        status: 'triggered',
        severity: 'critical',
        priority: 'P1',
        suspectedCause: { service: 'payment-gateway', chain: ['payment', 'payment-gateway'] },
        services: ['payment', 'payment-gateway'],
        journeys: ['checkout'],
        createdAt: '2025-06-01T12:03:00.000Z',
        url: LINKS.view,
      },
      level: 2,
      impact: { journeysAtRisk: ['checkout', 'pay'], revenueAtRisk: { currency: 'EUR', amount: 1234.5 } },
      links: LINKS,
    });
    const plain = renderPage({
      incident: buildIncident({ priority: null, suspectedCause: null }),
      kind: 'triggered',
      journeysAtRisk: [],
      links: LINKS,
    });
    expect(plain.webhook.level).toBeNull();
    expect(plain.webhook.incident.priority).toBeNull();
    expect(plain.webhook.incident.suspectedCause).toBeNull();
    expect(plain.webhook.impact.revenueAtRisk).toBeNull();
    // The title in the webhook is data, left as it was.
    expect(page({ incident: buildIncident({ title: XSS }) }).webhook.incident.title).toBe(XSS);
  });

  it('renders the same bytes for the same input', () => {
    expect(page()).toEqual(page());
  });
});

describe('escaping', () => {
  it('escapes the HTML specials and the three Slack ones', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
    expect(escapeSlack('<@U123> & <!here>')).toBe('&lt;@U123&gt; &amp; &lt;!here&gt;');
  });
});
