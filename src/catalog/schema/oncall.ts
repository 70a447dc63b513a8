import { z } from 'zod';
import { description, email, name, timeZone, url } from './common.js';

/* On-call in the catalog: how people are reached, schedules and escalation policies. */

/** `${env:NAME}`: a secret read from the environment when nines runs. */
export const ENV_REF = /^\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}$/;

const envOrUrl = z.union([z.string().regex(ENV_REF), url], {
  error: (iss) => `'${String(iss.input)}' is neither an http(s) URL nor \${env:NAME}`,
});

/** A wait before a notification or an escalation: `0m`, `30s`, `2m`, `1h`. */
export const waitDuration = z.string().regex(/^(\d+)(s|m|h)$/, {
  error: (iss) =>
    `'${String(iss.input)}' is not a wait; write whole seconds, minutes or hours (e.g. 0m, 30s, 5m, 1h)`,
});

const contact = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('email'), name: name.optional(), address: email }),
    z.strictObject({ type: z.literal('slack'), name: name.optional(), url: envOrUrl }),
    z.strictObject({
      type: z.literal('webhook'),
      name: name.optional(),
      url: envOrUrl,
      secret: z
        .string()
        .min(1, { error: `a webhook needs a signing secret, e.g. \${env:PAGER_WEBHOOK_SECRET}` }),
    }),
  ],
  { error: 'a contact method has type email, slack or webhook' },
);

export const userOnCallFields = {
  contacts: z.array(contact).optional(),
  notify: z.array(z.strictObject({ after: waitDuration, via: name })).optional(),
};

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

const layer = z.strictObject({
  name,
  users: z.array(name).min(1, { error: 'a layer needs at least one user' }),
  rotation: z.string().regex(/^([1-9]\d*)(h|d|w)$/, {
    error: (iss) =>
      `'${String(iss.input)}' is not a rotation length; write whole hours, days or weeks (e.g. 12h, 1d, 3d, 1w)`,
  }),
  start: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, {
    error: (iss) =>
      `'${String(iss.input)}' is not a wall-clock start; write YYYY-MM-DDTHH:mm in the schedule's zone (e.g. 2026-11-02T09:00)`,
  }),
  end: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, {
      error: (iss) => `'${String(iss.input)}' is not a wall-clock end; write YYYY-MM-DDTHH:mm`,
    })
    .optional(),
  restrictions: z
    .array(
      z.strictObject({
        days: z.array(z.enum(WEEKDAYS)).min(1, { error: 'name at least one day (mon … sun)' }),
        start: z
          .string()
          .regex(HH_MM, { error: (iss) => `'${String(iss.input)}' is not a time; write HH:mm` }),
        end: z.string().regex(HH_MM, {
          error: (iss) => `'${String(iss.input)}' is not a time; write HH:mm (24:00 for midnight)`,
        }),
      }),
    )
    .optional(),
});

export const scheduleSpec = z.strictObject({
  description: description.optional(),
  timeZone,
  layers: z.array(layer).min(1, { error: 'a schedule needs at least one layer' }),
});

const target = z
  .strictObject({ user: name.optional(), schedule: name.optional(), team: name.optional() })
  .refine((t) => Object.keys(t).length === 1, {
    error: 'a target names exactly one of user, schedule or team, e.g. {schedule: payments-oncall}',
  });

export const escalationPolicySpec = z.strictObject({
  description: description.optional(),
  repeat: z
    .number()
    .int({ error: 'repeat is a whole number of extra rounds, 0 to 9' })
    .min(0, { error: 'repeat is a whole number of extra rounds, 0 to 9' })
    .max(9, { error: 'repeat is at most 9 (as in PagerDuty)' })
    .optional(),
  levels: z
    .array(
      z.strictObject({
        escalateAfter: waitDuration,
        targets: z.array(target).min(1, { error: 'a level needs at least one target' }),
      }),
    )
    .min(1, { error: 'an escalation policy needs at least one level' }),
});

export { WEEKDAYS };
