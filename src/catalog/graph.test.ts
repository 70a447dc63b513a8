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
