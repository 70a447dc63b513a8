import { formatRatio } from '../lib/format';

/** Error budget left: the number, and a bar that empties (overspent shows an empty red bar). */
export function BudgetMeter({ ratio }: { ratio: number | null }) {
  if (ratio === null) return <span className="muted">—</span>;
  const clamped = Math.max(0, Math.min(1, ratio));
  const tone = ratio <= 0 ? 'bad' : ratio < 0.25 ? 'warn' : 'ok';
  return (
    <span className="budget">
      <span className="budget-text">{formatRatio(ratio)}</span>
      <span className={`budget-bar is-${tone}`} aria-hidden="true">
        <span className="budget-fill" style={{ width: `${clamped * 100}%` }} />
      </span>
    </span>
  );
}
