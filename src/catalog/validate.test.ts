import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from './diagnostics.js';
import { loadCatalog } from './load.js';

/** A small valid catalog the cases lean on, so each case shows one problem. */
const BASE = `apiVersion: nines/v1
kind: Team
metadata:
  name: shop
---
apiVersion: nines/v1
kind: Service
metadata:
  name: web
spec:
  owner: shop
---
apiVersion: nines/v1
kind: Service
metadata:
  name: db
spec:
  owner: shop
---
apiVersion: nines/v1
kind: Journey
metadata:
  name: buy
spec:
  steps:
    - name: Buy
      services: [web]
---
apiVersion: nines/v1
kind: ValueStream
metadata:
  name: sales
spec:
  objective: Sell things
  journeys: [buy]
---
apiVersion: nines/v1
kind: SLI
metadata:
  name: ok
spec:
  ratio: {}
---
apiVersion: nines/v1
kind: SLO
metadata:
  name: buy-ok
spec:
  journey: buy
  sli: ok
  objectives:
    - target: 99.9
  window: 28d
`;

function check(text: string): string[] {
  const { diagnostics } = loadCatalog([
    { path: 'base.yaml', text: BASE },
    { path: 'case.yaml', text },
  ]);
  return diagnostics.map(formatDiagnostic);
}

describe('the base catalog', () => {
  it('is valid on its own', () => {
    expect(check('')).toEqual([]);
  });
});

// Each case: a document with a mistake, and every diagnostic it must produce,
// with file, line, column, path and message exactly as `nines validate` prints them.
const CASES: { name: string; text: string; expected: string[] }[] = [
  {
    name: 'a YAML syntax error is located',
    text: `apiVersion: nines/v1
kind: Service
metadata:
  name: [web
spec: {}
`,
    expected: [
      'case.yaml:5:1 Flow sequence in block collection must be sufficiently indented and end with a ]',
    ],
  },
  {
    name: 'a repeated key in one mapping is a YAML error',
    text: `apiVersion: nines/v1
kind: Team
metadata:
  name: t2
  name: t3
`,
    expected: ['case.yaml:5:3 Map keys must be unique'],
  },
  {
    name: 'a document that is a list is rejected',
    text: `- apiVersion: nines/v1
- kind: Team
`,
    expected: ['case.yaml:1:1 a catalog document is a mapping with apiVersion, kind, metadata and spec'],
  },
  {
    name: 'a missing apiVersion is named',
    text: `kind: Team
metadata:
  name: t2
`,
    expected: [
      "case.yaml:1:1 apiVersion: required field 'apiVersion' is missing; use one of: nines/v1, openslo/v1, sloth.slok.dev/v1, or version: prometheus/v1 (a Sloth spec)",
    ],
  },
  {
    name: 'an unknown apiVersion suggests the closest',
    text: `apiVersion: nines/v2
kind: Team
metadata:
  name: t2
`,
    expected: [
      "case.yaml:1:13 apiVersion: unknown apiVersion 'nines/v2' (did you mean 'nines/v1'?); nines reads nines/v1, openslo/v1, sloth.slok.dev/v1, or version: prometheus/v1 (a Sloth spec)",
    ],
  },
  {
    name: 'a missing kind lists the kinds',
    text: `apiVersion: nines/v1
metadata:
  name: t2
`,
    expected: [
      "case.yaml:1:1 kind: required field 'kind' is missing; nines/v1 kinds are Team, User, ValueStream, Journey, Service, DataSource, SLI, SLO, Probe, Schedule, EscalationPolicy, ErrorBudgetPolicy, ReleaseGate, StatusPage",
    ],
  },
  {
    name: 'an unknown kind suggests the closest',
    text: `apiVersion: nines/v1
kind: Servce
metadata:
  name: web2
`,
    expected: [
      "case.yaml:2:7 kind: unknown kind 'Servce' (did you mean 'Service'?); nines/v1 kinds are Team, User, ValueStream, Journey, Service, DataSource, SLI, SLO, Probe, Schedule, EscalationPolicy, ErrorBudgetPolicy, ReleaseGate, StatusPage",
    ],
  },
  {
    name: 'an unknown top-level field and the missing spec are both reported',
    text: `apiVersion: nines/v1
kind: Service
metadata:
  name: web2
specs:
  owner: shop
`,
    expected: [
      "case.yaml:1:1 spec: required field 'spec' is missing; it must be a mapping",
      "case.yaml:5:1 specs: unknown field 'specs' (did you mean 'spec'?); allowed here: apiVersion, kind, metadata, spec",
    ],
  },
  {
    name: 'an unknown spec field suggests the closest',
    text: `apiVersion: nines/v1
kind: Service
metadata:
  name: web2
spec:
  owner: shop
  dependOn: [db]
`,
    expected: [
      "case.yaml:7:3 spec.dependOn: unknown field 'dependOn' (did you mean 'dependsOn'?); allowed here: description, owner, tier, runbook, external, dependsOn, links, escalationPolicy, budgetPolicy, releaseGate",
    ],
  },
  {
    name: 'an unknown metadata field suggests the closest',
    text: `apiVersion: nines/v1
kind: Team
metadata:
  name: t2
  lables: {a: b}
`,
    expected: [
      "case.yaml:5:3 metadata.lables: unknown field 'lables' (did you mean 'labels'?); allowed here: name, displayName, labels, annotations",
    ],
  },
  {
    name: 'a missing metadata.name is named',
    text: `apiVersion: nines/v1
kind: Team
metadata:
  displayName: T
`,
    expected: ["case.yaml:4:3 metadata.name: required field 'name' is missing; it must be text"],
  },
  {
    name: 'a name that is not a DNS label is rejected',
    text: `apiVersion: nines/v1
kind: Team
metadata:
  name: Payment_Team
`,
    expected: [
      "case.yaml:4:9 metadata.name: 'Payment_Team' is not a valid name; use 1-63 lower-case letters, digits and '-', starting and ending with a letter or digit",
    ],
  },
  {
    name: 'a service without an owner is rejected',
    text: `apiVersion: nines/v1
kind: Service
metadata:
  name: web2
spec:
  tier: 1
`,
    expected: ["case.yaml:6:3 spec.owner: required field 'owner' is missing; it must be text"],
  },
  {
    name: 'a tier of the wrong type is rejected',
    text: `apiVersion: nines/v1
kind: Service
metadata:
  name: web2
spec:
  owner: shop
  tier: high
`,
    expected: ["case.yaml:7:9 spec.tier: expected a number, got the text 'high'"],
  },
  {
    name: 'a tier out of range is rejected',
    text: `apiVersion: nines/v1
kind: Service
metadata:
  name: web2
spec:
  owner: shop
  tier: 0
`,
    expected: ['case.yaml:7:9 spec.tier: 0 is not a tier; tiers run from 1 (most critical) to 4'],
  },
  {
    name: 'a runbook that is not a URL is rejected',
    text: `apiVersion: nines/v1
kind: Service
metadata:
  name: web2
spec:
  owner: shop
  runbook: wiki/web
`,
    expected: ["case.yaml:7:12 spec.runbook: 'wiki/web' is not an http(s) URL"],
  },
  {
    name: 'an unknown field in a dependsOn entry is rejected',
    text: `apiVersion: nines/v1
kind: Service
metadata:
  name: web2
spec:
  owner: shop
  dependsOn:
    - servce: db
`,
    expected: [
      "case.yaml:8:7 spec.dependsOn[0].servce: unknown field 'servce' (did you mean 'service'?); allowed here: service, critical",
      "case.yaml:8:7 spec.dependsOn[0].service: required field 'service' is missing; it must be text",
    ],
  },
  {
    name: 'a non-boolean critical flag is rejected',
    text: `apiVersion: nines/v1
kind: Service
metadata:
  name: web2
spec:
  owner: shop
  dependsOn:
    - service: db
      critical: maybe
`,
    expected: ["case.yaml:9:17 spec.dependsOn[0].critical: expected true or false, got the text 'maybe'"],
  },
  {
    name: 'a dependsOn on an unknown service suggests the closest',
    text: `apiVersion: nines/v1
kind: Service
metadata:
  name: web2
spec:
  owner: shop
  dependsOn: [dbb]
`,
    expected: ["case.yaml:7:15 spec.dependsOn[0]: Service 'dbb' is not in the catalog (did you mean 'db'?)"],
  },
  {
    name: 'an owner that is not a team is rejected',
    text: `apiVersion: nines/v1
kind: Service
metadata:
  name: web2
spec:
  owner: shopp
`,
    expected: ["case.yaml:6:10 spec.owner: Team 'shopp' is not in the catalog (did you mean 'shop'?)"],
  },
  {
    name: 'a journey step naming an unknown service is rejected',
    text: `apiVersion: nines/v1
kind: Journey
metadata:
  name: browse
spec:
  steps:
    - name: Look
      services: [web, catalog]
`,
    expected: [
      "case.yaml:4:9 warning: metadata.name: journey 'browse' belongs to no value stream, so no business objective shows it",
      "case.yaml:4:9 warning: metadata.name: journey 'browse' has no SLO, so its reliability is not measured",
      "case.yaml:8:23 spec.steps[0].services[1]: Service 'catalog' is not in the catalog",
    ],
  },
  {
    name: 'a journey without steps is rejected',
    text: `apiVersion: nines/v1
kind: Journey
metadata:
  name: browse
spec:
  steps: []
`,
    expected: ['case.yaml:6:10 spec.steps: a journey needs at least one step'],
  },
  {
    name: 'business value needs revenue or value per success',
    text: `apiVersion: nines/v1
kind: Journey
metadata:
  name: browse
spec:
  steps:
    - name: Look
      services: [web]
  value:
    currency: EUR
`,
    expected: [
      "case.yaml:4:9 warning: metadata.name: journey 'browse' belongs to no value stream, so no business objective shows it",
      "case.yaml:4:9 warning: metadata.name: journey 'browse' has no SLO, so its reliability is not measured",
      'case.yaml:10:5 spec.value: business value needs revenuePerHour or valuePerSuccess (or both), in the given currency',
    ],
  },
  {
    name: 'a currency must be an ISO 4217 code',
    text: `apiVersion: nines/v1
kind: Journey
metadata:
  name: browse
spec:
  steps:
    - name: Look
      services: [web]
  value:
    currency: euro
    revenuePerHour: 10
`,
    expected: [
      "case.yaml:10:15 spec.value.currency: 'euro' is not an ISO 4217 currency code such as EUR or USD",
    ],
  },
  {
    name: 'a negative revenue is rejected',
    text: `apiVersion: nines/v1
kind: Journey
metadata:
  name: browse
spec:
  steps:
    - name: Look
      services: [web]
  value:
    currency: EUR
    revenuePerHour: -5
`,
    expected: [
      "case.yaml:4:9 warning: metadata.name: journey 'browse' belongs to no value stream, so no business objective shows it",
      "case.yaml:4:9 warning: metadata.name: journey 'browse' has no SLO, so its reliability is not measured",
      'case.yaml:11:21 spec.value.revenuePerHour: -5 is negative; revenue per hour is zero or more',
    ],
  },
  {
    name: 'a value stream naming an unknown journey is rejected',
    text: `apiVersion: nines/v1
kind: ValueStream
metadata:
  name: growth
spec:
  objective: Grow
  journeys: [buy, by]
`,
    expected: ["case.yaml:7:19 spec.journeys[1]: Journey 'by' is not in the catalog (did you mean 'buy'?)"],
  },
  {
    name: 'a user with a bad email and time zone gets both errors',
    text: `apiVersion: nines/v1
kind: User
metadata:
  name: ann
spec:
  email: ann.example.com
  timeZone: Mars/Olympus
`,
    expected: [
      "case.yaml:6:10 spec.email: 'ann.example.com' is not an email address",
      "case.yaml:7:13 spec.timeZone: 'Mars/Olympus' is not an IANA time zone; use a name such as Europe/Berlin, America/New_York or UTC",
    ],
  },
  {
    name: 'a team member that is not a user is rejected',
    text: `apiVersion: nines/v1
kind: Team
metadata:
  name: t2
spec:
  members: [zed]
`,
    expected: ["case.yaml:6:13 spec.members[0]: User 'zed' is not in the catalog"],
  },
  {
    name: 'a service declared twice is a duplicate',
    text: `apiVersion: nines/v1
kind: Service
metadata:
  name: web
spec:
  owner: shop
`,
    expected: [
      "case.yaml:4:9 metadata.name: Service 'web' is already declared at base.yaml:9:9; names are unique per kind",
    ],
  },
  {
    name: 'a two-service dependency cycle prints its path',
    text: `apiVersion: nines/v1
kind: Service
metadata:
  name: x1
spec:
  owner: shop
  dependsOn: [x2]
---
apiVersion: nines/v1
kind: Service
metadata:
  name: x2
spec:
  owner: shop
  dependsOn: [x1]
`,
    expected: [
      'case.yaml:15:15 spec.dependsOn[0]: dependency cycle: x1 \u2192 x2 \u2192 x1; dependsOn must not loop back, or no failure could be traced to a cause',
    ],
  },
  {
    name: 'a three-service dependency cycle prints its path',
    text: `apiVersion: nines/v1
kind: Service
metadata:
  name: x1
spec:
  owner: shop
  dependsOn: [x2]
---
apiVersion: nines/v1
kind: Service
metadata:
  name: x2
spec:
  owner: shop
  dependsOn: [x3]
---
apiVersion: nines/v1
kind: Service
metadata:
  name: x3
spec:
  owner: shop
  dependsOn: [db, x1]
`,
    expected: [
      'case.yaml:23:19 spec.dependsOn[1]: dependency cycle: x1 \u2192 x2 \u2192 x3 \u2192 x1; dependsOn must not loop back, or no failure could be traced to a cause',
    ],
  },
  {
    name: 'a service that depends on itself is a cycle',
    text: `apiVersion: nines/v1
kind: Service
metadata:
  name: x1
spec:
  owner: shop
  dependsOn: [x1]
`,
    expected: [
      'case.yaml:7:15 spec.dependsOn[0]: dependency cycle: x1 \u2192 x1; dependsOn must not loop back, or no failure could be traced to a cause',
    ],
  },
  {
    name: 'a target above 100 is impossible',
    text: `apiVersion: nines/v1
kind: SLO
metadata:
  name: s2
spec:
  journey: buy
  sli: ok
  objectives:
    - target: 101
  window: 28d
`,
    expected: [
      'case.yaml:9:15 spec.objectives[0].target: 101 is above 100; a target is a percentage in (0, 100)',
    ],
  },
  {
    name: 'a target of 100 leaves no budget',
    text: `apiVersion: nines/v1
kind: SLO
metadata:
  name: s2
spec:
  journey: buy
  sli: ok
  objectives:
    - target: 100
  window: 28d
`,
    expected: [
      'case.yaml:9:15 spec.objectives[0].target: 100 leaves no error budget; a target is a percentage in (0, 100), e.g. 99.9',
    ],
  },
  {
    name: 'a target of 0 is impossible',
    text: `apiVersion: nines/v1
kind: SLO
metadata:
  name: s2
spec:
  journey: buy
  sli: ok
  objectives:
    - target: 0
  window: 28d
`,
    expected: [
      'case.yaml:9:15 spec.objectives[0].target: 0 is not above 0; a target is a percentage in (0, 100)',
    ],
  },
  {
    name: 'a target written as text is rejected',
    text: `apiVersion: nines/v1
kind: SLO
metadata:
  name: s2
spec:
  journey: buy
  sli: ok
  objectives:
    - target: 99.9%
  window: 28d
`,
    expected: ["case.yaml:9:15 spec.objectives[0].target: expected a number, got the text '99.9%'"],
  },
  {
    name: 'an SLO without objectives is rejected',
    text: `apiVersion: nines/v1
kind: SLO
metadata:
  name: s2
spec:
  journey: buy
  sli: ok
  objectives: []
  window: 28d
`,
    expected: ['case.yaml:8:15 spec.objectives: an SLO needs at least one objective'],
  },
  {
    name: 'a window that is not a duration is rejected',
    text: `apiVersion: nines/v1
kind: SLO
metadata:
  name: s2
spec:
  journey: buy
  sli: ok
  objectives:
    - target: 99
  window: 28 days
`,
    expected: [
      "case.yaml:10:11 spec.window.rolling: '28 days' is not a duration; write a whole number and a unit m, h, d or w (e.g. 28d)",
    ],
  },
  {
    name: 'a zero-length window is impossible',
    text: `apiVersion: nines/v1
kind: SLO
metadata:
  name: s2
spec:
  journey: buy
  sli: ok
  objectives:
    - target: 99
  window:
    rolling: 0d
`,
    expected: [
      'case.yaml:11:14 spec.window.rolling: a rolling window of 0d is impossible; use between 1h and 366d (28d or 30d is usual)',
    ],
  },
  {
    name: 'a window longer than a year is impossible',
    text: `apiVersion: nines/v1
kind: SLO
metadata:
  name: s2
spec:
  journey: buy
  sli: ok
  objectives:
    - target: 99
  window: 400d
`,
    expected: [
      'case.yaml:10:11 spec.window: a rolling window of 400d is impossible; use between 1h and 366d (28d or 30d is usual)',
    ],
  },
  {
    name: 'a window shorter than a day is a warning',
    text: `apiVersion: nines/v1
kind: SLO
metadata:
  name: s2
spec:
  journey: buy
  sli: ok
  objectives:
    - target: 99
  window: 6h
`,
    expected: [
      'case.yaml:10:11 warning: spec.window: a rolling window of 6h is shorter than a day; budgets this short page on every blip (did you mean days or months?)',
    ],
  },
  {
    name: 'a 7-day window warns that its ticket tiers would fire under budget pace',
    text: `apiVersion: nines/v1
kind: SLO
metadata:
  name: s2
spec:
  journey: buy
  sli: ok
  objectives:
    - target: 99
  window: 7d
`,
    expected: [
      'case.yaml:10:11 warning: spec.window: with a 7d window the default ticket-1d and ticket-3d tiers would fire at burn rates 0.7 and 0.23: below 1, while the budget would still last the window; set their factor under alerting.tiers, disable them under alerting.disabled, or use a window of 28d or more',
    ],
  },
  {
    name: 'a 7-day window with its ticket tiers set draws no warning',
    text: `apiVersion: nines/v1
kind: SLO
metadata:
  name: s2
spec:
  journey: buy
  sli: ok
  objectives:
    - target: 99
  window: 7d
  alerting:
    tiers: [{id: ticket-1d, factor: 1.4}]
    disabled: [ticket-3d]
`,
    expected: [],
  },
  {
    name: 'a Prometheus rule file in the catalog directory is left out with a warning',
    text: `groups:
  - name: x
    rules: [{record: a, expr: vector(1)}]
`,
    expected: ['case.yaml:1:1 warning: a Prometheus rule file, not a catalog document; left out'],
  },
  {
    name: 'a calendar window needs a time zone',
    text: `apiVersion: nines/v1
kind: SLO
metadata:
  name: s2
spec:
  journey: buy
  sli: ok
  objectives:
    - target: 99
  window:
    calendar: month
`,
    expected: [
      'case.yaml:11:5 spec.window.timeZone: a calendar window needs timeZone, an IANA zone such as Europe/Berlin or UTC',
    ],
  },
  {
    name: 'a calendar window with an unknown time zone is rejected',
    text: `apiVersion: nines/v1
kind: SLO
metadata:
  name: s2
spec:
  journey: buy
  sli: ok
  objectives:
    - target: 99
  window:
    calendar: month
    timeZone: Europe/Berln
`,
    expected: [
      "case.yaml:12:15 spec.window.timeZone: 'Europe/Berln' is not an IANA time zone; use a name such as Europe/Berlin, America/New_York or UTC",
    ],
  },
  {
    name: 'an unknown calendar unit suggests the closest',
    text: `apiVersion: nines/v1
kind: SLO
metadata:
  name: s2
spec:
  journey: buy
  sli: ok
  objectives:
    - target: 99
  window:
    calendar: mnth
    timeZone: UTC
`,
    expected: [
      "case.yaml:11:15 spec.window.calendar: the text 'mnth' is not allowed (did you mean 'month'?); use one of: week, month, quarter, year",
    ],
  },
  {
    name: 'a window cannot be rolling and calendar',
    text: `apiVersion: nines/v1
kind: SLO
metadata:
  name: s2
spec:
  journey: buy
  sli: ok
  objectives:
    - target: 99
  window:
    rolling: 28d
    calendar: month
    timeZone: UTC
`,
    expected: ['case.yaml:11:5 spec.window: a window is either rolling or calendar, not both'],
  },
  {
    name: 'a rolling window takes no time zone',
    text: `apiVersion: nines/v1
kind: SLO
metadata:
  name: s2
spec:
  journey: buy
  sli: ok
  objectives:
    - target: 99
  window:
    rolling: 28d
    timeZone: UTC
`,
    expected: ['case.yaml:12:5 spec.window.timeZone: timeZone only applies to calendar windows'],
  },
  {
    name: 'a calendar startTime must be a local time',
    text: `apiVersion: nines/v1
kind: SLO
metadata:
  name: s2
spec:
  journey: buy
  sli: ok
  objectives:
    - target: 99
  window:
    calendar: month
    timeZone: UTC
    startTime: 2024-01-01T00:00:00Z
`,
    expected: [
      "case.yaml:13:16 spec.window.startTime: '2024-01-01T00:00:00Z' is not a local time; write YYYY-MM-DD HH:MM:SS without a zone",
    ],
  },
  {
    name: 'an SLO measures a journey or a service, not both',
    text: `apiVersion: nines/v1
kind: SLO
metadata:
  name: s2
spec:
  journey: buy
  service: web
  sli: ok
  objectives:
    - target: 99
  window: 28d
`,
    expected: [
      'case.yaml:5:1 spec: an SLO measures one journey or one service, not both; remove spec.journey or spec.service',
    ],
  },
  {
    name: 'an SLO must measure something',
    text: `apiVersion: nines/v1
kind: SLO
metadata:
  name: s2
spec:
  sli: ok
  objectives:
    - target: 99
  window: 28d
`,
    expected: [
      'case.yaml:5:1 spec: an SLO needs a journey or a service it measures; set spec.journey or spec.service',
    ],
  },
  {
    name: 'an SLO naming an unknown journey and SLI gets both errors',
    text: `apiVersion: nines/v1
kind: SLO
metadata:
  name: s2
spec:
  journey: bye
  sli: okay
  objectives:
    - target: 99
  window: 28d
`,
    expected: [
      "case.yaml:6:12 spec.journey: Journey 'bye' is not in the catalog",
      "case.yaml:7:8 spec.sli: SLI 'okay' is not in the catalog",
    ],
  },
  {
    name: 'an SLO takes sli or indicator, not both',
    text: `apiVersion: nines/v1
kind: SLO
metadata:
  name: s2
spec:
  journey: buy
  sli: ok
  indicator:
    ratio: {}
  objectives:
    - target: 99
  window: 28d
`,
    expected: ['case.yaml:5:1 spec: spec.sli and spec.indicator are alternatives; keep one'],
  },
  {
    name: 'timeslices budgeting needs a timeslice target and window',
    text: `apiVersion: nines/v1
kind: SLO
metadata:
  name: s2
spec:
  journey: buy
  sli: ok
  budgetingMethod: timeslices
  objectives:
    - target: 99
  window: 28d
`,
    expected: [
      'case.yaml:10:7 spec.objectives[0].timesliceTarget: timeslices budgeting needs timesliceTarget, a percentage in (0, 100] a minute must reach to count as good',
      'case.yaml:10:7 spec.objectives[0].timesliceWindow: timeslices budgeting needs timesliceWindow, e.g. 1m or 5m',
    ],
  },
  {
    name: 'timeslice fields need timeslices budgeting',
    text: `apiVersion: nines/v1
kind: SLO
metadata:
  name: s2
spec:
  journey: buy
  sli: ok
  objectives:
    - target: 99
      timesliceTarget: 95
  window: 28d
`,
    expected: [
      'case.yaml:10:7 spec.objectives[0].timesliceTarget: timesliceTarget only applies with budgetingMethod: timeslices',
    ],
  },
  {
    name: 'an unknown budgeting method suggests the closest',
    text: `apiVersion: nines/v1
kind: SLO
metadata:
  name: s2
spec:
  journey: buy
  sli: ok
  budgetingMethod: occurences
  objectives:
    - target: 99
  window: 28d
`,
    expected: [
      "case.yaml:8:20 spec.budgetingMethod: the text 'occurences' is not allowed (did you mean 'occurrences'?); use one of: occurrences, timeslices",
    ],
  },
  {
    name: 'an alert tier override gives budgetPercent or factor, and each tier once',
    text: `apiVersion: nines/v1
kind: SLO
metadata:
  name: s2
spec:
  journey: buy
  sli: ok
  objectives:
    - target: 99
  window: 28d
  alerting:
    tiers:
      - id: page-1h
        factor: 10
        budgetPercent: 2
      - id: page-6h
        factor: 5
      - id: page-6h
        factor: 4
`,
    expected: [
      'case.yaml:13:9 spec.alerting.tiers[0]: a tier override gives budgetPercent (share of the budget spent when it fires) or factor (burn rate), not both',
      'case.yaml:18:13 spec.alerting.tiers[2].id: tier page-6h is changed twice; give each tier once',
    ],
  },
  {
    name: 'an unknown alert tier suggests the closest',
    text: `apiVersion: nines/v1
kind: SLO
metadata:
  name: s2
spec:
  journey: buy
  sli: ok
  objectives:
    - target: 99
  window: 28d
  alerting:
    disabled: [pager]
`,
    expected: [
      "case.yaml:12:16 spec.alerting.disabled[0]: the text 'pager' is not allowed (did you mean 'page'?); use one of: page, ticket, page-1h, page-6h, ticket-1d, ticket-3d",
    ],
  },
  {
    name: 'an SLA stricter than the SLO is rejected',
    text: `apiVersion: nines/v1
kind: SLO
metadata:
  name: s2
spec:
  journey: buy
  sli: ok
  objectives:
    - target: 99.9
  window: 28d
  sla:
    target: 99.95
`,
    expected: [
      'case.yaml:12:13 spec.sla.target: the SLA (99.95%) is stricter than the objective (99.9%); an SLO must be at least as strict as the SLA it protects',
    ],
  },
  {
    name: 'an SLI has one indicator',
    text: `apiVersion: nines/v1
kind: SLI
metadata:
  name: s2
spec:
  ratio: {}
  latency:
    threshold: 800ms
`,
    expected: [
      'case.yaml:5:1 spec: an SLI has exactly one of ratio, latency or raw; this one has ratio and latency',
    ],
  },
  {
    name: 'an SLI needs an indicator',
    text: `apiVersion: nines/v1
kind: SLI
metadata:
  name: s2
spec:
  description: nothing
`,
    expected: [
      'case.yaml:5:1 spec: an SLI needs exactly one of ratio (good/total events), latency (a threshold) or raw (a ratio)',
    ],
  },
  {
    name: 'a latency threshold needs a unit',
    text: `apiVersion: nines/v1
kind: SLI
metadata:
  name: s2
spec:
  latency:
    threshold: fast
`,
    expected: [
      "case.yaml:7:16 spec.latency.threshold: 'fast' is not a latency; write milliseconds or seconds (e.g. 800ms, 1.5s)",
    ],
  },
  {
    name: 'a prometheus ratio needs total and one of good or bad',
    text: `apiVersion: nines/v1
kind: SLI
metadata:
  name: s2
spec:
  source: prometheus
  ratio:
    good: sum(rate(ok[5m]))
    bad: sum(rate(err[5m]))
`,
    expected: [
      'case.yaml:8:5 spec.ratio: a prometheus ratio needs exactly one of good or bad, next to total',
      'case.yaml:8:5 spec.ratio.total: a prometheus ratio needs a total query',
    ],
  },
  {
    name: 'queries are only for prometheus sources',
    text: `apiVersion: nines/v1
kind: SLI
metadata:
  name: s2
spec:
  ratio:
    total: sum(rate(all[5m]))
`,
    expected: [
      'case.yaml:7:5 spec.ratio.total: a query is only used with a prometheus source; events SLIs receive their counts directly',
    ],
  },
  {
    name: 'an unknown data source is rejected',
    text: `apiVersion: nines/v1
kind: SLI
metadata:
  name: s2
spec:
  source:
    type: prometheus
    dataSource: prom
  raw:
    query: avg(up)
`,
    expected: ["case.yaml:8:17 spec.source.dataSource: DataSource 'prom' is not in the catalog"],
  },
  {
    name: 'an unknown SLI source type suggests the closest',
    text: `apiVersion: nines/v1
kind: SLI
metadata:
  name: s2
spec:
  source: event
  ratio: {}
`,
    expected: [
      "case.yaml:6:11 spec.source.type: the text 'event' is not allowed (did you mean 'events'?); use one of: events, probe, prometheus",
    ],
  },
  {
    name: 'a journey in no value stream and without an SLO gets warnings',
    text: `apiVersion: nines/v1
kind: Journey
metadata:
  name: browse
spec:
  steps:
    - name: Look
      services: [web]
`,
    expected: [
      "case.yaml:4:9 warning: metadata.name: journey 'browse' belongs to no value stream, so no business objective shows it",
      "case.yaml:4:9 warning: metadata.name: journey 'browse' has no SLO, so its reliability is not measured",
    ],
  },
  {
    name: 'OpenSLO: op on an objective of an inlined ratioMetric is forbidden (upstream example pattern)',
    text: `apiVersion: openslo/v1
kind: SLO
metadata:
  name: web-avail
spec:
  service: web
  budgetingMethod: Timeslices
  timeWindow:
    - duration: 28d
      isRolling: true
  indicator:
    metadata:
      name: web-errors
    spec:
      ratioMetric:
        counter: true
        bad:
          metricSource:
            type: Prometheus
            spec:
              query: sum(err)
        total:
          metricSource:
            type: Prometheus
            spec:
              query: sum(all)
  objectives:
    - displayName: good
      op: gt
      target: 0.995
      timeSliceTarget: 0.95
      timeSliceWindow: 1m
`,
    expected: [
      "case.yaml:29:7 spec.objectives[0].op: property is forbidden: 'op' does not apply when the indicator is an inlined ratioMetric",
    ],
  },
  {
    name: 'OpenSLO: target and targetPercent are alternatives',
    text: `apiVersion: openslo/v1
kind: SLO
metadata:
  name: web-avail
spec:
  service: web
  budgetingMethod: Occurrences
  timeWindow:
    - duration: 28d
      isRolling: true
  indicator:
    metadata:
      name: web-errors
    spec:
      ratioMetric:
        counter: true
        bad:
          metricSource:
            type: Prometheus
            spec:
              query: sum(err)
        total:
          metricSource:
            type: Prometheus
            spec:
              query: sum(all)
  objectives:
    - target: 0.99
      targetPercent: 99
`,
    expected: [
      'case.yaml:28:7 spec.objectives[0]: an objective has exactly one of target (a fraction) or targetPercent',
    ],
  },
  {
    name: 'OpenSLO: a target is a fraction',
    text: `apiVersion: openslo/v1
kind: SLO
metadata:
  name: web-avail
spec:
  service: web
  budgetingMethod: Occurrences
  timeWindow:
    - duration: 28d
      isRolling: true
  indicator:
    metadata:
      name: web-errors
    spec:
      ratioMetric:
        counter: true
        bad:
          metricSource:
            type: Prometheus
            spec:
              query: sum(err)
        total:
          metricSource:
            type: Prometheus
            spec:
              query: sum(all)
  objectives:
    - target: 99.9
`,
    expected: [
      'case.yaml:28:15 spec.objectives[0].target: 99.9 is not below 1; target is a fraction in (0, 1) (use targetPercent for percentages)',
    ],
  },
  {
    name: 'OpenSLO: budgetingMethod is required (spec README example)',
    text: `apiVersion: openslo/v1
kind: SLO
metadata:
  name: web-avail
spec:
  service: web
  timeWindow:
    - duration: 28d
      isRolling: true
  indicator:
    metadata:
      name: web-errors
    spec:
      ratioMetric:
        counter: true
        bad:
          metricSource:
            type: Prometheus
            spec:
              query: sum(err)
        total:
          metricSource:
            type: Prometheus
            spec:
              query: sum(all)
  objectives:
    - target: 0.99
`,
    expected: [
      "case.yaml:6:3 spec.budgetingMethod: required field 'budgetingMethod' is missing; use one of: Occurrences, Timeslices, RatioTimeslices",
    ],
  },
  {
    name: 'OpenSLO: timeWindow holds one item',
    text: `apiVersion: openslo/v1
kind: SLO
metadata:
  name: web-avail
spec:
  service: web
  budgetingMethod: Occurrences
  timeWindow:
    - duration: 28d
      isRolling: true
    - duration: 7d
      isRolling: true
  indicator:
    metadata:
      name: web-errors
    spec:
      ratioMetric:
        counter: true
        bad:
          metricSource:
            type: Prometheus
            spec:
              query: sum(err)
        total:
          metricSource:
            type: Prometheus
            spec:
              query: sum(all)
  objectives:
    - target: 0.99
`,
    expected: ['case.yaml:9:5 spec.timeWindow: timeWindow holds exactly one item, not 2'],
  },
  {
    name: 'OpenSLO: a rolling window takes no calendar',
    text: `apiVersion: openslo/v1
kind: SLO
metadata:
  name: web-avail
spec:
  service: web
  budgetingMethod: Occurrences
  timeWindow:
    - duration: 1M
      isRolling: true
      calendar:
        startTime: 2024-01-01 00:00:00
        timeZone: UTC
  indicator:
    metadata:
      name: web-errors
    spec:
      ratioMetric:
        counter: true
        bad:
          metricSource:
            type: Prometheus
            spec:
              query: sum(err)
        total:
          metricSource:
            type: Prometheus
            spec:
              query: sum(all)
  objectives:
    - target: 0.99
`,
    expected: [
      'case.yaml:11:7 spec.timeWindow[0].calendar: calendar is forbidden on a rolling window (isRolling: true)',
    ],
  },
  {
    name: 'OpenSLO: a one-minute window (meant 1M) is impossible',
    text: `apiVersion: openslo/v1
kind: SLO
metadata:
  name: web-avail
spec:
  service: web
  budgetingMethod: Occurrences
  timeWindow:
    - duration: 1m
      isRolling: true
  indicator:
    metadata:
      name: web-errors
    spec:
      ratioMetric:
        counter: true
        bad:
          metricSource:
            type: Prometheus
            spec:
              query: sum(err)
        total:
          metricSource:
            type: Prometheus
            spec:
              query: sum(all)
  objectives:
    - target: 0.99
`,
    expected: [
      'case.yaml:9:17 spec.timeWindow[0].duration: a rolling window of 1m is impossible; use between 1h and 366d (28d or 30d is usual)',
    ],
  },
  {
    name: 'OpenSLO: calendar windows of 7d are not supported',
    text: `apiVersion: openslo/v1
kind: SLO
metadata:
  name: web-avail
spec:
  service: web
  budgetingMethod: Occurrences
  timeWindow:
    - duration: 7d
      isRolling: false
      calendar:
        startTime: 2024-01-01 00:00:00
        timeZone: America/New_York
  indicator:
    metadata:
      name: web-errors
    spec:
      ratioMetric:
        counter: true
        bad:
          metricSource:
            type: Prometheus
            spec:
              query: sum(err)
        total:
          metricSource:
            type: Prometheus
            spec:
              query: sum(all)
  objectives:
    - target: 0.99
`,
    expected: [
      'case.yaml:9:17 spec.timeWindow[0].duration: nines runs calendar windows of 1w, 1M, 1Q or 1Y, not 7d',
    ],
  },
  {
    name: 'OpenSLO: RatioTimeslices is reported as unsupported',
    text: `apiVersion: openslo/v1
kind: SLO
metadata:
  name: web-avail
spec:
  service: web
  budgetingMethod: RatioTimeslices
  timeWindow:
    - duration: 28d
      isRolling: true
  indicator:
    metadata:
      name: web-errors
    spec:
      ratioMetric:
        counter: true
        bad:
          metricSource:
            type: Prometheus
            spec:
              query: sum(err)
        total:
          metricSource:
            type: Prometheus
            spec:
              query: sum(all)
  objectives:
    - target: 0.99
`,
    expected: [
      'case.yaml:7:20 spec.budgetingMethod: RatioTimeslices is not supported by nines yet; use Occurrences or Timeslices',
    ],
  },
  {
    name: 'OpenSLO: an SLI has thresholdMetric or ratioMetric, not both',
    text: `apiVersion: openslo/v1
kind: SLI
metadata:
  name: lat
spec:
  thresholdMetric:
    metricSource:
      type: Prometheus
      spec:
        query: p99
  ratioMetric:
    counter: true
    raw:
      metricSource:
        type: Prometheus
        spec:
          query: ratio
    rawType: success
`,
    expected: ['case.yaml:5:1 spec: an SLI has exactly one of thresholdMetric or ratioMetric'],
  },
  {
    name: 'OpenSLO: a ratioMetric has good or bad, not both',
    text: `apiVersion: openslo/v1
kind: SLI
metadata:
  name: errs
spec:
  ratioMetric:
    counter: true
    good:
      metricSource:
        type: Prometheus
        spec:
          query: ok
    bad:
      metricSource:
        type: Prometheus
        spec:
          query: err
    total:
      metricSource:
        type: Prometheus
        spec:
          query: all
`,
    expected: ['case.yaml:7:5 spec.ratioMetric: a ratioMetric with total has exactly one of good or bad'],
  },
  {
    name: 'OpenSLO: an empty metricSource spec is rejected',
    text: `apiVersion: openslo/v1
kind: SLI
metadata:
  name: errs
spec:
  ratioMetric:
    counter: true
    raw:
      metricSource:
        type: Prometheus
        spec: {}
    rawType: failure
`,
    expected: ['case.yaml:11:15 spec.ratioMetric.raw.metricSource.spec: metricSource.spec must not be empty'],
  },
  {
    name: 'OpenSLO: a thresholdMetric objective needs op and value',
    text: `apiVersion: openslo/v1
kind: SLO
metadata:
  name: web-lat
spec:
  service: web
  budgetingMethod: Occurrences
  timeWindow:
    - duration: 28d
      isRolling: true
  indicator:
    metadata:
      name: web-p99
    spec:
      thresholdMetric:
        metricSource:
          type: Prometheus
          spec:
            query: p99
  objectives:
    - target: 0.99
`,
    expected: [
      "case.yaml:21:7 spec.objectives[0].op: 'op' is required when the indicator is an inlined thresholdMetric",
      "case.yaml:21:7 spec.objectives[0].value: 'value' is required when the indicator is an inlined thresholdMetric",
    ],
  },
  {
    name: 'OpenSLO: the openslo.com/ annotation prefix is reserved',
    text: `apiVersion: openslo/v1
kind: Service
metadata:
  name: web
  annotations:
    openslo.com/owner: shop
spec: {}
`,
    expected: [
      "case.yaml:6:5 metadata.annotations.openslo.com/owner: the annotation prefix 'openslo.com/' is reserved by OpenSLO",
    ],
  },
  {
    name: 'OpenSLO: an AlertPolicy has exactly one condition',
    text: `apiVersion: openslo/v1
kind: AlertPolicy
metadata:
  name: p1
spec:
  conditions:
    - conditionRef: c1
    - conditionRef: c2
  notificationTargets: []
`,
    expected: [
      'case.yaml:7:5 spec.conditions: an AlertPolicy has exactly one condition, not 2',
      "case.yaml:7:21 spec.conditions[0].conditionRef: AlertCondition 'c1' is not in the catalog",
      "case.yaml:8:21 spec.conditions[1].conditionRef: AlertCondition 'c2' is not in the catalog",
      'case.yaml:9:24 spec.notificationTargets: an AlertPolicy needs at least one notification target',
    ],
  },
  {
    name: 'OpenSLO: an unknown condition kind is rejected',
    text: `apiVersion: openslo/v1
kind: AlertCondition
metadata:
  name: c1
spec:
  severity: page
  condition:
    kind: burnRate
    op: gte
    threshold: 2
    lookbackWindow: 1h
`,
    expected: [
      "case.yaml:8:11 spec.condition.kind: the text 'burnRate' is not allowed (did you mean 'burnrate'?); use one of: burnrate",
    ],
  },
  {
    name: 'a schema error does not hide a dangling reference in the same document',
    text: `apiVersion: nines/v1
kind: Service
metadata:
  name: web2
spec:
  owner: shopp
  tier: 7
`,
    expected: [
      "case.yaml:6:10 spec.owner: Team 'shopp' is not in the catalog (did you mean 'shop'?)",
      'case.yaml:7:9 spec.tier: 7 is not a tier; tiers run from 1 (most critical) to 4',
    ],
  },
  {
    name: 'several problems in one document are all reported',
    text: `apiVersion: nines/v1
kind: Service
metadata:
  name: Web2
spec:
  owner: shop
  tier: 9
  runbok: https://x.example
`,
    expected: [
      "case.yaml:4:9 metadata.name: 'Web2' is not a valid name; use 1-63 lower-case letters, digits and '-', starting and ending with a letter or digit",
      'case.yaml:7:9 spec.tier: 9 is not a tier; tiers run from 1 (most critical) to 4',
      "case.yaml:8:3 spec.runbok: unknown field 'runbok' (did you mean 'runbook'?); allowed here: description, owner, tier, runbook, external, dependsOn, links, escalationPolicy, budgetPolicy, releaseGate",
    ],
  },
  {
    name: 'an invalid reference name does not hide the rest of the document',
    text: `apiVersion: nines/v1
kind: Service
metadata:
  name: web2
spec:
  owner: Shop_Team
  tier: 7
  dependsOn: [dbb]
`,
    expected: [
      "case.yaml:6:10 spec.owner: 'Shop_Team' is not a valid name; use 1-63 lower-case letters, digits and '-', starting and ending with a letter or digit",
      'case.yaml:7:9 spec.tier: 7 is not a tier; tiers run from 1 (most critical) to 4',
      "case.yaml:8:15 spec.dependsOn[0]: Service 'dbb' is not in the catalog (did you mean 'db'?)",
    ],
  },
  {
    name: 'an invalid name in a list is reported, the other items are still checked',
    text: `apiVersion: nines/v1
kind: Journey
metadata:
  name: browse
spec:
  steps:
    - name: Look
      services: [web, Search_Svc, serch]
`,
    expected: [
      "case.yaml:4:9 warning: metadata.name: journey 'browse' belongs to no value stream, so no business objective shows it",
      "case.yaml:4:9 warning: metadata.name: journey 'browse' has no SLO, so its reliability is not measured",
      "case.yaml:8:23 spec.steps[0].services[1]: 'Search_Svc' is not a valid name; use 1-63 lower-case letters, digits and '-', starting and ending with a letter or digit",
      "case.yaml:8:35 spec.steps[0].services[2]: Service 'serch' is not in the catalog",
    ],
  },
  {
    name: 'an entity with an invalid name is left out, its references are still checked',
    text: `apiVersion: nines/v1
kind: Service
metadata:
  name: Web_2
spec:
  owner: shopp
---
apiVersion: nines/v1
kind: Service
metadata:
  name: web3
spec:
  owner: shop
  dependsOn: [Web_2]
`,
    expected: [
      "case.yaml:4:9 metadata.name: 'Web_2' is not a valid name; use 1-63 lower-case letters, digits and '-', starting and ending with a letter or digit",
      "case.yaml:6:10 spec.owner: Team 'shopp' is not in the catalog (did you mean 'shop'?)",
      "case.yaml:14:15 spec.dependsOn[0].service: 'Web_2' is not a valid name; use 1-63 lower-case letters, digits and '-', starting and ending with a letter or digit",
    ],
  },
  {
    name: 'an empty name is an invalid name',
    text: `apiVersion: nines/v1
kind: Service
metadata:
  name: ''
spec:
  owner: shopp
`,
    expected: [
      "case.yaml:4:9 metadata.name: '' is not a valid name; use 1-63 lower-case letters, digits and '-', starting and ending with a letter or digit",
      "case.yaml:6:10 spec.owner: Team 'shopp' is not in the catalog (did you mean 'shop'?)",
    ],
  },
  {
    name: 'a bad link is left out and the service is still declared and checked',
    text: `apiVersion: nines/v1
kind: Service
metadata:
  name: web2
spec:
  owner: shopp
  links:
    - {title: Dashboard, url: 'ftp://dash'}
    - {title: Runbook, url: 'https://runbook.example'}
    - https://docs.example
---
apiVersion: nines/v1
kind: Service
metadata:
  name: web3
spec:
  owner: shop
  dependsOn: [web2]
`,
    expected: [
      "case.yaml:6:10 spec.owner: Team 'shopp' is not in the catalog (did you mean 'shop'?)",
      "case.yaml:8:31 spec.links[0].url: 'ftp://dash' is not an http(s) URL",
      "case.yaml:10:7 spec.links[2]: expected a mapping, got the text 'https://docs.example'",
    ],
  },
  {
    name: 'a wrong field in an SLI does not hide its missing indicator',
    text: `apiVersion: nines/v1
kind: SLI
metadata:
  name: s2
spec:
  description: 7
`,
    expected: [
      'case.yaml:5:1 spec: an SLI needs exactly one of ratio (good/total events), latency (a threshold) or raw (a ratio)',
      'case.yaml:6:16 spec.description: expected text, got the number 7',
    ],
  },
  {
    name: 'a wrong metadata field does not hide the spec',
    text: `apiVersion: nines/v1
kind: Service
metadata:
  name: web2
  displayName: ${'W'.repeat(64)}
spec:
  owner: shopp
`,
    expected: [
      'case.yaml:5:16 metadata.displayName: a displayName is at most 63 characters',
      "case.yaml:7:10 spec.owner: Team 'shopp' is not in the catalog (did you mean 'shop'?)",
    ],
  },
  {
    name: 'a kind written as a list is not text',
    text: `apiVersion: nines/v1
kind: [Team]
metadata:
  name: t2
`,
    expected: [
      'case.yaml:2:7 kind: kind must be text, got a list; nines/v1 kinds are Team, User, ValueStream, Journey, Service, DataSource, SLI, SLO, Probe, Schedule, EscalationPolicy, ErrorBudgetPolicy, ReleaseGate, StatusPage',
    ],
  },
  {
    name: 'a kind written as a mapping is not text',
    text: `apiVersion: nines/v1
kind: {a: 1}
metadata:
  name: t2
`,
    expected: [
      'case.yaml:2:7 kind: kind must be text, got a mapping; nines/v1 kinds are Team, User, ValueStream, Journey, Service, DataSource, SLI, SLO, Probe, Schedule, EscalationPolicy, ErrorBudgetPolicy, ReleaseGate, StatusPage',
    ],
  },
  {
    name: 'an apiVersion written as a list is not text',
    text: `apiVersion: [nines/v1]
kind: Team
metadata:
  name: t2
`,
    expected: [
      'case.yaml:1:13 apiVersion: apiVersion must be text, got a list; use one of: nines/v1, openslo/v1, sloth.slok.dev/v1, or version: prometheus/v1 (a Sloth spec)',
    ],
  },
  {
    name: 'a user needs a spec with an email',
    text: `apiVersion: nines/v1
kind: User
metadata:
  name: ann
`,
    expected: ["case.yaml:1:1 spec: required field 'spec' is missing; it must be a mapping"],
  },
  {
    name: 'a byte order mark does not shift columns on line 1',
    text: `\uFEFFapiVersion: nines/v2
kind: Team
metadata:
  name: t2
`,
    expected: [
      "case.yaml:1:13 apiVersion: unknown apiVersion 'nines/v2' (did you mean 'nines/v1'?); nines reads nines/v1, openslo/v1, sloth.slok.dev/v1, or version: prometheus/v1 (a Sloth spec)",
    ],
  },
  {
    name: 'an unknown YAML tag is a YAML error',
    text: `apiVersion: nines/v1
kind: Team
metadata:
  name: t2
spec:
  members: !Ref ann
`,
    expected: ['case.yaml:6:12 Unresolved tag: !Ref'],
  },
  {
    name: 'an alias without an anchor is a YAML error',
    text: `apiVersion: nines/v1
kind: Team
metadata:
  name: t2
spec:
  members: *people
`,
    expected: ['case.yaml:1:1 Unresolved alias (the anchor must be set before the alias): people'],
  },
  {
    name: 'a description is at most 1050 characters, as in OpenSLO',
    text: `apiVersion: nines/v1
kind: Service
metadata:
  name: web2
spec:
  owner: shop
  description: ${'x'.repeat(1051)}
`,
    expected: ['case.yaml:7:16 spec.description: a description is at most 1050 characters'],
  },
  {
    name: 'the openslo.com/ annotation prefix is reserved in nines/v1 too',
    text: `apiVersion: nines/v1
kind: Service
metadata:
  name: web2
  annotations:
    openslo.com/owner: shop
spec:
  owner: shop
`,
    expected: [
      "case.yaml:6:5 metadata.annotations.openslo.com/owner: the annotation prefix 'openslo.com/' is reserved by OpenSLO",
    ],
  },
  {
    name: 'a timeslice window is between 1m and 1h',
    text: `apiVersion: nines/v1
kind: SLO
metadata:
  name: s2
spec:
  journey: buy
  sli: ok
  budgetingMethod: timeslices
  objectives:
    - {target: 99, timesliceTarget: 95, timesliceWindow: 2h}
    - {target: 98, timesliceTarget: 95, timesliceWindow: 0m}
  window: 28d
`,
    expected: [
      'case.yaml:10:58 spec.objectives[0].timesliceWindow: a timeslice of 2h is impossible; use between 1m and 1h (1m or 5m is usual)',
      'case.yaml:11:58 spec.objectives[1].timesliceWindow: a timeslice of 0m is impossible; use between 1m and 1h (1m or 5m is usual)',
    ],
  },
  {
    name: 'a latency threshold of 0ms is impossible',
    text: `apiVersion: nines/v1
kind: SLI
metadata:
  name: s2
spec:
  latency:
    threshold: 0ms
`,
    expected: [
      "case.yaml:7:16 spec.latency.threshold: '0ms' is not above 0; a latency threshold is a positive duration",
    ],
  },
  {
    name: 'OpenSLO: a timeSliceWindow is between 1m and 1h',
    text: `apiVersion: openslo/v1
kind: SLO
metadata:
  name: web-avail
spec:
  service: web
  indicatorRef: ok
  budgetingMethod: Timeslices
  timeWindow:
    - duration: 28d
      isRolling: true
  objectives:
    - targetPercent: 99
      timeSliceTarget: 0.95
      timeSliceWindow: 1M
`,
    expected: [
      'case.yaml:15:24 spec.objectives[0].timeSliceWindow: a timeslice of 1M is impossible; use between 1m and 1h (1m or 5m is usual)',
    ],
  },
  {
    name: 'OpenSLO: an invalid journey name in the nines annotation is an invalid name',
    text: `apiVersion: openslo/v1
kind: SLO
metadata:
  name: web-avail
  annotations:
    nines.dev/journey: Buy_Now
spec:
  service: journey-buy
  indicatorRef: ok
  budgetingMethod: Occurrences
  timeWindow:
    - duration: 28d
      isRolling: true
  objectives:
    - targetPercent: 99
`,
    expected: [
      "case.yaml:6:24 metadata.annotations.nines.dev/journey: 'Buy_Now' is not a valid name; use 1-63 lower-case letters, digits and '-', starting and ending with a letter or digit",
    ],
  },
  {
    name: 'OpenSLO: an invalid indicatorRef is reported, the rest still checked',
    text: `apiVersion: openslo/v1
kind: SLO
metadata:
  name: web-avail
spec:
  service: webb
  indicatorRef: Ok_Sli
  budgetingMethod: Occurrences
  timeWindow:
    - duration: 28d
      isRolling: true
  objectives:
    - targetPercent: 99
`,
    expected: [
      "case.yaml:6:12 spec.service: Service 'webb' is not in the catalog (did you mean 'web'?)",
      "case.yaml:7:17 spec.indicatorRef: 'Ok_Sli' is not a valid name; use 1-63 lower-case letters, digits and '-', starting and ending with a letter or digit",
    ],
  },
];

describe('nines validate reports', () => {
  it.each(CASES)('$name', ({ text, expected }) => {
    expect(check(text)).toEqual(expected);
  });

  it('covers at least 40 invalid inputs', () => {
    expect(
      CASES.filter((c) => c.expected.some((e) => !e.includes(' warning: '))).length,
    ).toBeGreaterThanOrEqual(40);
  });
});

describe('diagnostic codes', () => {
  const codes = (text: string) =>
    loadCatalog([
      { path: 'base.yaml', text: BASE },
      { path: 'case.yaml', text },
    ]).diagnostics.map((d) => `${d.code} ${d.path}`);
  const slo = (spec: string) =>
    `apiVersion: nines/v1\nkind: SLO\nmetadata: {name: s2}\nspec: {journey: buy, sli: ok, ${spec}}\n`;
  const openslo = (objective: string, window = '28d') =>
    `apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: s3}\nspec: {service: web, indicatorRef: ok, budgetingMethod: Timeslices, timeWindow: [{duration: ${window}, isRolling: true}], objectives: [{${objective}}]}\n`;

  it('an impossible target is invalid-target, in nines/v1 and OpenSLO', () => {
    expect(codes(slo('objectives: [{target: 101}], window: 28d'))).toEqual([
      'invalid-target spec.objectives[0].target',
    ]);
    expect(
      codes(
        slo(
          'budgetingMethod: timeslices, objectives: [{target: 99, timesliceTarget: 0, timesliceWindow: 1m}], window: 28d, sla: {target: 100}',
        ),
      ),
    ).toEqual(['invalid-target spec.objectives[0].timesliceTarget', 'invalid-target spec.sla.target']);
    expect(codes(openslo('target: 1.5, timeSliceTarget: 0.9, timeSliceWindow: 1m'))).toEqual([
      'invalid-target spec.objectives[0].target',
    ]);
    expect(codes(openslo('targetPercent: 100, timeSliceTarget: 2, timeSliceWindow: 1m'))).toEqual([
      'invalid-target spec.objectives[0].targetPercent',
      'invalid-target spec.objectives[0].timeSliceTarget',
    ]);
  });

  it('a malformed window or duration is invalid-window, in nines/v1 and OpenSLO', () => {
    expect(codes(slo("objectives: [{target: 99}], window: '28 days'"))).toEqual([
      'invalid-window spec.window.rolling',
    ]);
    expect(
      codes(
        slo(
          "budgetingMethod: timeslices, objectives: [{target: 99, timesliceTarget: 95, timesliceWindow: '5 min'}], window: 28d",
        ),
      ),
    ).toEqual(['invalid-window spec.objectives[0].timesliceWindow']);
    expect(codes(openslo('targetPercent: 99, timeSliceTarget: 0.9, timeSliceWindow: 1m', '30 days'))).toEqual(
      ['invalid-window spec.timeWindow[0].duration'],
    );
    expect(
      codes(
        'apiVersion: openslo/v1\nkind: AlertCondition\nmetadata: {name: c1}\nspec: {severity: page, condition: {kind: burnrate, op: gte, threshold: 2, lookbackWindow: 1 hour, alertAfter: soon}}\n',
      ),
    ).toEqual(['invalid-window spec.condition.lookbackWindow', 'invalid-window spec.condition.alertAfter']);
  });

  it('other values out of range stay invalid-value', () => {
    expect(
      codes(slo('objectives: [{target: 99}], window: 28d, sla: {target: 98, creditPercent: 0}')),
    ).toEqual(['invalid-value spec.sla.creditPercent']);
  });
});
