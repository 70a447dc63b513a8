/**
 * Catalog parsing benchmark (`npm run bench`).
 *
 * Generates one large nines/v1 catalog (5,000 services, 1,000 journeys, 10,000 SLOs),
 * then times, interleaved round by round:
 *   (a) baseline: js-yaml's loadAll (core schema) of every file, the plain parse nines uses;
 *   (y) baseline: yaml's parseAllDocuments(text) + doc.toJS() of every document;
 *   (b) loadCatalog(files): parse plus schema validation and cross-document checks.
 * Reports median and min of each and the ratios of the medians.
 *
 * BENCH_SCALE (default 1) scales the services, journeys and SLOs (teams and value
 * streams stay at 50).
 */

import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { CORE_SCHEMA, loadAll } from 'js-yaml';
import { parseAllDocuments } from 'yaml';
import { formatDiagnostic } from '../dist/catalog/diagnostics.js';
import { loadCatalog } from '../dist/catalog/load.js';
import { countByKind } from '../dist/catalog/model.js';
import { expectedCounts, generateCatalog } from './generate.js';
import { median } from './util.js';

const WARMUP_ROUNDS = 1;
const ROUNDS = 7;
const SCALE = Number(process.env.BENCH_SCALE ?? '1');

if (!(SCALE > 0)) {
  console.error(`BENCH_SCALE must be a positive number, got '${process.env.BENCH_SCALE}'`);
  process.exit(1);
}

const scaled = (n) => Math.max(1, Math.round(n * SCALE));
const options = {
  services: scaled(5000),
  journeys: scaled(1000),
  slos: scaled(10000),
  teams: 50,
  valueStreams: 50,
};

function fail(message) {
  console.error(`bench: ${message}`);
  process.exit(1);
}

function plainYaml(files) {
  let documents = 0;
  for (const file of files) {
    for (const doc of parseAllDocuments(file.text)) {
      doc.toJS();
      documents++;
    }
  }
  return documents;
}

function plainJsYaml(files) {
  let documents = 0;
  for (const file of files) documents += loadAll(file.text, undefined, { schema: CORE_SCHEMA }).length;
  return documents;
}

function time(fn) {
  // No forced GC between runs: it shrinks the heap, and regrowing it would be billed
  // to the next run; alternating the order spreads the garbage over both sides.
  const start = performance.now();
  const result = fn();
  return { ms: performance.now() - start, result };
}

const ms = (x) => x.toFixed(1);

const files = generateCatalog(options);
const bytes = files.reduce((sum, f) => sum + Buffer.byteLength(f.text), 0);
const expected = expectedCounts(options);

/** The benchmark is only meaningful on a clean catalog: every round's load is checked (untimed). */
function verify(result, yamlDocuments, round) {
  if (result.diagnostics.length > 0) {
    for (const d of result.diagnostics.slice(0, 10)) console.error(formatDiagnostic(d));
    fail(`round ${round}: the generated catalog has ${result.diagnostics.length} diagnostics, expected 0`);
  }
  const counts = countByKind(result.catalog);
  for (const [kind, n] of Object.entries(expected)) {
    if (counts[kind] !== n) fail(`round ${round}: expected ${n} ${kind}, loadCatalog built ${counts[kind]}`);
  }
  if (yamlDocuments !== undefined && result.documents !== yamlDocuments) {
    fail(`round ${round}: loadCatalog read ${result.documents} documents, yaml ${yamlDocuments}`);
  }
  return counts;
}

const plain = [];
const plainYamlTimes = [];
const load = [];
let documents;
let counts;
for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
  // Alternate which side goes first so drift (heap growth, JIT, thermal) hits both alike.
  const order = round % 2 === 0 ? ['a', 'b'] : ['b', 'a'];
  let loaded;
  for (const side of order) {
    if (side === 'a') {
      const { ms: t, result } = time(() => plainJsYaml(files));
      documents = result;
      if (round >= WARMUP_ROUNDS) plain.push(t);
    } else {
      const { ms: t, result } = time(() => loadCatalog(files));
      loaded = result;
      if (round >= WARMUP_ROUNDS) load.push(t);
    }
  }
  counts = verify(loaded, documents, round);
}
// The positioned parser builds a heap ten times larger; it runs last so its garbage
// does not weigh on the two measured above.
for (let round = 0; round < 3; round++) {
  const { ms: t, result } = time(() => plainYaml(files));
  if (result !== documents) fail(`yaml read ${result} documents, js-yaml ${documents}`);
  plainYamlTimes.push(t);
}

const cpus = os.cpus();
console.log(`machine: ${cpus[0]?.model ?? 'unknown cpu'}, ${cpus.length} cpus, node ${process.version}`);
console.log(
  `catalog: ${files.length} files, ${documents} documents, ${(bytes / 1024).toFixed(0)} KiB (${bytes} bytes), scale ${SCALE}`,
);
console.log(
  `  ${Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ')}`,
);
console.log(`rounds: ${WARMUP_ROUNDS} warm-up + ${ROUNDS} measured, interleaved, 0 diagnostics in each`);

const medPlain = median(plain);
const medYaml = median(plainYamlTimes);
const medLoad = median(load);
const ratio = medLoad / medPlain;
console.log(
  `(a) js-yaml loadAll:                 median ${ms(medPlain)} ms, min ${ms(Math.min(...plain))} ms`,
);
console.log(
  `(y) yaml parseAllDocuments + toJS:   median ${ms(medYaml)} ms, min ${ms(Math.min(...plainYamlTimes))} ms`,
);
console.log(
  `(b) loadCatalog (parse+schema+checks): median ${ms(medLoad)} ms, min ${ms(Math.min(...load))} ms`,
);
console.log(
  `ratio median(b)/median(a): ${ratio.toFixed(2)}; median(b)/median(y): ${(medLoad / medYaml).toFixed(2)}`,
);
console.log(
  `catalog load: ${ms(medLoad)} ms median (${ratio.toFixed(2)}x a plain js-yaml parse, ${(medLoad / medYaml).toFixed(2)}x a yaml parseAllDocuments of the same files)`,
);
