/** 90 daily uptime bars; each says its date, uptime and status in its title. */
import { type PublicStatus, statusLabel } from '../lib/status';

export interface UptimeDay {
  readonly date: string;
  readonly status: PublicStatus;
  readonly uptimePercent: number | null;
}

const BAR = 8;
const GAP = 2;
const H = 34;

export function dayText(d: UptimeDay): string {
  const uptime = d.uptimePercent === null ? 'no data' : `${d.uptimePercent}% uptime`;
  return `${d.date}: ${uptime} (${statusLabel(d.status).toLowerCase()})`;
}

export function UptimeBars({ days, label }: { days: readonly UptimeDay[]; label: string }) {
  const width = days.length * (BAR + GAP) - GAP;
  return (
    <svg
      className="uptime-bars"
      viewBox={`0 0 ${Math.max(width, 1)} ${H}`}
      preserveAspectRatio="none"
      role="img"
      aria-label={label}
    >
      {days.map((d, i) => (
        <rect
          key={d.date}
          x={i * (BAR + GAP)}
          y={0}
          width={BAR}
          height={H}
          rx={2}
          className={`uptime-bar status-${d.status}`}
        >
          <title>{dayText(d)}</title>
        </rect>
      ))}
    </svg>
  );
}
