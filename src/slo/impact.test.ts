import { describe, expect, it } from 'vitest';
import { hasErrors, loadCatalog } from '../catalog/load.js';
import type { Journey } from '../catalog/model.js';
import type { JourneyExposure, SloSignal } from './impact.js';
import { dependencyPaths, explainJourney, journeyHealth, journeysAtRisk, sloHealth } from './impact.js';
import type { StatusOverrides } from './status.test-support.js';
import { buildStatus } from './status.test-support.js';

const slo = (name: string, owner: string) =>
  `apiVersion: nines/v1
kind: SLO
metadata: {name: ${name}}
spec: {${owner}, indicator: {ratio: {}}, objectives: [{target: 99.9}], window: 30d}`;

const service = (name: string, spec = '') =>
  `apiVersion: nines/v1
kind: Service
metadata: {name: ${name}}
spec: {owner: t${spec ? `, ${spec}` : ''}}`;

// pay → payment → psp (critical), fraud (non-critical)
// search → search → product-catalog (critical), analytics (non-critical)
// discover → recommendations → analytics (non-critical) and purchase-history → analytics (both critical)
const TEXT = [
  'apiVersion: nines/v1\nkind: Team\nmetadata: {name: t}',
  'apiVersion: nines/v1\nkind: ValueStream\nmetadata: {name: sales}\nspec: {objective: Sell, journeys: [pay, search, discover]}',
  'apiVersion: nines/v1\nkind: Journey\nmetadata: {name: pay}\nspec: {steps: [{name: Pay, services: [payment]}]}',
  'apiVersion: nines/v1\nkind: Journey\nmetadata: {name: search}\nspec: {steps: [{name: Search, services: [search]}]}',
  'apiVersion: nines/v1\nkind: Journey\nmetadata: {name: discover}\nspec: {steps: [{name: Recommend, services: [recommendations]}]}',
  service('payment', 'dependsOn: [psp, {service: fraud, critical: false}]'),
  service('psp', 'external: true'),
  service('fraud'),
  service('search', 'dependsOn: [product-catalog, {service: analytics, critical: false}]'),
  service('product-catalog'),
  service('analytics'),
  service('recommendations', 'dependsOn: [{service: analytics, critical: false}, purchase-history]'),
  service('purchase-history', 'dependsOn: [analytics]'),
  slo('pay-ok', 'journey: pay'),
  slo('payment-ok', 'service: payment'),
  slo('psp-ok', 'service: psp'),
  slo('fraud-ok', 'service: fraud'),
  slo('search-ok', 'journey: search'),
  slo('catalog-ok', 'service: product-catalog'),
  slo('analytics-fresh', 'service: analytics'),
].join('\n---\n');

const { catalog, diagnostics } = loadCatalog([{ path: 'impact.yaml', text: TEXT }]);
const SLOS = [...catalog.SLO.keys()];

function journey(name: string): Journey {
  const found = catalog.Journey.get(name);
  if (!found) throw new Error(`no journey ${name}`);
  return found;
}

const NOT_FIRING = { page: { firing: false }, ticket: { firing: false } };
const PAGE = { page: { firing: true }, ticket: { firing: false } };
const TICKET = { page: { firing: false }, ticket: { firing: true } };

function signal(name: string, overrides: StatusOverrides & { alerts?: SloSignal['alerts'] } = {}): SloSignal {
  const { alerts = NOT_FIRING, ...status } = overrides;
  return { ...buildStatus({ slo: name, ...status }), alerts };
}

/** Every SLO healthy, except the ones given. */
function statuses(changed: Record<string, StatusOverrides & { alerts?: SloSignal['alerts'] }> = {}) {
  return new Map(SLOS.map((name) => [name, signal(name, changed[name])]));
}

/** Exposures spell their paths when read; list the fields to compare them. */
const plain = (e: JourneyExposure) => ({
  journey: e.journey,
  step: e.step,
  path: e.path,
  critical: e.critical,
});

function levels(map: ReadonlyMap<string, SloSignal>) {
  return Object.fromEntries(journeyHealth(catalog, map).map((h) => [h.journey, h.level]));
}

describe('dependency paths', () => {
  it('loads the test catalog without errors', () => {
    expect(hasErrors(diagnostics)).toBe(false);
  });

  it('reach every service of the closure from the step that needs it', () => {
    expect(Object.fromEntries(dependencyPaths(catalog, journey('pay')))).toEqual({
      payment: { step: 'Pay', path: ['payment'], critical: true },
      psp: { step: 'Pay', path: ['payment', 'psp'], critical: true },
      fraud: { step: 'Pay', path: ['payment', 'fraud'], critical: false },
    });
  });

  it('prefer a longer all-critical path to a shorter non-critical one', () => {
    expect(dependencyPaths(catalog, journey('discover')).get('analytics')).toEqual({
      step: 'Recommend',
      path: ['recommendations', 'purchase-history', 'analytics'],
      critical: true,
    });
  });

  it('tell which journeys a service puts at risk, and through which edges', () => {
    expect(journeysAtRisk(catalog, 'analytics').map(plain)).toEqual([
      { journey: 'search', step: 'Search', path: ['search', 'analytics'], critical: false },
      {
        journey: 'discover',
        step: 'Recommend',
        path: ['recommendations', 'purchase-history', 'analytics'],
        critical: true,
      },
    ]);
    expect(journeysAtRisk(catalog, 'psp').map((e) => e.journey)).toEqual(['pay']);
    expect(journeysAtRisk(catalog, 'nowhere')).toEqual([]);
  });
});

describe('SLO health', () => {
  it('is unknown without a status or without any event in the window', () => {
    expect(sloHealth(undefined)).toEqual({ level: 'unknown' });
    expect(sloHealth(signal('x', { good: 0, total: 0 }))).toEqual({ level: 'unknown' });
  });

  it('is at risk on a page or a spent budget, degraded on a ticket or a low budget', () => {
    expect(sloHealth(signal('x', { alerts: PAGE }))).toEqual({ level: 'at-risk', cause: 'page-firing' });
    expect(sloHealth(signal('x', { budget: { remainingRatio: 0 } }))).toEqual({
      level: 'at-risk',
      cause: 'budget-exhausted',
    });
    expect(sloHealth(signal('x', { alerts: TICKET }))).toEqual({ level: 'degraded', cause: 'ticket-firing' });
    expect(sloHealth(signal('x', { budget: { remainingRatio: 0.2 } }))).toEqual({
      level: 'degraded',
      cause: 'budget-low',
    });
    expect(sloHealth(signal('x', { budget: { remainingRatio: 0.25 } }))).toEqual({ level: 'healthy' });
  });
});

describe('journey health', () => {
  it('is healthy everywhere when every SLO is', () => {
    expect(levels(statuses())).toEqual({ pay: 'healthy', search: 'healthy', discover: 'healthy' });
  });

  it('puts pay at risk when the payment gateway pages', () => {
    const health = journeyHealth(catalog, statuses({ 'psp-ok': { alerts: PAGE } }));
    expect(health.map((h) => h.level)).toEqual(['at-risk', 'healthy', 'healthy']);
    expect(health[0]?.findings).toEqual([
      {
        slo: 'psp-ok',
        via: { service: 'psp', step: 'Pay', path: ['payment', 'psp'], critical: true },
        sloLevel: 'at-risk',
        cause: 'page-firing',
        effect: 'at-risk',
      },
    ]);
  });

  it('only degrades search when analytics burns, since search reaches it through a non-critical edge', () => {
    const health = journeyHealth(catalog, statuses({ 'analytics-fresh': { alerts: PAGE } }));
    expect(Object.fromEntries(health.map((h) => [h.journey, h.level]))).toEqual({
      pay: 'healthy',
      search: 'degraded',
      discover: 'at-risk',
    });
    expect(health[1]?.findings).toMatchObject([
      { slo: 'analytics-fresh', sloLevel: 'at-risk', effect: 'degraded', via: { critical: false } },
    ]);
  });

  it('degrades a journey whose own SLO has a ticket or a low budget, and lists at-risk findings first', () => {
    expect(levels(statuses({ 'pay-ok': { alerts: TICKET } })).pay).toBe('degraded');
    expect(levels(statuses({ 'search-ok': { budget: { remainingRatio: 0.1 } } })).search).toBe('degraded');
    const health = journeyHealth(
      catalog,
      statuses({ 'pay-ok': { alerts: TICKET }, 'payment-ok': { budget: { remainingRatio: -0.5 } } }),
    );
    expect(health[0]?.level).toBe('at-risk');
    expect(health[0]?.findings.map((f) => [f.slo, f.cause])).toEqual([
      ['payment-ok', 'budget-exhausted'],
      ['pay-ok', 'ticket-firing'],
    ]);
  });

  it('is unknown only when none of its SLOs has data, and lists the SLOs without data', () => {
    expect(levels(new Map())).toEqual({ pay: 'unknown', search: 'unknown', discover: 'unknown' });
    const partial = new Map([['psp-ok', signal('psp-ok', { alerts: PAGE })]]);
    const pay = journeyHealth(catalog, partial)[0];
    expect(pay?.level).toBe('at-risk');
    expect(pay?.unknown).toEqual(['pay-ok', 'payment-ok', 'fraud-ok']);
  });
});

describe('explaining a journey', () => {
  it('lists burning services by alert severity, then 1h burn, each with its dependency chain', () => {
    const map = statuses({
      'psp-ok': { alerts: PAGE, windows: { '1h': { burnRate: 20 } } },
      'payment-ok': { alerts: TICKET, windows: { '1h': { burnRate: 2 } } },
      'fraud-ok': { windows: { '1h': { burnRate: 3 } } },
    });
    const explained = explainJourney(catalog, journey('pay'), map);
    expect(explained.map((s) => [s.service, s.alert, s.burnRate1h, s.path, s.critical])).toEqual([
      ['psp', 'page', 20, ['payment', 'psp'], true],
      ['payment', 'ticket', 2, ['payment'], true],
      ['fraud', 'none', 3, ['payment', 'fraud'], false],
    ]);
    expect(explained[0]?.slos).toEqual([{ slo: 'psp-ok', burnRate1h: 20, alert: 'page' }]);
  });

  it('leaves out services burning at or under their budget rate over 1h', () => {
    const map = statuses({ 'fraud-ok': { windows: { '1h': { burnRate: 1 } } } });
    expect(explainJourney(catalog, journey('pay'), map)).toEqual([]);
  });
});

describe('memoized impact reads', () => {
  const burning = () =>
    statuses({
      'psp-ok': { alerts: PAGE, windows: { '1h': { burnRate: 20 } } },
      'analytics-fresh': { alerts: TICKET, windows: { '1h': { burnRate: 4 } } },
      'search-ok': { budget: { remainingRatio: 0.1 } },
    });

  it('answer as the closure walked afresh for every journey', () => {
    for (const service of catalog.Service.keys()) {
      const walked = [...catalog.Journey.values()].flatMap((j) => {
        const path = dependencyPaths(catalog, j).get(service);
        return path ? [{ journey: j.name, ...path }] : [];
      });
      expect(journeysAtRisk(catalog, service).map(plain)).toEqual(walked);
    }
    for (const j of catalog.Journey.values()) {
      // A journey that is not the catalog's own object is walked afresh.
      expect(explainJourney(catalog, j, burning())).toEqual(explainJourney(catalog, { ...j }, burning()));
    }
  });

  it('answer the same on a cache hit as on a fresh catalog, and hand out lists callers may change', () => {
    const fresh = { ...catalog };
    expect(journeyHealth(catalog, burning())).toEqual(journeyHealth(fresh, burning()));
    expect(journeyHealth(catalog, burning())).toEqual(journeyHealth(fresh, burning()));
    journeysAtRisk(catalog, 'analytics').pop();
    expect(journeysAtRisk(catalog, 'analytics')).toHaveLength(2);
  });
});
