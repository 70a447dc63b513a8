import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Catalog, Journey, Service } from '../catalog/model.js';
import { type GroupingCandidate, place, Topology } from './grouping.js';
import type { Subject } from './types.js';

const service = (name: string, dependsOn: string[] = []): Service => ({
  kind: 'Service',
  name,
  labels: {},
  annotations: {},
  external: false,
  dependsOn: dependsOn.map((d) => ({ service: d, critical: true })),
  links: [],
});

const journey = (name: string, services: string[]): Journey => ({
  kind: 'Journey',
  name,
  labels: {},
  annotations: {},
  steps: [{ name: 'step', services }],
});

/** The web shop's checkout corner: payment → order → basket; payment and order → psp. */
function buildCatalog(): Catalog {
  const services = [
    service('payment', ['order', 'psp']),
    service('order', ['basket', 'psp']),
    service('basket'),
    service('psp'),
    service('search', ['products']),
    service('top10', ['products']),
    service('products'),
    service('shipping'),
  ];
  return {
    Service: new Map(services.map((s) => [s.name, s])),
    Journey: new Map(
      [journey('pay', ['payment']), journey('browse', ['search', 'top10'])].map((j) => [j.name, j]),
    ),
  } as unknown as Catalog;
}

const svc = (name: string): Subject => ({ kind: 'service', name });
const HOUR = 3_600_000;

describe('Topology', () => {
  const topology = new Topology(buildCatalog());

  it('finds the shortest dependsOn chain, from a journey through its steps', () => {
    expect(topology.chain(svc('payment'), 'psp')).toEqual(['payment', 'psp']);
    expect(topology.chain(svc('payment'), 'basket')).toEqual(['payment', 'order', 'basket']);
    expect(topology.chain({ kind: 'journey', name: 'pay' }, 'psp')).toEqual(['pay', 'payment', 'psp']);
    expect(topology.chain(svc('psp'), 'psp')).toEqual(['psp']);
  });

  it('finds nothing upwards or across', () => {
    expect(topology.chain(svc('psp'), 'payment')).toBeUndefined();
    expect(topology.chain(svc('search'), 'top10')).toBeUndefined();
    expect(topology.chain(svc('unknown'), 'psp')).toBeUndefined();
    expect(topology.reaches(svc('order'), 'psp')).toBe(true);
    expect(topology.reaches(svc('psp'), 'order')).toBe(false);
  });
});

describe('place', () => {
  const topology = new Topology(buildCatalog());
  const now = 10 * HOUR;
  const open = (
    number: number,
    subject: Subject,
    cause: string | null,
    lastAlertAt = now,
  ): GroupingCandidate => ({
    number,
    subject,
    cause,
    lastAlertAt,
  });

  it('joins the incident whose cause is nearest below the alert', () => {
    const incidents = [open(1, svc('basket'), 'basket'), open(2, svc('order'), 'order')];
    expect(place(svc('payment'), incidents, topology, now, HOUR)).toEqual({
      kind: 'join',
      incident: 2,
      chain: ['payment', 'order'],
    });
  });

  it('explains incidents whose causes depend on the alert’s service, merging them into the oldest', () => {
    const incidents = [open(3, svc('search'), 'search'), open(2, svc('top10'), 'top10')];
    const placement = place(svc('products'), incidents, topology, now, HOUR);
    expect(placement).toMatchObject({ kind: 'explain', into: 2, merge: [3] });
    if (placement.kind !== 'explain') throw new Error('unreachable');
    expect(placement.chains.get(3)).toEqual(['search', 'products']);
  });

  it('lets a service explain a journey incident, but never a journey a service', () => {
    const pay = open(1, { kind: 'journey', name: 'pay' }, null);
    expect(place(svc('psp'), [pay], topology, now, HOUR)).toMatchObject({ kind: 'explain', into: 1 });
    const psp = open(2, svc('psp'), 'psp');
    expect(place({ kind: 'journey', name: 'pay' }, [psp], topology, now, HOUR)).toEqual({
      kind: 'join',
      incident: 2,
      chain: ['pay', 'payment', 'psp'],
    });
    expect(place({ kind: 'journey', name: 'browse' }, [psp], topology, now, HOUR)).toEqual({ kind: 'open' });
  });

  it('opens a new incident for an unrelated service or after the window', () => {
    expect(place(svc('shipping'), [open(1, svc('psp'), 'psp')], topology, now, HOUR)).toEqual({
      kind: 'open',
    });
    expect(place(svc('psp'), [open(1, svc('psp'), 'psp', now - 2 * HOUR)], topology, now, HOUR)).toEqual({
      kind: 'open',
    });
  });

  it('ends with one incident naming the deepest failing service, whatever the arrival order', () => {
    // Replays grouping's bookkeeping over the pure decisions for every order of four alerts.
    const subjects: Subject[] = [svc('payment'), svc('order'), svc('psp'), { kind: 'journey', name: 'pay' }];
    fc.assert(
      fc.property(fc.shuffledSubarray(subjects, { minLength: 4, maxLength: 4 }), (order) => {
        let incidents: GroupingCandidate[] = [];
        let next = 1;
        for (const subject of order) {
          const p = place(subject, incidents, topology, now, HOUR);
          if (p.kind === 'open')
            incidents.push(open(next++, subject, subject.kind === 'service' ? subject.name : null));
          else if (p.kind === 'explain') {
            incidents = incidents
              .filter((i) => !p.merge.includes(i.number))
              .map((i) => (i.number === p.into ? { ...i, cause: subject.name } : i));
          }
        }
        expect(incidents).toHaveLength(1);
        expect(incidents[0]?.cause).toBe('psp');
      }),
    );
  });
});
