import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import type { z } from 'zod';
import type { incidentResponses } from '../http/incident-schemas.js';
import { humanDuration } from '../incidents/postmortem.js';
import { INCIDENT_PRIORITIES, INCIDENT_ROLES, INCIDENT_SEVERITIES } from '../incidents/types.js';
import { type ApiFlags, apiOptions, callApi, incidentNumber, shortTime, table } from './api-client.js';
import type { Io } from './io.js';

type Incident = z.infer<typeof incidentResponses.one>;
type Detail = z.infer<typeof incidentResponses.detail>;
type Entry = z.infer<typeof incidentResponses.entry>;
type ActionItem = z.infer<typeof incidentResponses.actionItem>;
/** The answer of GET /api/v1/incidents/{n}/paging (src/http/routes/oncall.ts). */
interface Paging {
  readonly escalations: readonly {
    readonly policy: string;
    readonly status: 'active' | 'stopped' | 'exhausted';
    readonly level: number;
    readonly round: number;
    readonly nextAt: string | null;
  }[];
  readonly notifications: readonly {
    readonly id: string;
    readonly user: string;
    readonly contact: string;
    readonly channel: string;
    readonly level: number;
    readonly round: number;
    readonly status: 'pending' | 'delivered' | 'failed' | 'cancelled';
    readonly attempts: number;
    readonly dueAt: string;
    readonly deliveredAt: string | null;
    readonly lastError: string | null;
  }[];
}

const LIFECYCLE = [
  ['ack', 'acknowledge', 'acknowledged', 'acknowledge: you are on it and it stops notifying'],
  ['resolve', 'resolve', 'resolved', 'resolve it with its open alerts'],
  ['reopen', 'reopen', 'reopened', 'reopen a resolved incident'],
] as const;

const PEOPLE = {
  assignee: 'who is working on it',
  commander: 'the incident commander, who coordinates',
  communications: 'who keeps stakeholders informed',
  scribe: 'who keeps the record',
} as const;

const STATUS_UPDATE = ['investigating', 'identified', 'monitoring', 'resolved'] as const;

/** P1…P5 (any case) or `none`, which clears it. */
function priority(text: string): string {
  const p = text.trim().toUpperCase();
  if (p === 'NONE') return 'none';
  if ((INCIDENT_PRIORITIES as readonly string[]).includes(p)) return p;
  throw new InvalidArgumentError(`a priority is one of ${INCIDENT_PRIORITIES.join(', ')} or none`);
}

function dueDate(text: string): string {
  const ms = Date.parse(`${text}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(ms) || !new Date(ms).toISOString().startsWith(text))
    throw new InvalidArgumentError('a due date is a real calendar date as YYYY-MM-DD');
  return text;
}

const path = (n: number, rest = '') => `/api/v1/incidents/${n}${rest}`;
const ago = (at: string) => `${humanDuration(Date.now() - Date.parse(at))} ago`;
const none = (list: readonly string[]) => (list.length === 0 ? 'none' : list.join(', '));
const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const cause = (i: Incident) =>
  i.suspectedCause?.service ?? (i.subject.kind === 'journey' ? `(journey ${i.subject.name})` : '—');

export function registerIncident(program: Command, io: Io): void {
  const incident = program
    .command('incident')
    .description('work incidents on a running nines: list, show, acknowledge, resolve, take notes');
  const json = (data: unknown) => io.stdout(`${JSON.stringify(data, null, 2)}\n`);

  apiOptions(
    incident
      .command('list')
      .description('incidents, newest first')
      .addOption(
        new Option('--status <status>', 'only these (open: triggered or acknowledged)').choices([
          'open',
          'triggered',
          'acknowledged',
          'resolved',
        ]),
      )
      .option('--service <name>', 'only those with alerts on the service or naming it as cause')
      .option('--limit <n>', 'at most this many (1-1000, default 100)', (t) => {
        if (!/^\d+$/.test(t) || Number(t) < 1 || Number(t) > 1000)
          throw new InvalidArgumentError('a limit is a whole number from 1 to 1000');
        return t;
      })
      .option('--json', 'print JSON'),
  ).action(async (opts: ApiFlags & { status?: string; service?: string; limit?: string; json?: boolean }) => {
    const query = new URLSearchParams();
    for (const key of ['status', 'service', 'limit'] as const) {
      const value = opts[key];
      if (value !== undefined) query.set(key, value);
    }
    const q = query.size > 0 ? `?${query}` : '';
    const { incidents } = await callApi<{ incidents: Incident[] }>(opts, io, 'GET', `/api/v1/incidents${q}`);
    if (opts.json) return json(incidents);
    if (incidents.length === 0) return io.stdout('no incidents\n');
    io.stdout(
      table([
        ['#', 'STATUS', 'SEVERITY', 'PRIORITY', 'CAUSE', 'TITLE', 'AGE'],
        ...incidents.map((i) => [
          String(i.number),
          i.status,
          i.severity,
          i.priority ?? '—',
          cause(i),
          clip(i.title, 60),
          ago(i.createdAt),
        ]),
      ]),
    );
  });

  apiOptions(
    incident
      .command('show')
      .description('an incident: cause, journeys, value streams and revenue at risk, changes, timeline')
      .argument('<number>', 'incident number', incidentNumber)
      .option('--json', 'print the incident and its timeline as JSON'),
  ).action(async (n: number, opts: ApiFlags & { json?: boolean }) => {
    const [detail, { timeline }] = await Promise.all([
      callApi<Detail>(opts, io, 'GET', path(n)),
      callApi<{ timeline: Entry[] }>(opts, io, 'GET', path(n, '/timeline')),
    ]);
    if (opts.json) return json({ ...detail, timeline });
    io.stdout(renderIncident(detail, timeline));
  });

  apiOptions(
    incident
      .command('paging')
      .description(
        'how it is escalated: its policy, and every notification with status, attempts, last error',
      )
      .argument('<number>', 'incident number', incidentNumber)
      .option('--json', 'print JSON'),
  ).action(async (n: number, opts: ApiFlags & { json?: boolean }) => {
    const p = await callApi<Paging>(opts, io, 'GET', path(n, '/paging'));
    if (opts.json) return json(p);
    io.stdout(renderPaging(n, p));
  });

  for (const [name, action, done, description] of LIFECYCLE)
    apiOptions(
      incident
        .command(name)
        .description(description)
        .argument('<number>', 'incident number', incidentNumber)
        .option('-m, --message <text>', 'said on the timeline')
        .option('--json', 'print the incident as JSON'),
    ).action(async (n: number, opts: ApiFlags & { message?: string; json?: boolean }) => {
      const body = opts.message === undefined ? {} : { message: opts.message };
      const i = await callApi<Incident>(opts, io, 'POST', path(n, `/${action}`), body);
      if (opts.json) return json(i);
      io.stdout(`${done} incident #${i.number}: ${i.title}\n`);
    });
  incident.commands.find((c) => c.name() === 'ack')?.alias('acknowledge');

  const update = incident
    .command('update')
    .description('change title, severity, priority, assignee or roles; `none` clears one')
    .argument('<number>', 'incident number', incidentNumber)
    .option('--title <text>', 'a new title')
    .addOption(new Option('--severity <level>', 'how bad it is').choices(INCIDENT_SEVERITIES))
    .option('--priority <P1..P5|none>', 'how urgent it is', priority);
  for (const who of ['assignee', ...INCIDENT_ROLES] as const)
    update.option(`--${who} <name|none>`, PEOPLE[who]);
  apiOptions(update.option('--json', 'print the incident as JSON')).action(
    async (n: number, opts: ApiFlags & Record<string, string | boolean | undefined>, cmd: Command) => {
      const str = (k: string) => (typeof opts[k] === 'string' ? opts[k] : undefined);
      const orNull = (v: string) => (v === 'none' ? null : v);
      const roles = Object.fromEntries(
        INCIDENT_ROLES.flatMap((r) => (str(r) === undefined ? [] : [[r, orNull(str(r) as string)]])),
      );
      const body = {
        ...(str('title') !== undefined && { title: str('title') }),
        ...(str('severity') !== undefined && { severity: str('severity') }),
        ...(str('priority') !== undefined && { priority: orNull(str('priority') as string) }),
        ...(str('assignee') !== undefined && { assignee: orNull(str('assignee') as string) }),
        ...(Object.keys(roles).length > 0 && { roles }),
      };
      if (Object.keys(body).length === 0)
        cmd.error(
          'error: name something to change: --title, --severity, --priority, --assignee, --commander, --communications or --scribe',
          { exitCode: 2, code: 'nines.nothingToChange' },
        );
      const i = await callApi<Incident>(opts, io, 'PATCH', path(n), body);
      if (opts.json) return json(i);
      const changed = [
        ...(str('title') !== undefined ? [`title "${i.title}"`] : []),
        ...(str('severity') !== undefined ? [`severity ${i.severity}`] : []),
        ...(str('priority') !== undefined ? [`priority ${i.priority ?? 'none'}`] : []),
        ...(str('assignee') !== undefined ? [`assignee ${i.assignee ?? 'none'}`] : []),
        ...INCIDENT_ROLES.filter((r) => str(r) !== undefined).map((r) => `${r} ${i.roles[r] ?? 'none'}`),
      ];
      io.stdout(`updated incident #${i.number}: ${changed.join(', ')}\n`);
    },
  );

  apiOptions(
    incident
      .command('note')
      .description('add a note for responders to the timeline')
      .argument('<number>', 'incident number', incidentNumber)
      .argument('<text...>', 'the note')
      .option('--json', 'print the timeline entry as JSON'),
  ).action(async (n: number, text: string[], opts: ApiFlags & { json?: boolean }) => {
    const entry = await callApi<Entry>(opts, io, 'POST', path(n, '/notes'), { text: text.join(' ') });
    if (opts.json) return json(entry);
    io.stdout(`added a note to incident #${n}\n`);
  });

  apiOptions(
    incident
      .command('status-update')
      .description('post a status update for stakeholders (--public: for the status page)')
      .argument('<number>', 'incident number', incidentNumber)
      .argument('<message...>', 'what stakeholders should know')
      .addOption(new Option('--status <status>', 'where the response stands').choices(STATUS_UPDATE))
      .option('--public', 'meant for the public status page')
      .option('--json', 'print the timeline entry as JSON'),
  ).action(
    async (
      n: number,
      message: string[],
      opts: ApiFlags & { status?: string; public?: boolean; json?: boolean },
    ) => {
      const entry = await callApi<Entry>(opts, io, 'POST', path(n, '/status-updates'), {
        message: message.join(' '),
        public: opts.public === true,
        ...(opts.status !== undefined && { status: opts.status }),
      });
      if (opts.json) return json(entry);
      io.stdout(`posted a ${opts.public ? 'public' : 'internal'} status update on incident #${n}\n`);
    },
  );

  apiOptions(
    incident
      .command('action-item')
      .description('track an action item from the incident')
      .argument('<number>', 'incident number', incidentNumber)
      .argument('<title...>', 'what is to be done')
      .option('--owner <who>', 'who does it')
      .option('--due <YYYY-MM-DD>', 'when it is due', dueDate)
      .option('--json', 'print the action item as JSON'),
  ).action(
    async (n: number, title: string[], opts: ApiFlags & { owner?: string; due?: string; json?: boolean }) => {
      const item = await callApi<ActionItem>(opts, io, 'POST', path(n, '/action-items'), {
        title: title.join(' '),
        ...(opts.owner !== undefined && { owner: opts.owner }),
        ...(opts.due !== undefined && { dueDate: opts.due }),
      });
      if (opts.json) return json(item);
      const about = [
        ...(item.owner === null ? [] : [`owner ${item.owner}`]),
        ...(item.dueDate === null ? [] : [`due ${item.dueDate}`]),
      ];
      io.stdout(
        `added action item ${item.id} to incident #${n}${about.length > 0 ? ` (${about.join(', ')})` : ''}\n`,
      );
    },
  );
}

/** The detail of `nines incident show`, for a person at a terminal. */
export function renderIncident(d: Detail, timeline: readonly Entry[]): string {
  const lines = [`#${d.number} ${d.title}`];
  const when = [
    `opened ${shortTime(d.createdAt)} (${ago(d.createdAt)})`,
    ...(d.acknowledgedAt === null ? [] : [`acknowledged ${shortTime(d.acknowledgedAt)}`]),
    ...(d.resolvedAt === null ? [] : [`resolved ${shortTime(d.resolvedAt)}`]),
  ];
  lines.push(
    `${d.status} · ${d.severity} · priority ${d.priority ?? 'none'} · ${d.alerts} alert${d.alerts === 1 ? '' : 's'} (${d.openAlerts} open)`,
    when.join(' · '),
  );
  const people = [
    ...(d.assignee === null ? [] : [`assignee ${d.assignee}`]),
    ...INCIDENT_ROLES.flatMap((r) => (d.roles[r] === undefined ? [] : [`${r} ${d.roles[r]}`])),
  ];
  if (people.length > 0) lines.push(people.join(' · '));
  if (d.mergedInto !== null) lines.push(`merged into #${d.mergedInto}`);
  lines.push(
    '',
    `suspected cause: ${
      d.suspectedCause === null
        ? `none yet (only journey ${d.subject.name} alerts)`
        : `${d.suspectedCause.service} (${d.suspectedCause.chain.join(' → ')})`
    }`,
    `services: ${none(d.services)}`,
  );
  const { journeys, valueStreams, revenueAtRisk, budgets } = d.impact;
  lines.push(
    `journeys at risk: ${none(journeys.map((j) => `${j.name} (${j.critical ? 'critical' : 'degraded'})`))}`,
    `value streams: ${none(valueStreams.map((v) => v.name))}`,
    `revenue at risk: ${none(
      revenueAtRisk.map(
        (r) => `${r.amount.toLocaleString('en', { maximumFractionDigits: 2 })} ${r.currency} on ${r.journey}`,
      ),
    )}`,
    `budget consumed: ${none(
      budgets.map(
        (b) =>
          `${b.slo} ${(b.consumed * 100).toLocaleString('en', { maximumFractionDigits: 1 })}% (${b.badEvents} bad events)`,
      ),
    )}`,
    '',
    `changes before it:${d.changes.length === 0 ? ' none' : ''}`,
  );
  for (const c of d.changes) {
    const extra = [...(c.author === null ? [] : [c.author]), ...c.links.map((l) => l.href)];
    lines.push(
      `  ${shortTime(c.timestamp)}  ${c.summary}${extra.length > 0 ? `  (${extra.join(', ')})` : ''}`,
    );
  }
  lines.push('', 'timeline:');
  const typeWidth = Math.max(0, ...timeline.map((e) => e.type.length));
  const actorWidth = Math.max(0, ...timeline.map((e) => e.actor.length));
  for (const e of timeline) {
    const [first = '', ...rest] = e.message.split('\n');
    lines.push(`  ${shortTime(e.at)}  ${e.type.padEnd(typeWidth)}  ${e.actor.padEnd(actorWidth)}  ${first}`);
    const indent = ' '.repeat(2 + shortTime(e.at).length + 2 + typeWidth + 2 + actorWidth + 2);
    for (const more of rest) lines.push(`${indent}${more}`);
  }
  return `${lines.join('\n')}\n`;
}

const ESCALATION_STATUS = {
  active: 'active',
  stopped: 'stopped (acknowledged or resolved)',
  exhausted: 'exhausted: nobody acknowledged',
} as const;

/** `nines incident paging`: the escalations of an incident and every notification they made. */
export function renderPaging(n: number, p: Paging): string {
  let out = `paging for incident #${n}\n\n`;
  if (p.escalations.length === 0)
    out += 'no escalation: nobody is paged for it (no escalation policy; see the timeline)\n';
  else
    out += table([
      ['POLICY', 'STATUS', 'NEXT LEVEL', 'ROUND', 'AT'],
      ...p.escalations.map((e) => [
        e.policy,
        ESCALATION_STATUS[e.status] ?? e.status,
        e.status === 'active' ? String(e.level) : '—',
        String(e.round),
        e.nextAt === null ? '—' : shortTime(e.nextAt),
      ]),
    ]);
  out += '\nnotifications:';
  if (p.notifications.length === 0) return `${out} none yet\n`;
  out += `\n${table([
    ['ID', 'USER', 'VIA', 'LEVEL', 'ROUND', 'STATUS', 'ATTEMPTS', 'DUE', 'DELIVERED', 'LAST ERROR'],
    ...p.notifications.map((x) => [
      x.id,
      x.user,
      x.contact === x.channel ? x.channel : `${x.channel} (${x.contact})`,
      String(x.level),
      String(x.round),
      x.status === 'failed' ? '!! failed' : x.status,
      String(x.attempts),
      shortTime(x.dueAt),
      x.deliveredAt === null ? '—' : shortTime(x.deliveredAt),
      x.lastError ?? '',
    ]),
  ])}`;
  const failed = p.notifications.filter((x) => x.status === 'failed');
  if (failed.length > 0)
    out += `\n!! ${failed.length} notification${failed.length === 1 ? '' : 's'} given up: ${[
      ...new Set(failed.map((x) => x.user)),
    ].join(', ')} ${failed.length === 1 ? 'was' : 'were'} not reached that way (escalation went on)\n`;
  return out;
}
