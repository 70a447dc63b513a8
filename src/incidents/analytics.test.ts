import { describe, expect, it } from 'vitest';
import { type Impacted, type MttxInput, mttx } from './analytics.js';
import type { Incident } from './types.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const FROM = Date.parse('2025-03-01T00:00:00Z');
const TO = FROM + DAY;

let nextNumber = 1;

/** A resolved critical incident on `payment`, created an hour into the period and lasting 30 minutes. */
function buildIncident(overrides: Partial<Incident> = {}): Incident {
  const createdAt = overrides.createdAt ?? FROM + HOUR;
  return {
    number: nextNumber++,
    title: 'Payment errors',
    status: 'resolved',
    severity: 'critical',
    priority: 'P1',
    subject: { kind: 'service', name: 'payment' },
    suspectedCause: null,
    services: ['payment'],
    journeys: [],
    assignee: null,
    roles: {},
    createdAt,
    acknowledgedAt: createdAt + 5 * MINUTE,
    resolvedAt: createdAt + 30 * MINUTE,
    lastAlertAt: createdAt,
    alertCount: 1,
    openAlertCount: 0,
    mergedInto: null,
    ...overrides,
  };
}

const NOTHING_IMPACTED = (): Impacted => ({ journeys: [], valueStreams: [] });

function report(incidents: readonly Incident[], rest: Partial<MttxInput> = {}) {
  return mttx({ incidents, impacted: NOTHING_IMPACTED, from: FROM, to: TO, ...rest });
}

describe('mttx', () => {
  it('reports an empty period with zero counts, no means and no downtime', () => {
    const r = report([]);
    expect(r.overall).toEqual({
      name: 'overall',
      incidents: 0,
      bySeverity: { critical: 0, error: 0, warning: 0, info: 0 },
      mttaMs: null,
      mttrMs: null,
      mtbfMs: null,
      downtimeMs: 0,
    });
    expect([r.services, r.journeys, r.valueStreams]).toEqual([[], [], []]);
    expect([r.from, r.to]).toEqual([FROM, TO]);
  });

  it('averages acknowledge and resolve times and spreads uptime over the incidents', () => {
    const r = report([
      buildIncident({
        createdAt: FROM + HOUR,
        acknowledgedAt: FROM + HOUR + 2 * MINUTE,
        resolvedAt: FROM + 2 * HOUR,
      }),
      buildIncident({
        createdAt: FROM + 10 * HOUR,
        acknowledgedAt: FROM + 10 * HOUR + 6 * MINUTE,
        resolvedAt: FROM + 13 * HOUR,
      }),
    ]);
    expect(r.overall).toMatchObject({
      incidents: 2,
      mttaMs: 4 * MINUTE,
      mttrMs: 2 * HOUR,
      downtimeMs: 4 * HOUR,
      // (24h − 4h) / 2
      mtbfMs: 10 * HOUR,
    });
  });

  it('counts incidents by severity', () => {
    const r = report([
      buildIncident({ severity: 'critical' }),
      buildIncident({ severity: 'warning' }),
      buildIncident({ severity: 'warning' }),
      buildIncident({ severity: 'info' }),
    ]);
    expect(r.overall.bySeverity).toEqual({ critical: 1, error: 0, warning: 2, info: 1 });
    expect(r.services[0]?.bySeverity).toEqual({ critical: 1, error: 0, warning: 2, info: 1 });
  });

  it('counts overlapping incidents once in the downtime', () => {
    const r = report([
      buildIncident({ createdAt: FROM + HOUR, resolvedAt: FROM + 3 * HOUR }),
      buildIncident({ createdAt: FROM + 2 * HOUR, resolvedAt: FROM + 4 * HOUR }),
      // Inside the first two.
      buildIncident({ createdAt: FROM + 2 * HOUR, resolvedAt: FROM + 2 * HOUR + MINUTE }),
      // Touches the end of the others: adjacent, not overlapping.
      buildIncident({ createdAt: FROM + 4 * HOUR, resolvedAt: FROM + 5 * HOUR }),
      buildIncident({ createdAt: FROM + 10 * HOUR, resolvedAt: FROM + 11 * HOUR }),
    ]);
    expect(r.overall.downtimeMs).toBe(5 * HOUR);
    expect(r.overall.mtbfMs).toBe((DAY - 5 * HOUR) / 5);
  });

  it('counts only the part inside the period of an incident straddling its start, without counting the incident', () => {
    const r = report([
      buildIncident({ createdAt: FROM - 2 * HOUR, acknowledgedAt: FROM - HOUR, resolvedAt: FROM + HOUR }),
    ]);
    expect(r.overall).toMatchObject({
      incidents: 0,
      mttaMs: null,
      mttrMs: null,
      mtbfMs: null,
      downtimeMs: HOUR,
    });
    expect(r.services).toEqual([
      expect.objectContaining({ name: 'payment', incidents: 0, downtimeMs: HOUR }),
    ]);
  });

  it('counts an incident straddling the end of the period, with downtime clipped to the period', () => {
    const r = report([
      buildIncident({ createdAt: TO - HOUR, acknowledgedAt: TO - HOUR + MINUTE, resolvedAt: TO + 5 * HOUR }),
    ]);
    expect(r.overall).toMatchObject({
      incidents: 1,
      mttaMs: MINUTE,
      mttrMs: 6 * HOUR,
      downtimeMs: HOUR,
      mtbfMs: DAY - HOUR,
    });
  });

  it('leaves out incidents entirely before or after the period', () => {
    const r = report([
      buildIncident({ createdAt: FROM - 2 * HOUR, resolvedAt: FROM - HOUR }),
      buildIncident({ createdAt: FROM - HOUR, resolvedAt: FROM }),
      buildIncident({ createdAt: TO, resolvedAt: TO + HOUR }),
    ]);
    expect(r.overall).toMatchObject({ incidents: 0, downtimeMs: 0 });
    expect(r.services).toEqual([]);
  });

  it('counts an incident created at the start of the period and one resolved the instant it opened', () => {
    const r = report([buildIncident({ createdAt: FROM, acknowledgedAt: FROM, resolvedAt: FROM })]);
    expect(r.overall).toMatchObject({ incidents: 1, mttaMs: 0, mttrMs: 0, downtimeMs: 0, mtbfMs: DAY });
  });

  it('counts an open incident as down until the end of the period and leaves it out of MTTR', () => {
    const r = report([
      buildIncident({ createdAt: FROM + HOUR, resolvedAt: FROM + 2 * HOUR }),
      buildIncident({
        status: 'acknowledged',
        createdAt: TO - 3 * HOUR,
        acknowledgedAt: TO - 3 * HOUR + 10 * MINUTE,
        resolvedAt: null,
      }),
    ]);
    expect(r.overall).toMatchObject({
      incidents: 2,
      mttrMs: HOUR,
      mttaMs: (5 * MINUTE + 10 * MINUTE) / 2,
      downtimeMs: 4 * HOUR,
    });
  });

  it('counts an incident opened before the period and still open as down for the whole period', () => {
    const r = report([buildIncident({ createdAt: FROM - DAY, resolvedAt: null, status: 'triggered' })]);
    expect(r.overall).toMatchObject({ incidents: 0, downtimeMs: DAY, mtbfMs: null });
  });

  it('leaves unacknowledged incidents out of MTTA, and has none when nothing was acknowledged', () => {
    const acknowledged = report([
      buildIncident({ acknowledgedAt: FROM + HOUR + 8 * MINUTE }),
      buildIncident({ acknowledgedAt: null }),
    ]);
    expect(acknowledged.overall).toMatchObject({ incidents: 2, mttaMs: 8 * MINUTE });
    const none = report([buildIncident({ acknowledgedAt: null })]);
    expect(none.overall).toMatchObject({ incidents: 1, mttaMs: null, mttrMs: 30 * MINUTE });
  });

  it('leaves merged incidents out of every count, mean, downtime and group', () => {
    const impacted = (): Impacted => ({ journeys: ['pay'], valueStreams: ['sales'] });
    const r = report(
      [
        buildIncident({ number: 1, services: ['payment'] }),
        buildIncident({
          number: 2,
          services: ['search'],
          createdAt: FROM + 5 * HOUR,
          acknowledgedAt: FROM + 6 * HOUR,
          resolvedAt: FROM + 9 * HOUR,
          mergedInto: 1,
        }),
      ],
      { impacted },
    );
    expect(r.overall).toMatchObject({
      incidents: 1,
      mttaMs: 5 * MINUTE,
      mttrMs: 30 * MINUTE,
      downtimeMs: 30 * MINUTE,
    });
    expect(r.services.map((s) => s.name)).toEqual(['payment']);
    expect(r.journeys.map((j) => [j.name, j.incidents])).toEqual([['pay', 1]]);
    expect(r.valueStreams.map((v) => [v.name, v.incidents])).toEqual([['sales', 1]]);
  });

  it('attributes an incident to its services and its suspected cause, once each', () => {
    const cause = { service: 'psp', chain: ['payment', 'psp'] };
    const r = report([
      buildIncident({ services: ['payment', 'psp'], suspectedCause: cause }),
      buildIncident({ services: ['payment'], suspectedCause: cause, createdAt: FROM + 5 * HOUR }),
      buildIncident({ services: ['search'], createdAt: FROM + 7 * HOUR }),
    ]);
    expect(r.services.map((s) => [s.name, s.incidents])).toEqual([
      ['payment', 2],
      ['psp', 2],
      ['search', 1],
    ]);
    expect(r.services.find((s) => s.name === 'search')?.downtimeMs).toBe(30 * MINUTE);
  });

  it('attributes incidents to journeys and value streams as the impact function says', () => {
    const impactedBy: Record<number, Impacted> = {
      1: { journeys: ['pay', 'order'], valueStreams: ['sales'] },
      2: { journeys: ['order'], valueStreams: ['sales', 'fulfilment'] },
      3: { journeys: [], valueStreams: [] },
    };
    const incidents = [
      buildIncident({ number: 1, createdAt: FROM + HOUR, resolvedAt: FROM + 3 * HOUR, severity: 'critical' }),
      buildIncident({
        number: 2,
        createdAt: FROM + 2 * HOUR,
        resolvedAt: FROM + 4 * HOUR,
        severity: 'error',
      }),
      buildIncident({ number: 3, createdAt: FROM + 10 * HOUR }),
    ];
    const r = report(incidents, {
      impacted: (i) => impactedBy[i.number] ?? { journeys: [], valueStreams: [] },
    });
    expect(r.journeys).toEqual([
      expect.objectContaining({ name: 'order', incidents: 2, downtimeMs: 3 * HOUR }),
      expect.objectContaining({
        name: 'pay',
        incidents: 1,
        downtimeMs: 2 * HOUR,
        bySeverity: { critical: 1, error: 0, warning: 0, info: 0 },
      }),
    ]);
    expect(r.valueStreams.map((v) => [v.name, v.incidents, v.downtimeMs])).toEqual([
      ['sales', 2, 3 * HOUR],
      ['fulfilment', 1, 2 * HOUR],
    ]);
    expect(r.overall.incidents).toBe(3);
  });

  it('sorts rows by incident count, most first, then by name', () => {
    const r = report([
      buildIncident({ services: ['zeta'] }),
      buildIncident({ services: ['beta', 'zeta'] }),
      buildIncident({ services: ['alpha'] }),
      buildIncident({ services: ['zeta'] }),
    ]);
    expect(r.services.map((s) => [s.name, s.incidents])).toEqual([
      ['zeta', 3],
      ['alpha', 1],
      ['beta', 1],
    ]);
  });
});
