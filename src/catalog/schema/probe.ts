import { z } from 'zod';
import { PROBE_DURATION, parseDuration } from '../duration.js';
import { description, name } from './common.js';

/** `500ms`, `10s`, `1.5m`, `1h`, or a number of milliseconds. */
export const probeDuration = z.union([
  z.number().positive({ error: (iss) => `${String(iss.input)} is not a positive number of milliseconds` }),
  z
    .string()
    .regex(PROBE_DURATION, {
      error: (iss) => `'${String(iss.input)}' is not a duration; write a number and ms, s, m or h (e.g. 30s)`,
    })
    .refine((v) => (parseDuration(v, PROBE_DURATION) ?? 1) > 0, {
      error: (iss) => `'${String(iss.input)}' is not above 0`,
    }),
]);

/** Certificate validity left: `14d`, `72h`. */
export const validityDuration = z.string().regex(/^[1-9]\d*(h|d|w)$/, {
  error: (iss) =>
    `'${String(iss.input)}' is not a duration above 0; write a whole number and h, d or w (e.g. 14d)`,
});

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

const port = z
  .number()
  .int({ error: 'a port is a whole number from 1 to 65535' })
  .min(1, { error: 'a port is a whole number from 1 to 65535' })
  .max(65_535, { error: 'a port is a whole number from 1 to 65535' });

export const probeRequest = z.strictObject({
  method: z
    .string()
    .transform((m) => m.toUpperCase())
    .pipe(z.enum(HTTP_METHODS, { error: `method is one of ${HTTP_METHODS.join(', ')}` }))
    .optional(),
  url: z.string().min(1, { error: 'a request needs a URL' }),
  headers: z.record(z.string(), z.string()).optional(),
  body: z.string().optional(),
  /** Sent as JSON, with content-type application/json unless a header says otherwise. */
  json: z.json().optional(),
  timeout: probeDuration.optional(),
  followRedirects: z.boolean().optional(),
  maxRedirects: z
    .number()
    .int({ error: 'maxRedirects is a whole number from 0 to 20' })
    .min(0, { error: 'maxRedirects is a whole number from 0 to 20' })
    .max(20, { error: 'maxRedirects is a whole number from 0 to 20' })
    .optional(),
});

/** `200`, `'2xx'`, `'200-299'`. */
const statusItem = z.union([z.number(), z.string()]);

export const bodyAssertion = z.strictObject({
  contains: z.string().optional(),
  jsonPath: z.string().optional(),
  exists: z.boolean().optional(),
  equals: z.json().optional(),
  schema: z.record(z.string(), z.json()).optional(),
});

export const probeExpect = z.strictObject({
  status: z.union([statusItem, z.array(statusItem).min(1, { error: 'list at least one status' })]).optional(),
  latency: probeDuration.optional(),
  body: z.array(bodyAssertion).optional(),
});

export const extraction = z.strictObject({
  jsonPath: z.string().optional(),
  header: z.string().optional(),
  /** Redact this value wherever it shows in results (a session token, say). */
  secret: z.boolean().optional(),
});

export const probeStep = z.strictObject({
  name: z.string().min(1, { error: 'a step needs a name' }),
  http: probeRequest,
  expect: probeExpect.optional(),
  extract: z.record(z.string(), extraction).optional(),
});

export const probeSpec = z.strictObject({
  description: description.optional(),
  journey: name.optional(),
  service: name.optional(),
  interval: probeDuration.optional(),
  timeout: probeDuration.optional(),
  /** The whole run (all steps) must finish within this. */
  latency: probeDuration.optional(),
  http: probeRequest.optional(),
  expect: probeExpect.optional(),
  steps: z.array(probeStep).min(1, { error: 'a journey probe needs at least one step' }).optional(),
  tcp: z.strictObject({ host: z.string().min(1), port }).optional(),
  certificate: z
    .strictObject({
      host: z.string().min(1),
      port: port.optional(),
      serverName: z.string().optional(),
      minValidity: validityDuration.optional(),
    })
    .optional(),
  tls: z
    .strictObject({
      /** Extra trusted CA certificates, PEM. */
      ca: z.string().optional(),
      insecure: z.boolean().optional(),
    })
    .optional(),
});
