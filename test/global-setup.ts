import type { TestProject } from 'vitest/node';
import { ensureAlertmanagerInstalled } from './support/alertmanager.js';
import { ensureChromiumInstalled } from './support/browser.js';
import { startPostgres, type TestPostgres } from './support/postgres.js';
import { ensurePrometheusInstalled } from './support/prometheus.js';

let postgres: TestPostgres | undefined;

/** One PostgreSQL for the whole run; every test creates its own database in it. */
export async function setup(project: TestProject): Promise<void> {
  // Installed once here, not by two test files racing for the package manager.
  ensurePrometheusInstalled();
  await ensureAlertmanagerInstalled();
  ensureChromiumInstalled();
  postgres = await startPostgres();
  project.provide('postgresUrl', postgres.url);
}

export function teardown(): void {
  postgres?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}
