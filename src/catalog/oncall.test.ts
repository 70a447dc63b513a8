import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from './diagnostics.js';
import { loadCatalog } from './load.js';

/** A valid catalog with a schedule and a policy, so each case shows one problem. */
const BASE = `apiVersion: nines/v1
kind: Team
metadata: {name: pay}
spec: {members: [dev], schedule: pay-oncall, escalationPolicy: pay}
---
apiVersion: nines/v1
kind: User
metadata: {name: dev}
spec:
  email: dev@shop.example
  contacts:
    - {type: email, address: dev@shop.example}
    - {type: webhook, name: pager, url: "\${env:PAGER_URL}", secret: "\${env:PAGER_SECRET}"}
  notify: [{after: 0m, via: pager}, {after: 2m, via: email}]
---
apiVersion: nines/v1
kind: User
metadata: {name: ana}
spec: {email: ana@shop.example}
---
apiVersion: nines/v1
kind: Service
metadata: {name: psp}
spec: {owner: pay}
---
apiVersion: nines/v1
kind: Schedule
metadata: {name: pay-oncall}
spec:
  timeZone: Europe/Berlin
  layers:
    - name: weekly
      users: [dev, ana]
      rotation: 1w
      start: 2026-11-02T09:00
      restrictions: [{days: [mon, fri], start: "09:00", end: "17:00"}]
---
apiVersion: nines/v1
kind: EscalationPolicy
metadata: {name: pay}
spec:
  repeat: 2
  levels:
    - escalateAfter: 10m
      targets: [{schedule: pay-oncall}]
    - escalateAfter: 1h
      targets: [{team: pay}, {user: ana}]
`;

function check(text: string): string[] {
  const { diagnostics } = loadCatalog([
    { path: 'base.yaml', text: BASE },
    { path: 'case.yaml', text },
  ]);
  return diagnostics.map(formatDiagnostic);
}

describe('on-call in the catalog', () => {
  it('builds schedules, policies, contacts and rules as written, with defaults', () => {
    const { catalog, diagnostics } = loadCatalog([{ path: 'base.yaml', text: BASE }]);
    expect(diagnostics).toEqual([]);
    expect(catalog.Schedule.get('pay-oncall')).toMatchObject({
      timeZone: 'Europe/Berlin',
      layers: [
        {
          name: 'weekly',
          users: ['dev', 'ana'],
          rotation: { unit: 'weeks', count: 1 },
          start: '2026-11-02T09:00',
          restrictions: [{ days: [1, 5], start: '09:00', end: '17:00' }],
        },
      ],
    });
    expect(catalog.EscalationPolicy.get('pay')).toMatchObject({
      repeat: 2,
      levels: [
        { escalateAfterMs: 600_000, targets: [{ type: 'schedule', name: 'pay-oncall' }] },
        {
          escalateAfterMs: 3_600_000,
          targets: [
            { type: 'team', name: 'pay' },
            { type: 'user', name: 'ana' },
          ],
        },
      ],
    });
    expect(catalog.User.get('dev')?.notify).toEqual([
      { afterMs: 0, via: 'pager' },
      { afterMs: 120_000, via: 'email' },
    ]);
    // No contacts or rules: an email at once.
    expect(catalog.User.get('ana')).toMatchObject({
      contacts: [{ name: 'email', type: 'email', address: 'ana@shop.example' }],
      notify: [{ afterMs: 0, via: 'email' }],
    });
    expect(catalog.Team.get('pay')).toMatchObject({ schedule: 'pay-oncall', escalationPolicy: 'pay' });
  });

  it('names every problem of a schedule with its place', () => {
    expect(
      check(`apiVersion: nines/v1
kind: Schedule
metadata: {name: bad}
spec:
  timeZone: Europe/Berln
  layers:
    - name: a
      users: [dev, nobody]
      rotation: 7x
      start: 2026-13-01T09:00
      restrictions: [{days: [mon, funday], start: "9:00", end: "25:00"}]
`),
    ).toEqual([
      "case.yaml:5:13 spec.timeZone: 'Europe/Berln' is not an IANA time zone; use a name such as Europe/Berlin, America/New_York or UTC",
      "case.yaml:9:17 spec.layers[0].rotation: '7x' is not a rotation length; write whole hours, days or weeks (e.g. 12h, 1d, 3d, 1w)",
      "case.yaml:11:35 spec.layers[0].restrictions[0].days[1]: the text 'funday' is not allowed; use one of: mon, tue, wed, thu, fri, sat, sun",
      "case.yaml:11:51 spec.layers[0].restrictions[0].start: '9:00' is not a time; write HH:mm",
      "case.yaml:11:64 spec.layers[0].restrictions[0].end: '25:00' is not a time; write HH:mm (24:00 for midnight)",
    ]);
  });

  it('refuses a start that does not exist, an end before the start and an empty window', () => {
    expect(
      check(`apiVersion: nines/v1
kind: Schedule
metadata: {name: bad}
spec:
  timeZone: Europe/Berlin
  layers:
    - name: a
      users: [dev, nobody]
      rotation: 1d
      start: 2026-02-30T09:00
      end: 2026-01-01T09:00
      restrictions: [{days: [mon], start: "09:00", end: "09:00"}]
`),
    ).toEqual([
      "case.yaml:8:20 spec.layers[0].users[1]: User 'nobody' is not in the catalog",
      "case.yaml:10:14 spec.layers[0].start: '2026-02-30T09:00' is not a date and time that exists",
      'case.yaml:12:57 spec.layers[0].restrictions[0].end: a window from 09:00 to 09:00 is empty; for a whole day write 00:00 to 24:00',
    ]);
  });

  it('checks policies: targets exist, a team target has a schedule, at most 9 repeats', () => {
    expect(
      check(`apiVersion: nines/v1
kind: Team
metadata: {name: nosched}
---
apiVersion: nines/v1
kind: EscalationPolicy
metadata: {name: bad}
spec:
  repeat: 10
  levels:
    - escalateAfter: 5d
      targets: [{schedule: pay-oncal}, {team: nosched}, {pager: x}]
`),
    ).toEqual([
      'case.yaml:9:11 spec.repeat: repeat is at most 9 (as in PagerDuty)',
      "case.yaml:11:22 spec.levels[0].escalateAfter: '5d' is not a wait; write whole seconds, minutes or hours (e.g. 0m, 30s, 5m, 1h)",
      'case.yaml:12:57 spec.levels[0].targets[2]: a target names exactly one of user, schedule or team, e.g. {schedule: payments-oncall}',
      "case.yaml:12:58 spec.levels[0].targets[2].pager: unknown field 'pager'; allowed here: user, schedule, team",
    ]);
    expect(
      check(`apiVersion: nines/v1
kind: Team
metadata: {name: nosched}
---
apiVersion: nines/v1
kind: EscalationPolicy
metadata: {name: bad}
spec:
  levels:
    - escalateAfter: 5m
      targets: [{schedule: pay-oncal}, {team: nosched}]
`),
    ).toEqual([
      "case.yaml:11:28 spec.levels[0].targets[0].schedule: Schedule 'pay-oncal' is not in the catalog (did you mean 'pay-oncall'?)",
      "case.yaml:11:47 spec.levels[0].targets[1].team: team 'nosched' has no schedule, so it has nobody on call to page; set spec.schedule on the team or target a schedule or user",
    ]);
  });

  it('checks contacts: rules name a contact, names are unique, secrets come from the environment', () => {
    expect(
      check(`apiVersion: nines/v1
kind: User
metadata: {name: eve}
spec:
  email: eve@shop.example
  contacts:
    - {type: slack, url: "https://hooks.slack.com/services/T/B/x"}
    - {type: webhook, name: slack, url: "https://pager.example/hook", secret: hunter2}
  notify: [{after: 1m, via: sms}]
`),
    ).toEqual([
      `case.yaml:7:26 warning: spec.contacts[0].url: a Slack webhook URL is a secret; write \${env:NAME} and set it where nines runs`,
      "case.yaml:8:29 spec.contacts[1].name: a second contact method named 'slack'; give each a distinct name",
      `case.yaml:8:79 warning: spec.contacts[1].secret: a literal secret in the catalog; write \${env:NAME} and set it where nines runs`,
      "case.yaml:9:29 spec.notify[0].via: no contact method named 'sms'; this user has slack",
    ]);
  });
});
