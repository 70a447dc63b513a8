import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHAPES_YAML } from '../src/rules/rules.test-support.js';
import { nines, tempCatalog } from './helpers.js';
import { ensurePrometheusInstalled, PROMTOOL, startPrometheus } from './support/prometheus.js';

const run = promisify(execFile);
const EXAMPLE_RULES = 'examples/prometheus/rules.yaml';
const EXAMPLE_TESTS = 'examples/prometheus/rules.test.yaml';

async function promtool(...args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(PROMTOOL, args, { maxBuffer: 16 << 20 });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

let shapes: Awaited<ReturnType<typeof tempCatalog>>;
/** Written rule files go here: a catalog directory reads every YAML file in it. */
let out: Awaited<ReturnType<typeof tempCatalog>>;

beforeAll(async () => {
  ensurePrometheusInstalled();
  shapes = await tempCatalog({ 'shapes.yaml': SHAPES_YAML });
  out = await tempCatalog({});
}, 120_000);

afterAll(async () => {
  await shapes?.cleanup();
  await out?.cleanup();
});

describe('nines rules generate', () => {
  it.each([
    ['the example catalog', 'examples/webshop', []],
    ['the example catalog over 7 days', 'examples/webshop', ['--period', '7d']],
    ['every SLI shape', 'SHAPES', []],
    ['every SLI shape over 90 days', 'SHAPES', ['--period', '90d']],
  ])('writes rules for %s that promtool check rules accepts', async (_, dir, extra) => {
    const file = join(out.dir, `rules-${extra.join('') || 'default'}-${dir === 'SHAPES' ? 's' : 'w'}.yaml`);
    const r = await nines(['rules', 'generate', dir === 'SHAPES' ? shapes.dir : dir, '-o', file, ...extra]);
    expect(r.stderr).toMatch(/^wrote \d+ rules for \d+ SLOs to /);
    expect(r.code).toBe(0);
    const check = await promtool('check', 'rules', file);
    expect(check.output).toContain('SUCCESS');
    expect(check.code, check.output).toBe(0);
  });

  it(`matches the committed ${EXAMPLE_RULES}`, async () => {
    const r = await nines(['rules', 'generate', 'examples/webshop']);
    expect(r.code).toBe(0);
    const committed = await readFile(EXAMPLE_RULES, 'utf8');
    expect(
      r.stdout === committed,
      `${EXAMPLE_RULES} differs from what \`nines rules generate examples/webshop\` writes now; regenerate it with \`npm run rules:example\` and check ${EXAMPLE_TESTS} still passes`,
    ).toBe(true);
  });

  it(`passes the promtool unit tests in ${EXAMPLE_TESTS}: page timings, 0.05%, events-weighted period, no data`, async () => {
    const r = await promtool('test', 'rules', EXAMPLE_TESTS);
    expect(r.output).toContain('SUCCESS');
    expect(r.code, r.output).toBe(0);
  }, 120_000);

  it('writes what it can and fails on an SLI it cannot turn into rules', async () => {
    const catalog = await tempCatalog({
      'c.yaml': `apiVersion: nines/v1
kind: Team
metadata: {name: shop}
---
apiVersion: nines/v1
kind: Service
metadata: {name: api}
spec: {owner: shop}
---
apiVersion: nines/v1
kind: SLI
metadata: {name: no-window}
spec:
  source: prometheus
  ratio: {bad: 'sum(http_errors_total)', total: 'sum(http_requests_total)'}
---
apiVersion: nines/v1
kind: SLI
metadata: {name: fine}
spec:
  source: prometheus
  ratio: {bad: 'sum(rate(http_errors_total[{{window}}]))', total: 'sum(rate(http_requests_total[{{window}}]))'}
---
apiVersion: nines/v1
kind: SLO
metadata: {name: broken}
spec: {service: api, sli: no-window, objectives: [{target: 99}], window: 30d}
---
apiVersion: nines/v1
kind: SLO
metadata: {name: working}
spec: {service: api, sli: fine, objectives: [{target: 99}], window: 30d}
`,
    });
    try {
      const r = await nines(['rules', 'generate', catalog.dir]);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('nines-slo-alerts-working');
      expect(r.stdout).toContain('# not generated: broken: the total query has no {{window}} placeholder');
      expect(r.stderr).toContain(
        'error: SLO broken has no rules: the total query has no {{window}} placeholder',
      );
    } finally {
      await catalog.cleanup();
    }
  });

  it('refuses a period or a link it cannot use', async () => {
    const period = await nines(['rules', 'generate', 'examples/webshop', '--period', '5m']);
    expect(period.code).toBe(1);
    expect(period.stderr).toContain("--period '5m' is not a duration of 1h or more");
    const url = await nines(['rules', 'generate', 'examples/webshop', '--nines-url', 'not a url']);
    expect(url.code).toBe(1);
    expect(url.stderr).toContain("--nines-url 'not a url' is not a URL");
    const linked = await nines([
      'rules',
      'generate',
      'examples/webshop',
      '--nines-url',
      'https://nines.shop.example',
    ]);
    expect(linked.stdout).toContain(
      'nines_url: https://nines.shop.example/api/v1/slos/payment-gateway-availability',
    );
  });
});

describe('the generated rules in a running Prometheus', () => {
  let exporter: Server;
  let stopPrometheus: (() => Promise<void>) | undefined;

  afterAll(async () => {
    await stopPrometheus?.();
    exporter?.close();
  });

  it('load and evaluate without errors, and record the example SLIs from scraped counters', async () => {
    const started = Date.now();
    // The payment gateway: 100 requests a second, 1% of them 5xx.
    exporter = createServer((_req, res) => {
      const s = (Date.now() - started) / 1000;
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(
        [
          '# TYPE psp_requests_total counter',
          `psp_requests_total{code="200"} ${(s * 99).toFixed(3)}`,
          `psp_requests_total{code="500"} ${s.toFixed(3)}`,
          '# TYPE shipping_http_requests_total counter',
          `shipping_http_requests_total{code="200"} ${(s * 50).toFixed(3)}`,
          '',
        ].join('\n'),
      );
    });
    exporter.listen(0, '127.0.0.1');
    await once(exporter, 'listening');
    const prometheus = await startPrometheus({
      targets: [`127.0.0.1:${(exporter.address() as AddressInfo).port}`],
      ruleFiles: [join(process.cwd(), EXAMPLE_RULES)],
    });
    stopPrometheus = prometheus.stop;

    const query = async (q: string) => {
      const res = await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(q)}`);
      return (
        (await res.json()) as {
          data: { result: { metric: Record<string, string>; value: [number, string] }[] };
        }
      ).data.result;
    };
    const waitFor = async (q: string) => {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const result = await query(q);
        if (result.length > 0 || Date.now() > deadline) return result;
        await new Promise((r) => setTimeout(r, 500));
      }
    };
    const ratio = await waitFor('slo:sli_error:ratio_rate5m{nines_slo="payment-gateway-availability"}');
    expect(Number(ratio[0]?.value[1])).toBeCloseTo(0.01, 2);
    // 1% errors against a 0.1% budget: burn rate 10, over every factor but page-1h's 14.4.
    const firing = await waitFor('ALERTS{alertstate="firing", nines_slo="payment-gateway-availability"}');
    expect(firing.map((a) => a.metric.tier).sort()).toEqual(['page-6h', 'ticket-1d', 'ticket-3d']);

    const res = await fetch(`${prometheus.url}/api/v1/rules`);
    const body = (await res.json()) as {
      data: { groups: { name: string; rules: { name: string; health: string; lastError?: string }[] }[] };
    };
    const groups = body.data.groups;
    expect(groups).toHaveLength(8);
    const broken = groups.flatMap((g) =>
      g.rules.filter((r) => r.health === 'err').map((r) => `${g.name}/${r.name}: ${r.lastError}`),
    );
    expect(broken).toEqual([]);
  }, 60_000);
});
