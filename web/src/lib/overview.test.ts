import { describe, expect, it } from 'vitest';
import type { Journey } from '../api/types';
import { buildOverview, streamHeadline } from './overview';

function journey(name: string, over: Partial<Journey> = {}): Journey {
  return {
    name,
    displayName: null,
    description: null,
    owner: null,
    valueStreams: [],
    value: { currency: 'EUR', revenuePerHour: 100, valuePerSuccess: null },
    steps: [{ name: 'step', services: [`${name}-svc`] }],
    health: { level: 'healthy', findings: [], unknown: [] },
    revenueAtRisk: null,
    ...over,
  };
}

const slo = (name: string, journeyName: string, remainingRatio: number, burn: number) => ({
  name,
  journey: journeyName,
  budget: { total: 10, consumed: 0, remainingRatio, remainingMinutes: 0 },
  burnRates: { '5m': 0, '30m': 0, '1h': burn, '2h': 0, '6h': 0, '1d': 0, '3d': 0, period: 0 },
});

describe('the overview', () => {
  const journeys = [
    journey('pay', {
      health: {
        level: 'at-risk',
        findings: [
          {
            slo: 'gw',
            cause: 'page-firing',
            effect: 'at-risk',
            via: { service: 'gateway', step: 'step', path: ['pay-svc', 'gateway'], critical: true },
          },
        ],
        unknown: [],
      },
      revenueAtRisk: { currency: 'EUR', '1h': 120, '1d': 500 },
    }),
    journey('search', { revenueAtRisk: { currency: 'EUR', '1h': 30 } }),
    journey('lonely'),
  ];
  const overview = buildOverview(
    [
      {
        name: 'orders',
        displayName: 'Online orders',
        objective: 'sell',
        owner: null,
        health: 'at-risk',
        journeys: [
          { name: 'pay', health: 'at-risk' },
          { name: 'search', health: 'healthy' },
        ],
      },
    ],
    journeys,
    [slo('pay-a', 'pay', 0.5, 2), slo('pay-b', 'pay', -0.2, 14), slo('search-a', 'search', 1, 0)],
    [
      { number: 7, journeys: [], services: ['gateway'], suspectedCause: { service: 'gateway', chain: [] } },
      { number: 8, journeys: ['search'], services: [], suspectedCause: null },
    ],
  );
  const row = (name: string) => overview.rows.find((r) => r.name === name);

  it('takes the least budget left and the highest burn of a journey’s SLOs', () => {
    expect(row('pay')).toMatchObject({ budgetRemaining: -0.2, worstSlo: 'pay-b', burnRate: 14, sloCount: 2 });
    expect(row('lonely')).toMatchObject({ budgetRemaining: null, burnRate: null, sloCount: 0 });
  });

  it('counts an incident for the journeys whose paths it lies on, or whose alerts it holds', () => {
    expect(row('pay')?.openIncidents).toEqual([7]);
    expect(row('search')?.openIncidents).toEqual([8]);
    expect(row('lonely')?.openIncidents).toEqual([]);
  });

  it('sums revenue at risk per currency, overall and per value stream', () => {
    expect(overview.revenueAtRisk1h.get('EUR')).toBe(150);
    expect(overview.revenueAtRisk1d.get('EUR')).toBe(500);
    expect(overview.streams[0]?.revenueAtRisk1h.get('EUR')).toBe(150);
    expect(overview.counts).toEqual({ 'at-risk': 1, degraded: 0, unknown: 0, healthy: 2 });
  });

  it('says which journeys of a stream are not working', () => {
    const stream = overview.streams[0];
    expect(stream && streamHeadline(stream)).toBe('At risk: pay.');
    expect(row('pay')?.valueStreams).toEqual(['Online orders']);
  });
});
