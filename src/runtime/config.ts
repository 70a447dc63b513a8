import { isIP } from 'node:net';
import { z } from 'zod';

/** Server settings, from flags first, then NINES_* environment variables, then defaults. */
export interface ServerConfig {
  readonly port: number;
  readonly host: string;
  readonly catalog: string;
  readonly dataDir: string;
  /** postgres://… for PostgreSQL; unset for SQLite under dataDir. */
  readonly database: string | undefined;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Seconds between evaluation ticks. */
  readonly evaluationInterval: number;
  /** Events older than this many hours are rejected. */
  readonly maxEventAgeHours: number;
  /** Days of hourly and daily buckets kept. */
  readonly retentionDays: number;
  /** Minutes without events before an SLI raises a no-data alert. */
  readonly noDataMinutes: number;
  /** Largest request body, in megabytes. */
  readonly bodyLimitMb: number;
  /** Probe runs in flight at once, across all probes. */
  readonly probeConcurrency: number;
  /** Runs kept in each probe's history. */
  readonly probeHistory: number;
  /** Alert intake: events per second each integration key may send on average. */
  readonly intakeRate: number;
  /** Alert intake: events an integration key may send at once above the rate. */
  readonly intakeBurst: number;
  /** An open incident takes related alerts while its last alert is at most this many minutes old. */
  readonly groupWindowMinutes: number;
  /** An incident lists the changes on its services this many hours before it started. */
  readonly changeLookbackHours: number;
  /** Where people reach nines: the base of links in pages and calendar feeds. */
  readonly publicUrl: string | undefined;
  /** SMTP server for email pages, e.g. smtp://user:pass@mail:587; none: email pages fail. */
  readonly smtpUrl: string | undefined;
  readonly smtpFrom: string;
  /** A notification is retried this long before it is given up (the next level still proceeds). */
  readonly notifyGiveUpMinutes: number;
  /** One delivery attempt, all of it. */
  readonly notifyTimeoutSeconds: number;
  /**
   * Reverse proxies (IPs or CIDRs) whose X-Forwarded-For and X-Forwarded-Proto are
   * believed; none by default, so a client cannot pick its own address for the sign-in limit.
   */
  readonly trustProxy: readonly string[];
}

const number = (name: string, min: number, max: number, int = true) => {
  let n = z.coerce.number({ error: `${name} must be a number` });
  if (int) n = n.int({ error: `${name} must be a whole number` });
  return n
    .min(min, { error: `${name} must be between ${min} and ${max}` })
    .max(max, { error: `${name} must be between ${min} and ${max}` });
};

const schema = z.strictObject({
  port: number('port', 0, 65535),
  host: z.string().min(1, { error: 'host must not be empty' }),
  catalog: z.string().min(1, { error: 'catalog must name a directory' }),
  dataDir: z.string().min(1, { error: 'dataDir must name a directory' }),
  database: z
    .string()
    .regex(/^(postgres(ql)?:\/\/|sqlite:)/, { error: 'database must be a postgres:// URL or sqlite:<file>' })
    .optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    error: 'logLevel must be one of fatal, error, warn, info, debug, trace, silent',
  }),
  evaluationInterval: number('evaluationInterval', 1, 3600),
  maxEventAgeHours: number('maxEventAgeHours', 1, 24 * 400),
  retentionDays: number('retentionDays', 1, 3660),
  noDataMinutes: number('noDataMinutes', 1, 24 * 60),
  bodyLimitMb: number('bodyLimitMb', 1, 1024),
  probeConcurrency: number('probeConcurrency', 1, 1024),
  probeHistory: number('probeHistory', 1, 10_000),
  intakeRate: number('intakeRate', 1, 1_000_000),
  intakeBurst: number('intakeBurst', 1, 10_000_000),
  groupWindowMinutes: number('groupWindowMinutes', 1, 7 * 24 * 60),
  changeLookbackHours: number('changeLookbackHours', 1, 30 * 24),
  publicUrl: z
    .url({ protocol: /^https?$/, error: 'publicUrl must be an http(s) URL, e.g. https://nines.example.com' })
    .optional(),
  smtpUrl: z
    .url({
      protocol: /^smtps?$/,
      error: 'smtpUrl must be smtp:// or smtps://, e.g. smtp://mail.internal:587',
    })
    .optional(),
  smtpFrom: z.string().min(3, { error: 'smtpFrom must be an address, e.g. nines <pager@example.com>' }),
  notifyGiveUpMinutes: number('notifyGiveUpMinutes', 1, 7 * 24 * 60),
  notifyTimeoutSeconds: number('notifyTimeoutSeconds', 1, 120),
  trustProxy: z
    .string()
    .transform((list) =>
      list
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry !== ''),
    )
    .refine((entries) => entries.every(isAddressOrCidr), {
      error: 'trustProxy must list IP addresses or CIDRs separated by commas, e.g. 10.0.0.1,10.1.0.0/16',
    }),
});

/** An IPv4 or IPv6 address, optionally with a /prefix that fits it. */
function isAddressOrCidr(entry: string): boolean {
  const [address = '', prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
}

type Key = keyof ServerConfig;

const ENV: Record<Key, string> = {
  port: 'NINES_PORT',
  host: 'NINES_HOST',
  catalog: 'NINES_CATALOG',
  dataDir: 'NINES_DATA_DIR',
  database: 'NINES_DATABASE_URL',
  logLevel: 'NINES_LOG_LEVEL',
  evaluationInterval: 'NINES_EVALUATION_INTERVAL',
  maxEventAgeHours: 'NINES_MAX_EVENT_AGE_HOURS',
  retentionDays: 'NINES_RETENTION_DAYS',
  noDataMinutes: 'NINES_NO_DATA_MINUTES',
  bodyLimitMb: 'NINES_BODY_LIMIT_MB',
  probeConcurrency: 'NINES_PROBE_CONCURRENCY',
  probeHistory: 'NINES_PROBE_HISTORY',
  intakeRate: 'NINES_INTAKE_RATE',
  intakeBurst: 'NINES_INTAKE_BURST',
  groupWindowMinutes: 'NINES_GROUP_WINDOW_MINUTES',
  changeLookbackHours: 'NINES_CHANGE_LOOKBACK_HOURS',
  publicUrl: 'NINES_PUBLIC_URL',
  smtpUrl: 'NINES_SMTP_URL',
  smtpFrom: 'NINES_SMTP_FROM',
  notifyGiveUpMinutes: 'NINES_NOTIFY_GIVE_UP_MINUTES',
  notifyTimeoutSeconds: 'NINES_NOTIFY_TIMEOUT_SECONDS',
  trustProxy: 'NINES_TRUST_PROXY',
};

const DEFAULTS: Record<Key, string | undefined> = {
  port: '4000',
  host: '127.0.0.1',
  catalog: 'examples/webshop',
  dataDir: './.nines',
  database: undefined,
  logLevel: 'info',
  evaluationInterval: '30',
  maxEventAgeHours: '168',
  retentionDays: '400',
  noDataMinutes: '10',
  bodyLimitMb: '8',
  probeConcurrency: '64',
  probeHistory: '100',
  intakeRate: '1000',
  intakeBurst: '2000',
  groupWindowMinutes: '60',
  changeLookbackHours: '6',
  publicUrl: undefined,
  smtpUrl: undefined,
  smtpFrom: 'nines <nines@localhost>',
  notifyGiveUpMinutes: '60',
  notifyTimeoutSeconds: '10',
  trustProxy: '',
};

export const CONFIG_ENV = ENV;

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const flagName = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/**
 * Reads the server configuration and lists every problem at once; the result is
 * frozen. Secrets in a database URL never appear in a message.
 *
 * @example
 * readServerConfig({ port: '8080' }, process.env) // { port: 8080, host: '127.0.0.1', ... }
 */
export function readServerConfig(
  flags: Partial<Record<Key, string | undefined>>,
  env: Readonly<Record<string, string | undefined>>,
): ServerConfig {
  const raw: Record<string, string> = {};
  const origin: Record<string, string> = {};
  for (const key of Object.keys(ENV) as Key[]) {
    const flag = flags[key];
    const fromEnv = env[ENV[key]];
    const value = flag ?? (fromEnv !== undefined && fromEnv !== '' ? fromEnv : DEFAULTS[key]);
    if (value === undefined) continue;
    raw[key] = value;
    origin[key] =
      flag !== undefined ? flagName(key) : fromEnv !== undefined && fromEnv !== '' ? ENV[key] : 'default';
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const key = String(i.path[0]);
        // URLs that may hold a password are never printed.
        const shown = key === 'database' || key === 'smtpUrl' ? '' : ` (${JSON.stringify(raw[key])})`;
        return `${origin[key] ?? key}${shown}: ${i.message}`;
      }),
    );
  }
  return Object.freeze({
    ...parsed.data,
    database: parsed.data.database,
    publicUrl: parsed.data.publicUrl,
    smtpUrl: parsed.data.smtpUrl,
    trustProxy: Object.freeze(parsed.data.trustProxy),
  });
}
