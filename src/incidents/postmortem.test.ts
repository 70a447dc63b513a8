import { describe, expect, it } from 'vitest';
import { formatInstant, humanDuration, type PostmortemInput, renderPostmortem } from './postmortem.js';
import type { ActionItem, Change, Incident, TimelineEntry } from './types.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const OPENED = Date.parse('2025-06-01T12:03:00Z');

/** Checkout payments failing for 1h 23m, caused by payment-gateway behind payment. */
function buildIncident(overrides: Partial<Incident> = {}): Incident {
  return {
    number: 42,
    title: 'Checkout payments failing',
    status: 'resolved',
    severity: 'critical',
    priority: 'P1',
    subject: { kind: 'service', name: 'payment' },
    suspectedCause: { service: 'payment-gateway', chain: ['payment', 'payment-gateway'] },
    services: ['payment', 'payment-gateway'],
    journeys: ['pay'],
    assignee: 'alice',
    roles: { commander: 'bob', scribe: 'carol' },
    createdAt: OPENED,
    acknowledgedAt: OPENED + 4 * MINUTE + 10_000,
    resolvedAt: OPENED + HOUR + 23 * MINUTE,
    lastAlertAt: OPENED + 20 * MINUTE,
    alertCount: 3,
    openAlertCount: 0,
    mergedInto: null,
    ...overrides,
  };
}

let nextId = 1;

function buildEntry(overrides: Partial<TimelineEntry> = {}): TimelineEntry {
  return {
    id: `t${nextId++}`,
    incident: 42,
    at: OPENED,
    type: 'note',
    actor: 'nines',
    message: 'A note',
    data: {},
    ...overrides,
  };
}

function buildChange(overrides: Partial<Change> = {}): Change {
  return {
    id: `c${nextId++}`,
    service: 'payment-gateway',
    summary: 'Deploy payment-gateway',
    type: 'deploy',
    version: 'v2.14.0',
    author: 'dave',
    source: 'github',
    occurredAt: OPENED - 23 * MINUTE,
    links: [],
    ...overrides,
  };
}

function buildActionItem(overrides: Partial<ActionItem> = {}): ActionItem {
  return {
    id: `a${nextId++}`,
    incident: 42,
    title: 'Add a circuit breaker around payment-gateway calls',
    owner: 'erin',
    dueDate: '2025-06-15',
    status: 'open',
    createdAt: OPENED + 2 * HOUR,
    doneAt: null,
    ...overrides,
  };
}

function buildInput(overrides: Partial<PostmortemInput> = {}): PostmortemInput {
  return {
    incident: buildIncident(),
    timeline: [],
    changes: [],
    journeys: [],
    valueStreams: [],
    budgets: [],
    revenueAtRisk: [],
    actionItems: [],
    ...overrides,
  };
}

/** The document cut at its `## ` headings: the title block first, then each section by heading. */
function sections(markdown: string): Map<string, string> {
  const [head = '', ...rest] = markdown.split(/^## /m);
  return new Map([
    ['', head],
    ...rest.map((s): [string, string] => [s.slice(0, s.indexOf('\n')), s.slice(s.indexOf('\n') + 1).trim()]),
  ]);
}

const REALISTIC = buildInput({
  timeline: [
    buildEntry({
      at: OPENED,
      type: 'opened',
      actor: 'alertmanager',
      message: 'PaymentErrorBudgetBurn firing',
    }),
    buildEntry({
      at: OPENED + MINUTE,
      type: 'alert',
      actor: 'alertmanager',
      message: 'GatewayTimeouts firing',
    }),
    buildEntry({
      at: OPENED + MINUTE,
      type: 'cause',
      actor: 'nines',
      message: 'Suspected cause: payment-gateway',
    }),
    buildEntry({
      at: OPENED + 4 * MINUTE + 10_000,
      type: 'acknowledged',
      actor: 'alice',
      message: 'Acknowledged',
    }),
    buildEntry({ at: OPENED + HOUR + 23 * MINUTE, type: 'resolved', actor: 'alice', message: 'Resolved' }),
  ],
  changes: [
    buildChange({
      links: [{ href: 'https://github.example/acme/gateway/pull/812', text: 'PR 812' }],
    }),
    buildChange({
      id: 'flag',
      service: 'payment',
      summary: 'Enable 3-D Secure v2',
      type: 'feature-flag',
      version: null,
      author: null,
      occurredAt: OPENED - 3 * HOUR,
    }),
  ],
  journeys: [
    { name: 'pay', displayName: 'Pay', critical: true },
    { name: 'order', displayName: 'Place order', critical: false },
  ],
  valueStreams: [{ name: 'online-sales', displayName: 'Online sales' }],
  budgets: [
    { slo: 'checkout-ok', consumed: 0.375 },
    { slo: 'order-latency', consumed: 0.042 },
    { slo: 'gateway-ok', consumed: 1.2 },
  ],
  revenueAtRisk: [
    { journey: 'pay', currency: 'EUR', amount: 12_345.6 },
    { journey: 'order', currency: 'EUR', amount: 2_100 },
  ],
  actionItems: [
    buildActionItem(),
    buildActionItem({ title: 'Alert on gateway TLS errors', owner: null, dueDate: null, status: 'done' }),
  ],
  timeZone: 'Europe/Amsterdam',
});

describe('renderPostmortem', () => {
  const doc = renderPostmortem(REALISTIC);
  const parts = sections(doc);

  it('has every section of the template, in order', () => {
    expect([...parts.keys()]).toEqual([
      '',
      'Summary',
      'Customer and business impact',
      'Timeline',
      'Changes before the incident',
      'Contributing factors',
      'What went well',
      'What could have gone better',
      'Action items',
    ]);
    expect(doc.endsWith('\n')).toBe(true);
  });

  it('opens with the title and a status line with duration and times to acknowledge and resolve', () => {
    const head = parts.get('') ?? '';
    expect(head.startsWith('# Postmortem: #42 Checkout payments failing\n')).toBe(true);
    expect(head).toContain(
      '**Status:** resolved · **Severity:** critical · **Priority:** P1 · **Duration:** 1h 23m · ' +
        '**Time to acknowledge:** 4m 10s · **Time to resolve:** 1h 23m',
    );
    expect(head).toContain(
      'Opened 2025-06-01 14:03:00 +02:00 · resolved 2025-06-01 15:26:00 +02:00 · assignee alice · commander bob · scribe carol',
    );
    expect(head).toContain('Blameless');
  });

  it('summarises the journeys affected, the suspected cause with its dependency chain and the duration', () => {
    expect(parts.get('Summary')).toBe(
      'Incident #42 put the Pay journey at risk and degraded the Place order journey ' +
        '(value stream: Online sales) for 1h 23m. ' +
        'The alerts point at payment-gateway as the suspected cause, reached through payment → payment-gateway.\n\n' +
        '_To fill in: what customers saw and how it ended, in a sentence or two._',
    );
  });

  it('lists journeys at risk and degraded, value streams, budget consumed and revenue at risk', () => {
    const impact = parts.get('Customer and business impact') ?? '';
    expect(impact).toContain('- Pay (pay): at risk (a critical dependency failed)');
    expect(impact).toContain('- Place order (order): degraded (only non-critical dependencies failed)');
    expect(impact).toContain('- Online sales (online-sales)');
    expect(impact).toContain('- checkout-ok: 37.5% of the error budget\n');
    expect(impact).toContain('- order-latency: 4.2% of the error budget\n');
    expect(impact).toContain('- gateway-ok: 120% of the error budget (exhausted)');
    expect(impact).toContain('- Pay: EUR 12,345.60\n- Place order: EUR 2,100.00\n- Total: EUR 14,445.60');
  });

  it('tabulates the timeline in the chosen zone, in order', () => {
    expect(parts.get('Timeline')).toBe(
      [
        '| Time (Europe/Amsterdam) | Type | Actor | Event |',
        '| --- | --- | --- | --- |',
        '| 2025-06-01 14:03:00 +02:00 | opened | alertmanager | PaymentErrorBudgetBurn firing |',
        '| 2025-06-01 14:04:00 +02:00 | alert | alertmanager | GatewayTimeouts firing |',
        '| 2025-06-01 14:04:00 +02:00 | cause | nines | Suspected cause: payment-gateway |',
        '| 2025-06-01 14:07:10 +02:00 | acknowledged | alice | Acknowledged |',
        '| 2025-06-01 15:26:00 +02:00 | resolved | alice | Resolved |',
      ].join('\n'),
    );
  });

  it('tabulates the changes newest first, with their links', () => {
    expect(parts.get('Changes before the incident')).toBe(
      [
        '| Time | Service | Type | Change | Version | Author |',
        '| --- | --- | --- | --- | --- | --- |',
        '| 2025-06-01 13:40:00 +02:00 | payment-gateway | deploy | Deploy payment-gateway ' +
          '([PR 812](https://github.example/acme/gateway/pull/812)) | v2.14.0 | dave |',
        '| 2025-06-01 11:03:00 +02:00 | payment | feature-flag | Enable 3-D Secure v2 | — | — |',
      ].join('\n'),
    );
  });

  it('starts the contributing factors from the suspected cause, blamelessly, and leaves prompts', () => {
    const factors = parts.get('Contributing factors') ?? '';
    expect(factors).toContain(
      '- Starting point: the alerts point at payment-gateway (payment → payment-gateway). It is a lead to check, not a conclusion',
    );
    expect(factors).toContain('- 2 changes were recorded before the incident');
    expect(factors).not.toContain('dave');
    expect(factors).toContain('_To fill in:');
    expect(parts.get('What went well')).toMatch(/^- _To fill in: .*_$/);
    expect(parts.get('What could have gone better')).toMatch(/^- _To fill in: .*_$/);
  });

  it('tabulates the action items with owner, due date and status', () => {
    expect(parts.get('Action items')).toBe(
      [
        '| Action | Owner | Due | Status |',
        '| --- | --- | --- | --- |',
        '| Add a circuit breaker around payment-gateway calls | erin | 2025-06-15 | open |',
        '| Alert on gateway TLS errors | unassigned | — | done |',
      ].join('\n'),
    );
  });

  it('says so when no changes and no action items were recorded', () => {
    const empty = sections(renderPostmortem(buildInput()));
    expect(empty.get('Changes before the incident')).toBe('No changes were recorded before the incident.');
    expect(empty.get('Action items')).toMatch(/^_To fill in: .*owner and a due date\._$/);
    expect(empty.get('Timeline')).toBe('No timeline entries were recorded.');
    expect(empty.get('Contributing factors')).not.toContain('changes were recorded');
  });

  it('says so when no journey, value stream, budget or revenue figures are known', () => {
    const impact = sections(renderPostmortem(buildInput())).get('Customer and business impact') ?? '';
    expect(impact).toContain('No journey was found at risk.');
    expect(impact).toContain('No value stream was found at risk.');
    expect(impact).toContain('No SLO budget figures were available.');
    expect(impact).toContain('No journey with a business value was affected.');
  });

  it('escapes pipes, backslashes and newlines in table cells so rows stay whole', () => {
    const doc = renderPostmortem(
      buildInput({
        timeline: [buildEntry({ actor: 'ops|bot', message: 'Rolled back\nv2.14 | v2.13\r\nC:\\tmp\\|x' })],
        changes: [buildChange({ summary: 'Raise pool | timeout\nfrom 5s', author: 'a|b' })],
        actionItems: [buildActionItem({ title: 'Fix | retry\nlogic', owner: 'x|y' })],
      }),
    );
    const p = sections(doc);
    expect(p.get('Timeline')).toContain('| ops\\|bot | Rolled back v2.14 \\| v2.13 C:\\\\tmp\\\\\\|x |');
    expect(p.get('Changes before the incident')).toContain(
      '| Raise pool \\| timeout from 5s | v2.14.0 | a\\|b |',
    );
    expect(p.get('Action items')).toContain('| Fix \\| retry logic | x\\|y | 2025-06-15 | open |');
    for (const section of ['Timeline', 'Changes before the incident', 'Action items']) {
      for (const row of (p.get(section) ?? '').split('\n')) {
        // Every row has as many unescaped pipes as the header.
        const header = (p.get(section) ?? '').split('\n')[0] ?? '';
        expect(row.replace(/\\./g, '').split('|').length).toBe(header.split('|').length);
      }
    }
  });

  it('never passes HTML from the input through', () => {
    const doc = renderPostmortem(
      buildInput({
        incident: buildIncident({
          title: '<script>alert(1)</script> checkout',
          suspectedCause: { service: '<img src=x>', chain: ['<b>payment</b>', '<img src=x>'] },
          assignee: '<i>alice</i>',
        }),
        timeline: [buildEntry({ message: '<iframe src="https://evil.example">' })],
        changes: [
          buildChange({
            summary: '<b>deploy</b>',
            links: [
              { href: 'javascript:alert(1)', text: 'run me' },
              { href: 'https://ci.example/build(7)?q=<x>', text: '<u>build</u> [7]' },
            ],
          }),
        ],
        journeys: [{ name: 'pay', displayName: '<marquee>Pay</marquee>', critical: true }],
        actionItems: [buildActionItem({ title: '<a href="x">fix</a>' })],
      }),
    );
    expect(doc).not.toMatch(/<[a-z/]/i);
    expect(doc).toContain('# Postmortem: #42 &lt;script>alert(1)&lt;/script> checkout');
    expect(doc).not.toContain('javascript:');
    expect(doc).toContain('[&lt;u>build&lt;/u> \\[7\\]](https://ci.example/build%287%29?q=%3Cx%3E)');
  });

  it('shows times in UTC by default', () => {
    const doc = renderPostmortem(buildInput({ timeline: [buildEntry({ at: OPENED })] }));
    expect(doc).toContain('| Time (UTC) | Type | Actor | Event |');
    expect(doc).toContain('| 2025-06-01 12:03:00 UTC |');
    expect(doc).toContain('Opened 2025-06-01 12:03:00 UTC');
  });

  it('shows each time with the offset the zone had then, across daylight saving changes', () => {
    const doc = renderPostmortem(
      buildInput({
        timeZone: 'America/New_York',
        timeline: [
          buildEntry({ at: Date.parse('2025-03-09T06:30:00Z') }),
          buildEntry({ at: Date.parse('2025-03-09T07:30:00Z') }),
        ],
      }),
    );
    expect(doc).toContain('| 2025-03-09 01:30:00 -05:00 |');
    expect(doc).toContain('| 2025-03-09 03:30:00 -04:00 |');
  });

  it('refuses a time zone that is not an IANA zone', () => {
    expect(() => renderPostmortem(buildInput({ timeZone: 'Mars/Olympus' }))).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
  });

  it('orders timeline entries by time, keeping the recorded order of simultaneous ones', () => {
    const doc = renderPostmortem(
      buildInput({
        timeline: [
          buildEntry({ at: OPENED + MINUTE, message: 'second' }),
          buildEntry({ at: OPENED, message: 'first' }),
          buildEntry({ at: OPENED + MINUTE, message: 'third' }),
        ],
      }),
    );
    expect([...doc.matchAll(/\| (first|second|third) \|/g)].map((m) => m[1])).toEqual([
      'first',
      'second',
      'third',
    ]);
  });

  it('describes an open, unacknowledged incident without a cause or journeys', () => {
    const incident = buildIncident({
      status: 'triggered',
      priority: null,
      acknowledgedAt: null,
      resolvedAt: null,
      suspectedCause: null,
      assignee: null,
      roles: {},
    });
    const open = sections(renderPostmortem(buildInput({ incident, now: OPENED + 2 * HOUR + 5 * MINUTE })));
    expect(open.get('')).toContain(
      '**Status:** triggered · **Severity:** critical · **Priority:** none · **Duration:** 2h 5m so far (still open) · ' +
        '**Time to acknowledge:** not acknowledged · **Time to resolve:** not resolved',
    );
    expect(open.get('')).toContain('Opened 2025-06-01 12:03:00 UTC\n');
    expect(open.get('Summary')).toContain(
      'Incident #42 affected the services payment and payment-gateway and has been open for 2h 5m. ' +
        'The alerts did not point at a suspected cause.',
    );
    expect(open.get('Contributing factors')).toContain('did not point at a suspected cause');
    const undated = sections(renderPostmortem(buildInput({ incident })));
    expect(undated.get('')).toContain('**Duration:** still open');
    expect(undated.get('Summary')).toContain('and is still open.');
  });

  it('names the cause alone when it is the service the first alert was on', () => {
    const incident = buildIncident({ suspectedCause: { service: 'payment', chain: ['payment'] } });
    const doc = sections(renderPostmortem(buildInput({ incident })));
    expect(doc.get('Summary')).toContain('The alerts point at payment as the suspected cause.');
  });
});

describe('humanDuration', () => {
  it('gives the two largest units, the smaller one truncated', () => {
    expect(
      [45_000, 4_980_000, 4_999_999, 250_000, 3_600_000, 86_400_000 + 3 * HOUR + 59 * MINUTE].map(
        humanDuration,
      ),
    ).toEqual(['45s', '1h 23m', '1h 23m', '4m 10s', '1h', '1d 3h']);
  });

  it('leaves out a zero second unit', () => {
    expect(humanDuration(86_400_000 + 5 * MINUTE)).toBe('1d');
    expect(humanDuration(2 * HOUR + 30_000)).toBe('2h');
  });

  it('shows under a second, and negative durations from clock skew, as 0s', () => {
    expect([0, 999, -5_000].map(humanDuration)).toEqual(['0s', '0s', '0s']);
  });
});

describe('formatInstant', () => {
  it('writes the local wall-clock time and the offset, or UTC', () => {
    const t = Date.parse('2025-01-15T23:30:05Z');
    expect(formatInstant(t, 'UTC')).toBe('2025-01-15 23:30:05 UTC');
    expect(formatInstant(t, 'Asia/Kolkata')).toBe('2025-01-16 05:00:05 +05:30');
    expect(formatInstant(t, 'Europe/London')).toBe('2025-01-15 23:30:05 +00:00');
    expect(formatInstant(Date.parse('2025-01-15T00:00:00Z'), 'UTC')).toBe('2025-01-15 00:00:00 UTC');
  });
});
