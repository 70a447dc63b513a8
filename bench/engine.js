/**
 * (b) One evaluation tick over 10,000 SLOs with every burn window, and memory per SLO.
 * Runs in-process on the compiled engine with a generated catalog; series are
 * filled with 30 days of hourly and 6 hours of minute traffic first.
 */
import { performance } from 'node:perf_hooks';
import { loadCatalog } from '../dist/catalog/load.js';
import { Engine } from '../dist/runtime/engine.js';
import { generateCatalog } from './generate.js';
import { median } from './util.js';

const HOUR = 3_600_000;
const MINUTE = 60_000;

/**
 * `burning` is the share of SLIs whose traffic burns budget (0.5% errors against
 * 99.9%); the rest run at 0.02%. Real catalogs burn a few SLOs at a time.
 */
export async function benchEngine({ slos = 10_000, rounds = 15, burning = 0.02 } = {}) {
  const { catalog, diagnostics } = loadCatalog(generateCatalog({ services: 5_000, journeys: 1_000, slos }));
  if (diagnostics.some((d) => d.severity === 'error')) throw new Error('generated catalog is invalid');
  const now = Date.UTC(2026, 10, 22, 12, 0, 30);
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const engine = new Engine(catalog, { noDataMs: 10 * MINUTE, minEvents: 10 });
  const minuteRows = [];
  const hourRows = [];
  const slis = [...catalog.SLI.values()];
  slis.forEach((sli, i) => {
    const burns = i < slis.length * burning;
    for (let h = 30 * 24; h >= 7; h--) {
      const good = burns ? 4975 : 4999;
      hourRows.push({
        sli: sli.name,
        resolution: 'h',
        startMs: now - (now % HOUR) - h * HOUR,
        good,
        total: 5000,
      });
    }
    const firstMinute = now - (now % HOUR) - 6 * HOUR;
    for (let t = firstMinute; t <= now; t += 5 * MINUTE) {
      const good = burns ? 398 : 400;
      minuteRows.push({ sli: sli.name, resolution: 'm', startMs: t - (t % MINUTE), good, total: 400 });
    }
  });
  const loadStart = performance.now();
  engine.start({ minuteRows, hourRows, alertStates: new Map() }, now);
  const loadMs = performance.now() - loadStart;
  // The rows are the store's job once loaded; drop them so they do not weigh on the heap.
  minuteRows.length = 0;
  hourRows.length = 0;
  global.gc?.();
  const heapAfter = process.memoryUsage().heapUsed;
  const times = [];
  // Steady state: each round a minute passes and every SLI gets that minute's events
  // (not timed), then one tick runs. The first ticks create every alert state and
  // compute calendar periods; they are not counted.
  for (let i = 0; i < rounds + 3; i++) {
    const at = now + i * MINUTE;
    const counts = slis.map((sli, k) => ({
      sli: sli.name,
      minuteMs: at - (at % MINUTE),
      good: k < slis.length * burning ? 398 : 400,
      total: 400,
    }));
    engine.ingest(counts, at);
    const result = engine.tick(at + 30_000);
    if (i >= 3) times.push(result.durationMs);
  }
  return {
    slos: catalog.SLO.size,
    tickMedianMs: median(times),
    tickMaxMs: Math.max(...times),
    seriesBytesPerSlo: engine.memoryBytes() / catalog.SLO.size,
    heapBytesPerSlo: (heapAfter - heapBefore) / catalog.SLO.size,
    rebuildMs: loadMs,
  };
}
