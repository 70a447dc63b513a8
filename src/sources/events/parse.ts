import { closest } from '../../catalog/diagnostics.js';
import type { Catalog, Sli } from '../../catalog/model.js';
import type { ErrorDetail } from '../../errors.js';
import { isRecord } from '../../guards.js';

/** One event after validation: counts for an SLI in the minute it happened. */
export interface SliEvent {
  readonly sli: string;
  readonly atMs: number;
  readonly good: number;
  readonly total: number;
  /** How long the one outcome took, for latency percentiles (any SLI type); counts carry none. */
  readonly latencyMs?: number;
}

export interface ParseLimits {
  readonly nowMs: number;
  /** Oldest accepted timestamp is nowMs - maxAgeMs. */
  readonly maxAgeMs: number;
  /** Newest accepted timestamp is nowMs + maxFutureMs (clock skew). */
  readonly maxFutureMs: number;
}

export type ParseResult =
  | { readonly ok: true; readonly events: SliEvent[] }
  | { readonly ok: false; readonly errors: ErrorDetail[]; readonly more: number };

const FIELDS = ['sli', 'timestamp', 'good', 'total', 'ok', 'latencyMs'];
const MAX_ERRORS = 100;

/** Looks up pushable SLIs by name; built once per catalog. */
export class EventSlis {
  private readonly byName = new Map<string, Sli>();
  private readonly suggestions = new Map<string, string | undefined>();
  constructor(readonly catalog: Catalog) {
    for (const sli of catalog.SLI.values()) this.byName.set(sli.name, sli);
  }
  get(name: string): Sli | undefined {
    return this.byName.get(name);
  }
  names(): IterableIterator<string> {
    return this.byName.keys();
  }

  /** "Did you mean" for an unknown name, computed once per name: a batch may repeat one typo thousands of times. */
  suggest(name: string): string | undefined {
    if (!this.suggestions.has(name)) {
      if (this.suggestions.size > 1_000) this.suggestions.clear();
      this.suggestions.set(name, closest(name, this.byName.keys()));
    }
    return this.suggestions.get(name);
  }
}

const RFC3339 =
  /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/i;

function timestampOf(v: unknown): number | undefined {
  // Epoch milliseconds a Date can hold (±8.64e15); anything else is not a time.
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 && v <= 8.64e15 ? v : undefined;
  const m = typeof v === 'string' ? RFC3339.exec(v) : null;
  if (!m) return undefined;
  // Date.parse rolls 2026-02-30 over into March; a date that does not exist is refused.
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return undefined;
  const ms = Date.parse(v as string);
  return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

/** Most events one item may carry: far above any real minute, far below where sums lose integers. */
export const MAX_COUNT = 1e12;

const count = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= MAX_COUNT;

/**
 * Validates a batch of pushed events against the catalog. Either every event is
 * valid, or nothing is: the errors name each bad item and field.
 *
 * @example
 * parseEvents([{ sli: 'search-ok', timestamp: '2026-11-22T10:00:00Z', ok: true }], slis, limits)
 */
export function parseEvents(items: readonly unknown[], slis: EventSlis, limits: ParseLimits): ParseResult {
  const events: SliEvent[] = new Array(items.length);
  const errors: ErrorDetail[] = [];
  let more = 0;
  const fail = (index: number, field: string | undefined, message: string) => {
    if (errors.length < MAX_ERRORS)
      errors.push(field === undefined ? { index, message } : { index, field, message });
    else more++;
  };
  const oldest = limits.nowMs - limits.maxAgeMs;
  const newest = limits.nowMs + limits.maxFutureMs;

  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (!isRecord(item)) {
      fail(i, undefined, 'an event is an object with sli, timestamp, and good/total or ok');
      continue;
    }
    const before = errors.length + more;
    for (const key in item) {
      if (!FIELDS.includes(key)) {
        const near = closest(key, FIELDS);
        fail(
          i,
          key,
          `unknown field '${key}'${near ? ` (did you mean '${near}'?)` : ''}; allowed: ${FIELDS.join(', ')}`,
        );
      }
    }
    const name = item.sli;
    let sli: Sli | undefined;
    if (typeof name !== 'string' || name === '') {
      fail(i, 'sli', 'sli must name an SLI of the catalog');
    } else {
      sli = slis.get(name);
      if (!sli) {
        const near = errors.length < MAX_ERRORS ? slis.suggest(name) : undefined;
        fail(i, 'sli', `SLI '${name}' is not in the catalog${near ? ` (did you mean '${near}'?)` : ''}`);
      } else if (sli.indicator.source.type !== 'events') {
        fail(i, 'sli', `SLI '${name}' is measured from ${sli.indicator.source.type}, not from pushed events`);
        sli = undefined;
      }
    }
    const at = timestampOf(item.timestamp);
    if (at === undefined) {
      fail(
        i,
        'timestamp',
        'timestamp must be an RFC 3339 time with a zone (2026-11-22T10:00:00Z) or epoch milliseconds',
      );
    } else if (at < oldest) {
      fail(
        i,
        'timestamp',
        `timestamp ${new Date(at).toISOString()} is older than the ${Math.round(limits.maxAgeMs / 3_600_000)}h nines accepts`,
      );
    } else if (at > newest) {
      fail(
        i,
        'timestamp',
        `timestamp ${new Date(at).toISOString()} is in the future (more than ${Math.round(limits.maxFutureMs / 1000)}s ahead of the server clock)`,
      );
    }

    const hasCounts = item.good !== undefined || item.total !== undefined;
    const hasOutcome = item.ok !== undefined || item.latencyMs !== undefined;
    let good = 0;
    let total = 0;
    let latencyMs: number | undefined;
    if (hasCounts && hasOutcome) {
      fail(i, undefined, 'an event has either good and total (counts) or ok (an outcome), not both');
    } else if (hasCounts) {
      if (!count(item.good)) fail(i, 'good', 'good must be a number of events from 0 to 1e12');
      if (!count(item.total)) fail(i, 'total', 'total must be a number of events from 0 to 1e12');
      else if (count(item.good) && (item.good as number) > (item.total as number)) {
        fail(i, 'good', `good (${String(item.good)}) is more than total (${String(item.total)})`);
      }
      good = item.good as number;
      total = item.total as number;
    } else if (hasOutcome) {
      if (typeof item.ok !== 'boolean') fail(i, 'ok', 'ok must be true or false');
      const latency = item.latencyMs;
      if (latency !== undefined && !count(latency))
        fail(i, 'latencyMs', 'latencyMs must be a number of milliseconds from 0 to 1e12');
      else if (latency !== undefined) latencyMs = latency as number;
      if (sli?.indicator.type === 'latency') {
        if (latency === undefined)
          fail(i, 'latencyMs', `SLI '${sli.name}' measures latency, so an outcome needs latencyMs`);
        good =
          item.ok === true && typeof latency === 'number' && latency <= sli.indicator.thresholdMs ? 1 : 0;
      } else {
        good = item.ok === true ? 1 : 0;
      }
      total = 1;
    } else {
      fail(i, undefined, 'an event needs good and total (counts) or ok (an outcome)');
    }
    if (errors.length + more === before && sli && at !== undefined) {
      events[i] =
        latencyMs === undefined
          ? { sli: sli.name, atMs: at, good, total }
          : { sli: sli.name, atMs: at, good, total, latencyMs };
    }
  }
  return errors.length > 0 ? { ok: false, errors, more } : { ok: true, events };
}
