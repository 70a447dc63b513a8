/**
 * Generates a large, valid nines/v1 catalog for the parsing benchmark.
 *
 * Deterministic: the same options always give byte-identical files (a seeded
 * PRNG, no Math.random, no clock). The catalog follows examples/webshop: teams,
 * services with a dependency DAG, journeys with business value, value streams,
 * SLIs (events ratio and latency, a few Prometheus ratios with a DataSource) and
 * SLOs on journeys and services with rolling and calendar windows.
 */

/** Most documents in one generated file (kinds with fewer documents get one smaller file). */
export const DOCS_PER_FILE = 200;

const DATA_SOURCE = 'prometheus';
const TARGETS = [99, 99.5, 99.9, 99.95];
const STEP_NAMES = [
  'Open the landing page',
  'Search products',
  'Browse a category',
  'View a product',
  'Add to basket',
  'Enter shipping details',
  'Choose a delivery slot',
  'Apply a voucher',
  'Place the order',
  'Pay',
  'Track the parcel',
  'Request a return',
];
const AREAS = [
  'catalogue',
  'search',
  'pricing',
  'stock',
  'basket',
  'checkout',
  'payments',
  'shipping',
  'returns',
  'accounts',
];

/** mulberry32: a tiny seeded PRNG returning floats in [0, 1). */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (n, width) => String(n).padStart(width, '0');
const q = (s) => JSON.stringify(s); // a JSON string is a valid double-quoted YAML scalar

/** Number of SLIs generated for a given number of SLOs. */
function sliCount(slos) {
  return Math.max(3, Math.round(slos / 5));
}

/** Entity counts per kind that generateCatalog produces for these options. */
export function expectedCounts({
  services = 5000,
  journeys = 1000,
  slos = 10000,
  teams = 50,
  valueStreams = 50,
} = {}) {
  return {
    ValueStream: valueStreams,
    Journey: journeys,
    Service: services,
    SLO: slos,
    SLI: sliCount(slos),
    DataSource: 1,
    Team: teams,
    User: 0,
    AlertPolicy: 0,
    AlertCondition: 0,
    AlertNotificationTarget: 0,
  };
}

/**
 * @returns {{ path: string, text: string }[]} catalog files (CatalogFile), about
 *   DOCS_PER_FILE documents each, multi-document YAML separated by `---`.
 */
export function generateCatalog({
  services = 5000,
  journeys = 1000,
  slos = 10000,
  teams = 50,
  valueStreams = 50,
} = {}) {
  if (teams < 1 || services < 1) throw new Error('need at least one team and one service');
  if (journeys < valueStreams)
    throw new Error('every value stream needs a journey: journeys >= valueStreams');
  if (slos < journeys) throw new Error('every journey needs an SLO: slos >= journeys');
  const rand = prng(0x9e3779b9);
  const int = (n) => Math.floor(rand() * n);
  const slis = sliCount(slos);

  const teamName = (i) => `team-${pad(i, 3)}`;
  const serviceName = (i) => `svc-${pad(i, 5)}`;
  const journeyName = (i) => `journey-${pad(i, 4)}`;
  const streamName = (i) => `stream-${pad(i, 3)}`;
  const sliName = (i) => `sli-${pad(i, 5)}`;
  const sloName = (i) => `slo-${pad(i, 5)}`;
  const header = (kind, name) => `apiVersion: nines/v1\nkind: ${kind}\nmetadata:\n  name: ${name}\n`;

  const teamDocs = [];
  for (let i = 0; i < teams; i++) {
    const name = teamName(i);
    teamDocs.push(
      `${header('Team', name)}spec:\n` +
        `  description: Owns ${AREAS[i % AREAS.length]} services and journeys (group ${i})\n` +
        `  email: ${name}@shop.example\n` +
        `  slackChannel: ${q(`#${name}`)}\n`,
    );
  }

  // Service i depends only on services with a higher index: a DAG, never a cycle.
  const serviceDocs = [];
  for (let i = 0; i < services; i++) {
    const name = serviceName(i);
    const later = services - 1 - i;
    const count = Math.min(int(4), later);
    const deps = new Set();
    while (deps.size < count) deps.add(i + 1 + int(Math.min(later, 200)));
    const list = [...deps]
      .sort((a, b) => a - b)
      .map((d) => ({ service: serviceName(d), critical: int(4) > 0 }));
    let dependsOn = '';
    if (list.length > 0 && list.every((d) => d.critical)) {
      dependsOn = `  dependsOn: [${list.map((d) => d.service).join(', ')}]\n`;
    } else if (list.length > 0) {
      dependsOn = `  dependsOn:\n${list
        .map((d) =>
          d.critical ? `    - ${d.service}\n` : `    - service: ${d.service}\n      critical: false\n`,
        )
        .join('')}`;
    }
    serviceDocs.push(
      `${header('Service', name)}spec:\n` +
        `  description: ${AREAS[i % AREAS.length]} backend number ${i}, serving the shop\n` +
        `  owner: ${teamName(i % teams)}\n` +
        `  tier: ${1 + int(4)}\n` +
        `  runbook: https://runbooks.shop.example/${name}\n` +
        (i % 97 === 0 ? '  external: true\n' : '') +
        dependsOn,
    );
  }

  const journeyDocs = [];
  for (let i = 0; i < journeys; i++) {
    const steps = 2 + int(3);
    let text = '';
    for (let s = 0; s < steps; s++) {
      const n = 1 + int(2);
      const svcs = new Set();
      while (svcs.size < Math.min(n, services)) svcs.add(serviceName(int(services)));
      text += `    - name: ${STEP_NAMES[(i + s) % STEP_NAMES.length]}\n      services: [${[...svcs].join(', ')}]\n`;
    }
    journeyDocs.push(
      `${header('Journey', journeyName(i))}  displayName: ${q(`Customer journey ${i}`)}\nspec:\n` +
        `  description: A customer goes through ${AREAS[i % AREAS.length]} flow ${i}.\n` +
        `  owner: ${teamName(i % teams)}\n` +
        `  steps:\n${text}` +
        `  value:\n    currency: EUR\n    revenuePerHour: ${100 * (1 + int(200))}\n` +
        (i % 3 === 0 ? `    valuePerSuccess: ${(10 + int(9000) / 100).toFixed(2)}\n` : ''),
    );
  }

  // Journey i belongs to value stream i % valueStreams: each journey in exactly one stream.
  const streamDocs = [];
  for (let v = 0; v < valueStreams; v++) {
    const members = [];
    for (let j = v; j < journeys; j += valueStreams) members.push(journeyName(j));
    streamDocs.push(
      `${header('ValueStream', streamName(v))}spec:\n` +
        `  objective: Generate revenue from ${AREAS[v % AREAS.length]} (stream ${v})\n` +
        `  owner: ${teamName(v % teams)}\n` +
        `  journeys:\n${members.map((j) => `    - ${j}\n`).join('')}`,
    );
  }

  const sliDocs = [
    `apiVersion: nines/v1\nkind: DataSource\nmetadata:\n  name: ${DATA_SOURCE}\nspec:\n` +
      `  type: prometheus\n  description: The shop's Prometheus\n  url: http://127.0.0.1:9090\n  timeout: 1m\n`,
  ];
  for (let i = 0; i < slis; i++) {
    const name = sliName(i);
    let body;
    if (i % 50 === 7) {
      const metric = `${name.replace(/-/g, '_')}_requests_total`;
      body =
        `  description: Requests that do not fail with a 5xx (from Prometheus)\n` +
        `  source:\n    type: prometheus\n    dataSource: ${DATA_SOURCE}\n` +
        `  ratio:\n` +
        `    bad: ${q(`sum(rate(${metric}{code=~"5.."}[{{window}}]))`)}\n` +
        `    total: ${q(`sum(rate(${metric}[{{window}}]))`)}\n`;
    } else if (i % 2 === 0) {
      body = `  description: Requests that succeed\n  ratio: {}\n`;
    } else {
      body = `  description: Requests answered within 800 ms\n  latency:\n    threshold: 800ms\n`;
    }
    sliDocs.push(`${header('SLI', name)}spec:\n${body}`);
  }

  // The first journeySlos SLOs measure journeys (round robin, so every journey has one); the rest services.
  const journeySlos = Math.min(slos, Math.max(journeys, Math.round(slos * 0.4)));
  const sloDocs = [];
  for (let i = 0; i < slos; i++) {
    const target = TARGETS[int(TARGETS.length)];
    const subject =
      i < journeySlos
        ? `  journey: ${journeyName(i % journeys)}\n`
        : `  service: ${serviceName(int(services))}\n`;
    const w = i % 4;
    const window =
      w === 3
        ? '  window:\n    calendar: month\n    timeZone: Europe/Berlin\n'
        : `  window: ${w === 2 ? '30d' : '28d'}\n`;
    const sla =
      i % 10 === 0 ? `  sla:\n    target: ${(target - 0.5).toFixed(2)}\n    creditPercent: 10\n` : '';
    sloDocs.push(
      `${header('SLO', sloName(i))}  displayName: ${q(`Objective ${i} holds`)}\nspec:\n` +
        subject +
        `  sli: ${sliName(int(slis))}\n` +
        `  objectives:\n    - target: ${target}\n` +
        window +
        sla,
    );
  }

  const files = [];
  // One kind per file group, like the example; each group split evenly into files of at most DOCS_PER_FILE.
  const chunk = (prefix, docs) => {
    const size = Math.ceil(docs.length / Math.ceil(docs.length / DOCS_PER_FILE));
    for (let start = 0, n = 0; start < docs.length; start += size, n++) {
      files.push({
        path: `generated/${prefix}-${pad(n, 3)}.yaml`,
        text: docs.slice(start, start + size).join('---\n'),
      });
    }
  };
  chunk('teams', teamDocs);
  chunk('value-streams', streamDocs);
  chunk('journeys', journeyDocs);
  chunk('services', serviceDocs);
  chunk('slis', sliDocs);
  chunk('slos', sloDocs);
  return files;
}
