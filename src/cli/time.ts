import { InvalidArgumentError } from 'commander';
import { parseDuration } from '../catalog/duration.js';
import { instant } from './api-client.js';

/**
 * An instant as typed on the command line, as epoch milliseconds: RFC 3339 with
 * an offset, a date (midnight UTC), epoch milliseconds, or a duration from now:
 * `30d` (or `-30d`) that long ago, `+4h` that long ahead. For commander's option
 * parsing; `now` is the CLI's clock.
 *
 * @example
 * timeArg('90d');                    // 90 days ago
 * timeArg('+8h');                    // in 8 hours
 * timeArg('2027-03-22T09:00+01:00'); // 1774166400000
 */
export function timeArg(text: string, now: number = Date.now()): number {
  const m = /^([+-]?)(.+)$/.exec(text.trim());
  const ms = m ? parseDuration(m[2] ?? '') : undefined;
  if (ms !== undefined) return m?.[1] === '+' ? now + ms : now - ms;
  try {
    return instant(text);
  } catch {
    throw new InvalidArgumentError(
      'give a time as RFC 3339 with an offset (2026-11-22T10:00:00Z), a date (2026-11-22), epoch milliseconds, ' +
        'or a duration ago (30d, 12h) or ahead (+4h)',
    );
  }
}
