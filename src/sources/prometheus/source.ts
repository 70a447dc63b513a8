import { PROBE_DURATION, parseDuration } from '../../catalog/duration.js';
import type { Catalog, DataSource, Sli } from '../../catalog/model.js';
import { hourSpanFor } from '../../slo/slo-series.js';
import { HOUR, MINUTE } from '../../slo/types.js';
import type { SliEvent } from '../events/parse.js';
import type { IngestBatch } from '../events/writer.js';
import { PrometheusClient, PrometheusError, type RangeSeries } from './client.js';
import { bucketFor, histogramCounts, planFor, type SliPlan, withWindow } from './queries.js';

/** How an SLI read from Prometheus is doing; shown on its SLOs. */
export interface SourceStatus {
  readonly state: 'ok' | 'failing' | 'pending';
  /** What went wrong (or, when ok, a warning such as an empty result). */
  readonly message?: string;
  /** Since when the state holds, epoch ms. */
  readonly since: number;
  /** How far the SLI has been read, epoch ms. */
  readonly readTo?: number;
}

export interface PrometheusSourceDeps {
  readonly catalog: Catalog;
  readonly submit: (batch: IngestBatch) => Promise<unknown>;
  /** Stored read positions by key (`prometheus/<sli>`). */
  readonly cursors: () => Promise<Map<string, number>>;
  readonly clock: () => number;
  readonly log: (message: string, err?: unknown) => void;
  /** Reads in flight at once; default 8. */
  readonly concurrency?: number;
  /** How long after a minute ends it is read (its scrapes must be in); default 2 minutes. */
  readonly settleMs?: number;
}

interface Reader {
  readonly sli: Sli;
  readonly client: PrometheusClient | undefined;
  plan: SliPlan | { error: string };
  /** History its SLOs need: the longest window among them. */
  readonly spanMs: number;
  readTo?: number;
  status: SourceStatus;
}

const STEP_MS = MINUTE;
/** A minute is read once its scrapes are in: two minutes after it ends. */
const SETTLE_MS = 2 * MINUTE;
/** Recent history is read by the minute; older history (after a long outage or at first start) by the hour. */
const MINUTE_BACKFILL_MS = 6 * HOUR;
/** Prometheus refuses more than 11,000 points per series; stay well under. */
const MAX_POINTS = 10_000;
const DEFAULT_TIMEOUT_MS = 30_000;

export const cursorKey = (sli: string) => `prometheus/${sli}`;

/**
 * SLIs from PromQL. Each SLI with a prometheus source is read into the same
 * minute buckets pushed events fill: at first start (or after an outage) the
 * SLO windows are backfilled by the hour and the last 6 hours by the minute,
 * then every poll reads the minutes that have settled. Counts and the read
 * position are stored in one transaction, so a restart neither loses nor
 * doubles a minute. A failing query leaves the position where it was (the
 * next poll reads the gap) and shows on the SLI's status; it is never an outage.
 */
export class PrometheusSource {
  private readonly readers: Reader[] = [];
  private readonly byName = new Map<string, Reader>();
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly deps: PrometheusSourceDeps) {
    const clients = new Map<string, PrometheusClient>();
    const now = deps.clock();
    for (const sli of deps.catalog.SLI.values()) {
      const src = sli.indicator.source;
      if (src.type !== 'prometheus') continue;
      const ds = dataSourceFor(deps.catalog, src.dataSource);
      const key = ds?.name ?? '';
      let client = clients.get(key);
      if (!client && ds) {
        client = new PrometheusClient(connectionOf(ds));
        clients.set(key, client);
      }
      const plan: SliPlan | { error: string } = client
        ? planFor(sli.indicator)
        : { error: 'no prometheus DataSource in the catalog to read it from' };
      const reader: Reader = {
        sli,
        client,
        plan,
        spanMs: spanMs(deps.catalog, sli.name),
        status:
          'error' in plan
            ? { state: 'failing', message: plan.error, since: now }
            : { state: 'pending', since: now },
      };
      this.readers.push(reader);
      this.byName.set(sli.name, reader);
    }
  }

  get size(): number {
    return this.readers.length;
  }

  /** Queries sent to every Prometheus so far. */
  get queries(): number {
    let n = 0;
    for (const c of new Set(this.readers.map((r) => r.client))) n += c?.queries ?? 0;
    return n;
  }

  status(sli: string): SourceStatus | undefined {
    return this.byName.get(sli)?.status;
  }

  statuses(): Map<string, SourceStatus> {
    return new Map(this.readers.map((r) => [r.sli.name, r.status]));
  }

  /** Loads the read positions, then polls every `pollMs` (the first poll backfills). */
  async start(pollMs: number): Promise<void> {
    if (this.readers.length === 0) return;
    const cursors = await this.deps.cursors();
    for (const r of this.readers) {
      const at = cursors.get(cursorKey(r.sli.name));
      if (at !== undefined) r.readTo = at;
    }
    this.timer = setInterval(() => void this.poll(), pollMs);
    this.timer.unref();
    void this.poll();
  }

  /** Reads every SLI up to the settled minute; one poll at a time. */
  poll(): Promise<void> {
    this.polling ??= this.readAll().finally(() => {
      this.polling = undefined;
    });
    return this.polling;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.polling;
  }

  private async readAll(): Promise<void> {
    const queue = this.readers.filter((r) => r.client !== undefined && !('error' in r.plan));
    const workers = Array.from({ length: Math.min(this.deps.concurrency ?? 8, queue.length) }, async () => {
      for (let r = queue.shift(); r !== undefined && !this.closed; r = queue.shift()) await this.readOne(r);
    });
    await Promise.all(workers);
  }

  private async readOne(r: Reader): Promise<void> {
    const client = r.client;
    if (client === undefined || 'error' in r.plan) return;
    const now = this.deps.clock();
    const end = Math.floor((now - (this.deps.settleMs ?? SETTLE_MS)) / STEP_MS) * STEP_MS;
    const oldest = Math.floor((now - r.spanMs) / HOUR) * HOUR;
    const from = Math.max(r.readTo ?? oldest, oldest);
    if (end <= from) return;
    try {
      const plan = await this.resolve(r, client);
      const events: SliEvent[] = [];
      let empty = true;
      // Long gaps: whole hours by the hour, the rest by the minute.
      const minuteFrom = Math.max(from, Math.floor((end - MINUTE_BACKFILL_MS) / HOUR) * HOUR);
      if (minuteFrom > from)
        empty = (await this.read(r.sli.name, client, plan, from, minuteFrom, HOUR, events)) && empty;
      empty = (await this.read(r.sli.name, client, plan, minuteFrom, end, STEP_MS, events)) && empty;
      await this.deps.submit({
        events,
        receivedAt: now,
        cursor: { key: cursorKey(r.sli.name), readTo: end },
      });
      r.readTo = end;
      r.status = {
        state: 'ok',
        since: r.status.state === 'ok' ? r.status.since : now,
        readTo: end,
        ...(empty && {
          message: 'the queries returned no series: no events counted (is the metric scraped?)',
        }),
      };
    } catch (err) {
      const message = err instanceof PrometheusError ? err.message : `reading failed: ${String(err)}`;
      if (r.status.state !== 'failing' || r.status.message !== message) {
        this.deps.log(`SLI '${r.sli.name}': ${message}`);
      }
      r.status = {
        state: 'failing',
        message,
        since: r.status.state === 'failing' ? r.status.since : now,
        ...(r.readTo !== undefined && { readTo: r.readTo }),
      };
    }
  }

  /** Reads [fromMs, toMs) in steps into `events`; true when every query came back empty. */
  private async read(
    sli: string,
    client: PrometheusClient,
    plan: Extract<SliPlan, { kind: 'counts' | 'ratio' }>,
    fromMs: number,
    toMs: number,
    stepMs: number,
    events: SliEvent[],
  ): Promise<boolean> {
    let empty = true;
    for (let a = fromMs; a < toMs; a += MAX_POINTS * stepMs) {
      const b = Math.min(toMs, a + MAX_POINTS * stepMs);
      // A rate over two steps: enough samples at the usual scrape intervals, and it sums right.
      const window = stepMs >= HOUR ? '1h' : `${(2 * stepMs) / 1000}s`;
      const range = async (q: string) =>
        bySample(
          await client.queryRange(withWindow(q, window), (a + stepMs) / 1000, b / 1000, stepMs / 1000),
        );
      const stepS = stepMs / 1000;
      if (plan.kind === 'ratio') {
        const ratio = await range(plan.query);
        if (ratio.size > 0) empty = false;
        const minutes = stepMs / MINUTE;
        for (const [t, v] of ratio) {
          const ok = clamp01(plan.failure ? 1 - v : v);
          events.push({ sli, atMs: t * 1000 - stepMs, good: ok * minutes, total: minutes });
        }
        continue;
      }
      const total = await range(plan.total);
      const part = await range(plan.good ?? plan.bad ?? '');
      if (total.size > 0) empty = false;
      for (const [t, rate] of total) {
        const n = Math.max(0, rate * stepS);
        if (!(n > 0)) continue;
        // No series for the bad query is the common case of no errors at all.
        const p = Math.max(0, (part.get(t) ?? 0) * stepS);
        const good = plan.good !== undefined ? Math.min(n, p) : Math.max(0, n - p);
        events.push({ sli, atMs: t * 1000 - stepMs, good, total: n });
      }
    }
    return empty;
  }

  /** A histogram plan becomes counts once its bucket is known. */
  private async resolve(
    r: Reader,
    client: PrometheusClient,
  ): Promise<Extract<SliPlan, { kind: 'counts' | 'ratio' }>> {
    const plan = r.plan as SliPlan;
    if (plan.kind !== 'histogram') return plan;
    const match = `${plan.metric}_bucket${plan.selector === '' ? '' : `{${plan.selector}}`}`;
    const les = await client.labelValues('le', match);
    if (les.length === 0) throw new PrometheusError(`no series of ${plan.metric}_bucket in Prometheus`);
    const le = bucketFor(plan.thresholdS, les);
    if (le === undefined) {
      const shown = les.filter((l) => l !== '+Inf').sort((a, b) => Number(a) - Number(b));
      throw new PrometheusError(
        `histogram ${plan.metric} has no bucket at ${plan.thresholdS} s; its buckets are ${shown.join(', ')} s: set the threshold to one of them`,
      );
    }
    const counts = histogramCounts(plan, le);
    r.plan = counts;
    return counts;
  }
}

/** History the SLOs on an SLI need: the longest window among them. */
function spanMs(catalog: Catalog, sli: string): number {
  let hours = 0;
  for (const slo of catalog.SLO.values())
    if (slo.sli === sli) hours = Math.max(hours, hourSpanFor(slo.window));
  return Math.max(1, hours) * HOUR;
}

function dataSourceFor(catalog: Catalog, name: string | undefined): DataSource | undefined {
  if (name !== undefined) {
    const named = catalog.DataSource.get(name);
    return named?.type === 'prometheus' ? named : undefined;
  }
  // Without a name: the catalog's only prometheus data source.
  const all = [...catalog.DataSource.values()].filter((d) => d.type === 'prometheus');
  return all.length === 1 ? all[0] : undefined;
}

function connectionOf(ds: DataSource): { url: string; headers?: Record<string, string>; timeoutMs: number } {
  const c = ds.connection as { url?: unknown; headers?: unknown; timeout?: unknown };
  const timeout =
    typeof c.timeout === 'string'
      ? parseDuration(c.timeout, PROBE_DURATION)
      : typeof c.timeout === 'number'
        ? c.timeout
        : undefined;
  return {
    url: String(c.url),
    ...(c.headers !== null &&
      typeof c.headers === 'object' && { headers: c.headers as Record<string, string> }),
    timeoutMs: timeout ?? DEFAULT_TIMEOUT_MS,
  };
}

/** One value per sample time, summed over the series a query returned; NaN and ±Inf left out. */
function bySample(series: readonly RangeSeries[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const s of series) {
    for (const [t, text] of s.values) {
      const v = Number(text);
      if (Number.isFinite(v)) out.set(t, (out.get(t) ?? 0) + v);
    }
  }
  return out;
}

function clamp01(v: number): number {
  return Math.min(1, Math.max(0, v));
}
