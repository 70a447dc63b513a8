import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from './diagnostics.js';
import { hasErrors, loadCatalog } from './load.js';
import { servicesOfJourney } from './model.js';

function load(text: string) {
  const result = loadCatalog([{ path: 'c.yaml', text }]);
  return { ...result, messages: result.diagnostics.map(formatDiagnostic) };
}

const SHOP = `
apiVersion: nines/v1
kind: Team
metadata: {name: shop}
---
apiVersion: nines/v1
kind: Service
metadata: {name: web, displayName: Web front, labels: {domain: retail}}
spec:
  owner: shop
  tier: 1
  description: The shop front
  dependsOn: [api, {service: ads, critical: false}]
---
apiVersion: nines/v1
kind: Service
metadata: {name: api}
spec: {owner: shop, dependsOn: [db]}
---
apiVersion: nines/v1
kind: Service
metadata: {name: db}
spec: {owner: shop}
---
apiVersion: nines/v1
kind: Service
metadata: {name: ads}
spec: {owner: shop, external: true}
---
apiVersion: nines/v1
kind: Journey
metadata: {name: buy}
spec:
  steps:
    - {name: Browse, services: [web]}
    - {name: Pay, services: [api]}
  value: {currency: EUR, revenuePerHour: 1200}
---
apiVersion: nines/v1
kind: ValueStream
metadata: {name: sales}
spec: {objective: Sell things, journeys: [buy]}
---
apiVersion: nines/v1
kind: SLO
metadata: {name: buy-fast}
spec:
  journey: buy
  indicator:
    latency: {threshold: 1.5s}
  objectives: [{target: 99.5}]
  window: 28d
---
apiVersion: nines/v1
kind: SLO
metadata: {name: api-minutes}
spec:
  service: api
  indicator: {ratio: {}}
  budgetingMethod: timeslices
  objectives: [{target: 99, timesliceTarget: 95, timesliceWindow: 5m}]
  window: {calendar: quarter, timeZone: America/New_York}
  sla: {target: 98, creditPercent: 10}
`;

describe('loading nines/v1 documents', () => {
  const { catalog, messages } = load(SHOP);

  it('builds a valid catalog without diagnostics', () => {
    expect(messages).toEqual([]);
  });

  it('normalises dependsOn shorthands, with dependencies critical unless said otherwise', () => {
    expect(catalog.Service.get('web')).toEqual({
      kind: 'Service',
      name: 'web',
      displayName: 'Web front',
      description: 'The shop front',
      labels: { domain: 'retail' },
      annotations: {},
      owner: 'shop',
      tier: 1,
      external: false,
      dependsOn: [
        { service: 'api', critical: true },
        { service: 'ads', critical: false },
      ],
      links: [],
    });
    expect(catalog.Service.get('ads')?.external).toBe(true);
  });

  it('reads a window shorthand as a rolling window and a latency in seconds as milliseconds', () => {
    const slo = catalog.SLO.get('buy-fast');
    expect(slo?.window).toEqual({ type: 'rolling', durationMs: 28 * 86_400_000, text: '28d' });
    expect(slo?.budgetingMethod).toBe('occurrences');
    expect(slo?.sli).toBe('buy-fast-sli');
    expect(catalog.SLI.get('buy-fast-sli')?.indicator).toEqual({
      type: 'latency',
      source: { type: 'events' },
      thresholdMs: 1500,
    });
  });

  it('keeps calendar windows with their zone and aligns them to a default start', () => {
    const slo = catalog.SLO.get('api-minutes');
    expect(slo?.window).toEqual({
      type: 'calendar',
      unit: 'quarter',
      timeZone: 'America/New_York',
      startTime: '2024-01-01 00:00:00',
    });
    expect(slo?.objectives).toEqual([{ target: 99, timesliceTarget: 95, timesliceWindowMs: 300_000 }]);
    expect(slo?.sla).toEqual({ target: 98, creditPercent: 10 });
  });

  it('finds every service a journey needs through dependencies', () => {
    const buy = catalog.Journey.get('buy');
    expect(buy && servicesOfJourney(catalog, buy)).toEqual(['web', 'api', 'db', 'ads']);
  });

  it('carries business value on journeys', () => {
    expect(catalog.Journey.get('buy')?.value).toEqual({ currency: 'EUR', revenuePerHour: 1200 });
  });
});

describe('loading whole files', () => {
  it('skips empty documents and comments-only files', () => {
    const result = loadCatalog([
      { path: 'empty.yaml', text: '' },
      { path: 'comments.yaml', text: '# nothing here\n---\n---\n' },
    ]);
    expect(result.diagnostics).toEqual([]);
    expect(result.documents).toBe(0);
  });

  it('reports problems in every file and still builds the valid parts', () => {
    const result = loadCatalog([
      { path: 'a.yaml', text: 'apiVersion: nines/v1\nkind: Team\nmetadata: {name: a}\n' },
      { path: 'b.yaml', text: 'apiVersion: nines/v1\nkind: Team\nmetadata: {name: B}\n' },
      { path: 'c.yaml', text: 'apiVersion: nines/v1\nkind: Team\nmetadata: {name: c\n' },
    ]);
    expect(result.diagnostics.map((d) => `${d.file}:${d.code}`)).toEqual([
      'b.yaml:invalid-name',
      'c.yaml:yaml-syntax',
    ]);
    expect([...result.catalog.Team.keys()]).toEqual(['a']);
    expect(hasErrors(result.diagnostics)).toBe(true);
  });

  it('locates problems in documents that follow empty ones', () => {
    const text =
      '---\n# nothing yet\n---\n---\napiVersion: nines/v1\nkind: Team\nmetadata: {name: ok}\n---\napiVersion: nines/v1\nkind: Team\nmetadata:\n  name: Not_OK\n';
    const result = loadCatalog([{ path: 'e.yaml', text }]);
    expect(result.documents).toBe(2);
    expect(result.diagnostics.map((d) => `${d.line}:${d.column} ${d.path}`)).toEqual(['12:9 metadata.name']);
  });

  it('rejects alias bombs instead of expanding them', () => {
    const bomb = [
      'apiVersion: nines/v1',
      'kind: Team',
      'metadata: {name: a}',
      'spec:',
      '  members: &a [x, x, x, x, x, x, x, x, x, x]',
      '  x1: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      '  x2: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
      '  x3: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
    ].join('\n');
    const result = loadCatalog([{ path: 'bomb.yaml', text: bomb }]);
    expect(result.diagnostics.map((d) => d.code)).toEqual(['yaml-syntax']);
    expect(result.diagnostics[0]?.message).toMatch(/alias count.*; expand the aliases by hand$/i);
  });

  it('reads a team whose spec is written empty (null) like one without spec', () => {
    const result = loadCatalog([
      { path: 't.yaml', text: 'apiVersion: nines/v1\nkind: Team\nmetadata: {name: shop}\nspec:\n' },
    ]);
    expect(result.diagnostics).toEqual([]);
    expect(result.catalog.Team.get('shop')?.members).toEqual([]);
  });
});

describe('inlined SLIs', () => {
  it('are named <slo>-sli, cut so that the name stays valid and at most 63 characters', () => {
    const slo = `${'a'.repeat(58)}-bbbb`; // 63 characters; the cut falls just after the '-'
    const { catalog, messages } = load(`${SHOP}---
apiVersion: nines/v1
kind: SLO
metadata: {name: ${slo}}
spec: {service: api, indicator: {ratio: {}}, objectives: [{target: 99}], window: 28d}
`);
    expect(messages).toEqual([]);
    expect(catalog.SLO.get(slo)?.sli).toBe(`${'a'.repeat(58)}-sli`);
    expect(catalog.SLI.has(`${'a'.repeat(58)}-sli`)).toBe(true);
  });
});
