import type { Command } from 'commander';
import { Option } from 'commander';
import { type ApiFlags, apiOptions, callApi, instant } from './api-client.js';
import type { Io } from './io.js';

const CHANGE_TYPES = ['deploy', 'feature-flag', 'config', 'other'] as const;

interface ChangeFlags extends ApiFlags {
  service: string;
  version?: string;
  type?: string;
  author?: string;
  summary?: string;
  link?: string;
  id?: string;
  timestamp?: number;
  json?: boolean;
}

/** What a CI run says about itself: author, run link, run identity and commit. */
interface CiFacts {
  author?: string;
  link?: string;
  id?: string;
  version?: string;
}

/**
 * The change as GitHub Actions or GitLab CI describe it, from their variables.
 * The id names the run, attempt, job and service, so a retried request is
 * stored once while each service a job deploys is recorded.
 */
export function ciFacts(env: Io['env'], service: string): CiFacts {
  const v = (name: string) => (env[name] === undefined || env[name] === '' ? undefined : env[name]);
  const facts: CiFacts = {};
  const set = (key: keyof CiFacts, value: string | undefined) => {
    if (value !== undefined) facts[key] = value;
  };
  if (v('GITHUB_ACTIONS') === 'true') {
    const repo = v('GITHUB_REPOSITORY');
    const run = v('GITHUB_RUN_ID');
    set('author', v('GITHUB_ACTOR'));
    if (repo !== undefined && run !== undefined) {
      set('link', `${v('GITHUB_SERVER_URL') ?? 'https://github.com'}/${repo}/actions/runs/${run}`);
      set(
        'id',
        `github:${repo}:${run}:${v('GITHUB_RUN_ATTEMPT') ?? '1'}:${v('GITHUB_JOB') ?? ''}:${service}`,
      );
    }
    set('version', v('GITHUB_SHA')?.slice(0, 12));
  } else if (v('GITLAB_CI') === 'true') {
    const project = v('CI_PROJECT_PATH');
    const job = v('CI_JOB_ID');
    set('author', v('GITLAB_USER_LOGIN'));
    set('link', v('CI_PIPELINE_URL'));
    if (project !== undefined && job !== undefined) set('id', `gitlab:${project}:${job}:${service}`);
    set('version', v('CI_COMMIT_SHORT_SHA'));
  }
  return facts;
}

/** `nines change record`: tell nines about a deploy, flag flip or config change (from CI or by hand). */
export function registerChange(program: Command, io: Io): void {
  const change = program.command('change').description('record changes (deploys, feature flags, config)');
  apiOptions(
    change
      .command('record')
      .description(
        'record a change on a service; in GitHub Actions or GitLab CI the author, run link, id and version come from the run',
      )
      .requiredOption('--service <name>', 'the catalog service it changed')
      .option('--version <version>', 'what was deployed (in CI: the commit)')
      .addOption(new Option('--type <type>', 'what kind of change (default deploy)').choices(CHANGE_TYPES))
      .option('--author <who>', 'who made it (in CI: the user who ran the pipeline)')
      .option('--summary <text>', 'one line (default: "<type> <service> <version>")')
      .option('--link <url>', 'the pipeline run, pull request or release (in CI: the run)')
      .option(
        '--id <id>',
        'its identity: recorded once however often it is sent (in CI: run, job and service)',
      )
      .option('--timestamp <time>', 'when it happened: RFC 3339, a date or epoch ms (default now)', instant)
      .option('--json', 'print the answer as JSON'),
  ).action(async (opts: ChangeFlags) => {
    const ci = ciFacts(io.env, opts.service);
    const pick = (key: keyof CiFacts) => opts[key] ?? ci[key];
    const body = {
      service: opts.service,
      ...(opts.type !== undefined && { type: opts.type }),
      ...(opts.summary !== undefined && { summary: opts.summary }),
      ...(opts.timestamp !== undefined && { timestamp: opts.timestamp }),
      ...Object.fromEntries(
        (['version', 'author', 'link', 'id'] as const).flatMap((k) => {
          const value = pick(k);
          return value === undefined ? [] : [[k, value]];
        }),
      ),
    };
    const result = await callApi<{ id: string | null; duplicate: boolean }>(
      opts,
      io,
      'POST',
      '/api/v1/changes',
      body,
    );
    if (opts.json) io.stdout(`${JSON.stringify(result)}\n`);
    else io.stdout(result.duplicate ? 'already recorded\n' : `recorded change ${result.id}\n`);
  });
}
