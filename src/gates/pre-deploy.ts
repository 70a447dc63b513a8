import { DateTime } from 'luxon';
import type {
  BudgetAction,
  BudgetRule,
  ErrorBudgetPolicy,
  FreezeWindow,
  Restriction,
} from '../catalog/model.js';

/**
 * Before a deploy: may this release go out now? Error-budget policies of the
 * service and of every journey it serves, open incidents on it, freeze windows.
 * Pure: budgets, incidents and the time are passed in.
 */

export type CheckVerdict = 'pass' | 'warning' | 'fail';

/** How strict each action is; the strictest matching rule wins. */
const STRICTNESS: Record<BudgetAction | 'allow', number> = { allow: 0, warn: 1, override: 2, fixesOnly: 3 };

/** One SLO's budget as it stands. */
export interface BudgetStanding {
  readonly slo: string;
  /** Percentage of the error budget left (may be negative when overspent); undefined without data. */
  readonly remainingPercent: number | undefined;
}

/** What a policy says about one service or journey right now. */
export interface PolicyStanding {
  readonly scope: { readonly type: 'service' | 'journey'; readonly name: string };
  readonly policy?: string;
  readonly action: BudgetAction | 'allow';
  /** The SLO whose budget set the action. */
  readonly slo?: string;
  readonly remainingPercent?: number;
  readonly rule?: BudgetRule;
  /** One sentence: why this action. */
  readonly reason: string;
  readonly budgets: readonly BudgetStanding[];
}

/** One decimal, none when whole: 24.6% is never shown as 25% under a "below 25" rule. */
const fmt = (n: number) => String(Number(n.toFixed(1)));

function matches(rule: BudgetRule, remaining: number): boolean {
  return rule.exhausted ? remaining <= 0 : remaining < rule.belowPercent;
}

/**
 * The action a policy takes for a scope given its SLOs' budgets: the strictest
 * rule matched by any SLO. No policy or no data: releases are allowed.
 *
 * @example
 * policyStanding({ type: 'journey', name: 'pay' }, standard, [{ slo: 'payment-success', remainingPercent: 12 }])
 * // → { action: 'override', reason: "payment-success has 12% of its error budget left; policy 'standard' …" }
 */
export function policyStanding(
  scope: PolicyStanding['scope'],
  policy: ErrorBudgetPolicy | undefined,
  budgets: readonly BudgetStanding[],
): PolicyStanding {
  const base = { scope, budgets, ...(policy && { policy: policy.name }) };
  if (!policy)
    return {
      ...base,
      action: 'allow',
      reason: `no error-budget policy applies to ${scope.type} ${scope.name}`,
    };
  let best: { rule: BudgetRule; slo: string; remaining: number } | undefined;
  for (const b of budgets) {
    if (b.remainingPercent === undefined) continue;
    for (const rule of policy.rules) {
      if (!matches(rule, b.remainingPercent)) continue;
      const stricter =
        !best ||
        STRICTNESS[rule.action] > STRICTNESS[best.rule.action] ||
        (STRICTNESS[rule.action] === STRICTNESS[best.rule.action] && b.remainingPercent < best.remaining);
      if (stricter) best = { rule, slo: b.slo, remaining: b.remainingPercent };
    }
  }
  if (!best) {
    const measured = budgets.filter((b) => b.remainingPercent !== undefined);
    const lowest = measured.reduce<BudgetStanding | undefined>(
      (lo, b) => (lo === undefined || (b.remainingPercent ?? 0) < (lo.remainingPercent ?? 0) ? b : lo),
      undefined,
    );
    return {
      ...base,
      action: 'allow',
      reason:
        budgets.length === 0
          ? `${scope.type} ${scope.name} has no SLO of its own`
          : lowest === undefined
            ? `no SLO of ${scope.type} ${scope.name} has data yet`
            : `every SLO of ${scope.type} ${scope.name} has budget to spend (lowest: ${lowest.slo}, ${fmt(lowest.remainingPercent ?? 0)}% left)`,
    };
  }
  const left =
    best.remaining <= 0
      ? 'has spent its whole error budget'
      : `has ${fmt(best.remaining)}% of its error budget left`;
  const what = ACTION_WORDS[best.rule.action];
  return {
    ...base,
    action: best.rule.action,
    slo: best.slo,
    remainingPercent: best.remaining,
    rule: best.rule,
    reason: `${best.slo} (${scope.type} ${scope.name}) ${left}; policy '${policy.name}': ${what}${best.rule.description ? ` (${best.rule.description})` : ''}`,
  };
}

const ACTION_WORDS: Record<BudgetAction, string> = {
  warn: 'releases go out with a warning',
  override: 'releases need an override with a reason',
  fixesOnly: 'only fixes may ship',
};

/** Whether an instant falls in a freeze, and when that stretch of it ends. */
export function activeFreeze(freeze: FreezeWindow, atMs: number): { endsAt: number } | undefined {
  if (freeze.once) {
    const start = DateTime.fromISO(freeze.once.start, { zone: freeze.timeZone }).toMillis();
    const end = DateTime.fromISO(freeze.once.end, { zone: freeze.timeZone }).toMillis();
    return start <= atMs && atMs < end ? { endsAt: end } : undefined;
  }
  const t = DateTime.fromMillis(atMs, { zone: freeze.timeZone });
  const minute = t.hour * 60 + t.minute;
  for (const w of freeze.weekly) {
    const hit = inWindow(w, t.weekday, minute);
    if (hit !== undefined) {
      const endDay = t.startOf('day').plus({ days: hit });
      const [h, m] = w.end.split(':').map(Number) as [number, number];
      // Wall-clock, not elapsed hours: a day with a DST change has 23 or 25 of them.
      const end = h === 24 ? endDay.plus({ days: 1 }) : endDay.set({ hour: h, minute: m });
      return { endsAt: end.toMillis() };
    }
  }
  return undefined;
}

const minutesOf = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
};

/** Days from today to the window's end when (weekday, minute) is inside it; undefined when outside. */
function inWindow(w: Restriction, weekday: number, minute: number): number | undefined {
  const start = minutesOf(w.start);
  const end = minutesOf(w.end);
  const opensToday = w.days.includes(weekday as Restriction['days'][number]);
  if (end > start) return opensToday && minute >= start && minute < end ? 0 : undefined;
  // Past midnight: opened today (closes tomorrow) or opened yesterday (closes today).
  if (opensToday && minute >= start) return 1;
  const yesterday = (((weekday + 5) % 7) + 1) as Restriction['days'][number];
  if (w.days.includes(yesterday) && minute < end) return 0;
  return undefined;
}

export interface PreDeployCheck {
  readonly check: 'budget' | 'incidents' | 'freeze';
  /** What was checked: `service order`, `journey pay`, `freeze black-friday`. */
  readonly subject: string;
  readonly verdict: CheckVerdict;
  readonly reason: string;
  /** Set when an override with a reason let a failing check pass. */
  readonly overridden?: boolean;
}

export interface PreDeployInput {
  readonly service: string;
  readonly standings: readonly PolicyStanding[];
  /** Open incidents on the service: numbers and titles. */
  readonly openIncidents: readonly { readonly number: number; readonly title: string }[];
  readonly openIncidentsRule: 'fail' | 'warn' | 'ignore';
  readonly freezes: readonly FreezeWindow[];
  readonly atMs: number;
  /** The change is a fix (tagged as such by the pipeline). */
  readonly fix: boolean;
  readonly override?: { readonly reason: string; readonly by?: string };
}

export interface PreDeployResult {
  readonly result: CheckVerdict;
  readonly checks: readonly PreDeployCheck[];
  readonly reasons: readonly string[];
}

const WORST: Record<CheckVerdict, number> = { pass: 0, warning: 1, fail: 2 };

/**
 * The pre-deploy verdict: the worst of its checks. An override (with a reason)
 * lets a release through a policy that asks for one, an open incident and a
 * freeze; only being a fix lets it through a fixes-only policy.
 */
export function preDeploy(input: PreDeployInput): PreDeployResult {
  const checks: PreDeployCheck[] = [];
  /** Passes only because the change is a fix or the gate ignores incidents: said in the reasons too. */
  const exempt = new Set<PreDeployCheck>();
  const exempted = (c: PreDeployCheck) => {
    exempt.add(c);
    return c;
  };
  const by = input.override?.by ? ` by ${input.override.by}` : '';
  const overridden = (reason: string): PreDeployCheck['reason'] =>
    `${reason}; overridden${by}: ${input.override?.reason ?? ''}`;

  for (const s of input.standings) {
    const subject = `${s.scope.type} ${s.scope.name}`;
    const base = { check: 'budget' as const, subject };
    switch (s.action) {
      case 'allow':
        checks.push({ ...base, verdict: 'pass', reason: s.reason });
        break;
      case 'warn':
        checks.push({ ...base, verdict: 'warning', reason: s.reason });
        break;
      case 'override':
        checks.push(
          input.override
            ? { ...base, verdict: 'pass', reason: overridden(s.reason), overridden: true }
            : {
                ...base,
                verdict: 'fail',
                reason: `${s.reason}; pass --override "<reason>" to release anyway`,
              },
        );
        break;
      case 'fixesOnly':
        checks.push(
          input.fix
            ? exempted({ ...base, verdict: 'pass', reason: `${s.reason}; this change is a fix` })
            : { ...base, verdict: 'fail', reason: `${s.reason}; this change is not tagged as a fix (--fix)` },
        );
        break;
    }
  }

  if (input.openIncidentsRule !== 'ignore' && input.openIncidents.length > 0) {
    const list = input.openIncidents.map((i) => `#${i.number} ${i.title}`).join(', ');
    const reason = `${input.openIncidents.length === 1 ? 'an open incident' : `${input.openIncidents.length} open incidents`} on ${input.service}: ${list}`;
    const base = { check: 'incidents' as const, subject: `service ${input.service}` };
    if (input.fix)
      checks.push(exempted({ ...base, verdict: 'pass', reason: `${reason}; this change is a fix` }));
    else if (input.openIncidentsRule === 'warn') checks.push({ ...base, verdict: 'warning', reason });
    else if (input.override)
      checks.push({ ...base, verdict: 'pass', reason: overridden(reason), overridden: true });
    else
      checks.push({
        ...base,
        verdict: 'fail',
        reason: `${reason}; ship fixes only (--fix) or pass --override "<reason>"`,
      });
  } else {
    const check: PreDeployCheck = {
      check: 'incidents',
      subject: `service ${input.service}`,
      verdict: 'pass',
      reason:
        input.openIncidents.length > 0
          ? `open incidents on ${input.service} are ignored by its gate`
          : `no open incident on ${input.service}`,
    };
    checks.push(input.openIncidents.length > 0 ? exempted(check) : check);
  }

  for (const f of input.freezes) {
    const active = activeFreeze(f, input.atMs);
    if (!active) continue;
    const reason = `freeze '${f.name}' until ${new Date(active.endsAt).toISOString()}${f.description ? ` (${f.description})` : ''}`;
    const base = { check: 'freeze' as const, subject: `freeze ${f.name}` };
    if (input.fix && f.allowFixes)
      checks.push(exempted({ ...base, verdict: 'pass', reason: `${reason}; fixes may ship` }));
    else if (input.override)
      checks.push({ ...base, verdict: 'pass', reason: overridden(reason), overridden: true });
    else
      checks.push({
        ...base,
        verdict: 'fail',
        reason: `${reason}; ${f.allowFixes ? 'ship fixes only (--fix) or ' : ''}pass --override "<reason>"`,
      });
  }

  const result = checks.reduce<CheckVerdict>((w, c) => (WORST[c.verdict] > WORST[w] ? c.verdict : w), 'pass');
  const reasons = checks
    .filter((c) => c.verdict !== 'pass' || c.overridden || exempt.has(c))
    .sort((a, b) => WORST[b.verdict] - WORST[a.verdict])
    .map((c) => c.reason);
  if (reasons.length === 0) reasons.push('budgets allow it, no open incident, no freeze');
  return { result, checks, reasons };
}
