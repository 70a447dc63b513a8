import type { CookieJar } from 'tough-cookie';
import type { Dispatcher } from 'undici';
import type { ProbeRequest, ProbeStep } from '../../catalog/model.js';
import { fillTemplate } from '../../catalog/probe/template.js';
import { timedSignal } from './abort.js';
import { checkExpect, extract, ResponseBody } from './assertions.js';
import { describeError, formatDuration, StepError } from './errors.js';
import { exchange, type HttpProgress, type HttpRequest, type HttpResponse } from './http.js';
import { headerSecrets } from './redact.js';

/** What a step shares with the rest of its run. */
export interface StepContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly vars: Map<string, string>;
  readonly secretVars: Set<string>;
  readonly secrets: Set<string>;
  readonly jar: CookieJar;
  readonly dispatcher: Dispatcher;
  /** Aborts when the run's time is up or the run is cancelled. */
  readonly signal: AbortSignal;
  /** `performance.now()` at which the run's time is up. */
  readonly deadline: number;
  readonly probeTimeoutMs: number;
  readonly maxBodyBytes: number;
}

/** One step's result before redaction; `body` is kept for the snippet of a failing step. */
export interface StepOutcome {
  readonly name: string;
  readonly ok: boolean;
  readonly durationMs: number;
  readonly url?: string;
  readonly status?: number;
  readonly redirects?: number;
  readonly error?: string;
  readonly body?: string;
}

const DEFAULT_HEADERS: Readonly<Record<string, string>> = { 'user-agent': 'nines-probe' };

/**
 * Runs one step of an HTTP journey: fills its templates, sends the request
 * (redirects, cookies, time limit), then extracts and checks. Extracted values
 * are added to `ctx.vars` only when the step passes.
 *
 * @example
 * const outcome = await runHttpStep(probe.check.steps[0], ctx);
 * if (!outcome.ok) console.log(outcome.error); // 'expected status 200-299, got 500'
 */
export async function runHttpStep(step: ProbeStep, ctx: StepContext): Promise<StepOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const fill = (template: string, where: string): string => {
    const r = fillTemplate(template, ctx.vars, ctx.env, ctx.secretVars);
    if (!r.ok) throw new StepError(`${r.error} (${where})`);
    for (const s of r.secrets) ctx.secrets.add(s);
    return r.value;
  };

  let req: HttpRequest;
  try {
    req = buildRequest(step.request, fill);
  } catch (e) {
    return { name: step.name, ok: false, durationMs: elapsed(), error: describeError(e) };
  }
  for (const s of headerSecrets(req.headers)) ctx.secrets.add(s);

  // The request's own limit, unless the run's time runs out first; the message says which.
  const left = ctx.deadline - performance.now();
  const own = step.request.timeoutMs <= left;
  const timer = timedSignal(
    ctx.signal,
    own ? step.request.timeoutMs : left,
    own
      ? `timed out after ${formatDuration(step.request.timeoutMs)}`
      : `probe timed out after ${formatDuration(ctx.probeTimeoutMs)}`,
  );
  const progress: HttpProgress = { url: req.url.href, redirects: 0 };
  const sent = performance.now();
  let answer: HttpResponse;
  try {
    answer = await exchange(
      req,
      {
        dispatcher: ctx.dispatcher,
        jar: ctx.jar,
        signal: timer.signal,
        maxBodyBytes: ctx.maxBodyBytes,
        addSecrets: (values) => {
          for (const v of values) ctx.secrets.add(v);
        },
      },
      progress,
    );
  } catch (e) {
    return { name: step.name, ok: false, durationMs: elapsed(), ...progress, error: describeError(e) };
  } finally {
    timer.dispose();
  }
  const durationMs = performance.now() - sent;

  const body = new ResponseBody(answer.body.toString('utf8'));
  const extracted = extract(step.extract, answer.headers, body);
  for (const s of extracted.secrets) ctx.secrets.add(s);
  let error: string | undefined;
  try {
    error =
      checkExpect(step.expect, { status: answer.status, durationMs, body }, (t) => fill(t, 'contains')) ??
      extracted.error;
  } catch (e) {
    error = describeError(e);
  }
  const result = { name: step.name, durationMs: elapsed(), ...progress, status: answer.status };
  if (error !== undefined) return { ...result, ok: false, error, body: body.text };
  for (const [k, v] of extracted.vars) ctx.vars.set(k, v);
  for (const x of step.extract) if (x.secret) ctx.secretVars.add(x.name);
  return { ...result, ok: true };
}

function buildRequest(r: ProbeRequest, fill: (template: string, where: string) => string): HttpRequest {
  const text = fill(r.url, 'url');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new StepError(`'${text}' is not a valid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new StepError(`'${text}' is not an http(s) URL`);
  const headers: Record<string, string> = { ...DEFAULT_HEADERS };
  for (const [name, value] of Object.entries(r.headers)) headers[name] = fill(value, `header ${name}`);
  return {
    method: r.method.toUpperCase(),
    url,
    headers,
    ...(r.body !== undefined && { body: fill(r.body, 'body') }),
    followRedirects: r.followRedirects,
    maxRedirects: r.maxRedirects,
  };
}
