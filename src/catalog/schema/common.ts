import { z } from 'zod';
import { LATENCY_DURATION, parseDuration, WINDOW_DURATION } from '../duration.js';
import { isTimeZone, timeZoneMessage } from '../time-zone.js';

/** RFC 1123 DNS label, as Kubernetes and OpenSLO use for names. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Whether `value` is a valid name (an RFC 1123 DNS label). */
export function isName(value: string): boolean {
  return DNS_LABEL.test(value);
}

/** What is wrong with an invalid name, and what a valid one looks like. */
export function nameMessage(value: string): string {
  return `'${value}' is not a valid name; use 1-63 lower-case letters, digits and '-', starting and ending with a letter or digit`;
}

/**
 * A name or a reference to one. Any text passes the schema: an invalid name is
 * reported after parsing (`invalidNames`), so it does not take the rest of the
 * document down with it, and the entity or reference is left out of the catalog.
 */
export const name = z.string();

/** A description, at most as long as OpenSLO allows, so every catalog exports. */
export const description = z.string().max(1050, { error: 'a description is at most 1050 characters' });

export const labels = z.record(z.string(), z.string());

export const windowDuration = z.string().regex(WINDOW_DURATION, {
  error: (iss) =>
    `'${String(iss.input)}' is not a duration; write a whole number and a unit m, h, d or w (e.g. 28d)`,
});

export const latencyThreshold = z.union([
  z.number().positive({ error: (iss) => `${String(iss.input)} is not a positive number of milliseconds` }),
  z
    .string()
    .regex(LATENCY_DURATION, {
      error: (iss) =>
        `'${String(iss.input)}' is not a latency; write milliseconds or seconds (e.g. 800ms, 1.5s)`,
    })
    .refine((v) => (parseDuration(v, LATENCY_DURATION) ?? 1) > 0, {
      error: (iss) => `'${String(iss.input)}' is not above 0; a latency threshold is a positive duration`,
    }),
]);

export const url = z.string().regex(/^https?:\/\/[^\s/$.?#][^\s]*$/i, {
  error: (iss) => `'${String(iss.input)}' is not an http(s) URL`,
});

export const email = z.string().regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, {
  error: (iss) => `'${String(iss.input)}' is not an email address`,
});

/**
 * A percentage objective in (0, 100). 100 is rejected: it leaves no error budget,
 * so every failure would be an outage and no alert could be tuned.
 */
export const percentTarget = z
  .number()
  .gt(0, { error: (iss) => `${String(iss.input)} is not above 0; a target is a percentage in (0, 100)` })
  .lt(100, {
    error: (iss) =>
      iss.input === 100
        ? '100 leaves no error budget; a target is a percentage in (0, 100), e.g. 99.9'
        : `${String(iss.input)} is above 100; a target is a percentage in (0, 100)`,
  });

/** `metadata` shared by every kind. */
export const metadata = z.strictObject({
  name,
  displayName: z.string().max(63, { error: 'a displayName is at most 63 characters' }).optional(),
  labels: labels.optional(),
  annotations: labels.optional(),
});

export type Metadata = z.infer<typeof metadata>;

/** An IANA time zone name the runtime knows. */
export const timeZone = z.string().refine(isTimeZone, {
  error: (iss) => timeZoneMessage(String(iss.input)),
  params: { diagnostic: 'invalid-time-zone' },
});
