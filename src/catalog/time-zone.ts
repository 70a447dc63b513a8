const known = new Map<string, boolean>();

/** Whether the runtime knows `zone` as an IANA time zone (or UTC). */
export function isTimeZone(zone: string): boolean {
  let ok = known.get(zone);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      ok = zone.length > 0;
    } catch {
      ok = false;
    }
    // Bounded: zones also come from requests (a postmortem's ?timeZone=).
    if (known.size >= 2_000) known.clear();
    known.set(zone, ok);
  }
  return ok;
}

export function timeZoneMessage(zone: string): string {
  return `'${zone}' is not an IANA time zone; use a name such as Europe/Berlin, America/New_York or UTC`;
}
