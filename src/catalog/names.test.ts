import { describe, expect, it } from 'vitest';
import { formatPath } from './diagnostics.js';
import { invalidNames } from './names.js';
import { serviceSpec } from './schema/nines.js';
import { OPENSLO_SPECS } from './schema/openslo.js';

const found = (...args: Parameters<typeof invalidNames>) =>
  invalidNames(...args).map((n) => `${formatPath(n.path)}=${n.value}`);

describe('finding invalid names', () => {
  it('finds names at the paths the schema would report, shorthands expanded', () => {
    expect(
      found(serviceSpec, { owner: 'Shop', dependsOn: ['db', 'Bad_Db', { service: 'x_y' }] }, ['spec']),
    ).toEqual(['spec.owner=Shop', 'spec.dependsOn[1].service=Bad_Db', 'spec.dependsOn[2].service=x_y']);
  });

  it('skips values of the wrong type, which the schema reports', () => {
    expect(found(serviceSpec, { owner: 7, dependsOn: 'db', links: [{ title: 'Bad_Name' }] })).toEqual([]);
  });

  it('follows the union branch a value matches', () => {
    const policy = {
      conditions: [{ conditionRef: 'Fast_Burn' }],
      notificationTargets: [
        { kind: 'AlertNotificationTarget', metadata: { name: 'On_Call' }, spec: { target: 'pd' } },
      ],
    };
    expect(found(OPENSLO_SPECS.AlertPolicy, policy)).toEqual([
      'conditions[0].conditionRef=Fast_Burn',
      'notificationTargets[0].metadata.name=On_Call',
    ]);
  });
});
