/** Number, money and time formatting. Intl formatters are cached: making one per table cell is slow. */

const decimalFormats: Intl.NumberFormat[] = [];

/** Up to `digits` decimals; formatters are cached (toLocaleString makes one per call). */
function decimals(digits: number): Intl.NumberFormat {
  let format = decimalFormats[digits];
  if (!format) {
    format = new Intl.NumberFormat(undefined, { maximumFractionDigits: digits });
    decimalFormats[digits] = format;
  }
  return format;
}

const moneyFormats = new Map<string, (amount: number) => string>();

/**
 * Money with its currency, without cents from 1,000 on.
 *
 * @example formatMoney(1234.5, 'EUR'); // '€1,235'
 */
export function formatMoney(amount: number, currency: string): string {
  const whole = Math.abs(amount) >= 1000;
  const key = `${currency}:${whole}`;
  let format = moneyFormats.get(key);
  if (!format) {
    try {
      const f = new Intl.NumberFormat(undefined, {
        style: 'currency',
        currency,
        maximumFractionDigits: whole ? 0 : 2,
      });
      format = (n) => f.format(n);
    } catch {
      // Not an ISO currency code: the number, then the code as written.
      format = (n) => `${decimals(whole ? 0 : 2).format(n)} ${currency}`;
    }
    moneyFormats.set(key, format);
  }
  return format(amount);
}

/** Amounts per currency as one line: `€1,200 + $30`. */
export function formatMoneyTotals(totals: ReadonlyMap<string, number>, none = 'nothing'): string {
  if (totals.size === 0) return none;
  return [...totals].map(([currency, amount]) => formatMoney(amount, currency)).join(' + ');
}

/** A percentage with as many decimals as nines need: 99.95 stays 99.95, 42.123 becomes 42.1. */
export function formatPercent(value: number | null | undefined, digits?: number): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const d = digits ?? (Math.abs(value) >= 99 ? 3 : 1);
  return `${decimals(d).format(Number(value.toFixed(d)))}%`;
}

/** A ratio (0.25) as a percentage ('25%'). */
export function formatRatio(ratio: number | null | undefined, digits = 1): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '—';
  // An overspent budget can be thousands of percent: decimals there are noise.
  return formatPercent(ratio * 100, Math.abs(ratio) >= 10 ? 0 : digits);
}

/** A burn rate: 1 spends the budget exactly over the window. */
export function formatBurn(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return '—';
  return `${rate >= 10 ? rate.toFixed(0) : rate.toFixed(2)}×`;
}

const integerFormat = new Intl.NumberFormat();

export function formatCount(n: number): string {
  return integerFormat.format(n);
}

/** 90 → '1h 30m'; 0.5 → '30s'. */
export function formatMinutes(minutes: number): string {
  if (!Number.isFinite(minutes)) return '—';
  return formatDuration(minutes * 60_000);
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  const negative = ms < 0;
  let s = Math.round(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86_400);
  s -= d * 86_400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const parts =
    d > 0
      ? [`${d}d`, h > 0 ? `${h}h` : '']
      : h > 0
        ? [`${h}h`, m > 0 ? `${m}m` : '']
        : m > 0
          ? [`${m}m`]
          : [`${s}s`];
  return (negative ? '−' : '') + parts.filter(Boolean).join(' ');
}

const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
const shortDateTimeFormat = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short', month: 'short', day: 'numeric' });
const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

export function formatDateTime(iso: string | number | null | undefined): string {
  if (iso === null || iso === undefined) return '—';
  const t = typeof iso === 'number' ? iso : Date.parse(iso);
  return Number.isFinite(t) ? dateTimeFormat.format(t) : String(iso);
}

const stampFormat = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** With seconds: timeline entries often share a minute. */
export function formatTimestamp(iso: string): string {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? stampFormat.format(t) : iso;
}

export function formatShortDateTime(t: number): string {
  return shortDateTimeFormat.format(t);
}

export function formatDay(t: number): string {
  return dayFormat.format(t);
}

export function formatTime(t: number): string {
  return timeFormat.format(t);
}

/** '5 minutes ago', 'in 2 hours'. */
export function formatRelative(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return iso;
  const diff = t - now;
  const text = formatDuration(Math.abs(diff)).split(' ')[0] ?? '';
  if (Math.abs(diff) < 45_000) return 'just now';
  return diff < 0 ? `${text} ago` : `in ${text}`;
}

/** A catalog window: `28d rolling` or `calendar month (Europe/Berlin)`. */
export function formatWindow(
  w: { type: 'rolling'; duration: string } | { type: 'calendar'; unit: string; timeZone: string },
): string {
  return w.type === 'rolling' ? `${w.duration} rolling` : `calendar ${w.unit} (${w.timeZone})`;
}
