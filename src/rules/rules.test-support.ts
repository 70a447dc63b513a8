/**
 * A catalog with every shape of Prometheus SLI the rule generator handles, for
 * its unit tests and for `promtool check rules`. Test-only.
 */
import { hasErrors, loadCatalog } from '../catalog/load.js';
import type { Catalog } from '../catalog/model.js';

export const SHAPES_YAML = `
apiVersion: nines/v1
kind: Team
metadata: {name: shop}
---
apiVersion: nines/v1
kind: ValueStream
metadata: {name: sales}
spec: {objective: Sell, journeys: [buy]}
---
apiVersion: nines/v1
kind: ValueStream
metadata: {name: retention}
spec: {objective: Keep customers, journeys: [buy]}
---
apiVersion: nines/v1
kind: Journey
metadata: {name: buy, displayName: Buy a thing}
spec:
  steps: [{name: Pay, services: [api]}]
  value: {currency: USD, revenuePerHour: 5000, valuePerSuccess: 20}
---
apiVersion: nines/v1
kind: Service
metadata: {name: api}
spec: {owner: shop, runbook: 'https://runbooks.example/api', dependsOn: [db]}
---
apiVersion: nines/v1
kind: Service
metadata: {name: db}
spec: {owner: shop}
---
apiVersion: nines/v1
kind: SLI
metadata: {name: api-errors}
spec:
  source: prometheus
  ratio:
    bad: sum(rate(http_requests_total{job="api",code=~"5.."}[{{window}}]))
    total: sum(rate(http_requests_total{job="api"}[{{window}}]))
---
apiVersion: nines/v1
kind: SLI
metadata: {name: api-good}
spec:
  source: prometheus
  ratio:
    good: sum(rate(http_requests_total{job="api",code!~"5.."}[{{ .window }}]))
    total: sum(rate(http_requests_total{job="api"}[{{ .window }}]))
---
apiVersion: nines/v1
kind: SLI
metadata: {name: api-fast}
spec:
  source: prometheus
  latency: {threshold: 300ms, histogram: 'http_request_duration_seconds{job="api"}'}
---
apiVersion: nines/v1
kind: SLI
metadata: {name: db-fast}
spec:
  source: prometheus
  latency: {threshold: 2s, histogram: db_query_duration_seconds_bucket}
---
apiVersion: nines/v1
kind: SLI
metadata: {name: db-error-ratio}
spec:
  source: prometheus
  raw:
    rawType: failure
    query: sum(rate(db_errors_total[{{window}}])) / sum(rate(db_queries_total[{{window}}]))
---
apiVersion: nines/v1
kind: SLI
metadata: {name: db-success-ratio}
spec:
  source: prometheus
  raw:
    rawType: success
    query: avg_over_time(db_up[{{window}}])
---
apiVersion: nines/v1
kind: SLI
metadata: {name: pushed}
spec: {ratio: {}}
---
apiVersion: nines/v1
kind: SLO
metadata: {name: buy-availability, displayName: 'Purchases succeed {{ not a template }}'}
spec:
  journey: buy
  description: Purchases that do not fail
  sli: api-errors
  objectives: [{target: 99.9}]
  window: 30d
---
apiVersion: nines/v1
kind: SLO
metadata: {name: api-availability}
spec:
  service: api
  sli: api-good
  objectives: [{target: 99.5}]
  window: 28d
  alerting:
    disabled: [ticket-3d]
    minEvents: 0
    tiers: [{id: page-1h, factor: 10}]
---
apiVersion: nines/v1
kind: SLO
metadata: {name: api-latency}
spec:
  service: api
  sli: api-fast
  objectives: [{target: 99}]
  window: 7d
  alerting: {disabled: [ticket]}
---
apiVersion: nines/v1
kind: SLO
metadata: {name: db-latency}
spec:
  service: db
  sli: db-fast
  objectives: [{target: 99}]
  window: {calendar: month, timeZone: UTC}
---
apiVersion: nines/v1
kind: SLO
metadata: {name: db-errors}
spec:
  service: db
  sli: db-error-ratio
  objectives: [{target: 99.9}]
  window: 1d
---
apiVersion: nines/v1
kind: SLO
metadata: {name: db-up}
spec:
  service: db
  sli: db-success-ratio
  objectives: [{target: 99.95}]
  window: 90d
---
apiVersion: nines/v1
kind: SLO
metadata: {name: db-minutes}
spec:
  service: db
  sli: api-errors
  budgetingMethod: timeslices
  objectives: [{target: 99, timesliceTarget: 95, timesliceWindow: 1m}]
  window: 28d
---
apiVersion: nines/v1
kind: SLO
metadata: {name: pushed-availability}
spec:
  service: api
  sli: pushed
  objectives: [{target: 99}]
  window: 30d
`;

/** The catalog above, loaded; fails loudly if the fixture itself has errors. */
export function shapesCatalog(): Catalog {
  const result = loadCatalog([{ path: 'shapes.yaml', text: SHAPES_YAML }]);
  if (hasErrors(result.diagnostics)) {
    throw new Error(`fixture has errors: ${JSON.stringify(result.diagnostics, null, 2)}`);
  }
  return result.catalog;
}
