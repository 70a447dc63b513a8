import { describe, expect, it } from 'vitest';
import { ConfigError, readServerConfig } from './config.js';

describe('server configuration', () => {
  it('takes flags over environment over defaults', () => {
    const config = readServerConfig({ port: '5000' }, { NINES_PORT: '6000', NINES_HOST: '0.0.0.0' });
    expect(config).toEqual({
      port: 5000,
      host: '0.0.0.0',
      catalog: 'examples/webshop',
      dataDir: './.nines',
      database: undefined,
      logLevel: 'info',
      evaluationInterval: 30,
      maxEventAgeHours: 168,
      retentionDays: 400,
      noDataMinutes: 10,
      bodyLimitMb: 8,
      probeConcurrency: 64,
      probeHistory: 100,
      intakeRate: 1000,
      intakeBurst: 2000,
      groupWindowMinutes: 60,
      changeLookbackHours: 6,
      publicUrl: undefined,
      smtpUrl: undefined,
      smtpFrom: 'nines <nines@localhost>',
      notifyGiveUpMinutes: 60,
      notifyTimeoutSeconds: 10,
      trustProxy: [],
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('never prints a database URL, which may hold a password', () => {
    let error: unknown;
    try {
      readServerConfig({}, { NINES_DATABASE_URL: 'mysql://root:secret@db/nines' });
    } catch (err) {
      error = err;
    }
    expect((error as ConfigError).problems).toEqual([
      'NINES_DATABASE_URL: database must be a postgres:// URL or sqlite:<file>',
    ]);
  });

  it('lists every problem at once, naming where each value came from', () => {
    let error: unknown;
    try {
      readServerConfig({ port: '70000' }, { NINES_LOG_LEVEL: 'loud' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      '--port ("70000"): port must be between 0 and 65535',
      'NINES_LOG_LEVEL ("loud"): logLevel must be one of fatal, error, warn, info, debug, trace, silent',
    ]);
  });

  it('reads trusted proxies as a comma-separated list of addresses and CIDRs', () => {
    expect(readServerConfig({ trustProxy: '127.0.0.1, 10.0.0.0/8,::1' }, {}).trustProxy).toEqual([
      '127.0.0.1',
      '10.0.0.0/8',
      '::1',
    ]);
    expect(readServerConfig({}, { NINES_TRUST_PROXY: 'fd00::/8' }).trustProxy).toEqual(['fd00::/8']);
    let error: unknown;
    try {
      readServerConfig({ trustProxy: '10.0.0.1,proxy.internal,10.0.0.0/33' }, {});
    } catch (err) {
      error = err;
    }
    expect((error as ConfigError).problems).toEqual([
      '--trust-proxy ("10.0.0.1,proxy.internal,10.0.0.0/33"): trustProxy must list IP addresses or CIDRs separated by commas, e.g. 10.0.0.1,10.1.0.0/16',
    ]);
  });
});
