import { MINUTE } from '../../slo/types.js';
import type { SliEvent } from './parse.js';

/** Counts of one SLI in one minute. */
export interface MinuteCounts {
  readonly sli: string;
  readonly minuteMs: number;
  good: number;
  total: number;
}

/** Sums events per SLI and minute, so a batch of thousands becomes a handful of rows. */
export function aggregateByMinute(
  events: Iterable<SliEvent>,
  into = new Map<string, MinuteCounts>(),
): Map<string, MinuteCounts> {
  for (const e of events) {
    const minuteMs = e.atMs - (e.atMs % MINUTE);
    const key = `${e.sli}\u0000${minuteMs}`;
    const c = into.get(key);
    if (c) {
      c.good += e.good;
      c.total += e.total;
    } else {
      into.set(key, { sli: e.sli, minuteMs, good: e.good, total: e.total });
    }
  }
  return into;
}
