import { describe, expect, it } from 'vitest';
import { redactKeys } from './server.js';

describe('request logs', () => {
  it('never show the integration keys that Alertmanager and Splunk On-Call send in the URL', () => {
    const key = '0123456789abcdef0123456789abcdef';
    expect(redactKeys(`/integrations/alertmanager/${key}`)).toBe('/integrations/alertmanager/[redacted]');
    expect(redactKeys(`/integrations/splunk/${key}/database-team?x=1`)).toBe(
      '/integrations/splunk/[redacted]/database-team?x=1',
    );
    expect(redactKeys('/api/v1/slos/checkout')).toBe('/api/v1/slos/checkout');
  });
});
