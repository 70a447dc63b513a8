import { rootCertificates } from 'node:tls';
import { CookieJar } from 'tough-cookie';
import { Agent } from 'undici';
import type { Probe, ProbeStep } from '../../catalog/model.js';
import { fillTemplate } from '../../catalog/probe/template.js';
import { checkCertificate, connectTcp } from './checks.js';
import { describeError, formatDuration, StepError } from './errors.js';
import { missingEnv } from './preflight.js';
import { redact } from './redact.js';
import { runHttpStep, type StepOutcome } from './step.js';

export interface RunOptions {
  /** Where `${env:NAME}` comes from; every value used is a secret. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Cancels the run (shutdown); the run then fails with "run cancelled". */
  readonly signal?: AbortSignal;
  /** Wall clock in epoch ms, default Date.now: `startedAt` and certificate validity. Durations use a monotonic clock. */
  readonly now?: () => number;
  /** Most bytes of a failing step's body kept as its snippet; default 1024. */
  readonly snippetBytes?: number;
  /** Most bytes of a response body read; default 1 MiB. */
  readonly maxBodyBytes?: number;
}

export interface StepResult {
  readonly name: string;
  readonly ok: boolean;
  readonly durationMs: number;
  /** The final URL (after redirects), redacted. */
  readonly url?: string;
  readonly status?: number;
  readonly redirects?: number;
  readonly error?: string;
  /** The start of the failing step's response body, redacted and capped. */
  readonly snippet?: string;
}

export interface ProbeRunResult {
  readonly probe: string;
  readonly startedAt: number;
  readonly durationMs: number;
  readonly ok: boolean;
  readonly failedStep?: string;
  /** `step 'pay': expected status 200-299, got 500`, or a whole-run failure such as the latency limit. */
  readonly error?: string;
  readonly steps: StepResult[];
}

const DEFAULT_SNIPPET_BYTES = 1_024;
const DEFAULT_MAX_BODY_BYTES = 1_048_576;

/**
 * Runs a probe once and says how it went. Never throws: every failure, down
 * to a bug here, becomes a result. The run is bounded by `probe.timeoutMs` and
 * `options.signal`; every text in the result is redacted with the secrets the
 * run used (environment values, secret extractions, credential headers).
 *
 * @example
 * const result = await runProbe(probe, { env: process.env });
 * // { probe: 'checkout', ok: false, failedStep: 'pay', error: "step 'pay': expected status 200-299, got 500", … }
 */
export async function runProbe(probe: Probe, options: RunOptions): Promise<ProbeRunResult> {
  const startedAt = (options.now ?? Date.now)();
  const started = performance.now();
  try {
    return await attempt(probe, options, startedAt, started);
  } catch (e) {
    // Only a bug gets here, possibly in redaction itself: say what broke, never its text.
    return {
      probe: probe.name,
      startedAt,
      durationMs: Math.round(performance.now() - started),
      ok: false,
      error: `internal error in the probe runner (${e instanceof Error ? e.name : typeof e})`,
      steps: [],
    };
  }
}

async function attempt(
  probe: Probe,
  options: RunOptions,
  startedAt: number,
  started: number,
): Promise<ProbeRunResult> {
  const secrets = new Set<string>();
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new StepError(`probe timed out after ${formatDuration(probe.timeoutMs)}`)),
    probe.timeoutMs,
  );
  // A caller's own StepError (its reason) is kept; anything else is a cancellation.
  const onCancel = () => {
    const reason: unknown = options.signal?.reason;
    controller.abort(reason instanceof StepError ? reason : new StepError('run cancelled'));
  };
  if (options.signal?.aborted) onCancel();
  else options.signal?.addEventListener('abort', onCancel, { once: true });

  let outcomes: StepOutcome[];
  let internal: string | undefined;
  try {
    const missing = missingEnv(probe, options.env, secrets);
    outcomes = missing
      ? [{ name: missing.step, ok: false, durationMs: 0, error: missing.error }]
      : await runCheck(probe, options, {
          signal: controller.signal,
          deadline: started + probe.timeoutMs,
          secrets,
        });
  } catch (e) {
    outcomes = [];
    internal = `internal error in the probe runner: ${describeError(e)}`;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onCancel);
  }

  const durationMs = Math.round(performance.now() - started);
  const hide = (text: string) => redact(text, secrets);
  const steps = outcomes.map(({ body, ...o }): StepResult => {
    const r: StepResult = {
      ...o,
      ...(o.url !== undefined && { url: hide(o.url) }),
      ...(o.error !== undefined && { error: hide(o.error) }),
    };
    return body === undefined || body === ''
      ? r
      : { ...r, snippet: snippet(hide(body), options.snippetBytes ?? DEFAULT_SNIPPET_BYTES) };
  });
  const failed = steps.find((s) => !s.ok);
  const error =
    internal ??
    (failed !== undefined
      ? `step '${failed.name}': ${failed.error ?? 'failed'}`
      : probe.latencyMs !== undefined && durationMs > probe.latencyMs
        ? `run took ${durationMs} ms, over the probe's ${formatDuration(probe.latencyMs)} latency limit`
        : undefined);
  return {
    probe: probe.name,
    startedAt,
    durationMs,
    ok: error === undefined,
    ...(failed !== undefined && { failedStep: failed.name }),
    ...(error !== undefined && { error: hide(error) }),
    steps,
  };
}

interface RunState {
  readonly signal: AbortSignal;
  readonly deadline: number;
  readonly secrets: Set<string>;
}

async function runCheck(probe: Probe, options: RunOptions, run: RunState): Promise<StepOutcome[]> {
  const check = probe.check;
  if (check.type === 'http') return runJourney(probe, check.steps, options, run);
  const started = performance.now();
  try {
    const host = fillHost(check.host, options.env, run.secrets);
    if (check.type === 'tcp') {
      await connectTcp(host, check.port, run.signal);
    } else {
      await checkCertificate({
        host,
        port: check.port,
        ...(check.serverName !== undefined && { serverName: check.serverName }),
        minValidityMs: check.minValidityMs,
        ...(probe.tls.ca !== undefined && { ca: probe.tls.ca }),
        signal: run.signal,
        now: options.now ?? Date.now,
      });
    }
    return [{ name: probe.name, ok: true, durationMs: Math.round(performance.now() - started) }];
  } catch (e) {
    return [
      {
        name: probe.name,
        ok: false,
        durationMs: Math.round(performance.now() - started),
        error: describeError(e),
      },
    ];
  }
}

async function runJourney(
  probe: Probe,
  steps: readonly ProbeStep[],
  options: RunOptions,
  run: RunState,
): Promise<StepOutcome[]> {
  // One agent per run, destroyed after it: no connection or TLS session outlives
  // the run, so each run pays for DNS, TCP and TLS as a new customer does.
  const dispatcher = new Agent({
    connect: {
      rejectUnauthorized: !probe.tls.insecure,
      ...(probe.tls.ca !== undefined && { ca: [...rootCertificates, probe.tls.ca] }),
      timeout: probe.timeoutMs,
    },
    // The run's own timers decide; undici's defaults (300 s) would only ever disagree with them.
    headersTimeout: 0,
    bodyTimeout: 0,
  });
  const ctx = {
    env: options.env,
    vars: new Map<string, string>(),
    secretVars: new Set<string>(),
    secrets: run.secrets,
    jar: new CookieJar(),
    dispatcher,
    signal: run.signal,
    deadline: run.deadline,
    probeTimeoutMs: probe.timeoutMs,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
  };
  const outcomes: StepOutcome[] = [];
  try {
    for (const step of steps) {
      const outcome = await runHttpStep(step, ctx);
      outcomes.push(outcome);
      if (!outcome.ok) break;
    }
  } finally {
    await dispatcher.destroy().catch(() => undefined);
  }
  return outcomes;
}

function fillHost(host: string, env: RunOptions['env'], secrets: Set<string>): string {
  const r = fillTemplate(host, new Map(), env);
  if (!r.ok) throw new StepError(`${r.error} (host)`);
  for (const s of r.secrets) secrets.add(s);
  return r.value;
}

/** The first `bytes` bytes of a text, cut on a character boundary and marked when cut. */
function snippet(text: string, bytes: number): string {
  const buf = Buffer.from(text, 'utf8');
  if (buf.length <= bytes) return text;
  // A cut inside a multi-byte character decodes to U+FFFD at the end; drop it.
  return `${buf
    .subarray(0, bytes)
    .toString('utf8')
    .replace(/\uFFFD+$/, '')}…`;
}
