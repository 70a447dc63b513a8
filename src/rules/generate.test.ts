import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DAY } from '../slo/types.js';
import { withWindow } from '../sources/prometheus/queries.js';
import {
  type AlertingRule,
  BURN_ALERT,
  generateRules,
  NO_DATA_ALERT,
  type RecordingRule,
  type RuleGroup,
  type RulesResult,
} from './generate.js';
import { leMatcher, promDuration } from './promql.js';
import { renderRules } from './render.js';
import { shapesCatalog } from './rules.test-support.js';

const catalog = shapesCatalog();

function groupsOf(result: RulesResult, slo: string): RuleGroup[] {
  return result.file.groups.filter((g) => g.name.endsWith(`-${slo}`));
}

function recording(result: RulesResult, slo: string, record: string): RecordingRule {
  const rule = groupsOf(result, slo)
    .flatMap((g) => g.rules)
    .find((r): r is RecordingRule => 'record' in r && r.record === record);
  if (!rule) throw new Error(`no ${record} for ${slo}`);
  return rule;
}

function alerts(result: RulesResult, slo: string): AlertingRule[] {
  return groupsOf(result, slo)
    .flatMap((g) => g.rules)
    .filter((r): r is AlertingRule => 'alert' in r);
}

describe('generateRules', () => {
  const result = generateRules(catalog);

  it('covers the SLOs with Prometheus SLIs, in name order, and says why one is left out', () => {
    expect(result.slos.map((s) => s.slo)).toEqual([
      'api-availability',
      'api-latency',
      'buy-availability',
      'db-errors',
      'db-latency',
      'db-up',
    ]);
    expect(result.skipped).toEqual([
      { slo: 'db-minutes', reason: expect.stringContaining('timeslices'), kind: 'unsupported' },
    ]);
    expect(groupsOf(result, 'buy-availability').map((g) => [g.name, g.interval])).toEqual([
      ['nines-slo-sli-recordings-buy-availability', undefined],
      ['nines-slo-period-recordings-buy-availability', '5m'],
      ['nines-slo-meta-recordings-buy-availability', undefined],
      ['nines-slo-alerts-buy-availability', undefined],
    ]);
  });

  it("records Sloth's error ratios, window by window, with Sloth's and nines' labels", () => {
    const names = groupsOf(result, 'buy-availability')[0]?.rules.map((r) => ('record' in r ? r.record : ''));
    expect(names).toEqual(
      ['5m', '30m', '1h', '2h', '6h', '1d', '3d'].flatMap((w) => [
        `slo:sli_total:rate${w}`,
        `slo:sli_error:ratio_rate${w}`,
      ]),
    );
    // A raw ratio has no total to record.
    expect(groupsOf(result, 'db-up')[0]?.rules).toHaveLength(7);
    const r = recording(result, 'buy-availability', 'slo:sli_error:ratio_rate1h');
    expect(r.labels).toEqual({
      journey: 'buy',
      nines_slo: 'buy-availability',
      sloth_id: 'buy-buy-availability',
      sloth_service: 'buy',
      sloth_slo: 'buy-availability',
      sloth_window: '1h',
    });
    expect(Object.keys(r.labels)).toEqual(Object.keys(r.labels).sort());
    // The total query runs once: the ratio divides by the total recorded just before it.
    expect(recording(result, 'buy-availability', 'slo:sli_total:rate1h').expr).toBe(
      'sum(rate(http_requests_total{job="api"}[1h]))',
    );
    expect(r.expr).toBe(
      '((sum(rate(http_requests_total{job="api",code=~"5.."}[1h]))) or on() vector(0))\n/ on()\n(slo:sli_total:rate1h{sloth_id="buy-buy-availability", sloth_service="buy", sloth_slo="buy-availability"} > 0)',
    );
    // A service SLO stands under its service, as in Sloth.
    expect(recording(result, 'api-availability', 'slo:sli_error:ratio_rate5m').labels).toMatchObject({
      service: 'api',
      sloth_id: 'api-api-availability',
      sloth_service: 'api',
    });
  });

  it('names the period rule as Sloth does: 30d, 4w for 28 days, 1w for 7', () => {
    expect(recording(result, 'buy-availability', 'slo:sli_error:ratio_rate30d').labels.sloth_window).toBe(
      '30d',
    );
    expect(recording(result, 'api-availability', 'slo:sli_error:ratio_rate4w').labels.sloth_window).toBe(
      '4w',
    );
    expect(recording(result, 'api-latency', 'slo:sli_error:ratio_rate1w').labels.sloth_window).toBe('1w');
    expect(promDuration(90 * DAY)).toBe('90d');
    expect(promDuration(365 * DAY)).toBe('1y');
    expect(promDuration(36 * 3_600_000)).toBe('1d12h');
  });

  it('computes the period SLI from events, Σ bad / Σ total of 5-minute counts, not from 5m ratios', () => {
    const sel = '{sloth_id="buy-buy-availability", sloth_service="buy", sloth_slo="buy-availability"}';
    expect(recording(result, 'buy-availability', 'slo:sli_error:count5m').expr).toBe(
      '((sum(rate(http_requests_total{job="api",code=~"5.."}[5m]))) or on() vector(0)) * 300',
    );
    expect(recording(result, 'buy-availability', 'slo:sli_total:count5m').expr).toBe(
      '(sum(rate(http_requests_total{job="api"}[5m]))) * 300',
    );
    const period = recording(result, 'buy-availability', 'slo:sli_error:ratio_rate30d').expr;
    expect(period).toBe(
      `sum_over_time(slo:sli_error:count5m${sel}[30d])\n/\n(sum_over_time(slo:sli_total:count5m${sel}[30d]) > 0)`,
    );
    expect(period).not.toContain('ratio_rate5m');
    expect(result.slos.find((s) => s.slo === 'buy-availability')?.weighting).toBe('events');
  });

  it('turns good events into bad ones: total minus good, and 1 minus the good ratio', () => {
    expect(recording(result, 'api-availability', 'slo:sli_error:count5m').expr).toBe(
      '(\n  (sum(rate(http_requests_total{job="api"}[5m])))\n  -\n  ((sum(rate(http_requests_total{job="api",code!~"5.."}[5m]))) or on() vector(0))\n) * 300',
    );
    expect(recording(result, 'api-availability', 'slo:sli_error:ratio_rate6h').expr).toBe(
      '1 - (\n  ((sum(rate(http_requests_total{job="api",code!~"5.."}[6h]))) or on() vector(0))\n  / on()\n  (slo:sli_total:rate6h{sloth_id="api-api-availability", sloth_service="api", sloth_slo="api-availability"} > 0)\n)',
    );
  });

  it('reads latency from the histogram bucket at the threshold and its count', () => {
    expect(recording(result, 'api-latency', 'slo:sli_error:ratio_rate30m').expr).toContain(
      'sum(rate(http_request_duration_seconds_bucket{job="api", le="0.3"}[30m]))',
    );
    expect(recording(result, 'api-latency', 'slo:sli_total:rate30m').expr).toBe(
      'sum(rate(http_request_duration_seconds_count{job="api"}[30m]))',
    );
    // A whole number of seconds matches Prometheus 3's "2.0" as well as "2"; the _bucket suffix is dropped.
    expect(recording(result, 'db-latency', 'slo:sli_error:ratio_rate5m').expr).toContain(
      'sum(rate(db_query_duration_seconds_bucket{le=~"2(\\\\.0)?"}[5m]))',
    );
    expect(leMatcher(0.25)).toBe('le="0.25"');
  });

  it('averages a raw ratio over time (it has no events), and uses a burn window when it is the period', () => {
    const sel = '{sloth_id="db-db-up", sloth_service="db", sloth_slo="db-up"}';
    expect(recording(result, 'db-up', 'slo:sli_error:ratio_rate90d').expr).toBe(
      `avg_over_time(slo:sli_error:ratio_rate5m${sel}[90d])`,
    );
    expect(recording(result, 'db-up', 'slo:sli_error:ratio_rate1h').expr).toBe(
      '1 - ((avg_over_time(db_up[1h])) >= 0)',
    );
    expect(recording(result, 'db-errors', 'slo:sli_error:ratio_rate1h').expr).toBe(
      '(sum(rate(db_errors_total[1h])) / sum(rate(db_queries_total[1h]))) >= 0',
    );
    // A 1d period is the 1d burn window: recorded once, read by the period burn rate.
    const dbErrors = groupsOf(result, 'db-errors').flatMap((g) => g.rules);
    expect(dbErrors.filter((r) => 'record' in r && r.record === 'slo:sli_error:ratio_rate1d')).toHaveLength(
      1,
    );
    expect(recording(result, 'db-errors', 'slo:period_burn_rate:ratio').expr).toContain('ratio_rate1d');
    expect(result.slos.map((s) => [s.slo, s.weighting])).toContainEqual(['db-errors', 'query']);
    expect(result.slos.map((s) => [s.slo, s.weighting])).toContainEqual(['db-up', 'time']);
  });

  it("writes Sloth's metadata series", () => {
    const meta = (record: string) => recording(result, 'buy-availability', record).expr;
    expect(meta('slo:objective:ratio')).toBe('vector(0.9990000000000001)');
    expect(meta('slo:error_budget:ratio')).toBe('vector(1 - 0.9990000000000001)');
    expect(meta('slo:time_period:days')).toBe('vector(30)');
    expect(meta('slo:current_burn_rate:ratio')).toContain(
      'slo:sli_error:ratio_rate5m{sloth_id="buy-buy-availability", sloth_service="buy", sloth_slo="buy-availability"}\n/ on(sloth_id, sloth_slo, sloth_service) group_left\nslo:error_budget:ratio{',
    );
    expect(meta('slo:period_burn_rate:ratio')).toContain('slo:sli_error:ratio_rate30d{');
    expect(meta('slo:period_error_budget_remaining:ratio')).toBe(
      '1 - slo:period_burn_rate:ratio{sloth_id="buy-buy-availability", sloth_service="buy", sloth_slo="buy-availability"}',
    );
    expect(recording(result, 'buy-availability', 'sloth_slo_info').labels).toMatchObject({
      sloth_objective: '99.9',
      sloth_mode: 'nines',
    });
    expect(recording(result, 'api-availability', 'slo:time_period:days').expr).toBe('vector(28)');
  });

  it('alerts with the tiers of the nines engine: factors scale with the period', () => {
    const factors = (slo: string) =>
      result.slos.find((s) => s.slo === slo)?.tiers.map((t) => [t.id, t.factor]);
    expect(factors('buy-availability')).toEqual([
      ['page-1h', 14.4],
      ['page-6h', 6],
      ['ticket-1d', 3],
      ['ticket-3d', 1],
    ]);
    // 28 days, page-1h overridden to 10, ticket-3d disabled.
    expect(factors('api-availability')).toEqual([
      ['page-1h', 10],
      ['page-6h', 5.6000000000000005],
      ['ticket-1d', 2.8000000000000003],
    ]);
    // 7 days with tickets disabled; a 1d window has no 3d tier (its long window outlasts the period).
    expect(factors('api-latency')?.map(([id]) => id)).toEqual(['page-1h', 'page-6h']);
    expect(factors('db-errors')?.map(([id]) => id)).toEqual(['page-1h', 'page-6h', 'ticket-1d']);

    const page = alerts(result, 'buy-availability')[0];
    expect(page?.alert).toBe(BURN_ALERT);
    expect(page?.expr).toBe(
      [
        'max without (sloth_window) (slo:sli_error:ratio_rate5m{sloth_id="buy-buy-availability", sloth_service="buy", sloth_slo="buy-availability"} > (14.4 * (1 - 0.9990000000000001)))',
        'and',
        'max without (sloth_window) (slo:sli_error:ratio_rate1h{sloth_id="buy-buy-availability", sloth_service="buy", sloth_slo="buy-availability"} > (14.4 * (1 - 0.9990000000000001)))',
        'and on()',
        '(slo:sli_total:rate1h{sloth_id="buy-buy-availability", sloth_service="buy", sloth_slo="buy-availability"} * 3600 >= 10)',
      ].join('\n'),
    );
    expect(page?.for).toBeUndefined();
    expect(alerts(result, 'api-availability')[0]?.expr).toContain('> (10 * (1 - 0.995))');
    expect(alerts(result, 'api-availability').map((a) => a.labels.tier)).toEqual([
      'page-1h',
      'page-6h',
      'ticket-1d',
      'no-data',
    ]);
  });

  it('guards each tier as the engine does: at least minEvents events in its long window', () => {
    expect(alerts(result, 'buy-availability')[3]?.expr).toContain(
      'and on()\n(slo:sli_total:rate3d{sloth_id="buy-buy-availability", sloth_service="buy", sloth_slo="buy-availability"} * 259200 >= 10)',
    );
    expect(generateRules(catalog, { minEvents: 50 }).file.groups.flatMap((g) => g.rules)).toContainEqual(
      expect.objectContaining({ expr: expect.stringContaining('* 3600 >= 50)') }),
    );
    // None where the SLO sets minEvents to 0, nor for raw ratios, which have no events.
    expect(alerts(result, 'api-availability')[0]?.expr).not.toContain('and on()');
    expect(alerts(result, 'db-up')[0]?.expr).not.toContain('and on()');
  });

  it('labels alerts for routing and inhibition, and tells the business impact in annotations', () => {
    const page = alerts(result, 'buy-availability')[0];
    expect(page?.labels).toEqual({
      journey: 'buy',
      nines_slo: 'buy-availability',
      severity: 'page',
      sloth_id: 'buy-buy-availability',
      sloth_service: 'buy',
      sloth_severity: 'page',
      sloth_slo: 'buy-availability',
      tier: 'page-1h',
      value_streams: 'retention,sales',
    });
    expect(page?.annotations).toMatchObject({
      currency: 'USD',
      revenue_per_hour: '5000',
      value_per_success: '20',
      journeys: 'buy',
      value_streams: 'retention,sales',
      description: 'Purchases that do not fail',
      // Catalog text is never run as a Prometheus template.
      display_name: 'Purchases succeed {{ "{{" }} not a template }}',
      nines_url: 'http://127.0.0.1:4000/api/v1/slos/buy-availability',
      impact: 'buy (Buy a thing): 5000 USD per hour, 20 USD per success; value streams retention, sales',
    });
    expect(page?.annotations.summary).toContain('{{ $value | humanizePercentage }} over the last 5m');
    expect(page?.annotations.summary).toContain(
      '2% of the 30d error budget goes in 1h, all of it within 2d2h',
    );
    // A service SLO: the runbook of its service, the journeys that need it critically.
    expect(alerts(result, 'api-availability')[0]?.annotations).toMatchObject({
      runbook_url: 'https://runbooks.example/api',
      journeys: 'buy',
      revenue_per_hour: '5000',
    });
    expect(alerts(result, 'db-up')[0]?.annotations.journeys).toBe('buy');
    expect(
      generateRules(catalog, { ninesUrl: 'https://nines.example/' })
        .file.groups.flatMap((g) => g.rules)
        .find((r): r is AlertingRule => 'alert' in r)?.annotations.nines_url,
    ).toBe('https://nines.example/api/v1/slos/api-availability');
  });

  it('raises a no-data alert when the total query returns nothing for a while', () => {
    const noData = alerts(result, 'buy-availability').at(-1);
    expect(noData).toMatchObject({
      alert: NO_DATA_ALERT,
      expr: 'absent(slo:sli_total:rate5m{sloth_id="buy-buy-availability", sloth_service="buy", sloth_slo="buy-availability"})',
      for: '5m',
      labels: { severity: 'ticket', tier: 'no-data', nines_slo: 'buy-availability' },
    });
    expect(alerts(result, 'db-up').at(-1)?.expr).toBe('absent(avg_over_time(db_up[5m]))');
  });

  it('measures a calendar window over a rolling period: 30d unless --period says otherwise', () => {
    expect(result.slos.find((s) => s.slo === 'db-latency')).toMatchObject({
      period: '30d',
      periodFrom: 'calendar-default',
      note: 'a calendar month window, measured as a rolling 30d period',
    });
    const forced = generateRules(catalog, { periodMs: 28 * DAY });
    expect(forced.slos.every((s) => s.period === '4w' && s.periodFrom === 'option')).toBe(true);
    expect(forced.slos.find((s) => s.slo === 'buy-availability')?.tiers[0]?.factor).toBe(13.44);
    expect(() => generateRules(catalog, { periodMs: 60_000 })).toThrow(RangeError);
  });

  it('never records NaN: totals are filtered to > 0, raw ratios to >= 0, empty good or bad queries are 0', () => {
    let divisions = 0;
    for (const g of result.file.groups) {
      for (const r of g.rules) {
        if (!('record' in r) || !r.expr.includes('/')) continue;
        divisions++;
        // Divisions by a total, by the error budget (a constant above 0), or inside a raw ratio query.
        const guarded =
          / > 0\)\n?\)?$/.test(r.expr) || r.expr.includes('group_left') || /\) >= 0\)?$/.test(r.expr);
        expect(guarded, `${r.record} of ${g.name}: ${r.expr}`).toBe(true);
      }
    }
    expect(divisions).toBeGreaterThan(40);
    for (const slo of ['buy-availability', 'api-availability', 'api-latency']) {
      expect(recording(result, slo, 'slo:sli_error:count5m').expr).toContain('or on() vector(0)');
      expect(recording(result, slo, 'slo:sli_error:ratio_rate3d').expr).toContain('or on() vector(0)');
    }
  });

  it('renders the same bytes every time, with a header and no YAML aliases', () => {
    const text = renderRules(result);
    expect(renderRules(generateRules(shapesCatalog()))).toBe(text);
    expect(text.startsWith('# Prometheus rules generated by `nines rules generate`')).toBe(true);
    expect(text).toContain('# db-latency: period 30d (default; a calendar month window');
    expect(text).toContain('# not generated: db-minutes: timeslices');
    expect(text).not.toMatch(/[&*]a\d/);
    expect(parse(text)).toEqual(JSON.parse(JSON.stringify(result.file)));
  });

  it('fills {{window}} the way nines and Sloth write it', () => {
    expect(withWindow('rate(x[{{window}}]) / rate(y[{{ .window }}])', '5m')).toBe(
      'rate(x[5m]) / rate(y[5m])',
    );
  });
});
