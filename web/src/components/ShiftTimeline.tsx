/**
 * Shifts over a range as horizontal bars, one row per schedule (or layer), with day columns and
 * a line at now. Each bar says who and when in words (label, title); gaps are marked, not only
 * coloured.
 */
import type { Shift } from '../api/types';
import { formatDay, formatShortDateTime } from '../lib/format';
import { colourSlot, DAY, percentOf } from '../lib/time';

export function DayAxis({ from, to }: { from: number; to: number }) {
  const days: number[] = [];
  for (let t = from; t < to; t += DAY) days.push(t);
  return (
    <div className="shift-axis" aria-hidden="true">
      {days.map((t) => (
        <span key={t} style={{ left: `${percentOf(t, from, to)}%`, width: `${(DAY / (to - from)) * 100}%` }}>
          {formatDay(t)}
        </span>
      ))}
    </div>
  );
}

export function ShiftRow({
  label,
  shifts,
  gaps = [],
  from,
  to,
  now,
  small = false,
}: {
  label: string;
  shifts: readonly Pick<Shift, 'user' | 'start' | 'end' | 'source'>[];
  gaps?: readonly { start: string; end: string }[];
  from: number;
  to: number;
  now: number;
  small?: boolean;
}) {
  return (
    <div className={`shift-row${small ? ' is-small' : ''}`}>
      <div className="shift-label">{label}</div>
      <ul className="shift-track" aria-label={`${label}: shifts`}>
        {shifts.map((s) => {
          const start = Date.parse(s.start);
          const end = Date.parse(s.end);
          const left = percentOf(start, from, to);
          const width = percentOf(end, from, to) - left;
          if (width <= 0) return null;
          const words = `${s.user}, ${formatShortDateTime(start)} to ${formatShortDateTime(end)}${s.source === 'override' ? ' (override)' : ''}`;
          return (
            <li
              key={`${s.user}-${s.start}`}
              className={`shift slot-${colourSlot(s.user)}${s.source === 'override' ? ' is-override' : ''}`}
              style={{ left: `${left}%`, width: `${width}%` }}
              title={words}
            >
              <span className="visually-hidden">{words}</span>
              <span aria-hidden="true">{width > 4 ? s.user : ''}</span>
            </li>
          );
        })}
        {gaps.map((g) => {
          const left = percentOf(Date.parse(g.start), from, to);
          const width = percentOf(Date.parse(g.end), from, to) - left;
          if (width <= 0) return null;
          const words = `Nobody on call, ${formatShortDateTime(Date.parse(g.start))} to ${formatShortDateTime(Date.parse(g.end))}`;
          return (
            <li
              key={`gap-${g.start}`}
              className="shift is-gap"
              style={{ left: `${left}%`, width: `${width}%` }}
              title={words}
            >
              <span className="visually-hidden">{words}</span>
              <span aria-hidden="true">{width > 6 ? 'nobody' : ''}</span>
            </li>
          );
        })}
        <li className="shift-now" style={{ left: `${percentOf(now, from, to)}%` }} aria-hidden="true" />
      </ul>
    </div>
  );
}
