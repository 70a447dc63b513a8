import { describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { formatDiagnostic } from './diagnostics.js';
import { type CatalogFile, loadCatalog } from './load.js';
import type { Catalog } from './model.js';
import { ENTITY_KINDS } from './model.js';
import { exportOpenslo, journeyServiceNames } from './openslo-export.js';

// The minimal valid document of the OpenSLO v1 spec.
const MINIMAL = `
apiVersion: openslo/v1
kind: Service
metadata:
  name: orders
spec:
  description: Order placement API
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: orders-api-availability
spec:
  service: orders
  budgetingMethod: Occurrences
  timeWindow:
    - duration: 30d
      isRolling: true
  indicator:
    metadata:
      name: orders-api-bad-ratio
    spec:
      ratioMetric:
        counter: true
        bad:
          metricSource:
            type: Prometheus
            spec:
              query: sum(orders_http_requests_total{code=~"5.."})
        total:
          metricSource:
            type: Prometheus
            spec:
              query: sum(orders_http_requests_total)
  objectives:
    - target: 0.995
`;

function load(...texts: string[]) {
  const result = loadCatalog(texts.map((text, i) => ({ path: `f${i}.yaml`, text })));
  return { ...result, messages: result.diagnostics.map(formatDiagnostic) };
}

function entities(catalog: Catalog) {
  return Object.fromEntries(
    ENTITY_KINDS.map((k) => [k, [...catalog[k].values()].sort((a, b) => a.name.localeCompare(b.name))]),
  );
}

function exportText(catalog: Catalog): string {
  return exportOpenslo(catalog)
    .map((d) => stringify(d))
    .join('---\n');
}

describe('reading OpenSLO v1', () => {
  it('maps the spec minimal example onto the model', () => {
    const { catalog, messages } = load(MINIMAL);
    expect(messages).toEqual([]);
    expect(catalog.Service.get('orders')).toMatchObject({
      description: 'Order placement API',
      dependsOn: [],
    });
    expect(catalog.SLO.get('orders-api-availability')).toEqual({
      kind: 'SLO',
      name: 'orders-api-availability',
      labels: {},
      annotations: {},
      service: 'orders',
      sli: 'orders-api-bad-ratio',
      objectives: [{ target: 99.5 }],
      window: { type: 'rolling', durationMs: 30 * 86_400_000, text: '30d' },
      budgetingMethod: 'occurrences',
      alertPolicies: [],
    });
    expect(catalog.SLI.get('orders-api-bad-ratio')?.indicator).toEqual({
      type: 'ratio',
      source: { type: 'prometheus' },
      bad: 'sum(orders_http_requests_total{code=~"5.."})',
      total: 'sum(orders_http_requests_total)',
    });
  });

  it('reads calendar windows and counts months as 30 days in rolling ones', () => {
    const calendar = MINIMAL.replace(
      '    - duration: 30d\n      isRolling: true',
      '    - duration: 1M\n      isRolling: false\n      calendar:\n        startTime: "2025-01-01 00:00:00"\n        timeZone: Europe/Berlin',
    );
    expect(load(calendar).catalog.SLO.get('orders-api-availability')?.window).toEqual({
      type: 'calendar',
      unit: 'month',
      timeZone: 'Europe/Berlin',
      startTime: '2025-01-01 00:00:00',
    });
    const rolling = MINIMAL.replace('duration: 30d', 'duration: 1Q');
    expect(load(rolling).catalog.SLO.get('orders-api-availability')?.window).toEqual({
      type: 'rolling',
      durationMs: 90 * 86_400_000,
      text: '90d',
    });
  });

  it('lets an OpenSLO Service stand for the nines Service of the same name', () => {
    const nines =
      'apiVersion: nines/v1\nkind: Team\nmetadata: {name: t}\n---\napiVersion: nines/v1\nkind: Service\nmetadata: {name: orders}\nspec: {owner: t, tier: 1}\n';
    const { catalog, messages } = load(MINIMAL, nines);
    expect(messages).toEqual([]);
    expect(catalog.Service.get('orders')).toMatchObject({ owner: 't', tier: 1 });
  });

  it('still reports two OpenSLO Services of one name', () => {
    const twice = 'apiVersion: openslo/v1\nkind: Service\nmetadata: {name: orders}\nspec: {}\n';
    expect(load(MINIMAL, twice).messages).toEqual([
      "f1.yaml:3:18 metadata.name: Service 'orders' is already declared at f0.yaml:5:9; names are unique per kind",
    ]);
  });

  it('keeps metric sources of other vendors verbatim', () => {
    const datadog = `
apiVersion: openslo/v1
kind: DataSource
metadata: {name: dd}
spec:
  type: Datadog
  connectionDetails: {site: datadoghq.eu}
---
apiVersion: openslo/v1
kind: SLI
metadata: {name: dd-latency}
spec:
  thresholdMetric:
    metricSource:
      metricSourceRef: dd
      type: Datadog
      spec: {query: "avg:trace.http.request.duration{service:orders}"}
`;
    const { catalog, messages } = load(datadog);
    expect(messages).toEqual([]);
    expect(catalog.SLI.get('dd-latency')?.indicator).toEqual({
      type: 'threshold',
      source: { type: 'foreign', sourceType: 'Datadog', dataSource: 'dd' },
      metric: { query: 'avg:trace.http.request.duration{service:orders}' },
    });
  });

  it('takes the type of a metric source from the DataSource it references', () => {
    const refOnly = `
apiVersion: openslo/v1
kind: DataSource
metadata: {name: prom}
spec: {type: Prometheus, connectionDetails: {url: "http://127.0.0.1:9090"}}
---
apiVersion: openslo/v1
kind: SLI
metadata: {name: errors}
spec:
  ratioMetric:
    counter: true
    bad: {metricSource: {metricSourceRef: prom, spec: {query: sum(err)}}}
    total: {metricSource: {metricSourceRef: prom, spec: {query: sum(all)}}}
`;
    const { catalog, messages } = load(refOnly);
    expect(messages).toEqual([]);
    expect(catalog.SLI.get('errors')?.indicator).toEqual({
      type: 'ratio',
      source: { type: 'prometheus', dataSource: 'prom' },
      bad: 'sum(err)',
      total: 'sum(all)',
    });
  });

  it('expands inline alert policies, conditions and targets into their own entities', () => {
    const withPolicy = `${MINIMAL}  alertPolicies:
    - kind: AlertPolicy
      metadata: {name: fast-burn}
      spec:
        alertWhenBreaching: true
        conditions:
          - kind: AlertCondition
            metadata: {name: burn-14x}
            spec:
              severity: page
              condition: {kind: burnrate, op: gte, threshold: 14.4, lookbackWindow: 1h, alertAfter: 5m}
        notificationTargets:
          - kind: AlertNotificationTarget
            metadata: {name: oncall}
            spec: {target: pagerduty}
`;
    const { catalog, messages } = load(withPolicy);
    expect(messages).toEqual([]);
    expect(catalog.SLO.get('orders-api-availability')?.alertPolicies).toEqual(['fast-burn']);
    expect(catalog.AlertPolicy.get('fast-burn')).toMatchObject({
      alertWhenBreaching: true,
      alertWhenNoData: false,
      conditions: ['burn-14x'],
      notificationTargets: ['oncall'],
    });
    expect(catalog.AlertCondition.get('burn-14x')).toMatchObject({
      severity: 'page',
      op: 'gte',
      threshold: 14.4,
      lookbackWindowMs: 3_600_000,
      alertAfterMs: 300_000,
    });
    expect(catalog.AlertNotificationTarget.get('oncall')?.target).toBe('pagerduty');
  });

  it('checks op and value against a thresholdMetric SLI that is only referenced', () => {
    const sli = `
apiVersion: openslo/v1
kind: SLI
metadata: {name: p99}
spec:
  thresholdMetric:
    metricSource: {type: Prometheus, spec: {query: "histogram_quantile(0.99, rate(h[5m]))"}}
`;
    const slo = MINIMAL.replace(/ {2}indicator:[\s\S]*(?= {2}objectives:)/, '  indicatorRef: p99\n');
    expect(load(slo, sli).messages).toEqual([
      "f0.yaml:21:7 spec.objectives[0]: SLI 'p99' is a thresholdMetric, so this objective needs op and value",
    ]);
  });
});

describe('OpenSLO export', () => {
  it('round-trips the web shop: export, import, same model', async () => {
    const { readCatalogFiles } = await import('./load-dir.js');
    const files = await readCatalogFiles('examples/webshop');
    const original = loadCatalog(files);
    expect(original.diagnostics).toEqual([]);

    // Keep what OpenSLO has no words for (teams, value streams, journeys, services)
    // from the nines files; take SLOs, SLIs, data sources and alerting from the export.
    const exportedKinds = new Set(['SLO', 'SLI', 'DataSource']);
    const ninesOnly: CatalogFile[] = files
      .filter((f) => !f.text.includes('apiVersion: openslo/v1'))
      .map((f) => ({
        path: f.path,
        text: parseAllDocuments(f.text)
          .filter((d) => !exportedKinds.has(String(d.get('kind'))))
          .map((d) => d.toString())
          .join('---\n'),
      }));
    const exported = exportText(original.catalog);
    const reimported = loadCatalog([...ninesOnly, { path: 'openslo-export.yaml', text: exported }]);

    expect(reimported.diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(entities(reimported.catalog)).toEqual(entities(original.catalog));
  });

  it('round-trips indicators of every kind and source', () => {
    const catalogText = `
apiVersion: nines/v1
kind: Team
metadata: {name: t}
---
apiVersion: nines/v1
kind: Service
metadata: {name: s, labels: {domain: core}, annotations: {example.com/x: y}}
spec: {owner: t}
---
apiVersion: nines/v1
kind: DataSource
metadata: {name: prom}
spec: {type: prometheus, url: "http://127.0.0.1:9090", headers: {X-Scope-OrgID: shop}}
---
apiVersion: nines/v1
kind: SLI
metadata: {name: probe-ok}
spec: {source: {type: probe, probe: checkout}, ratio: {}}
---
apiVersion: nines/v1
kind: SLI
metadata: {name: probe-pay-fast}
spec: {source: {type: probe, probe: checkout, step: pay}, latency: {threshold: 1s}}
---
apiVersion: nines/v1
kind: Probe
metadata: {name: checkout}
spec:
  steps:
    - {name: basket, http: {url: "http://127.0.0.1:4100/basket"}}
    - {name: pay, http: {url: "http://127.0.0.1:4100/pay"}}
---
apiVersion: nines/v1
kind: SLI
metadata: {name: prom-raw}
spec: {source: {type: prometheus, dataSource: prom}, raw: {rawType: failure, query: "avg(err_ratio)"}}
---
apiVersion: nines/v1
kind: SLI
metadata: {name: prom-latency}
spec: {source: {type: prometheus, dataSource: prom}, latency: {threshold: 250ms, histogram: http_request_duration_seconds}}
---
apiVersion: nines/v1
kind: SLI
metadata: {name: pushed-raw}
spec: {raw: {rawType: success}}
---
apiVersion: nines/v1
kind: SLI
metadata: {name: prom-good}
spec: {source: {type: prometheus}, ratio: {good: "sum(ok)", total: "sum(all)"}}
${['probe-ok', 'prom-raw', 'prom-latency', 'pushed-raw', 'prom-good', 'probe-pay-fast']
  .map(
    (sli, i) => `---
apiVersion: nines/v1
kind: SLO
metadata: {name: slo-${i}, displayName: Objective ${i}}
spec:
  service: s
  description: number ${i}
  sli: ${sli}
  objectives: [{target: 99.${i}5, displayName: main}]
  window: {calendar: ${['week', 'month', 'quarter', 'year', 'month', 'week'][i]}, timeZone: Asia/Tokyo, startTime: "2024-02-01 06:00:00"}
`,
  )
  .join('')}`;
    const original = loadCatalog([{ path: 'c.yaml', text: catalogText }]);
    // Calendar weeks draw a warning about their alert tiers, in both formats alike.
    const errors = (r: typeof original) =>
      r.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
    expect(errors(original)).toEqual([]);
    const ninesOnly = parseAllDocuments(catalogText)
      .filter((d) => ['Team', 'Service', 'Probe'].includes(String(d.get('kind'))))
      .map((d) => d.toString())
      .join('---\n');
    const reimported = loadCatalog([
      { path: 'n.yaml', text: ninesOnly },
      { path: 'o.yaml', text: exportText(original.catalog) },
    ]);
    expect(errors(reimported)).toEqual([]);
    expect(entities(reimported.catalog)).toEqual(entities(original.catalog));
  });

  it('writes Prometheus ratios as plain OpenSLO other tools can read', () => {
    const { catalog } = load(MINIMAL);
    const sli = exportOpenslo(catalog).find((d) => d.kind === 'SLI');
    expect(sli?.spec).toEqual({
      ratioMetric: {
        counter: true,
        bad: {
          metricSource: {
            type: 'Prometheus',
            spec: { query: 'sum(orders_http_requests_total{code=~"5.."})' },
          },
        },
        total: { metricSource: { type: 'Prometheus', spec: { query: 'sum(orders_http_requests_total)' } } },
      },
    });
  });

  it('gives a journey a free service name when a real service is called journey-<name>', () => {
    const text = `
apiVersion: nines/v1
kind: Team
metadata: {name: t}
---
apiVersion: nines/v1
kind: Service
metadata: {name: journey-buy}
spec: {owner: t}
---
apiVersion: nines/v1
kind: Journey
metadata: {name: buy}
spec: {steps: [{name: Pay, services: [journey-buy]}]}
---
apiVersion: nines/v1
kind: ValueStream
metadata: {name: sales}
spec: {objective: Sell, journeys: [buy]}
---
apiVersion: nines/v1
kind: SLO
metadata: {name: svc-ok}
spec: {service: journey-buy, indicator: {ratio: {}}, objectives: [{target: 99}], window: 28d}
---
apiVersion: nines/v1
kind: SLO
metadata: {name: buy-ok}
spec: {journey: buy, indicator: {ratio: {}}, objectives: [{target: 99.5}], window: 28d}
`;
    const original = loadCatalog([{ path: 'c.yaml', text }]);
    expect(original.diagnostics).toEqual([]);
    const docs = exportOpenslo(original.catalog);
    expect(docs.filter((d) => d.kind === 'Service').map((d) => d.metadata.name)).toEqual([
      'journey-buy',
      'journey-buy-2',
    ]);
    expect(docs.find((d) => d.metadata.name === 'buy-ok')?.spec.service).toBe('journey-buy-2');
    const ninesOnly = parseAllDocuments(text)
      .filter((d) => ['Team', 'Service', 'Journey', 'ValueStream'].includes(String(d.get('kind'))))
      .map((d) => d.toString())
      .join('---\n');
    const reimported = loadCatalog([
      { path: 'n.yaml', text: ninesOnly },
      { path: 'o.yaml', text: exportText(original.catalog) },
    ]);
    expect(reimported.diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(entities(reimported.catalog)).toEqual(entities(original.catalog));
  });

  it('keeps journey service names unique and at most 63 characters', () => {
    const long = 'x'.repeat(60);
    const names = journeyServiceNames([long, `${long}-a`, 'buy'], [`journey-${long}`.slice(0, 63)]);
    expect([...names.values()]).toEqual([
      `journey-${'x'.repeat(53)}-2`,
      `journey-${'x'.repeat(53)}-3`,
      'journey-buy',
    ]);
    for (const n of names.values()) expect(n.length).toBeLessThanOrEqual(63);
  });
});
