import { describe, expect, it } from 'vitest';
import { nines, tempCatalog } from '../../test/helpers.js';
import { slothName } from './build-sloth.js';
import { formatDiagnostic } from './diagnostics.js';
import { loadCatalog } from './load.js';

/** Sloth's getting-started example (examples/getting-started.yml), as a Sloth user has it. */
const SPEC = `version: "prometheus/v1"
service: "myservice"
labels:
  owner: "myteam"
  repo: "myorg/myservice"
  tier: "2"
slos:
  # We allow failing (5xx and 429) 1 request every 1000 requests (99.9%).
  - name: "requests-availability"
    objective: 99.9
    description: "Common SLO based on availability for HTTP request responses."
    sli:
      events:
        error_query: sum(rate(http_request_duration_seconds_count{job="myservice",code=~"(5..|429)"}[{{.window}}]))
        total_query: sum(rate(http_request_duration_seconds_count{job="myservice"}[{{.window}}]))
    alerting:
      name: MyServiceHighErrorRate
      labels:
        category: "availability"
      annotations:
        summary: "High error rate on 'myservice' requests responses"
      page_alert:
        for: 5m
        labels:
          severity: pageteam
          routing_key: myteam
      ticket_alert:
        labels:
          severity: "slack"
          slack_channel: "#alerts-myteam"
`;

/** The same service in the Kubernetes CRD (examples/k8s-getting-started.yml), with a raw SLI. */
const CRD = `apiVersion: sloth.slok.dev/v1
kind: PrometheusServiceLevel
metadata:
  name: sloth-slo-my-service
  namespace: monitoring
spec:
  service: "myservice"
  labels:
    owner: "myteam"
  slos:
    - name: "requests-availability-ratio"
      objective: 99.5
      labels:
        owner: "platform"
      sli:
        raw:
          errorRatioQuery: slo:sli_error:ratio_rate{sloth_service="myservice"}[{{ .window }}]
      alerting:
        name: MyServiceHighErrorRate
        pageAlert:
          disable: true
        ticketAlert:
          disable: true
`;

function load(files: Record<string, string>) {
  const result = loadCatalog(Object.entries(files).map(([path, text]) => ({ path, text })));
  return { ...result, messages: result.diagnostics.map(formatDiagnostic) };
}

const QUERY = 'http_request_duration_seconds_count{job="myservice"';

describe('reading Sloth specs', () => {
  it('maps a prometheus/v1 spec onto a service stub, an SLO and its SLI', () => {
    const { catalog, messages } = load({ 'sloth.yaml': SPEC });
    expect(messages).toEqual([]);
    expect([...catalog.Service.values()]).toEqual([
      {
        kind: 'Service',
        name: 'myservice',
        labels: {},
        annotations: {},
        external: false,
        dependsOn: [],
        links: [],
      },
    ]);
    expect(catalog.SLO.get('myservice-requests-availability')).toEqual({
      kind: 'SLO',
      name: 'myservice-requests-availability',
      description: 'Common SLO based on availability for HTTP request responses.',
      labels: { owner: 'myteam', repo: 'myorg/myservice', tier: '2' },
      annotations: {
        'sloth.slok.dev/service': 'myservice',
        'sloth.slok.dev/slo': 'requests-availability',
        'sloth.slok.dev/alert-name': 'MyServiceHighErrorRate',
        'sloth.slok.dev/alert-label.category': 'availability',
        'sloth.slok.dev/alert-annotation.summary': "High error rate on 'myservice' requests responses",
        'sloth.slok.dev/page-alert-label.severity': 'pageteam',
        'sloth.slok.dev/page-alert-label.routing_key': 'myteam',
        'sloth.slok.dev/page-alert-for': '5m',
        'sloth.slok.dev/ticket-alert-label.severity': 'slack',
        'sloth.slok.dev/ticket-alert-label.slack_channel': '#alerts-myteam',
      },
      service: 'myservice',
      sli: 'myservice-requests-availability-sli',
      objectives: [{ target: 99.9 }],
      window: { type: 'rolling', durationMs: 30 * 86_400_000, text: '30d' },
      budgetingMethod: 'occurrences',
      alertPolicies: [],
    });
    expect(catalog.SLI.get('myservice-requests-availability-sli')).toEqual({
      kind: 'SLI',
      name: 'myservice-requests-availability-sli',
      labels: {},
      annotations: {},
      indicator: {
        type: 'ratio',
        source: { type: 'prometheus' },
        bad: `sum(rate(${QUERY},code=~"(5..|429)"}[{{window}}]))`,
        total: `sum(rate(${QUERY}}[{{window}}]))`,
      },
    });
  });

  it('maps the Kubernetes CRD the same way, with disabled alerts and the resource kept', () => {
    const { catalog, messages } = load({ 'k8s.yaml': CRD });
    expect(messages).toEqual([]);
    expect(catalog.SLO.get('myservice-requests-availability-ratio')).toEqual({
      kind: 'SLO',
      name: 'myservice-requests-availability-ratio',
      labels: { owner: 'platform' },
      annotations: {
        'sloth.slok.dev/resource': 'monitoring/sloth-slo-my-service',
        'sloth.slok.dev/service': 'myservice',
        'sloth.slok.dev/slo': 'requests-availability-ratio',
        'sloth.slok.dev/alert-name': 'MyServiceHighErrorRate',
      },
      service: 'myservice',
      sli: 'myservice-requests-availability-ratio-sli',
      objectives: [{ target: 99.5 }],
      window: { type: 'rolling', durationMs: 30 * 86_400_000, text: '30d' },
      budgetingMethod: 'occurrences',
      alertPolicies: [],
      alerting: { disabled: ['page', 'ticket'], tiers: [] },
    });
    expect(catalog.SLI.get('myservice-requests-availability-ratio-sli')?.indicator).toEqual({
      type: 'raw',
      source: { type: 'prometheus' },
      rawType: 'failure',
      query: 'slo:sli_error:ratio_rate{sloth_service="myservice"}[{{window}}]',
    });
    expect([...catalog.Service.keys()]).toEqual(['myservice']);
  });

  it('makes Sloth names valid nines names', () => {
    expect(slothName('MyService_requests.availability')).toBe('myservice-requests-availability');
    expect(slothName('--API  v2--')).toBe('api-v2');
    expect(slothName('_'.repeat(3))).toBe('');
    expect(slothName(`a-${'b'.repeat(70)}`)).toHaveLength(63);
  });
});

describe('Sloth files next to nines/v1 documents', () => {
  const NINES = `apiVersion: nines/v1
kind: Team
metadata: {name: myteam}
---
apiVersion: nines/v1
kind: Service
metadata: {name: myservice}
spec: {owner: myteam, tier: 2}
---
apiVersion: nines/v1
kind: Journey
metadata: {name: browse}
spec:
  steps: [{name: Browse, services: [myservice]}]
---
apiVersion: nines/v1
kind: ValueStream
metadata: {name: shop}
spec: {objective: Sell things, journeys: [browse]}
---
apiVersion: nines/v1
kind: SLO
metadata: {name: browse-ok}
spec: {journey: browse, sli: myservice-requests-availability-sli, objectives: [{target: 99}], window: 28d}
`;

  it('attach their SLOs to the nines Service of the same name, which the stub yields to', () => {
    const { catalog, messages } = load({ 'nines.yaml': NINES, 'sloth.yaml': SPEC, 'k8s.yaml': CRD });
    expect(messages).toEqual([]);
    expect([...catalog.Service.values()]).toMatchObject([{ name: 'myservice', owner: 'myteam', tier: 2 }]);
    expect([...catalog.SLO.values()].filter((s) => s.service === 'myservice').map((s) => s.name)).toEqual([
      'myservice-requests-availability',
      'myservice-requests-availability-ratio',
    ]);
  });

  it('yield to an OpenSLO Service too, and stubs of one service are one service', () => {
    const openslo = `apiVersion: openslo/v1
kind: Service
metadata: {name: myservice}
spec: {description: From OpenSLO}
`;
    const { catalog, messages } = load({ 'a.yaml': SPEC, 'b.yaml': CRD, 'c.yaml': openslo });
    expect(messages).toEqual([]);
    expect([...catalog.Service.values()]).toMatchObject([{ name: 'myservice', description: 'From OpenSLO' }]);
    expect(load({ 'a.yaml': SPEC, 'b.yaml': CRD }).catalog.Service.size).toBe(1);
  });

  it('report an SLO declared in two files as a duplicate', () => {
    expect(load({ 'a.yaml': SPEC, 'b.yaml': SPEC }).messages).toEqual([
      "b.yaml:9:11 slos[0].name: SLO 'myservice-requests-availability' is already declared at a.yaml:9:11; names are unique per kind",
      "b.yaml:13:7 slos[0].sli: SLI 'myservice-requests-availability-sli' is already declared at a.yaml:13:7; names are unique per kind",
    ]);
  });
});

function check(text: string): string[] {
  return load({ 'case.yaml': text }).messages;
}

/** A valid prometheus/v1 spec with `slo` as its one SLO, so each case shows one problem. */
function spec(slo: string, top = ''): string {
  return `version: prometheus/v1
service: myservice
${top}slos:
${slo}`;
}

const EVENTS = `    sli:
      events:
        error_query: sum(rate(errors[{{.window}}]))
        total_query: sum(rate(requests[{{.window}}]))
`;

// Each case: a document with a mistake, and every diagnostic it must produce,
// exactly as `nines validate` prints them.
const CASES: { name: string; text: string; expected: string[] }[] = [
  {
    name: 'an unknown version suggests prometheus/v1',
    text: `version: prometheus/v2
service: myservice
slos: []
`,
    expected: [
      "case.yaml:1:10 version: unknown Sloth version 'prometheus/v2' (did you mean 'prometheus/v1'?); nines reads version: prometheus/v1",
    ],
  },
  {
    name: 'unknown fields are named with the closest allowed one, and what they hid is missing',
    text: spec(`  - name: availability
    objetive: 99.9
${EVENTS}`),
    expected: [
      "case.yaml:4:5 slos[0].objective: required field 'objective' is missing; it is the percentage of good events, e.g. 99.9",
      "case.yaml:5:5 slos[0].objetive: unknown field 'objetive' (did you mean 'objective'?); allowed here: name, description, objective, labels, sli, alerting, plugins",
    ],
  },
  {
    name: 'a missing service and an empty list of SLOs are reported together',
    text: `version: prometheus/v1
labels: {team: a}
slos: []
`,
    expected: [
      "case.yaml:1:1 service: required field 'service' is missing; it must be text",
      'case.yaml:3:7 slos: a Sloth spec needs at least one SLO under slos',
    ],
  },
  {
    name: 'an SLO without name, objective or SLI gets all three named',
    text: spec(`  - description: nothing else
`),
    expected: [
      "case.yaml:4:5 slos[0].name: required field 'name' is missing; it names the SLO within its service, e.g. requests-availability",
      "case.yaml:4:5 slos[0].objective: required field 'objective' is missing; it is the percentage of good events, e.g. 99.9",
      "case.yaml:4:5 slos[0].sli: required field 'sli' is missing; write events (error_query and total_query) or raw (error_ratio_query)",
    ],
  },
  {
    name: 'objectives outside (0, 100) are impossible targets, in every SLO at once',
    text: spec(`  - name: a
    objective: 100
${EVENTS}  - name: b
    objective: 101
${EVENTS}  - name: c
    objective: 0
${EVENTS}`),
    expected: [
      'case.yaml:5:16 slos[0].objective: 100 leaves no error budget; objective is a percentage in (0, 100), e.g. 99.9',
      'case.yaml:11:16 slos[1].objective: 101 is above 100; objective is a percentage in (0, 100), e.g. 99.9',
      'case.yaml:17:16 slos[2].objective: 0 is not above 0; objective is a percentage in (0, 100), e.g. 99.9',
    ],
  },
  {
    name: 'an objective written as a fraction is a warning',
    text: spec(`  - name: a
    objective: 0.999
${EVENTS}`),
    expected: [
      'case.yaml:5:5 warning: slos[0].objective: objective is a percentage: 0.999 asks for 0.999% good events (did you mean 99.9?)',
    ],
  },
  {
    name: 'queries without {{.window}} are warnings',
    text: spec(`  - name: a
    objective: 99
    sli:
      events:
        error_query: sum(rate(errors[5m]))
        total_query: sum(rate(requests[{{.window}}]))
  - name: b
    objective: 99
    sli:
      raw:
        error_ratio_query: job:error_ratio:rate5m
`),
    expected: [
      'case.yaml:8:9 warning: slos[0].sli.events.error_query: error_query has no {{.window}}, so it reads one fixed range whatever the window (Sloth would generate it so too); write the range as [{{.window}}]',
      'case.yaml:14:9 warning: slos[1].sli.raw.error_ratio_query: error_ratio_query has no {{.window}}, so it reads one fixed range whatever the window (Sloth would generate it so too); write the range as [{{.window}}]',
    ],
  },
  {
    name: 'an SLI plugin is refused, naming the plugin, at the plugin field',
    text: spec(`  - name: a
    objective: 99.9
    sli:
      plugin:
        id: "sloth-common/kubernetes/apiserver/availability"
        options: {filter: 'verb!="WATCH"'}
`),
    expected: [
      "case.yaml:7:7 slos[0].sli.plugin: the SLI plugin 'sloth-common/kubernetes/apiserver/availability' cannot run in nines: Sloth plugins are Go code that writes the queries inside Sloth; write the SLI as events (error_query, total_query) or raw (error_ratio_query)",
    ],
  },
  {
    name: 'an SLI with events and raw, or with events missing a query, is an error',
    text: spec(`  - name: a
    objective: 99
    sli:
      events: {error_query: "sum(rate(e[{{.window}}]))", total_query: "sum(rate(t[{{.window}}]))"}
      raw: {error_ratio_query: "r[{{.window}}]"}
  - name: b
    objective: 99
    sli:
      events: {error_query: "sum(rate(e[{{.window}}]))"}
`),
    expected: [
      'case.yaml:6:5 slos[0].sli: an SLI has exactly one of events, raw or plugin; this one has events and raw',
      "case.yaml:12:15 slos[1].sli.events.total_query: required field 'total_query' is missing; events need error_query (bad events) and total_query, PromQL rates over [{{.window}}]",
    ],
  },
  {
    name: 'two SLOs of one name, or two that become one nines name, are duplicates',
    text: spec(`  - name: requests-availability
    objective: 99
${EVENTS}  - name: requests-availability
    objective: 99.9
${EVENTS}  - name: Requests_Availability
    objective: 99.5
${EVENTS}`),
    expected: [
      "case.yaml:10:11 slos[1].name: SLO 'requests-availability' is already declared at case.yaml:4:11; Sloth SLO names are unique per service",
      "case.yaml:16:11 slos[2].name: 'Requests_Availability' becomes the nines SLO 'myservice-requests-availability', as 'requests-availability' at case.yaml:4:11 does; rename one of them",
    ],
  },
  {
    name: 'a name with no letter or digit cannot be made a nines name',
    text: `version: prometheus/v1
service: "--"
slos:
  - name: "__"
    objective: 99
${EVENTS}`,
    expected: [
      "case.yaml:2:10 service: '--' has no letter or digit to name a service after",
      "case.yaml:4:11 slos[0].name: '__' has no letter or digit to name an SLO after",
    ],
  },
  {
    name: 'labels are text, and alert fields are checked like the rest',
    text: spec(
      `  - name: a
    objective: 99
${EVENTS}    alerting:
      name: A
      page_alert:
        disabled: true
      ticket_alert:
        for: 5 minutes
`,
      'labels: {tier: 2}\n',
    ),
    expected: [
      'case.yaml:3:16 labels.tier: expected text, got the number 2',
      "case.yaml:14:9 slos[0].alerting.page_alert.disabled: unknown field 'disabled' (did you mean 'disable'?); allowed here: disable, labels, annotations, for",
      "case.yaml:16:14 slos[0].alerting.ticket_alert.for: '5 minutes' is not a Prometheus duration such as 5m or 1h30m",
    ],
  },
  {
    name: 'SLO plugins are ignored with a warning naming them',
    text: spec(
      `  - name: a
    objective: 99
${EVENTS}    plugins:
      chain:
        - id: sloth.dev/contrib/denominator_corrected/v1
`,
      'slo_plugins:\n  chain:\n    - id: sloth.dev/contrib/alert_for/v1\n',
    ),
    expected: [
      'case.yaml:3:1 warning: slo_plugins: nines does not run Sloth SLO plugins (sloth.dev/contrib/alert_for/v1); they are ignored, as nines evaluates and alerts on the SLO itself',
      'case.yaml:13:5 warning: slos[0].plugins: nines does not run Sloth SLO plugins (sloth.dev/contrib/denominator_corrected/v1); they are ignored, as nines evaluates and alerts on the SLO itself',
    ],
  },
  {
    name: 'the CRD uses camelCase fields, and suggests them for snake_case ones',
    text: `apiVersion: sloth.slok.dev/v1
kind: PrometheusServiceLevel
metadata: {name: slos}
spec:
  service: myservice
  slos:
    - name: a
      objective: 99
      sli:
        events:
          error_query: sum(rate(errors[{{.window}}]))
          totalQuery: sum(rate(requests[{{.window}}]))
`,
    expected: [
      "case.yaml:11:11 spec.slos[0].sli.events.error_query: unknown field 'error_query' (did you mean 'errorQuery'?); allowed here: errorQuery, totalQuery",
      "case.yaml:11:11 spec.slos[0].sli.events.errorQuery: required field 'errorQuery' is missing; events need errorQuery (bad events) and totalQuery, PromQL rates over [{{.window}}]",
    ],
  },
  {
    name: 'an unknown CRD kind lists the kind nines reads',
    text: `apiVersion: sloth.slok.dev/v1
kind: PrometheusServiceLevels
metadata: {name: slos}
spec: {}
`,
    expected: [
      "case.yaml:2:7 kind: unknown kind 'PrometheusServiceLevels' (did you mean 'PrometheusServiceLevel'?); sloth.slok.dev/v1 kinds are PrometheusServiceLevel",
    ],
  },
  {
    name: 'every problem of a file is reported at once',
    text: spec(
      `  - name: a
    objective: 100
    sli:
      plugin: {id: my-plugin}
  - name: b
    objective: 99
    sli:
      events:
        error_query: sum(rate(errors[5m]))
        total_query: sum(rate(requests[{{.window}}]))
    alerting: {nme: B}
  - name: a
    objective: 99
${EVENTS}`,
      'lables: {team: a}\n',
    ),
    expected: [
      "case.yaml:3:1 lables: unknown field 'lables' (did you mean 'labels'?); allowed here: version, service, labels, slo_plugins, slos",
      'case.yaml:6:16 slos[0].objective: 100 leaves no error budget; objective is a percentage in (0, 100), e.g. 99.9',
      "case.yaml:8:7 slos[0].sli.plugin: the SLI plugin 'my-plugin' cannot run in nines: Sloth plugins are Go code that writes the queries inside Sloth; write the SLI as events (error_query, total_query) or raw (error_ratio_query)",
      'case.yaml:13:9 warning: slos[1].sli.events.error_query: error_query has no {{.window}}, so it reads one fixed range whatever the window (Sloth would generate it so too); write the range as [{{.window}}]',
      "case.yaml:15:16 slos[1].alerting.nme: unknown field 'nme' (did you mean 'name'?); allowed here: name, labels, annotations, page_alert, ticket_alert",
      "case.yaml:16:11 slos[2].name: SLO 'a' is already declared at case.yaml:5:11; Sloth SLO names are unique per service",
    ],
  },
];

describe('validating Sloth specs', () => {
  it.each(CASES)('$name', ({ text, expected }) => {
    expect(check(text)).toEqual(expected);
  });
});

describe('nines validate', () => {
  it('accepts the Sloth example catalog', async () => {
    const r = await nines(['validate', 'examples/sloth']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'examples/sloth: valid: 3 files, 5 documents: 2 services, 3 SLOs, 3 SLIs, 1 data source, 1 team\n',
    );
  });

  it('reads a Sloth file next to nines/v1 files in a catalog directory', async () => {
    const dir = await tempCatalog({
      'sloth.yaml': SPEC,
      'services.yaml':
        'apiVersion: nines/v1\nkind: Team\nmetadata: {name: myteam}\n---\napiVersion: nines/v1\nkind: Service\nmetadata: {name: myservice}\nspec: {owner: myteam}\n',
    });
    try {
      const r = await nines(['validate', '.'], { cwd: dir.dir });
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('.: valid: 2 files, 3 documents: 1 service, 1 SLO, 1 SLI, 1 team\n');
    } finally {
      await dir.cleanup();
    }
  });

  it('reads a Sloth file in a catalog directory and prints its problems', async () => {
    const dir = await tempCatalog({
      'sloth.yaml': SPEC,
      'broken.yml': spec(`  - name: a
    objective: 101
${EVENTS}`),
    });
    try {
      const r = await nines(['validate', '.'], { cwd: dir.dir });
      expect(r.code).toBe(1);
      expect(r.stdout.split('\n')).toEqual([
        'broken.yml:5:16 slos[0].objective: 101 is above 100; objective is a percentage in (0, 100), e.g. 99.9',
        '.: 1 error, 0 warnings in 2 files, 2 documents',
        '',
      ]);
    } finally {
      await dir.cleanup();
    }
  });
});
