/**
 * A small time-series chart in plain SVG: lines, reference lines (the objective, zero budget)
 * and markers (deploys, alerts) that show their text on hover and in the lists beside them.
 */
import { useId } from 'react';
import { type Domain, linePath, niceTicks, scale, timeTicks } from '../lib/chart';
import { formatDay, formatShortDateTime, formatTime } from '../lib/format';

export interface ChartSeries {
  readonly label: string;
  readonly points: readonly { readonly t: number; readonly v: number | null }[];
  readonly className?: string;
}

export interface ChartMarker {
  readonly t: number;
  readonly label: string;
  readonly kind: 'change' | 'alert' | 'resolved';
}

export interface ReferenceLine {
  readonly v: number;
  readonly label: string;
}

const W = 800;
const H = 220;
const PAD = { left: 58, right: 14, top: 14, bottom: 28 };

export function LineChart({
  title,
  summary,
  x,
  y,
  series,
  references = [],
  markers = [],
  format,
}: {
  title: string;
  /** what the chart says, for people who cannot see it */
  summary: string;
  x: Domain;
  y: Domain;
  series: readonly ChartSeries[];
  references?: readonly ReferenceLine[];
  markers?: readonly ChartMarker[];
  format: (v: number) => string;
}) {
  const id = useId();
  const sx = scale(x, PAD.left, W - PAD.right);
  const sy = scale(y, H - PAD.bottom, PAD.top);
  const short = x.max - x.min <= 2 * 86_400_000;
  const clampY = (v: number) => Math.min(Math.max(v, y.min), y.max);
  return (
    <figure className="chart">
      <figcaption className="chart-title" aria-hidden="true">
        {title}
      </figcaption>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-labelledby={`${id}-title ${id}-summary`}
        className="chart-svg"
      >
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-summary`}>{summary}</desc>
        {niceTicks(y, 4).map((v) => (
          <g key={`y${v}`} className="chart-grid">
            <line x1={PAD.left} x2={W - PAD.right} y1={sy(v)} y2={sy(v)} />
            <text x={PAD.left - 6} y={sy(v)} textAnchor="end" dominantBaseline="central">
              {format(v)}
            </text>
          </g>
        ))}
        {timeTicks(x, 5).map((t) => (
          <text key={`x${t}`} className="chart-axis" x={sx(t)} y={H - 8} textAnchor="middle">
            {short ? formatTime(t) : formatDay(t)}
          </text>
        ))}
        {references.map((r) => (
          <g key={r.label} className="chart-reference">
            <line x1={PAD.left} x2={W - PAD.right} y1={sy(clampY(r.v))} y2={sy(clampY(r.v))} />
            <text x={W - PAD.right - 4} y={sy(clampY(r.v)) - 5} textAnchor="end">
              {r.label}
            </text>
          </g>
        ))}
        {series.map((s) => (
          <path
            key={s.label}
            d={linePath(s.points, sx, (v) => sy(clampY(v)))}
            className={`chart-line ${s.className ?? ''}`}
          />
        ))}
        {markers
          .filter((m) => m.t >= x.min && m.t <= x.max)
          .map((m) => (
            <g key={`${m.kind}-${m.t}-${m.label}`} className={`chart-marker is-${m.kind}`}>
              <title>{`${formatShortDateTime(m.t)}: ${m.label}`}</title>
              <line x1={sx(m.t)} x2={sx(m.t)} y1={PAD.top} y2={H - PAD.bottom} />
              <path
                d={`M${sx(m.t) - 5},${PAD.top - 2}L${sx(m.t) + 5},${PAD.top - 2}L${sx(m.t)},${PAD.top + 6}z`}
              />
            </g>
          ))}
      </svg>
      {series.length > 1 && (
        <ul className="chart-legend" aria-hidden="true">
          {series.map((s) => (
            <li key={s.label}>
              <span className={`chart-key ${s.className ?? ''}`} /> {s.label}
            </li>
          ))}
        </ul>
      )}
    </figure>
  );
}
