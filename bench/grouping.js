/**
 * Grouping: alerts committed by intake → incidents, in-process on the compiled
 * code over SQLite. 20,000 alerts on a generated catalog of 5,000 services with
 * 200 failures at once (each failing service and 5–40 services that depend on
 * it alert; no failing service depends on another), interleaved in arrival order. Measured: alerts grouped per second and
 * the incidents made (one per failure is right). Baseline in the same run: a
 * pass that only reads the same pending alerts and marks them seen, in the same
 * batches (the cost of the bookkeeping without any grouping).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadCatalog } from '../dist/catalog/load.js';
import { Topology } from '../dist/incidents/grouping.js';
import { Grouping } from '../dist/runtime/grouping.js';
import { openStore } from '../dist/store/db.js';
import { IncidentRepository } from '../dist/store/incidents.js';
import { IntakeRepository } from '../dist/store/intake.js';
import { generateCatalog } from './generate.js';

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);

/** A seeded PRNG (mulberry32), so every run groups the same alerts. */
function prng(seed) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Alerts of `failures` failing services and their dependants, in a shuffled arrival order. */
function storm(catalog, failures, alerts) {
  const random = prng(42);
  const dependants = new Map();
  for (const s of catalog.Service.values())
    for (const d of s.dependsOn) dependants.set(d.service, [...(dependants.get(d.service) ?? []), s.name]);
  // Independent failures: no failing service depends on another, so one incident each is right.
  const topology = new Topology(catalog);
  const failing = [];
  for (const s of dependants.keys()) {
    if (failing.length === failures) break;
    if ((dependants.get(s) ?? []).length < 3) continue;
    const subject = { kind: 'service', name: s };
    if (
      failing.some((f) => topology.reaches(subject, f) || topology.reaches({ kind: 'service', name: f }, s))
    )
      continue;
    failing.push(s);
  }
  const out = [];
  for (const cause of failing) {
    const ups = dependants.get(cause) ?? [];
    for (const service of [cause, ...ups.slice(0, 5 + Math.floor(random() * 35))]) out.push(service);
  }
  const list = [];
  for (let i = 0; i < alerts; i++) list.push({ service: out[i % out.length], key: `a-${i}` });
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [list[i], list[j]] = [list[j], list[i]];
  }
  return { list, failing: failing.length };
}

async function seed(store, list) {
  const repo = new IntakeRepository(store.db);
  const event = (key) => ({
    action: 'trigger',
    dedupKey: key,
    summary: key,
    severity: 'critical',
    source: null,
    occurredAt: NOW,
    labels: {},
    details: {},
    links: [],
  });
  await store.db.transaction().execute(async (trx) => {
    for (let i = 0; i < list.length; i += 500)
      await repo.applyMany(
        list.slice(i, i + 500).map((a, j) => ({
          integration: { id: 'bench', service: a.service },
          events: [event(a.key)],
          receivedAt: NOW + Math.floor((i + j) / 50),
        })),
        trx,
      );
  });
}

export async function benchGrouping({ alerts = 20_000, failures = 200 } = {}) {
  const { catalog } = loadCatalog(generateCatalog({ services: 5_000, journeys: 1_000, slos: 2_000 }));
  const { list, failing } = storm(catalog, failures, alerts);
  const dirs = [];
  const open = async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nines-bench-grouping-'));
    dirs.push(dir);
    return openStore({ dataDir: dir });
  };
  try {
    // Baseline: read the pending alerts and mark them seen, 500 per transaction.
    const bare = await open();
    await seed(bare, list);
    const repo = new IncidentRepository(bare.db, bare.dialect);
    let t = performance.now();
    for (;;) {
      const n = await bare.db.transaction().execute(async (trx) => {
        const pending = await repo.pendingAlerts(trx, 500);
        for (const a of pending) await repo.markAlert(trx, a, {});
        return pending.length;
      });
      if (n === 0) break;
    }
    const bareMs = performance.now() - t;
    await bare.close();

    const store = await open();
    await seed(store, list);
    const grouping = new Grouping({
      store,
      catalog,
      windowMs: 3_600_000,
      clock: () => NOW + 60_000,
      log: (msg, err) => console.error(msg, err),
    });
    t = performance.now();
    const seen = await grouping.run();
    const groupingMs = performance.now() - t;
    const incidents = await new IncidentRepository(store.db, store.dialect).list({ limit: 100_000 });
    await store.close();
    return {
      alerts: seen,
      failures: failing,
      incidents: incidents.length,
      groupedPerSecond: seen / (groupingMs / 1000),
      barePerSecond: alerts / (bareMs / 1000),
      groupingMs,
      bareMs,
    };
  } finally {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}
