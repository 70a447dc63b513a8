import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from './diagnostics.js';
import { loadCatalog } from './load.js';

/** A valid catalog with a journey probe feeding an SLO, so each case shows one problem. */
const BASE = `apiVersion: nines/v1
kind: Team
metadata: {name: shop}
---
apiVersion: nines/v1
kind: Service
metadata: {name: web}
spec: {owner: shop}
---
apiVersion: nines/v1
kind: Journey
metadata: {name: buy}
spec:
  steps: [{name: Buy, services: [web]}]
---
apiVersion: nines/v1
kind: ValueStream
metadata: {name: sales}
spec: {objective: Sell things, journeys: [buy]}
---
apiVersion: nines/v1
kind: SLI
metadata: {name: buy-runs}
spec:
  source: {type: probe, probe: buy}
  latency: {threshold: 2s}
---
apiVersion: nines/v1
kind: SLO
metadata: {name: buy-ok}
spec: {journey: buy, sli: buy-runs, objectives: [{target: 99}], window: 28d}
---
apiVersion: nines/v1
kind: Probe
metadata: {name: buy}
spec:
  journey: buy
  interval: 30s
  steps:
    - name: basket
      http: {method: POST, url: "http://127.0.0.1:4100/basket", json: {sku: a}}
      extract:
        basketId: {jsonPath: $.id}
    - name: pay
      http: {method: POST, url: "http://127.0.0.1:4100/basket/\${basketId}/pay", headers: {authorization: "Bearer \${env:TOKEN}"}}
      expect: {status: 2xx, body: [{jsonPath: $.status, equals: paid}]}
`;

function check(text: string): string[] {
  const { diagnostics } = loadCatalog([
    { path: 'base.yaml', text: BASE },
    { path: 'case.yaml', text },
  ]);
  return diagnostics.map(formatDiagnostic);
}

describe('probes in the catalog', () => {
  it('the base catalog with a journey probe is valid', () => {
    expect(check('')).toEqual([]);
  });

  it('builds the journey probe as written, with defaults filled in', () => {
    const { catalog } = loadCatalog([{ path: 'base.yaml', text: BASE }]);
    const probe = catalog.Probe.get('buy');
    expect(probe).toMatchObject({ intervalMs: 30_000, timeoutMs: 30_000, tls: { insecure: false } });
    expect(probe?.check).toEqual({
      type: 'http',
      steps: [
        {
          name: 'basket',
          request: {
            method: 'POST',
            url: 'http://127.0.0.1:4100/basket',
            headers: { 'content-type': 'application/json' },
            body: '{"sku":"a"}',
            timeoutMs: 10_000,
            followRedirects: true,
            maxRedirects: 10,
          },
          expect: { status: [[200, 299]], body: [] },
          extract: [{ name: 'basketId', from: 'jsonPath', path: '$.id', secret: false }],
        },
        {
          name: 'pay',
          request: {
            method: 'POST',
            url: 'http://127.0.0.1:4100/basket/${basketId}/pay',
            headers: { authorization: 'Bearer ${env:TOKEN}' },
            timeoutMs: 10_000,
            followRedirects: true,
            maxRedirects: 10,
          },
          expect: { status: [[200, 299]], body: [{ type: 'equals', path: '$.status', value: 'paid' }] },
          extract: [],
        },
      ],
    });
    expect(catalog.SLI.get('buy-runs')?.indicator.source).toEqual({ type: 'probe', probe: 'buy' });
  });
});

// Each case: a document with a mistake, and every diagnostic it must produce, exactly as `nines validate` prints them.
const CASES: { name: string; text: string; expected: string[] }[] = [
  {
    name: 'a probe with no check',
    text: `apiVersion: nines/v1
kind: Probe
metadata: {name: p}
spec: {interval: 30s}
`,
    expected: [
      'case.yaml:4:1 spec: a probe needs exactly one of http (a request), steps (a journey), tcp or certificate',
    ],
  },
  {
    name: 'a probe with two checks',
    text: `apiVersion: nines/v1
kind: Probe
metadata: {name: p}
spec:
  http: {url: 'http://a.example'}
  tcp: {host: a.example, port: 80}
`,
    expected: [
      'case.yaml:4:1 spec: a probe has exactly one of http, steps, tcp or certificate; this one has http and tcp',
    ],
  },
  {
    name: 'an interval under a second',
    text: `apiVersion: nines/v1
kind: Probe
metadata: {name: p}
spec:
  interval: 500ms
  timeout: 400ms
  http: {url: 'http://a.example'}
`,
    expected: [
      "case.yaml:3:18 warning: metadata.name: probe 'p' feeds no SLI, so its results reach no SLO (add an SLI with source: {type: probe, probe: p})",
      'case.yaml:5:13 spec.interval: an interval lies between 1s and 24h; got 500ms',
    ],
  },
  {
    name: 'a duration without a unit',
    text: `apiVersion: nines/v1
kind: Probe
metadata: {name: p}
spec:
  interval: 30
  http: {url: 'http://a.example'}
`,
    expected: [
      "case.yaml:3:18 warning: metadata.name: probe 'p' feeds no SLI, so its results reach no SLO (add an SLI with source: {type: probe, probe: p})",
      'case.yaml:5:13 spec.interval: an interval lies between 1s and 24h; got 30ms (a bare number is milliseconds; write 30s for seconds)',
    ],
  },
  {
    name: 'a duration in days',
    text: `apiVersion: nines/v1
kind: Probe
metadata: {name: p}
spec:
  interval: 1d
  http: {url: 'http://a.example'}
`,
    expected: [
      "case.yaml:3:18 warning: metadata.name: probe 'p' feeds no SLI, so its results reach no SLO (add an SLI with source: {type: probe, probe: p})",
      "case.yaml:5:13 spec.interval: '1d' is not a duration; write a number and ms, s, m or h (e.g. 30s)",
    ],
  },
  {
    name: 'a timeout longer than the interval',
    text: `apiVersion: nines/v1
kind: Probe
metadata: {name: p}
spec:
  interval: 30s
  timeout: 1m
  http: {url: 'http://a.example'}
`,
    expected: [
      "case.yaml:3:18 warning: metadata.name: probe 'p' feeds no SLI, so its results reach no SLO (add an SLI with source: {type: probe, probe: p})",
      'case.yaml:6:12 spec.timeout: timeout 1m exceeds the interval 30s; runs of one probe never overlap, so a run must end before the next is due',
    ],
  },
  {
    name: 'a latency threshold above the timeout',
    text: `apiVersion: nines/v1
kind: Probe
metadata: {name: p}
spec:
  interval: 30s
  timeout: 5s
  latency: 10s
  http: {url: 'http://a.example'}
`,
    expected: [
      "case.yaml:3:18 warning: metadata.name: probe 'p' feeds no SLI, so its results reach no SLO (add an SLI with source: {type: probe, probe: p})",
      'case.yaml:7:12 spec.latency: latency threshold 10s exceeds the timeout 5s; no run could be slow without timing out',
    ],
  },
  {
    name: 'a URL that is not one',
    text: `apiVersion: nines/v1
kind: Probe
metadata: {name: p}
spec:
  http: {url: 'shop.example.com/search'}
`,
    expected: [
      "case.yaml:3:18 warning: metadata.name: probe 'p' feeds no SLI, so its results reach no SLO (add an SLI with source: {type: probe, probe: p})",
      "case.yaml:5:15 spec.http.url: 'shop.example.com/search' is not a URL; write an absolute http(s) URL such as https://shop.example.com/search",
    ],
  },
  {
    name: 'a URL of another scheme',
    text: `apiVersion: nines/v1
kind: Probe
metadata: {name: p}
spec:
  http: {url: 'ftp://shop.example.com/'}
`,
    expected: [
      "case.yaml:3:18 warning: metadata.name: probe 'p' feeds no SLI, so its results reach no SLO (add an SLI with source: {type: probe, probe: p})",
      "case.yaml:5:15 spec.http.url: 'ftp://shop.example.com/' is not an http(s) URL; tcp and certificate checks have their own keys",
    ],
  },
  {
    name: 'an unclosed template',
    text: `apiVersion: nines/v1
kind: Probe
metadata: {name: p}
spec:
  http: {url: 'http://a.example/\${env:HOST'}
`,
    expected: [
      "case.yaml:3:18 warning: metadata.name: probe 'p' feeds no SLI, so its results reach no SLO (add an SLI with source: {type: probe, probe: p})",
      "case.yaml:5:15 spec.http.url: '${' at offset 17 is not closed with '}' (write $${ for a literal ${)",
    ],
  },
  {
    name: 'a variable no step extracts',
    text: `apiVersion: nines/v1
kind: Probe
metadata: {name: p}
spec:
  steps:
    - name: one
      http: {url: 'http://a.example/'}
      extract: {orderId: {jsonPath: $.id}}
    - name: two
      http: {url: 'http://a.example/orders/\${orderid}'}
`,
    expected: [
      "case.yaml:3:18 warning: metadata.name: probe 'p' feeds no SLI, so its results reach no SLO (add an SLI with source: {type: probe, probe: p})",
      "case.yaml:10:19 spec.steps[1].http.url: unknown variable '${orderid}' (did you mean 'orderId'?); variables come from an earlier step's extract",
    ],
  },
  {
    name: 'a variable used in the step that extracts it',
    text: `apiVersion: nines/v1
kind: Probe
metadata: {name: p}
spec:
  steps:
    - name: one
      http: {url: 'http://a.example/\${orderId}'}
      extract: {orderId: {jsonPath: $.id}}
`,
    expected: [
      "case.yaml:3:18 warning: metadata.name: probe 'p' feeds no SLI, so its results reach no SLO (add an SLI with source: {type: probe, probe: p})",
      "case.yaml:7:19 spec.steps[0].http.url: variable '${orderId}' is extracted by step 'one', which has not run yet here; a value is there from the step after the one that extracts it",
    ],
  },
  {
    name: 'a JSONPath syntax error',
    text: `apiVersion: nines/v1
kind: Probe
metadata: {name: p}
spec:
  http: {url: 'http://a.example'}
  expect:
    body:
      - jsonPath: $.items[?@.price >]
        exists: true
`,
    expected: [
      "case.yaml:3:18 warning: metadata.name: probe 'p' feeds no SLI, so its results reach no SLO (add an SLI with source: {type: probe, probe: p})",
      "case.yaml:8:19 spec.expect.body[0].jsonPath: JSONPath '$.items[?@.price >]' is not valid: unexpected end of expression ('.price >]':18)",
    ],
  },
  {
    name: 'an extraction with a bad JSONPath and no source',
    text: `apiVersion: nines/v1
kind: Probe
metadata: {name: p}
spec:
  steps:
    - name: one
      http: {url: 'http://a.example/'}
      extract:
        a: {jsonPath: 'items'}
        b: {secret: true}
`,
    expected: [
      "case.yaml:3:18 warning: metadata.name: probe 'p' feeds no SLI, so its results reach no SLO (add an SLI with source: {type: probe, probe: p})",
      "case.yaml:9:23 spec.steps[0].extract.a.jsonPath: JSONPath 'items' is not valid: expected '$', found 'i' ('items':0)",
      'case.yaml:10:12 spec.steps[0].extract.b: an extraction takes exactly one of jsonPath or header',
    ],
  },
  {
    name: 'a status that is not one',
    text: `apiVersion: nines/v1
kind: Probe
metadata: {name: p}
spec:
  http: {url: 'http://a.example'}
  expect: {status: [200, 6xx, 299-200]}
`,
    expected: [
      "case.yaml:3:18 warning: metadata.name: probe 'p' feeds no SLI, so its results reach no SLO (add an SLI with source: {type: probe, probe: p})",
      "case.yaml:6:26 spec.expect.status[1]: '6xx' is not a status; write a code (200), a class (2xx) or a range (200-299) between 100 and 599",
      "case.yaml:6:31 spec.expect.status[2]: '299-200' is not a status; write a code (200), a class (2xx) or a range (200-299) between 100 and 599",
    ],
  },
  {
    name: 'an assertion checking two things',
    text: `apiVersion: nines/v1
kind: Probe
metadata: {name: p}
spec:
  http: {url: 'http://a.example'}
  expect:
    body:
      - {contains: ok, jsonPath: $.ok}
      - {exists: true}
`,
    expected: [
      "case.yaml:3:18 warning: metadata.name: probe 'p' feeds no SLI, so its results reach no SLO (add an SLI with source: {type: probe, probe: p})",
      'case.yaml:8:9 spec.expect.body[0]: an assertion checks one thing; this one has contains and jsonPath',
      'case.yaml:9:9 spec.expect.body[1]: an assertion needs one of contains, jsonPath (with exists or equals) or schema',
    ],
  },
  {
    name: 'a body on a GET',
    text: `apiVersion: nines/v1
kind: Probe
metadata: {name: p}
spec:
  http: {url: 'http://a.example', body: hello}
`,
    expected: [
      "case.yaml:3:18 warning: metadata.name: probe 'p' feeds no SLI, so its results reach no SLO (add an SLI with source: {type: probe, probe: p})",
      'case.yaml:5:35 spec.http.body: a GET request carries no body; set method to POST, PUT or PATCH',
    ],
  },
  {
    name: 'an unknown method',
    text: `apiVersion: nines/v1
kind: Probe
metadata: {name: p}
spec:
  http: {url: 'http://a.example', method: FETCH}
`,
    expected: [
      "case.yaml:3:18 warning: metadata.name: probe 'p' feeds no SLI, so its results reach no SLO (add an SLI with source: {type: probe, probe: p})",
      "case.yaml:5:43 spec.http.method: the text 'FETCH' is not allowed; use one of: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS",
    ],
  },
  {
    name: 'a literal credential',
    text: `apiVersion: nines/v1
kind: Probe
metadata: {name: p}
spec:
  http: {url: 'http://a.example', headers: {Authorization: Bearer abc123}}
`,
    expected: [
      "case.yaml:3:18 warning: metadata.name: probe 'p' feeds no SLI, so its results reach no SLO (add an SLI with source: {type: probe, probe: p})",
      'case.yaml:5:60 warning: spec.http.headers.Authorization: header Authorization holds a literal credential; write it as ${env:NAME} so the secret stays out of the catalog',
    ],
  },
  {
    name: 'repeated step names',
    text: `apiVersion: nines/v1
kind: Probe
metadata: {name: p}
spec:
  steps:
    - {name: one, http: {url: 'http://a.example/'}}
    - {name: one, http: {url: 'http://a.example/'}}
`,
    expected: [
      "case.yaml:3:18 warning: metadata.name: probe 'p' feeds no SLI, so its results reach no SLO (add an SLI with source: {type: probe, probe: p})",
      "case.yaml:7:14 spec.steps[1].name: step 'one' is already named; step names are unique",
    ],
  },
  {
    name: 'an SLI on a step the probe lacks',
    text: `apiVersion: nines/v1
kind: SLI
metadata: {name: pay-ok}
spec:
  source: {type: probe, probe: buy, step: payy}
  ratio: {}
`,
    expected: [
      "case.yaml:5:43 spec.source.step: probe 'buy' has no step 'payy' (did you mean 'pay'?); its steps are basket, pay",
    ],
  },
  {
    name: 'an SLI on a probe the catalog lacks',
    text: `apiVersion: nines/v1
kind: SLI
metadata: {name: pay-ok}
spec:
  source: {type: probe, probe: by}
  ratio: {}
`,
    expected: ["case.yaml:5:32 spec.source.probe: Probe 'by' is not in the catalog (did you mean 'buy'?)"],
  },
  {
    name: 'a raw SLI on a probe',
    text: `apiVersion: nines/v1
kind: SLI
metadata: {name: pay-ok}
spec:
  source: {type: probe, probe: buy}
  raw: {}
`,
    expected: [
      'case.yaml:6:3 spec.raw: a probe counts runs: use ratio (runs that succeed) or latency (runs that succeed within a threshold)',
    ],
  },
  {
    name: 'a step on an events SLI',
    text: `apiVersion: nines/v1
kind: SLI
metadata: {name: pay-ok}
spec:
  source: {type: events, step: pay}
  ratio: {}
`,
    expected: ['case.yaml:5:26 spec.source.step: step only applies to a probe source, not events'],
  },
  {
    name: 'a certificate check with verification off',
    text: `apiVersion: nines/v1
kind: Probe
metadata: {name: p}
spec:
  certificate: {host: shop.example.com, minValidity: 2 weeks}
  tls: {insecure: true}
`,
    expected: [
      "case.yaml:3:18 warning: metadata.name: probe 'p' feeds no SLI, so its results reach no SLO (add an SLI with source: {type: probe, probe: p})",
      "case.yaml:5:54 spec.certificate.minValidity: '2 weeks' is not a duration above 0; write a whole number and h, d or w (e.g. 14d)",
      'case.yaml:6:9 spec.tls.insecure: a certificate check always verifies the certificate',
    ],
  },
  {
    name: 'a port out of range',
    text: `apiVersion: nines/v1
kind: Probe
metadata: {name: p}
spec:
  tcp: {host: db.internal, port: 70000}
`,
    expected: ['case.yaml:5:34 spec.tcp.port: a port is a whole number from 1 to 65535'],
  },
  {
    name: 'a probe no SLI reads',
    text: `apiVersion: nines/v1
kind: Probe
metadata: {name: lonely}
spec:
  tcp: {host: db.internal, port: 5432}
`,
    expected: [
      "case.yaml:3:18 warning: metadata.name: probe 'lonely' feeds no SLI, so its results reach no SLO (add an SLI with source: {type: probe, probe: lonely})",
    ],
  },
  {
    name: 'an unknown field with a suggestion',
    text: `apiVersion: nines/v1
kind: Probe
metadata: {name: p}
spec:
  http: {url: 'http://a.example', header: {a: b}}
`,
    expected: [
      "case.yaml:3:18 warning: metadata.name: probe 'p' feeds no SLI, so its results reach no SLO (add an SLI with source: {type: probe, probe: p})",
      "case.yaml:5:35 spec.http.header: unknown field 'header' (did you mean 'headers'?); allowed here: method, url, headers, body, json, timeout, followRedirects, maxRedirects",
    ],
  },
];

describe('nines validate reports, for probes,', () => {
  it.each(CASES)('$name', ({ text, expected }) => {
    expect(check(text)).toEqual(expected);
  });
});
