import { z } from 'zod';
import type { PolicyStanding } from '../gates/pre-deploy.js';
import type { GateReport } from '../gates/report.js';
import type { ObjectiveResult } from '../gates/scoring.js';
import type { RollbackCall } from '../store/gates.js';
import { iso, isoOrNull } from './presenters.js';
import { timestamp } from './schemas.js';

/* Bodies of the release-gate routes (see schemas.ts for the conventions). */

const verdict = z.enum(['pass', 'warning', 'fail', 'inconclusive']);
const span = z.strictObject({ from: timestamp, to: timestamp });
const criterion = z.strictObject({
  text: z.string(),
  target: z
    .number()
    .optional()
    .describe('the value compared with; absent when a relative criterion has no baseline'),
  met: z.boolean().optional().describe('absent when it could not be decided'),
});

export const policyStanding = z.strictObject({
  scope: z.strictObject({ type: z.enum(['service', 'journey']), name: z.string() }),
  policy: z.string().optional().describe('the ErrorBudgetPolicy in force; absent when none applies'),
  action: z
    .enum(['allow', 'warn', 'override', 'fixesOnly'])
    .describe('allow; warn; override: releases need an override with a reason; fixesOnly: only fixes ship'),
  slo: z.string().optional().describe('the SLO whose budget set the action'),
  remainingPercent: z.number().optional(),
  rule: z
    .strictObject({
      belowPercent: z.number(),
      exhausted: z.boolean(),
      action: z.enum(['warn', 'override', 'fixesOnly']),
      description: z.string().optional(),
    })
    .optional(),
  reason: z.string(),
  budgets: z.array(
    z.strictObject({
      slo: z.string(),
      remainingPercent: z.number().nullable().describe('percent of the error budget left; null without data'),
    }),
  ),
});

const rollback = z.strictObject({
  status: z.enum(['pending', 'delivered', 'failed']),
  url: z.string().describe('without its query string'),
  httpStatus: z.number().int().nullable(),
  error: z.string().nullable(),
  attempts: z.number().int(),
  createdAt: timestamp,
  finishedAt: timestamp.nullable(),
});

export const gateReport = z.strictObject({
  id: z.string(),
  service: z.string(),
  version: z.string().nullable(),
  stage: z.enum(['pre', 'post']),
  result: verdict.describe('CLI exit codes: pass 0, fail 1, warning 3, inconclusive 4'),
  score: z.number().optional().describe('post-deploy total score in percent'),
  evaluatedAt: timestamp,
  gate: z.string().optional().describe('the ReleaseGate used; absent when defaults applied'),
  change: z
    .strictObject({
      id: z.string(),
      occurredAt: timestamp,
      summary: z.string(),
      version: z.string().nullable(),
    })
    .optional(),
  fix: z.boolean(),
  override: z.strictObject({ reason: z.string(), by: z.string() }).optional(),
  requestedBy: z.string(),
  final: z.boolean().describe('a post-deploy verdict reached after its window: stored once per change'),
  reasons: z.array(z.string()),
  pre: z
    .strictObject({
      checks: z.array(
        z.strictObject({
          check: z.enum(['budget', 'incidents', 'freeze']),
          subject: z.string(),
          verdict: z.enum(['pass', 'warning', 'fail']),
          reason: z.string(),
          overridden: z.boolean().optional(),
        }),
      ),
      policies: z.array(policyStanding),
    })
    .optional(),
  post: z
    .strictObject({
      baseline: span,
      evaluation: span,
      totalScore: z.strictObject({ pass: z.number(), warning: z.number() }),
      minEvents: z.number().int(),
      objectives: z.array(
        z.strictObject({
          name: z.string(),
          displayName: z.string().optional(),
          verdict: z.enum(['pass', 'warning', 'fail', 'inconclusive', 'info']),
          key: z.boolean(),
          weight: z.number(),
          score: z.number().optional(),
          value: z.number().optional(),
          baseline: z.number().optional(),
          pass: z.array(z.array(criterion)),
          warning: z.array(z.array(criterion)),
          reason: z.string(),
        }),
      ),
      scoreRange: z.strictObject({ worst: z.number(), best: z.number() }).optional(),
      pendingUntil: timestamp.optional().describe('the evaluation window is still running; ask again then'),
    })
    .optional(),
  rollback: rollback.optional().describe('the rollback hook call this change caused'),
});
export type GateReportBody = z.infer<typeof gateReport>;

export const gateResponses = {
  report: gateReport,
  list: z.strictObject({ gates: z.array(gateReport) }),
  policies: z.strictObject({ services: z.array(policyStanding), journeys: z.array(policyStanding) }),
};

const presentObjective = (o: ObjectiveResult) => ({
  ...o,
  pass: o.pass.map((l) => l.map((c) => ({ ...c }))),
  warning: o.warning.map((l) => l.map((c) => ({ ...c }))),
});

export function presentStanding(s: PolicyStanding): z.infer<typeof policyStanding> {
  return {
    scope: { ...s.scope },
    ...(s.policy !== undefined && { policy: s.policy }),
    action: s.action,
    ...(s.slo !== undefined && { slo: s.slo }),
    ...(s.remainingPercent !== undefined && { remainingPercent: s.remainingPercent }),
    ...(s.rule && { rule: { ...s.rule } }),
    reason: s.reason,
    budgets: s.budgets.map((b) => ({ slo: b.slo, remainingPercent: b.remainingPercent ?? null })),
  };
}

export function presentGate(r: GateReport, call?: RollbackCall): GateReportBody {
  return {
    id: r.id,
    service: r.service,
    version: r.version,
    stage: r.stage,
    result: r.result,
    ...(r.score !== undefined && { score: r.score }),
    evaluatedAt: iso(r.evaluatedAt),
    ...(r.gate !== undefined && { gate: r.gate }),
    ...(r.change && { change: { ...r.change, occurredAt: iso(r.change.occurredAt) } }),
    fix: r.fix,
    ...(r.override && { override: { ...r.override } }),
    requestedBy: r.requestedBy,
    final: r.final,
    reasons: [...r.reasons],
    ...(r.pre && {
      pre: { checks: r.pre.checks.map((c) => ({ ...c })), policies: r.pre.policies.map(presentStanding) },
    }),
    ...(r.post && {
      post: {
        baseline: { from: iso(r.post.baseline.from), to: iso(r.post.baseline.to) },
        evaluation: { from: iso(r.post.evaluation.from), to: iso(r.post.evaluation.to) },
        totalScore: { ...r.post.totalScore },
        minEvents: r.post.minEvents,
        objectives: r.post.objectives.map(presentObjective),
        ...(r.post.scoreRange && { scoreRange: { ...r.post.scoreRange } }),
        ...(r.post.pendingUntil !== undefined && { pendingUntil: iso(r.post.pendingUntil) }),
      },
    }),
    ...(call && {
      rollback: {
        status: call.status,
        url: call.url,
        httpStatus: call.httpStatus,
        error: call.error,
        attempts: call.attempts,
        createdAt: iso(call.createdAt),
        finishedAt: isoOrNull(call.finishedAt),
      },
    }),
  };
}
