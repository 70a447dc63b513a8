import { describe, expect, it } from 'vitest';
import { buildGraph, edgeKey, highlightFor, serviceHealth } from './graph';

const services = [
  { name: 'web', dependsOn: [{ service: 'order', critical: true }], slos: [] },
  { name: 'order', dependsOn: [{ service: 'payment', critical: true }], slos: ['order-ok'] },
  { name: 'payment', dependsOn: [{ service: 'gateway', critical: false }], slos: ['pay-ok', 'pay-fast'] },
  { name: 'gateway', dependsOn: [], slos: [] },
  { name: 'search', dependsOn: [], slos: [] },
];
const graph = buildGraph(services);

describe('the service graph', () => {
  it('lights what depends on a service and what it depends on', () => {
    const h = highlightFor({ kind: 'service', name: 'order' }, graph, new Map());
    expect([...h.upstream]).toEqual(['web']);
    expect([...h.downstream].sort()).toEqual(['gateway', 'payment']);
    expect(h.nodes.has('search')).toBe(false);
    expect(h.edges.has(edgeKey('web', 'order'))).toBe(true);
    expect(h.edges.has(edgeKey('payment', 'gateway'))).toBe(true);
  });

  it('lights the services a journey needs through its steps', () => {
    const journeys = new Map([['pay', { steps: [{ name: 'Pay', services: ['payment'] }] }]]);
    const h = highlightFor({ kind: 'journey', name: 'pay' }, graph, journeys);
    expect([...h.nodes].sort()).toEqual(['gateway', 'payment']);
  });

  it('colours a service by the worst of its own SLOs', () => {
    const health = serviceHealth(services, [
      { name: 'order-ok', health: 'healthy' },
      { name: 'pay-ok', health: 'healthy' },
      { name: 'pay-fast', health: 'at-risk' },
    ]);
    expect(health.get('payment')).toBe('at-risk');
    expect(health.get('order')).toBe('healthy');
    expect(health.get('gateway')).toBe('none');
  });
});
