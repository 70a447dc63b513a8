import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from './diagnostics.js';
import { loadCatalog } from './load.js';

/** Two journeys, each measured, in a value stream: nothing to warn about. */
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
metadata: {name: search, displayName: Search for products}
spec: {steps: [{name: Search, services: [web]}]}
---
apiVersion: nines/v1
kind: Journey
metadata: {name: pay}
spec: {steps: [{name: Pay, services: [web]}]}
---
apiVersion: nines/v1
kind: ValueStream
metadata: {name: sales}
spec: {objective: Sell things, journeys: [search, pay]}
---
apiVersion: nines/v1
kind: SLO
metadata: {name: search-ok}
spec: {journey: search, indicator: {ratio: {}}, objectives: [{target: 99.9}], window: 28d}
---
apiVersion: nines/v1
kind: SLO
metadata: {name: pay-ok}
spec: {journey: pay, indicator: {ratio: {}}, objectives: [{target: 99.9}], window: 28d}
`;

function load(text: string) {
  return loadCatalog([
    { path: 'base.yaml', text: BASE },
    { path: 'case.yaml', text },
  ]);
}

const check = (text: string) => load(text).diagnostics.map(formatDiagnostic);

const page = (spec: string, name = 'public') => `apiVersion: nines/v1
kind: StatusPage
metadata: {name: ${name}}
spec:
${spec}`;

describe('the StatusPage kind', () => {
  it('builds the page with its journeys in order, in customer words', () => {
    const { catalog, diagnostics } = load(
      page(`  title: Webshop status
  description: How our shop works for you right now
  journeys:
    - journey: pay
      displayName: Paying
      description: Card payments at checkout
    - search
`),
    );
    expect(diagnostics).toEqual([]);
    expect(catalog.StatusPage.get('public')).toEqual({
      kind: 'StatusPage',
      name: 'public',
      description: 'How our shop works for you right now',
      labels: {},
      annotations: {},
      title: 'Webshop status',
      journeys: [
        { journey: 'pay', displayName: 'Paying', description: 'Card payments at checkout' },
        { journey: 'search' },
      ],
    });
  });

  it('leaves journeys out to show every journey', () => {
    const { catalog, diagnostics } = load(page('  title: Status\n'));
    expect(diagnostics).toEqual([]);
    expect(catalog.StatusPage.get('public')?.journeys).toEqual([]);
  });

  it('needs a title and at least one journey when journeys are listed', () => {
    expect(check(page('  journeys: []\n'))).toEqual([
      "case.yaml:5:3 spec.title: required field 'title' is missing; it must be text",
      'case.yaml:5:13 spec.journeys: list at least one journey, or leave journeys out to show every journey',
    ]);
  });

  it('checks journey references like any other, with a suggestion', () => {
    expect(check(page('  title: Status\n  journeys: [{journey: serch}, {journey: pay}]\n'))).toEqual([
      "case.yaml:6:24 spec.journeys[0].journey: Journey 'serch' is not in the catalog (did you mean 'search'?)",
    ]);
  });

  it('lists a journey once', () => {
    expect(check(page('  title: Status\n  journeys: [pay, search, pay]\n'))).toEqual([
      "case.yaml:6:27 spec.journeys[2].journey: journey 'pay' is listed already (journeys[0]); a journey appears once on the page",
    ]);
  });

  it('allows one status page per catalog', () => {
    expect(check(`${page('  title: Status\n')}---\n${page('  title: Other status\n', 'other')}`)).toEqual([
      "case.yaml:9:18 metadata.name: StatusPage 'public' is declared already at case.yaml:3:18; a catalog has at most one status page",
    ]);
  });
});
