import { resolveTiers } from '../slo/alert-policy.js';
import type { Diagnostic } from './diagnostics.js';
import type { AlertingOverride, Window } from './model.js';
import type { Path, SourceDocument } from './source.js';

const DAY_MS = 86_400_000;
/** Nominal period lengths: close enough to judge the alert tiers a window gets. */
const CALENDAR_MS = { week: 7 * DAY_MS, month: 30 * DAY_MS, quarter: 91 * DAY_MS, year: 365 * DAY_MS };
/** The default tiers were designed for 28–30 days; from there on, factors under 1 are by design. */
const DESIGN_PERIOD_MS = 28 * DAY_MS;

/**
 * Warns when the default multi-window alerts do not suit an SLO's window. The
 * factors scale with the period (the budget share per tier stays fixed), so a
 * short window gets factors under 1: such a tier fires while the budget would
 * still last the period. A tier whose long window is longer than the period is
 * left out altogether (see `resolveTiers`).
 *
 * @example
 * checkAlertTiers({ type: 'rolling', durationMs: 7 * DAY_MS, text: '7d' }, undefined, doc, diagnostics);
 * // warning: with a 7d window the ticket-1d and ticket-3d tiers would fire at burn rates 0.7 and 0.23, …
 */
export function checkAlertTiers(
  window: Window,
  alerting: AlertingOverride | undefined,
  doc: SourceDocument,
  diagnostics: Diagnostic[],
  at: Path = ['spec', 'window'],
): void {
  const periodMs = window.type === 'rolling' ? window.durationMs : CALENDAR_MS[window.unit];
  // Windows under a day have their own warning (see checkRollingWindow).
  if (periodMs < DAY_MS) return;
  let tiers: ReturnType<typeof resolveTiers>;
  try {
    tiers = resolveTiers(periodMs, alerting ?? {});
  } catch {
    return; // bad overrides are reported where they are written
  }
  const text = window.type === 'rolling' ? `a ${window.text} window` : `a calendar ${window.unit}`;
  const overridden = new Set((alerting?.tiers ?? []).map((t) => t.id));
  const low = tiers.filter((t) => t.factor < 1 && periodMs < DESIGN_PERIOD_MS && !overridden.has(t.id));
  if (low.length > 0) {
    const ids = low.map((t) => t.id);
    const factors = low.map((t) => Number(t.factor.toPrecision(2)));
    diagnostics.push(
      doc.diagnostic(
        'suspicious',
        at,
        `with ${text} the default ${list(ids)} tier${ids.length > 1 ? 's' : ''} would fire at burn rate${ids.length > 1 ? 's' : ''} ${list(factors.map(String))}: below 1, while the budget would still last the window; set their factor under alerting.tiers, disable them under alerting.disabled, or use a window of 28d or more`,
        { severity: 'warning' },
      ),
    );
  }
}

function list(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
