import type { Probe, ProbeCheck } from '../../catalog/model.js';
import { templateRefs } from '../../catalog/probe/template.js';

export interface MissingEnv {
  /** The first step that needs it. */
  readonly step: string;
  readonly error: string;
}

/**
 * Finds the first step that needs an environment variable that is not set,
 * before anything is sent: a journey that would fail at its third step must
 * not place the order of its first two. Every value that is set is added to
 * `secrets`, so it is redacted even where it shows up before its step runs.
 *
 * @example
 * missingEnv(probe, {}, secrets);
 * // { step: 'pay', error: 'environment variable PAY_TOKEN is not set (header authorization)' }
 */
export function missingEnv(
  probe: Probe,
  env: Readonly<Record<string, string | undefined>>,
  secrets: Set<string>,
): MissingEnv | undefined {
  let missing: MissingEnv | undefined;
  for (const { step, where, text } of templates(probe.name, probe.check)) {
    for (const ref of templateRefs(text).refs) {
      if (ref.kind !== 'env') continue;
      const value = env[ref.name];
      if (value !== undefined && value !== '') secrets.add(value);
      if (value === undefined && missing === undefined) {
        missing = { step, error: `environment variable ${ref.name} is not set (${where})` };
      }
    }
  }
  return missing;
}

/** Every template of a check, with the step it belongs to and where in it. */
function* templates(
  probeName: string,
  check: ProbeCheck,
): Generator<{ step: string; where: string; text: string }> {
  if (check.type !== 'http') {
    yield { step: probeName, where: 'host', text: check.host };
    return;
  }
  for (const s of check.steps) {
    yield { step: s.name, where: 'url', text: s.request.url };
    for (const [name, value] of Object.entries(s.request.headers)) {
      yield { step: s.name, where: `header ${name}`, text: value };
    }
    if (s.request.body !== undefined) yield { step: s.name, where: 'body', text: s.request.body };
    for (const a of s.expect.body) {
      if (a.type === 'contains') yield { step: s.name, where: 'contains', text: a.text };
    }
  }
}
