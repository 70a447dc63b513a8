/** Time helpers for forms and timelines. */

export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** Local midnight at or before `t`. */
export function startOfDay(t: number): number {
  const d = new Date(t);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** The value of an `<input type="datetime-local">` for `t`, in local time. */
export function toLocalInput(t: number): string {
  const d = new Date(t);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** An `<input type="datetime-local">` value (local time) as an ISO instant, or null. */
export function fromLocalInput(value: string): string | null {
  if (!value) return null;
  const t = new Date(value).getTime();
  return Number.isFinite(t) ? new Date(t).toISOString() : null;
}

/** Where `t` falls in [from, to], in percent, clamped. */
export function percentOf(t: number, from: number, to: number): number {
  return Math.max(0, Math.min(100, ((t - from) / (to - from)) * 100));
}

/** A stable colour slot (0–7) for a name, so a person keeps their colour across schedules. */
export function colourSlot(name: string): number {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) | 0;
  return Math.abs(h) % 8;
}
