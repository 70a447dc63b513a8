/**
 * The public status page's rules: what a customer is told about a journey now,
 * and how each of the last 90 days went. Pure; the runtime feeds it the engine's
 * views, journey health and the stored day buckets.
 */
import type { JourneyHealth } from './impact.js';
import { type Counts, DAY } from './types.js';

/** Best first; a page, a journey or a day shows the worst that applies. */
export const COMPONENT_STATUSES = ['operational', 'degraded', 'partial_outage', 'major_outage'] as const;
export type ComponentStatus = (typeof COMPONENT_STATUSES)[number];
/** A day without a single event on any of the journey's SLOs says nothing. */
export type DayStatus = ComponentStatus | 'no_data';

/** A paging SLO whose last five minutes were less than half good is a major outage. */
export const MAJOR_OUTAGE_RATIO = 0.5;
/** A day under this share of good events (in percent) is a major outage, whatever the objective. */
export const PARTIAL_OUTAGE_FLOOR = 90;
export const UPTIME_DAYS = 90;

/** What the page needs to know now of one of the journey's own SLOs. */
export interface JourneySloNow {
  readonly pageFiring: boolean;
  readonly ticketFiring: boolean;
  /** Good and total events in the last five minutes (the 5m burn window). */
  readonly last5m: Counts;
}

/** The worse of two statuses. */
export function worse(a: ComponentStatus, b: ComponentStatus): ComponentStatus {
  return COMPONENT_STATUSES.indexOf(a) >= COMPONENT_STATUSES.indexOf(b) ? a : b;
}

/** The worst of some statuses; operational for none. */
export function worstOf(statuses: Iterable<ComponentStatus>): ComponentStatus {
  let out: ComponentStatus = 'operational';
  for (const s of statuses) out = worse(out, s);
  return out;
}

/**
 * A journey's status now, from its own SLOs and its health through dependencies:
 *
 * - `major_outage`: a page fires on one of its SLOs and that SLO's last five
 *   minutes had traffic and less than half of it good (none good included);
 * - `partial_outage`: a page fires on one of its SLOs otherwise;
 * - `degraded`: a ticket fires on one of its SLOs, or an alert fires on an SLO of
 *   a service it depends on (a health finding caused by a firing alert);
 * - `operational` otherwise.
 *
 * A spent or low budget alone does not count: it is the past month, not now.
 *
 * @example
 * journeyStatus([{ pageFiring: true, ticketFiring: false, last5m: { good: 10, total: 100 } }], health);
 * // 'major_outage'
 */
export function journeyStatus(
  own: readonly JourneySloNow[],
  health: Pick<JourneyHealth, 'findings'> | undefined,
): ComponentStatus {
  let status: ComponentStatus = 'operational';
  for (const slo of own) {
    if (slo.pageFiring) {
      const { good, total } = slo.last5m;
      status = worse(
        status,
        total > 0 && good < total * MAJOR_OUTAGE_RATIO ? 'major_outage' : 'partial_outage',
      );
    } else if (slo.ticketFiring) {
      status = worse(status, 'degraded');
    }
  }
  const firing = health?.findings.some((f) => f.cause === 'page-firing' || f.cause === 'ticket-firing');
  return firing ? worse(status, 'degraded') : status;
}

/**
 * How one SLO did over a day, from its share of good events in percent:
 * `operational` at or above the objective; `degraded` below it by at most the
 * error budget (99.8–99.9% for an objective of 99.9%); `partial_outage` lower
 * but at least 90% good; `major_outage` under 90%.
 *
 * @example
 * dayStatus(99.85, 99.9); // 'degraded'
 * dayStatus(95, 99.9); // 'partial_outage'
 */
export function dayStatus(percent: number, target: number): ComponentStatus {
  // Counts are sums of floats: a day exactly on the objective must not miss it by an ulp.
  const atLeast = (bound: number) => percent >= bound - 1e-9;
  if (atLeast(target)) return 'operational';
  if (atLeast(target - (100 - target))) return 'degraded';
  if (atLeast(PARTIAL_OUTAGE_FLOOR)) return 'partial_outage';
  return 'major_outage';
}

/** One SLO of a journey with its counts per UTC day. */
export interface SloDays {
  /** The objective in percent, e.g. 99.9. */
  readonly target: number;
  /** Good and total events per UTC day, keyed by the day's start in epoch milliseconds. */
  readonly days: ReadonlyMap<number, Counts>;
}

export interface UptimeDay {
  /** Start of the UTC day, epoch milliseconds. */
  readonly dayMs: number;
  readonly status: DayStatus;
  /** The lowest share of good events among the SLOs with traffic that day, floored to 3 decimals. */
  readonly uptimePercent: number | null;
}

export interface Uptime {
  /** The lowest share of good events among the SLOs over all the days; null without traffic. */
  readonly percent: number | null;
  /** Oldest first, today (so far) last. */
  readonly days: readonly UptimeDay[];
}

/**
 * A journey's daily bars: for each of the last `days` UTC days, the worst
 * `dayStatus` among its SLOs with traffic that day and the lowest share of good
 * events among them; `no_data` when none had traffic. The overall percentage is
 * the lowest share of good events of any SLO over all the days together.
 *
 * @example
 * uptime([{ target: 99.9, days: new Map([[today, { good: 999, total: 1000 }]]) }], now).days.at(-1);
 * // { dayMs: today, status: 'operational', uptimePercent: 99.9 }
 */
export function uptime(slos: readonly SloDays[], nowMs: number, days = UPTIME_DAYS): Uptime {
  const today = nowMs - (((nowMs % DAY) + DAY) % DAY);
  const out: UptimeDay[] = [];
  const sums = slos.map(() => ({ good: 0, total: 0 }));
  for (let i = days - 1; i >= 0; i--) {
    const dayMs = today - i * DAY;
    let status: DayStatus = 'no_data';
    let lowest: number | null = null;
    for (const [k, slo] of slos.entries()) {
      const counts = slo.days.get(dayMs);
      if (!counts || counts.total <= 0) continue;
      const sum = sums[k] as { good: number; total: number };
      sum.good += counts.good;
      sum.total += counts.total;
      const s = dayStatus(percentGood(counts), slo.target);
      status = status === 'no_data' ? s : worse(status, s);
      lowest = Math.min(lowest ?? 100, shown(counts));
    }
    out.push({ dayMs, status, uptimePercent: lowest });
  }
  const overall = sums.filter((s) => s.total > 0).map(shown);
  return { percent: overall.length === 0 ? null : Math.min(...overall), days: out };
}

function percentGood(c: Counts): number {
  return (100 * Math.min(c.good, c.total)) / c.total;
}

/** Floored to 3 decimals, not rounded: a day with failures never shows 100%. */
function shown(c: Counts): number {
  // The epsilon undoes float error (99.95 * 1000 is 99949.99999999999), not real failures.
  const floored = Math.floor(percentGood(c) * 1000 + 1e-6) / 1000;
  return c.good < c.total ? Math.min(floored, 99.999) : floored;
}
