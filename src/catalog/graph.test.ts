import { describe, expect, it } from 'vitest';
import { graphDot, graphJson, graphMermaid, graphText } from './graph.js';
import { loadCatalog } from './load.js';

const TEXT = `
apiVersion: nines/v1
kind: Team
metadata: {name: t}
---
apiVersion: nines/v1
kind: ValueStream
metadata: {name: sales}
spec: {objective: Sell things, journeys: [buy]}
---
apiVersion: nines/v1
kind: Journey
metadata: {name: buy}
spec:
  steps: [{name: Pay, services: [pay]}]
  value: {currency: EUR, revenuePerHour: 1200}
---
apiVersion: nines/v1
kind: Service
metadata: {name: pay}
spec: {owner: t, tier: 1, dependsOn: [psp, {service: fraud, critical: false}]}
---
apiVersion: nines/v1
kind: Service
metadata: {name: psp}
spec: {owner: t, external: true}
---
apiVersion: nines/v1
kind: Service
metadata: {name: fraud}
spec: {owner: t}
---
apiVersion: nines/v1
kind: Service
metadata: {name: batch}
spec: {owner: t}
---
apiVersion: nines/v1
kind: SLO
metadata: {name: buy-ok}
spec: {journey: buy, indicator: {ratio: {}}, objectives: [{target: 99.9}], window: 28d}
`;

const { catalog, diagnostics } = loadCatalog([{ path: 'g.yaml', text: TEXT }]);

describe('graph', () => {
  it('has a valid catalog to draw', () => {
    expect(diagnostics).toEqual([]);
  });

  it('prints the value stream → journey → service → dependency tree', () => {
    expect(graphText(catalog)).toBe(
      [
        'value stream sales: Sell things',
        '└─ journey buy — EUR 1,200/h — SLOs: buy-ok',
        '   └─ step Pay',
        '      └─ pay [tier 1, owner t]',
        '         ├─ psp [owner t, external]',
        '         └─ fraud [owner t] (non-critical)',
        'services in no journey',
        '└─ batch [owner t]',
        '',
      ].join('\n'),
    );
  });

  it('draws mermaid with dashed edges for non-critical dependencies', () => {
    const m = graphMermaid(catalog);
    expect(m.split('\n')[0]).toBe('flowchart LR');
    expect(m).toContain('  vs_sales --> j_buy');
    expect(m).toContain('  j_buy --> s_pay');
    expect(m).toContain('  s_pay --> s_psp');
    expect(m).toContain('  s_pay -.-> s_fraud');
    expect(m).toContain('  s_psp{{"psp"}}');
  });

  it('draws Graphviz dot', () => {
    const d = graphDot(catalog);
    expect(d.startsWith('digraph nines {')).toBe(true);
    expect(d).toContain('  "service:pay" -> "service:fraud" [style=dashed];');
    expect(d).toContain('  "journey:buy" -> "service:pay";');
    expect(d.trimEnd().endsWith('}')).toBe(true);
  });

  it('gives machines the nodes and typed edges', () => {
    const g = graphJson(catalog);
    expect(g.valueStreams).toEqual([{ name: 'sales', objective: 'Sell things', journeys: ['buy'] }]);
    expect(g.journeys[0]).toMatchObject({ name: 'buy', slos: ['buy-ok'] });
    expect(g.edges).toEqual([
      { from: 'sales', to: 'buy', type: 'journey' },
      { from: 'buy', to: 'pay', type: 'step' },
      { from: 'pay', to: 'psp', type: 'dependsOn', critical: true },
      { from: 'pay', to: 'fraud', type: 'dependsOn', critical: false },
    ]);
  });
});

describe('graph text with shared dependencies', () => {
  it('prints a shared dependency once per journey and marks later ones (see above)', () => {
    const shared = `
apiVersion: nines/v1
kind: Team
metadata: {name: t}
---
apiVersion: nines/v1
kind: Journey
metadata: {name: buy}
spec:
  steps:
    - {name: Basket, services: [basket]}
    - {name: Pay, services: [order]}
---
apiVersion: nines/v1
kind: Service
metadata: {name: basket}
spec: {owner: t, dependsOn: [catalog]}
---
apiVersion: nines/v1
kind: Service
metadata: {name: order}
spec: {owner: t, dependsOn: [basket, {service: catalog, critical: false}]}
---
apiVersion: nines/v1
kind: Service
metadata: {name: catalog}
spec: {owner: t, dependsOn: [db]}
---
apiVersion: nines/v1
kind: Service
metadata: {name: db}
spec: {owner: t}
`;
    const loaded = loadCatalog([{ path: 's.yaml', text: shared }]);
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(graphText(loaded.catalog)).toBe(
      [
        'journeys in no value stream',
        '└─ journey buy',
        '   ├─ step Basket',
        '   │  └─ basket [owner t]',
        '   │     └─ catalog [owner t]',
        '   │        └─ db [owner t]',
        '   └─ step Pay',
        '      └─ order [owner t]',
        '         ├─ basket [owner t] (see above)',
        '         └─ catalog [owner t] (non-critical) (see above)',
        '',
      ].join('\n'),
    );
  });

  it('stays linear on a diamond of 24 levels (2^24 paths)', () => {
    const service = (name: string, deps: string) =>
      `apiVersion: nines/v1\nkind: Service\nmetadata: {name: ${name}}\nspec: {owner: t, dependsOn: ${deps}}`;
    const docs = [
      'apiVersion: nines/v1\nkind: Team\nmetadata: {name: t}',
      'apiVersion: nines/v1\nkind: Journey\nmetadata: {name: j}\nspec: {steps: [{name: s, services: [top]}]}',
      service('top', '[a1, b1]'),
    ];
    for (let i = 1; i <= 24; i++) {
      const deps = i < 24 ? `[a${i + 1}, b${i + 1}]` : '[]';
      docs.push(service(`a${i}`, deps), service(`b${i}`, deps));
    }
    const loaded = loadCatalog([{ path: 'd.yaml', text: docs.join('\n---\n') }]);
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const started = performance.now();
    const lines = graphText(loaded.catalog).split('\n');
    expect(performance.now() - started).toBeLessThan(1000);
    // 48 services below top, each once in full; the other 46 mentions are one line each.
    expect(lines.filter((l) => l.endsWith('(see above)'))).toHaveLength(46);
    expect(lines).toHaveLength(3 + 1 + 94 + 1);
  });
});
