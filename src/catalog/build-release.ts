import { DateTime } from 'luxon';
import type { z } from 'zod';
import { type Criterion, parseCriterion } from '../gates/criteria.js';
import type { Reference } from './declared.js';
import type { Diagnostic } from './diagnostics.js';
import { parseDuration } from './duration.js';
import type {
  AnalysisObjective,
  BudgetRule,
  ErrorBudgetPolicy,
  FreezeWindow,
  GateMetric,
  Meta,
  ReleaseGate,
  Weekday,
} from './model.js';
import { ENV_REF, WEEKDAYS } from './schema/oncall.js';
import type { errorBudgetPolicySpec, releaseGateSpec } from './schema/release.js';
import type { Path, SourceDocument } from './source.js';

const MINUTE = 60_000;

/** Minute counts are kept 12 hours (runtime/maintenance.ts): the whole analysis must fit. */
const MAX_ANALYSIS_SPAN_MS = 12 * 60 * MINUTE;

/** Defaults of a post-deploy analysis, as documented in docs/catalog.md. */
export const ANALYSIS_DEFAULTS = {
  delayMs: 0,
  windowMs: 30 * MINUTE,
  baselineMs: 120 * MINUTE,
  minEvents: 50,
  totalScore: { pass: 90, warning: 75 },
} as const;

/** Rules as written; the strictest one that matches applies. */
export function buildErrorBudgetPolicy(
  meta: Meta,
  s: z.infer<typeof errorBudgetPolicySpec>,
): ErrorBudgetPolicy {
  return {
    kind: 'ErrorBudgetPolicy',
    ...meta,
    default: s.default ?? false,
    rules: s.rules.map(
      (r): BudgetRule => ({
        belowPercent: r.budgetBelow ?? 0,
        exhausted: r.budgetExhausted === true,
        action: r.action,
        ...(r.description !== undefined && { description: r.description }),
      }),
    ),
  };
}

type CriteriaSpec = readonly string[] | readonly { readonly criteria: readonly string[] }[];

/** Keptn's two forms: one AND list of strings, or OR entries each with an AND list. */
function buildCriteria(
  spec: CriteriaSpec | undefined,
  at: Path,
  doc: SourceDocument,
  diagnostics: Diagnostic[],
): Criterion[][] {
  if (spec === undefined) return [];
  const lists: { texts: readonly string[]; path: Path }[] = spec.every((c) => typeof c === 'string')
    ? [{ texts: spec as readonly string[], path: at }]
    : (spec as readonly { criteria: readonly string[] }[]).map((c, i) => ({
        texts: c.criteria,
        path: [...at, i, 'criteria'],
      }));
  return lists.map(({ texts, path }) =>
    texts.flatMap((text, k) => {
      const parsed = parseCriterion(text);
      if (parsed.ok) return [parsed.criterion];
      diagnostics.push(doc.diagnostic('invalid-value', [...path, k], parsed.message));
      return [];
    }),
  );
}

function wallClock(text: string, zone: string): DateTime | undefined {
  const t = DateTime.fromISO(text, { zone });
  return t.isValid ? t : undefined;
}

export function buildReleaseGate(
  meta: Meta,
  s: z.infer<typeof releaseGateSpec>,
  doc: SourceDocument,
  diagnostics: Diagnostic[],
  refs: Reference[],
): ReleaseGate {
  const freezes: FreezeWindow[] = [];
  const freezeNames = new Set<string>();
  (s.freezes ?? []).forEach((f, i) => {
    const at: Path = ['spec', 'freezes', i];
    if (freezeNames.has(f.name))
      diagnostics.push(doc.diagnostic('invalid-value', [...at, 'name'], `a second freeze named '${f.name}'`));
    freezeNames.add(f.name);
    if (f.start !== undefined && f.end !== undefined) {
      const start = wallClock(f.start, f.timeZone);
      const end = wallClock(f.end, f.timeZone);
      if (!start)
        diagnostics.push(
          doc.diagnostic('invalid-value', [...at, 'start'], `'${f.start}' is not a time that exists`),
        );
      if (!end)
        diagnostics.push(
          doc.diagnostic('invalid-value', [...at, 'end'], `'${f.end}' is not a time that exists`),
        );
      if (start && end && end <= start)
        diagnostics.push(doc.diagnostic('invalid-value', [...at, 'end'], 'a freeze ends after it starts'));
    }
    (f.weekly ?? []).forEach((w, j) => {
      if (w.start === w.end)
        diagnostics.push(
          doc.diagnostic(
            'invalid-value',
            [...at, 'weekly', j, 'end'],
            `a window from ${w.start} to ${w.end} is empty; for a whole day write 00:00 to 24:00`,
          ),
        );
    });
    freezes.push({
      name: f.name,
      ...(f.description !== undefined && { description: f.description }),
      timeZone: f.timeZone,
      ...(f.start !== undefined && f.end !== undefined && { once: { start: f.start, end: f.end } }),
      weekly: (f.weekly ?? []).map((w) => ({
        days: [...new Set(w.days.map((d) => (WEEKDAYS.indexOf(d) + 1) as Weekday))],
        start: w.start,
        end: w.end,
      })),
      allowFixes: f.allowFixes ?? true,
    });
  });

  const a = s.analysis ?? {};
  const totalScore = a.totalScore ?? ANALYSIS_DEFAULTS.totalScore;
  if (totalScore.warning > totalScore.pass)
    diagnostics.push(
      doc.diagnostic(
        'invalid-value',
        ['spec', 'analysis', 'totalScore', 'warning'],
        `the warning threshold (${totalScore.warning}%) is above the pass threshold (${totalScore.pass}%)`,
      ),
    );
  const objectives: AnalysisObjective[] = [];
  const names = new Set<string>();
  (a.objectives ?? []).forEach((o, i) => {
    const at: Path = ['spec', 'analysis', 'objectives', i];
    if ((o.slo === undefined) === (o.sli === undefined)) {
      diagnostics.push(
        doc.diagnostic(
          'invalid-value',
          at,
          'an objective measures one SLO (slo: <name>) or one SLI (sli: <name>); name exactly one',
        ),
      );
      return;
    }
    if (o.metric === 'burnRate' && o.slo === undefined) {
      diagnostics.push(
        doc.diagnostic(
          'invalid-value',
          [...at, 'metric'],
          'burnRate needs an SLO (its target); write slo: <name>',
        ),
      );
      return;
    }
    if (o.slo !== undefined) refs.push({ kind: 'SLO', name: o.slo, path: [...at, 'slo'] });
    if (o.sli !== undefined) refs.push({ kind: 'SLI', name: o.sli, path: [...at, 'sli'] });
    const name = `${o.slo ?? o.sli}/${o.metric}`;
    if (names.has(name))
      diagnostics.push(doc.diagnostic('invalid-value', [...at, 'metric'], `a second objective on ${name}`));
    names.add(name);
    const pass = buildCriteria(o.pass, [...at, 'pass'], doc, diagnostics);
    if (o.warning !== undefined && o.pass === undefined)
      diagnostics.push(
        doc.diagnostic('invalid-value', [...at, 'warning'], 'warning criteria need pass criteria as well'),
      );
    objectives.push({
      name,
      ...(o.displayName !== undefined && { displayName: o.displayName }),
      ...(o.slo !== undefined && { slo: o.slo }),
      ...(o.sli !== undefined && { sli: o.sli }),
      metric: o.metric as GateMetric,
      key: o.key ?? false,
      weight: o.weight ?? 1,
      pass,
      warning: buildCriteria(o.warning, [...at, 'warning'], doc, diagnostics),
    });
  });
  const duration = (text: string | undefined, fallback: number) =>
    text === undefined ? fallback : (parseDuration(text) ?? fallback);
  const windowMs = duration(a.window, ANALYSIS_DEFAULTS.windowMs);
  if (windowMs === 0)
    diagnostics.push(
      doc.diagnostic(
        'invalid-window',
        ['spec', 'analysis', 'window'],
        'an evaluation window is longer than 0',
      ),
    );
  const baselineMs = duration(a.baseline, ANALYSIS_DEFAULTS.baselineMs);
  if (baselineMs === 0)
    diagnostics.push(
      doc.diagnostic('invalid-window', ['spec', 'analysis', 'baseline'], 'a baseline is longer than 0'),
    );
  const delayMs = duration(a.delay, ANALYSIS_DEFAULTS.delayMs);
  if (baselineMs + delayMs + windowMs > MAX_ANALYSIS_SPAN_MS)
    diagnostics.push(
      doc.diagnostic(
        'invalid-window',
        ['spec', 'analysis'],
        'baseline + delay + window is more than 12h; counts per minute are kept 12 hours, so the baseline would be gone when the window ends',
      ),
    );
  if (s.rollback !== undefined && !ENV_REF.test(s.rollback.secret))
    diagnostics.push(
      doc.diagnostic(
        'suspicious',
        ['spec', 'rollback', 'secret'],
        `a literal secret in the catalog; write \${env:NAME} and set it where nines runs`,
        { severity: 'warning' },
      ),
    );
  return {
    kind: 'ReleaseGate',
    ...meta,
    default: s.default ?? false,
    openIncidents: s.openIncidents ?? 'fail',
    freezes,
    analysis: {
      delayMs,
      windowMs,
      baselineMs,
      minEvents: a.minEvents ?? ANALYSIS_DEFAULTS.minEvents,
      totalScore,
      objectives,
    },
    ...(s.rollback !== undefined && { rollback: { url: s.rollback.url, secret: s.rollback.secret } }),
  };
}
