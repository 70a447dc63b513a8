import { z } from 'zod';

/** Server settings, from flags first, then NINES_* environment variables, then defaults. */
export interface ServerConfig {
  readonly port: number;
  readonly host: string;
  readonly catalog: string;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

const schema = z.strictObject({
  port: z.coerce
    .number({ error: 'port must be a number' })
    .int({ error: 'port must be a whole number' })
    .min(0, { error: 'port must be between 0 and 65535' })
    .max(65535, { error: 'port must be between 0 and 65535' }),
  host: z.string().min(1, { error: 'host must not be empty' }),
  catalog: z.string().min(1, { error: 'catalog must name a directory' }),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    error: 'logLevel must be one of fatal, error, warn, info, debug, trace, silent',
  }),
});

const ENV: Record<keyof ServerConfig, string> = {
  port: 'NINES_PORT',
  host: 'NINES_HOST',
  catalog: 'NINES_CATALOG',
  logLevel: 'NINES_LOG_LEVEL',
};

const DEFAULTS: Record<keyof ServerConfig, string> = {
  port: '4000',
  host: '127.0.0.1',
  catalog: 'examples/webshop',
  logLevel: 'info',
};

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/**
 * Reads the server configuration and lists every problem at once; the result is frozen.
 *
 * @example
 * readServerConfig({ port: '8080' }, process.env) // { port: 8080, host: '127.0.0.1', ... }
 */
export function readServerConfig(
  flags: Partial<Record<keyof ServerConfig, string | undefined>>,
  env: Readonly<Record<string, string | undefined>>,
): ServerConfig {
  const raw: Record<string, string> = {};
  const origin: Record<string, string> = {};
  for (const key of Object.keys(ENV) as (keyof ServerConfig)[]) {
    const flag = flags[key];
    const fromEnv = env[ENV[key]];
    if (flag !== undefined) {
      raw[key] = flag;
      origin[key] = `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    } else if (fromEnv !== undefined && fromEnv !== '') {
      raw[key] = fromEnv;
      origin[key] = ENV[key];
    } else {
      raw[key] = DEFAULTS[key];
      origin[key] = 'default';
    }
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const key = String(i.path[0]);
        return `${origin[key] ?? key} (${JSON.stringify(raw[key])}): ${i.message}`;
      }),
    );
  }
  return Object.freeze(parsed.data);
}
