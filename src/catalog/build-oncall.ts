import { DateTime } from 'luxon';
import type { z } from 'zod';
import type { Reference } from './declared.js';
import type { Diagnostic } from './diagnostics.js';
import type {
  ContactMethod,
  EscalationPolicy,
  EscalationTarget,
  Meta,
  NotificationRule,
  Restriction,
  Schedule,
  ScheduleLayer,
  Weekday,
} from './model.js';
import {
  ENV_REF,
  type escalationPolicySpec,
  type scheduleSpec,
  type userOnCallFields,
  WEEKDAYS,
} from './schema/oncall.js';
import type { Path, SourceDocument } from './source.js';

const WAIT_UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000 } as const;
const waitMs = (text: string): number => {
  const m = /^(\d+)(s|m|h)$/.exec(text);
  return m ? Number(m[1]) * WAIT_UNIT_MS[m[2] as keyof typeof WAIT_UNIT_MS] : 0;
};

type UserFields = { [K in keyof typeof userOnCallFields]?: z.infer<(typeof userOnCallFields)[K]> };

/**
 * A user's contact methods and notification rules: an email at the user's
 * address and "email at once" when none are given. Names are unique; rules name
 * a contact; a literal webhook secret or Slack URL in the file is a warning
 * (they belong in the environment).
 */
export function buildContacts(
  userEmail: string,
  s: UserFields,
  doc: SourceDocument,
  diagnostics: Diagnostic[],
): { contacts: ContactMethod[]; notify: NotificationRule[] } {
  const contacts: ContactMethod[] = [];
  const names = new Map<string, number>();
  (s.contacts ?? []).forEach((c, i) => {
    const at: Path = ['spec', 'contacts', i];
    const name = c.name ?? c.type;
    if (names.has(name))
      diagnostics.push(
        doc.diagnostic(
          'invalid-value',
          [...at, c.name === undefined ? 'type' : 'name'],
          `a second contact method named '${name}'; give each a distinct name`,
        ),
      );
    names.set(name, i);
    if (c.type === 'webhook' && !ENV_REF.test(c.secret))
      diagnostics.push(
        doc.diagnostic(
          'suspicious',
          [...at, 'secret'],
          `a literal secret in the catalog; write \${env:NAME} and set it where nines runs`,
          {
            severity: 'warning',
          },
        ),
      );
    if (c.type === 'slack' && !ENV_REF.test(c.url))
      diagnostics.push(
        doc.diagnostic(
          'suspicious',
          [...at, 'url'],
          `a Slack webhook URL is a secret; write \${env:NAME} and set it where nines runs`,
          {
            severity: 'warning',
          },
        ),
      );
    contacts.push(
      c.type === 'email'
        ? { name, type: 'email', address: c.address }
        : c.type === 'slack'
          ? { name, type: 'slack', url: c.url }
          : { name, type: 'webhook', url: c.url, secret: c.secret },
    );
  });
  if (contacts.length === 0) contacts.push({ name: 'email', type: 'email', address: userEmail });
  const known = new Set(contacts.map((c) => c.name));
  const notify: NotificationRule[] = [];
  (s.notify ?? []).forEach((r, i) => {
    if (!known.has(r.via)) {
      diagnostics.push(
        doc.diagnostic(
          'dangling-reference',
          ['spec', 'notify', i, 'via'],
          `no contact method named '${r.via}'; this user has ${[...known].join(', ')}`,
        ),
      );
      return;
    }
    notify.push({ afterMs: waitMs(r.after), via: r.via });
  });
  if (notify.length === 0 && (s.notify ?? []).length === 0)
    notify.push({ afterMs: 0, via: contacts[0]?.name ?? 'email' });
  return { contacts, notify };
}

const ROTATION_UNIT = { h: 'hours', d: 'days', w: 'weeks' } as const;

function wallClock(text: string, zone: string): DateTime | undefined {
  const t = DateTime.fromISO(text, { zone });
  return t.isValid ? t : undefined;
}

export function buildSchedule(
  meta: Meta,
  s: z.infer<typeof scheduleSpec>,
  doc: SourceDocument,
  diagnostics: Diagnostic[],
  refs: Reference[],
): Schedule {
  const layers: ScheduleLayer[] = [];
  const seen = new Set<string>();
  s.layers.forEach((l, i) => {
    const at: Path = ['spec', 'layers', i];
    if (seen.has(l.name))
      diagnostics.push(doc.diagnostic('invalid-value', [...at, 'name'], `a second layer named '${l.name}'`));
    seen.add(l.name);
    l.users.forEach((u, j) => {
      refs.push({ kind: 'User', name: u, path: [...at, 'users', j] });
    });
    const start = wallClock(l.start, s.timeZone);
    if (!start)
      diagnostics.push(
        doc.diagnostic('invalid-value', [...at, 'start'], `'${l.start}' is not a date and time that exists`),
      );
    const end = l.end === undefined ? undefined : wallClock(l.end, s.timeZone);
    if (l.end !== undefined && !end)
      diagnostics.push(
        doc.diagnostic('invalid-value', [...at, 'end'], `'${l.end}' is not a date and time that exists`),
      );
    if (start && end && end <= start)
      diagnostics.push(doc.diagnostic('invalid-value', [...at, 'end'], 'a layer ends after it starts'));
    const restrictions: Restriction[] = (l.restrictions ?? []).map((r, j) => {
      if (r.start === r.end)
        diagnostics.push(
          doc.diagnostic(
            'invalid-value',
            [...at, 'restrictions', j, 'end'],
            `a window from ${r.start} to ${r.end} is empty; for a whole day write 00:00 to 24:00`,
          ),
        );
      return {
        days: [...new Set(r.days.map((d) => (WEEKDAYS.indexOf(d) + 1) as Weekday))],
        start: r.start,
        end: r.end,
      };
    });
    const m = /^(\d+)(h|d|w)$/.exec(l.rotation);
    layers.push({
      name: l.name,
      users: l.users,
      rotation: { unit: ROTATION_UNIT[(m?.[2] ?? 'd') as 'h' | 'd' | 'w'], count: Number(m?.[1] ?? 1) },
      start: l.start,
      ...(l.end !== undefined && { end: l.end }),
      restrictions,
    });
  });
  return { kind: 'Schedule', ...meta, timeZone: s.timeZone, layers };
}

export function buildEscalationPolicy(
  meta: Meta,
  s: z.infer<typeof escalationPolicySpec>,
  refs: Reference[],
): EscalationPolicy {
  return {
    kind: 'EscalationPolicy',
    ...meta,
    repeat: s.repeat ?? 0,
    levels: s.levels.map((level, i) => ({
      escalateAfterMs: waitMs(level.escalateAfter),
      targets: level.targets.map((t, j): EscalationTarget => {
        const path: Path = ['spec', 'levels', i, 'targets', j];
        if (t.user !== undefined) {
          refs.push({ kind: 'User', name: t.user, path: [...path, 'user'] });
          return { type: 'user', name: t.user };
        }
        if (t.schedule !== undefined) {
          refs.push({ kind: 'Schedule', name: t.schedule, path: [...path, 'schedule'] });
          return { type: 'schedule', name: t.schedule };
        }
        const team = t.team ?? '';
        refs.push({ kind: 'Team', name: team, path: [...path, 'team'] });
        return { type: 'team', name: team };
      }),
    })),
  };
}
