import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../catalog/load.js';
import { evaluateAlertPolicy, resolveTiers } from '../slo/alert-policy.js';
import { type AlertState, nextAlertState } from '../slo/alert-state.js';
import { evaluateSlo } from '../slo/evaluate.js';
import { createSeries, hourSpanFor } from '../slo/slo-series.js';
import { HOUR, MINUTE } from '../slo/types.js';
import { Engine } from './engine.js';

// Four SLOs read one SLI: three share its occurrences series, one counts timeslices.
const CATALOG = `apiVersion: nines/v1
kind: Team
metadata: {name: t}
---
apiVersion: nines/v1
kind: Service
metadata: {name: pay}
spec: {owner: t}
---
apiVersion: nines/v1
kind: SLI
metadata: {name: pay-ok}
spec: {ratio: {}}
---
apiVersion: nines/v1
kind: SLO
metadata: {name: pay-30d}
spec: {service: pay, sli: pay-ok, objectives: [{target: 99.9}], window: 30d}
---
apiVersion: nines/v1
kind: SLO
metadata: {name: pay-7d}
spec: {service: pay, sli: pay-ok, objectives: [{target: 99}], window: 7d}
---
apiVersion: nines/v1
kind: SLO
metadata: {name: pay-month}
spec:
  service: pay
  sli: pay-ok
  objectives: [{target: 99.5}]
  window: {calendar: month, timeZone: Europe/Berlin}
---
apiVersion: nines/v1
kind: SLO
metadata: {name: pay-minutes}
spec:
  service: pay
  sli: pay-ok
  budgetingMethod: timeslices
  objectives: [{target: 99, timesliceWindow: 1m, timesliceTarget: 95}]
  window: 7d
`;

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('the engine tick', () => {
  it('gives every SLO the status, alert evaluation and alert state a direct evaluation gives', () => {
    const { catalog, diagnostics } = loadCatalog([{ path: 'c.yaml', text: CATALOG }]);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const options = { noDataMs: 10 * MINUTE, minEvents: 10 };
    const start = Date.UTC(2026, 9, 31, 20, 0); // a month boundary in Berlin falls inside the run
    const engine = new Engine(catalog, options);
    engine.start({ minuteRows: [], hourRows: [], alertStates: new Map() }, start);
    const slos = [...catalog.SLO.values()];
    // The reference: one series per SLO, fed the same counts, evaluated the plain way.
    const reference = slos.map((slo) => ({
      slo,
      series: createSeries(slo, start, {
        hourSpan: hourSpanFor({ type: 'rolling', durationMs: 32 * 24 * HOUR, text: '' }),
      }),
      state: undefined as AlertState | undefined,
    }));
    const next = random(7);
    let transitions = 0;
    for (let minute = 0; minute < 10 * 60; minute++) {
      const at = start + minute * MINUTE;
      // Quiet traffic, an outage from 2h to 3h, and a silent half hour after 6h.
      const silent = minute >= 360 && minute < 390;
      const failing = minute >= 120 && minute < 180 ? 0.5 : 0.0002;
      const total = silent ? 0 : 50 + Math.floor(next() * 100);
      const good = total - Math.round(total * failing * next() * 2);
      if (total > 0) {
        engine.ingest([{ sli: 'pay-ok', minuteMs: at, good, total }], at + 10_000);
        for (const r of reference) {
          r.series.advance(at + 10_000);
          r.series.add(at, good, total);
        }
      }
      const nowMs = at + 30_000;
      const result = engine.tick(nowMs);
      transitions += result.transitions.length;
      for (const r of reference) {
        r.series.advance(nowMs);
        const expected = evaluateSlo({
          slo: r.slo,
          source: r.series,
          nowMs,
          noDataMs: options.noDataMs + (r.slo.objectives[0]?.timesliceWindowMs ?? 0),
        });
        const evaluation = evaluateAlertPolicy(expected, resolveTiers(expected.periodMs, r.slo.alerting), {
          minEvents: r.slo.budgetingMethod === 'timeslices' ? 1 : options.minEvents,
        });
        r.state = nextAlertState(r.state, evaluation, nowMs).state;
        const view = engine.view(r.slo.name);
        expect(view?.status, `${r.slo.name} at minute ${minute}`).toEqual(expected);
        expect(view?.evaluation, `${r.slo.name} at minute ${minute}`).toEqual(evaluation);
        expect(view?.alert, `${r.slo.name} at minute ${minute}`).toEqual(r.state);
      }
    }
    // The run exercised the non-quiet path: pages fired and resolved, no-data too.
    expect(transitions).toBeGreaterThan(4);
  });
});

describe('no data for SLIs a probe feeds', () => {
  it('waits for two missed runs of a slow probe before calling an SLI silent', () => {
    const { catalog, diagnostics } = loadCatalog([
      {
        path: 'c.yaml',
        text: `apiVersion: nines/v1
kind: Team
metadata: {name: t}
---
apiVersion: nines/v1
kind: Service
metadata: {name: pay}
spec: {owner: t}
---
apiVersion: nines/v1
kind: Probe
metadata: {name: slow}
spec: {service: pay, interval: 15m, timeout: 30s, tcp: {host: 127.0.0.1, port: 5432}}
---
apiVersion: nines/v1
kind: SLO
metadata: {name: db-reachable}
spec: {service: pay, indicator: {source: {type: probe, probe: slow}, ratio: {}}, objectives: [{target: 99}], window: 7d}
`,
      },
    ]);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const start = Date.UTC(2026, 10, 22, 12, 0);
    const engine = new Engine(catalog, { noDataMs: 10 * MINUTE, minEvents: 10 });
    engine.start({ minuteRows: [], hourRows: [], alertStates: new Map() }, start);
    engine.ingest([{ sli: 'db-reachable-sli', minuteMs: start, good: 1, total: 1 }], start);
    engine.tick(start + 14 * MINUTE);
    expect(engine.view('db-reachable')?.status.noData).toBe(false);
    engine.tick(start + 30 * MINUTE);
    expect(engine.view('db-reachable')?.status.noData).toBe(false);
    engine.tick(start + 32 * MINUTE);
    expect(engine.view('db-reachable')?.status.noData).toBe(true);
  });
});
