import { describe, expect, it } from 'vitest';
import { type Criterion, parseCriterion } from '../gates/criteria.js';
import { formatDiagnostic } from './diagnostics.js';
import { loadCatalog } from './load.js';

/**
 * A valid catalog: a service on a journey, an SLI fed by events, one with
 * latencies, one read from Prometheus, an SLO on each, and a default policy.
 */
const BASE = `apiVersion: nines/v1
kind: Team
metadata: {name: pay}
---
apiVersion: nines/v1
kind: Service
metadata: {name: checkout}
spec: {owner: pay, budgetPolicy: standard, releaseGate: payments}
---
apiVersion: nines/v1
kind: Journey
metadata: {name: buy}
spec:
  budgetPolicy: standard
  steps: [{name: Pay, services: [checkout]}]
---
apiVersion: nines/v1
kind: ValueStream
metadata: {name: sales}
spec: {objective: Sell things, journeys: [buy]}
---
apiVersion: nines/v1
kind: SLI
metadata: {name: paid}
spec: {ratio: {}}
---
apiVersion: nines/v1
kind: SLI
metadata: {name: paid-fast}
spec: {latency: {threshold: 2s}}
---
apiVersion: nines/v1
kind: DataSource
metadata: {name: prom}
spec: {type: prometheus, url: "http://127.0.0.1:9090"}
---
apiVersion: nines/v1
kind: SLI
metadata: {name: psp-ok}
spec:
  source: {type: prometheus, dataSource: prom}
  ratio:
    bad: sum(rate(psp_errors_total[{{window}}]))
    total: sum(rate(psp_requests_total[{{window}}]))
---
apiVersion: nines/v1
kind: SLO
metadata: {name: pay-ok, displayName: Payments succeed}
spec: {journey: buy, sli: paid, objectives: [{target: 99.9}], window: 28d}
---
apiVersion: nines/v1
kind: SLO
metadata: {name: pay-fast}
spec: {journey: buy, sli: paid-fast, objectives: [{target: 99}], window: 28d}
---
apiVersion: nines/v1
kind: SLO
metadata: {name: psp}
spec: {service: checkout, sli: psp-ok, objectives: [{target: 99.5}], window: 28d}
---
apiVersion: nines/v1
kind: ErrorBudgetPolicy
metadata: {name: standard}
spec:
  default: true
  rules:
    - {budgetBelow: 50, action: warn}
    - {budgetBelow: 25, action: override, description: a release needs a named reason}
    - {budgetExhausted: true, action: fixesOnly}
`;

const GATE = `apiVersion: nines/v1
kind: ReleaseGate
metadata: {name: payments}
spec:
  description: Payment deploys are compared with the two hours before them
  openIncidents: warn
  freezes:
    - name: black-friday
      description: The busiest weekend of the year
      timeZone: Europe/Berlin
      start: 2027-11-25T18:00
      end: 2027-11-29T08:00
    - name: weekends
      timeZone: Europe/Berlin
      weekly:
        - {days: [fri], start: "16:00", end: "24:00"}
        - {days: [sat, sun, sat], start: "00:00", end: "24:00"}
        - {days: [mon], start: "00:00", end: "08:00"}
      allowFixes: false
  analysis:
    delay: 2m
    window: 1h
    baseline: 3h
    minEvents: 100
    totalScore: {pass: 80, warning: 60}
    objectives:
      - slo: pay-ok
        metric: errorPercent
        displayName: Payment errors (%)
        key: true
        weight: 2
        pass: ["<=0.05"]
        warning: ["<=0.1"]
      - slo: pay-fast
        metric: latencyP95
        pass: ["<=+10%", "<2000"]
        warning: [{criteria: ["<=+25%"]}, {criteria: ["<1000"]}]
      - sli: psp-ok
        metric: throughput
  rollback:
    url: \${env:PAYMENT_ROLLBACK_URL}
    secret: \${env:PAYMENT_ROLLBACK_SECRET}
`;

function crit(text: string): Criterion {
  const parsed = parseCriterion(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.criterion;
}

/** The diagnostics of a case file next to the base catalog and its gate, as `nines validate` prints them. */
function check(text: string): string[] {
  const { diagnostics } = loadCatalog([
    { path: 'base.yaml', text: BASE },
    { path: 'gate.yaml', text: GATE },
    { path: 'case.yaml', text },
  ]);
  return diagnostics.map(formatDiagnostic);
}

/** A release gate with the given spec, in flow style. */
const gate = (spec: string, name = 'bad') => `apiVersion: nines/v1
kind: ReleaseGate
metadata: {name: ${name}}
spec:
${spec}`;

describe('releases in the catalog', () => {
  it('builds policies and gates as written', () => {
    const { catalog, diagnostics } = loadCatalog([
      { path: 'base.yaml', text: BASE },
      { path: 'gate.yaml', text: GATE },
    ]);
    expect(diagnostics).toEqual([]);
    expect(catalog.ErrorBudgetPolicy.get('standard')).toEqual({
      kind: 'ErrorBudgetPolicy',
      name: 'standard',
      labels: {},
      annotations: {},
      default: true,
      rules: [
        { belowPercent: 50, exhausted: false, action: 'warn' },
        {
          belowPercent: 25,
          exhausted: false,
          action: 'override',
          description: 'a release needs a named reason',
        },
        { belowPercent: 0, exhausted: true, action: 'fixesOnly' },
      ],
    });
    expect(catalog.ReleaseGate.get('payments')).toEqual({
      kind: 'ReleaseGate',
      name: 'payments',
      description: 'Payment deploys are compared with the two hours before them',
      labels: {},
      annotations: {},
      default: false,
      openIncidents: 'warn',
      freezes: [
        {
          name: 'black-friday',
          description: 'The busiest weekend of the year',
          timeZone: 'Europe/Berlin',
          once: { start: '2027-11-25T18:00', end: '2027-11-29T08:00' },
          weekly: [],
          allowFixes: true,
        },
        {
          name: 'weekends',
          timeZone: 'Europe/Berlin',
          weekly: [
            { days: [5], start: '16:00', end: '24:00' },
            { days: [6, 7], start: '00:00', end: '24:00' },
            { days: [1], start: '00:00', end: '08:00' },
          ],
          allowFixes: false,
        },
      ],
      analysis: {
        delayMs: 120_000,
        windowMs: 3_600_000,
        baselineMs: 10_800_000,
        minEvents: 100,
        totalScore: { pass: 80, warning: 60 },
        objectives: [
          {
            name: 'pay-ok/errorPercent',
            displayName: 'Payment errors (%)',
            slo: 'pay-ok',
            metric: 'errorPercent',
            key: true,
            weight: 2,
            pass: [[crit('<=0.05')]],
            warning: [[crit('<=0.1')]],
          },
          {
            name: 'pay-fast/latencyP95',
            slo: 'pay-fast',
            metric: 'latencyP95',
            key: false,
            weight: 1,
            pass: [[crit('<=+10%'), crit('<2000')]],
            warning: [[crit('<=+25%')], [crit('<1000')]],
          },
          {
            name: 'psp-ok/throughput',
            sli: 'psp-ok',
            metric: 'throughput',
            key: false,
            weight: 1,
            pass: [],
            warning: [],
          },
        ],
      },
      rollback: { url: `\${env:PAYMENT_ROLLBACK_URL}`, secret: `\${env:PAYMENT_ROLLBACK_SECRET}` },
    });
  });

  it('fills in the defaults of a gate: fail on incidents, fixes through freezes, 30m after, 2h before, 50 events, 90/75', () => {
    const { catalog, diagnostics } = loadCatalog([
      { path: 'base.yaml', text: BASE },
      {
        path: 'gate.yaml',
        text: gate(
          `  freezes: [{name: nights, timeZone: UTC, weekly: [{days: [mon], start: "22:00", end: "06:00"}]}]\n`,
          'payments',
        ),
      },
    ]);
    expect(diagnostics).toEqual([]);
    expect(catalog.ReleaseGate.get('payments')).toMatchObject({
      default: false,
      openIncidents: 'fail',
      freezes: [
        {
          name: 'nights',
          timeZone: 'UTC',
          weekly: [{ days: [1], start: '22:00', end: '06:00' }],
          allowFixes: true,
        },
      ],
      analysis: {
        delayMs: 0,
        windowMs: 1_800_000,
        baselineMs: 7_200_000,
        minEvents: 50,
        totalScore: { pass: 90, warning: 75 },
        objectives: [],
      },
    });
    expect(catalog.ReleaseGate.get('payments')?.rollback).toBeUndefined();
  });

  it('has nothing to say about the base catalog and its gate', () => {
    expect(check('')).toEqual([]);
  });

  it('names the problems of an error-budget policy', () => {
    expect(
      check(`apiVersion: nines/v1
kind: ErrorBudgetPolicy
metadata: {name: bad}
spec:
  rules:
    - {budgetBelow: 10, budgetExhausted: true, action: fixesOnly}
    - {action: warn}
    - {budgetBelow: 0, action: warn}
    - {budgetBelow: 101, action: block}
`),
    ).toEqual([
      'case.yaml:6:7 spec.rules[0]: a rule has either budgetBelow: <percent remaining> or budgetExhausted: true',
      'case.yaml:7:7 spec.rules[1]: a rule has either budgetBelow: <percent remaining> or budgetExhausted: true',
      'case.yaml:8:21 spec.rules[2].budgetBelow: 0 is not above 0; write a percentage of the budget in (0, 100]',
      'case.yaml:9:21 spec.rules[3].budgetBelow: 101 is above 100; write a percentage of the budget in (0, 100]',
      "case.yaml:9:34 spec.rules[3].action: the text 'block' is not allowed; use one of: warn, override, fixesOnly",
    ]);
    expect(
      check('apiVersion: nines/v1\nkind: ErrorBudgetPolicy\nmetadata: {name: bad}\nspec: {rules: []}\n'),
    ).toEqual(['case.yaml:4:15 spec.rules: an error-budget policy needs at least one rule']);
  });

  it('names the problems of a freeze written wrongly', () => {
    expect(
      check(
        gate(`  freezes:
    - {name: a, timeZone: Europe/Berlin, start: 2027-11-25T18:00}
    - {name: b, timeZone: Europe/Berlin, start: 2027-11-25T18:00, end: 2027-11-25T8:00}
    - {name: c, timeZone: Europe/Berlin, start: 2027-11-25T18:00, end: 2027-11-26T08:00, weekly: [{days: [fri], start: "16:00", end: "24:00"}]}
    - {name: d, timeZone: Mars/Olympus, weekly: [{days: [], start: "9:00", end: "25:00"}]}
`),
      ),
    ).toEqual([
      'case.yaml:6:7 spec.freezes[0]: a one-off freeze needs both start and end',
      "case.yaml:7:72 spec.freezes[1].end: '2027-11-25T8:00' is not a wall-clock time; write YYYY-MM-DDTHH:mm in the freeze's zone",
      'case.yaml:8:7 spec.freezes[2]: a freeze has either start and end (once) or weekly windows',
      "case.yaml:9:27 spec.freezes[3].timeZone: 'Mars/Olympus' is not an IANA time zone; use a name such as Europe/Berlin, America/New_York or UTC",
      'case.yaml:9:57 spec.freezes[3].weekly[0].days: name at least one day (mon … sun)',
      "case.yaml:9:68 spec.freezes[3].weekly[0].start: '9:00' is not a time; write HH:mm",
      "case.yaml:9:81 spec.freezes[3].weekly[0].end: '25:00' is not a time; write HH:mm (24:00 for midnight)",
    ]);
  });

  it('refuses a freeze that ends before it starts, at a time that does not exist, twice, or empty', () => {
    expect(
      check(
        gate(`  freezes:
    - {name: a, timeZone: Europe/Berlin, start: 2027-11-25T18:00, end: 2027-11-25T08:00}
    - {name: b, timeZone: Europe/Berlin, start: 2027-11-25T18:00, end: 2027-11-25T18:00}
    - {name: b, timeZone: Europe/Berlin, start: 2027-02-30T18:00, end: 2027-11-25T18:00}
    - {name: c, timeZone: Europe/Berlin, weekly: [{days: [fri], start: "16:00", end: "16:00"}]}
`),
      ),
    ).toEqual([
      'case.yaml:6:72 spec.freezes[0].end: a freeze ends after it starts',
      'case.yaml:7:72 spec.freezes[1].end: a freeze ends after it starts',
      "case.yaml:8:14 spec.freezes[2].name: a second freeze named 'b'",
      "case.yaml:8:49 spec.freezes[2].start: '2027-02-30T18:00' is not a time that exists",
      'case.yaml:9:86 spec.freezes[3].weekly[0].end: a window from 16:00 to 16:00 is empty; for a whole day write 00:00 to 24:00',
    ]);
  });

  it('names the problems of the objectives, each at its place', () => {
    expect(
      check(
        gate(`  analysis:
    objectives:
      - {slo: pay-ok, sli: paid, metric: errorPercent, pass: ["<=1"]}
      - {metric: errorPercent, pass: ["<=1"]}
      - {sli: paid, metric: burnRate, pass: ["<=1"]}
      - {slo: pay-ok, metric: errorPercent, pass: ["<<5", "<=1"], warning: [{criteria: ["<=2"]}, {criteria: ["=<3"]}]}
      - {slo: pay-ok, metric: errorPercent, pass: ["<=1"]}
      - {slo: pay-ok, metric: successPercent, warning: [">=99"]}
      - {slo: pay-okk, metric: throughput}
`),
      ),
    ).toEqual([
      'case.yaml:7:9 spec.analysis.objectives[0]: an objective measures one SLO (slo: <name>) or one SLI (sli: <name>); name exactly one',
      'case.yaml:8:9 spec.analysis.objectives[1]: an objective measures one SLO (slo: <name>) or one SLI (sli: <name>); name exactly one',
      'case.yaml:9:29 spec.analysis.objectives[2].metric: burnRate needs an SLO (its target); write slo: <name>',
      'case.yaml:10:52 spec.analysis.objectives[3].pass[0]: criterion "<<5" is not valid: expected an operator (<, <=, =, >, >=) and a number, signed or with % when relative to the baseline, e.g. "<600", "<=+10%", ">-8%", "=0"',
      'case.yaml:10:110 spec.analysis.objectives[3].warning[1].criteria[0]: criterion "=<3" is not valid: expected an operator (<, <=, =, >, >=) and a number, signed or with % when relative to the baseline, e.g. "<600", "<=+10%", ">-8%", "=0"',
      'case.yaml:11:31 spec.analysis.objectives[4].metric: a second objective on pay-ok/errorPercent',
      'case.yaml:12:56 spec.analysis.objectives[5].warning: warning criteria need pass criteria as well',
      "case.yaml:13:15 spec.analysis.objectives[6].slo: SLO 'pay-okk' is not in the catalog (did you mean 'pay-ok'?)",
    ]);
  });

  it('names schema problems of the analysis', () => {
    expect(
      check(
        gate(`  openIncidents: block
  analysis:
    window: 30x
    minEvents: 0
    totalScore: {pass: 101, warning: 75}
    objectives: [{slo: pay-ok, metric: p95, weight: 0, pass: "<=1"}]
`),
      ),
    ).toEqual([
      "case.yaml:5:18 spec.openIncidents: the text 'block' is not allowed; use one of: fail, warn, ignore",
      "case.yaml:7:13 spec.analysis.window: '30x' is not a duration; write a whole number and a unit m, h, d or w (e.g. 28d)",
      'case.yaml:8:16 spec.analysis.minEvents: minEvents is at least 1',
      'case.yaml:9:24 spec.analysis.totalScore.pass: a total score threshold is a percentage from 0 to 100',
      "case.yaml:10:40 spec.analysis.objectives[0].metric: the text 'p95' is not allowed; use one of: errorPercent, successPercent, burnRate, throughput, latencyP50, latencyP90, latencyP95, latencyP99",
      'case.yaml:10:53 spec.analysis.objectives[0].weight: a weight is a number above 0',
      "case.yaml:10:62 spec.analysis.objectives[0].pass: expected a list, got the text '<=1'",
    ]);
  });

  it('refuses a warning threshold above the pass threshold, empty windows and more than 12 hours', () => {
    expect(check(gate('  analysis: {totalScore: {pass: 75, warning: 90}}\n'))).toEqual([
      'case.yaml:5:46 spec.analysis.totalScore.warning: the warning threshold (90%) is above the pass threshold (75%)',
    ]);
    expect(check(gate('  analysis: {totalScore: {pass: 75, warning: 75}}\n'))).toEqual([]);
    expect(check(gate('  analysis: {window: 0m, baseline: 0h}\n'))).toEqual([
      'case.yaml:5:22 spec.analysis.window: an evaluation window is longer than 0',
      'case.yaml:5:36 spec.analysis.baseline: a baseline is longer than 0',
    ]);
    expect(check(gate('  analysis: {delay: 1m, window: 1h, baseline: 11h}\n'))).toEqual([
      'case.yaml:5:13 spec.analysis: baseline + delay + window is more than 12h; counts per minute are kept 12 hours, so the baseline would be gone when the window ends',
    ]);
    expect(check(gate('  analysis: {window: 1h, baseline: 11h}\n'))).toEqual([]);
  });

  it('allows one default policy and one default gate', () => {
    expect(
      check(`${gate('  default: true\n', 'first')}---
${gate('  default: true\n', 'second')}---
apiVersion: nines/v1
kind: ErrorBudgetPolicy
metadata: {name: other}
spec: {default: true, rules: [{budgetExhausted: true, action: warn}]}
`),
    ).toEqual([
      "case.yaml:11:12 spec.default: ReleaseGate 'first' is the default already; only one may be",
      "case.yaml:16:17 spec.default: ErrorBudgetPolicy 'standard' is the default already; only one may be",
    ]);
  });

  it('refuses latency percentiles on an SLI read from Prometheus, named through its SLO or itself', () => {
    expect(
      check(
        gate(`  analysis:
    objectives:
      - {slo: psp, metric: latencyP95, pass: ["<2000"]}
      - {sli: psp-ok, metric: latencyP99, pass: ["<2000"]}
      - {slo: pay-fast, metric: latencyP95, pass: ["<2000"]}
      - {slo: psp, metric: errorPercent, pass: ["<1"]}
`),
      ),
    ).toEqual([
      "case.yaml:7:28 spec.analysis.objectives[0].metric: latencyP95 needs latencies, which nines keeps for SLIs fed by pushed events or probes; SLI 'psp-ok' is read from prometheus",
      "case.yaml:8:31 spec.analysis.objectives[1].metric: latencyP99 needs latencies, which nines keeps for SLIs fed by pushed events or probes; SLI 'psp-ok' is read from prometheus",
    ]);
  });

  it('places a latency problem at its own objective when an earlier one was refused', () => {
    expect(
      check(
        gate(`  analysis:
    objectives:
      - {slo: pay-ok, sli: paid, metric: errorPercent, pass: ["<=1"]}
      - {sli: paid, metric: burnRate, pass: ["<=1"]}
      - {slo: psp, metric: latencyP95, pass: ["<2000"]}
`),
      ),
    ).toEqual([
      'case.yaml:7:9 spec.analysis.objectives[0]: an objective measures one SLO (slo: <name>) or one SLI (sli: <name>); name exactly one',
      'case.yaml:8:29 spec.analysis.objectives[1].metric: burnRate needs an SLO (its target); write slo: <name>',
      "case.yaml:9:28 spec.analysis.objectives[2].metric: latencyP95 needs latencies, which nines keeps for SLIs fed by pushed events or probes; SLI 'psp-ok' is read from prometheus",
    ]);
  });

  it('warns about a literal rollback secret, and refuses an empty one', () => {
    expect(check(gate('  rollback: {url: "https://deploy.example/rollback", secret: hunter2}\n'))).toEqual([
      `case.yaml:5:62 warning: spec.rollback.secret: a literal secret in the catalog; write \${env:NAME} and set it where nines runs`,
    ]);
    expect(check(gate('  rollback: {url: "https://deploy.example/rollback", secret: ""}\n'))).toEqual([
      `case.yaml:5:62 spec.rollback.secret: a rollback hook needs a signing secret, e.g. \${env:ROLLBACK_SECRET}`,
    ]);
  });
});
