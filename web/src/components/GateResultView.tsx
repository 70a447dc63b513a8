/** One release-gate result: verdict, reasons, and on demand the checks or objectives behind it. */
import type { GateResult } from '../api/types';
import { formatDateTime, formatPercent } from '../lib/format';
import { Badge, GateBadge } from './Badge';

type Criteria = NonNullable<GateResult['post']>['objectives'][number]['pass'];

/** `a ✓ and b ✗ or c`: the groups of criteria with whether each was met. */
function criteria(list: Criteria): string {
  return list
    .map((group) =>
      group
        .map((c) => `${c.text}${c.met === undefined ? ' (undecided)' : c.met ? ' ✓' : ' ✗'}`)
        .join(' and '),
    )
    .join(' or ');
}

/** The baseline and evaluation windows, the score thresholds and, while undecided, the range. */
function windowsText(post: NonNullable<GateResult['post']>): string {
  const parts = [
    `Baseline ${formatDateTime(post.baseline.from)} – ${formatDateTime(post.baseline.to)}`,
    `evaluation ${formatDateTime(post.evaluation.from)} – ${formatDateTime(post.evaluation.to)}`,
    `pass at ${post.totalScore.pass}%, warning at ${post.totalScore.warning}%`,
  ];
  if (post.scoreRange)
    parts.push(
      `score between ${formatPercent(post.scoreRange.worst, 1)} and ${formatPercent(post.scoreRange.best, 1)}`,
    );
  if (post.pendingUntil) parts.push(`pending until ${formatDateTime(post.pendingUntil)}`);
  return `${parts.join('; ')}.`;
}

export function GateResultView({ gate }: { gate: GateResult }) {
  return (
    <div className="gate" data-testid={`gate-${gate.id}`} data-result={gate.result}>
      <div className="gate-head">
        <GateBadge result={gate.result} />
        <span>
          {gate.stage === 'pre' ? 'Pre-deploy' : 'Post-deploy'}
          {gate.version && (
            <>
              {' '}
              <code>{gate.version}</code>
            </>
          )}
          {gate.score !== undefined && <> · score {formatPercent(gate.score, 1)}</>}
          {gate.final && ' · final'}
          {gate.fix && ' · fix'}
        </span>
        <span className="muted small">
          {formatDateTime(gate.evaluatedAt)} by {gate.requestedBy}
        </span>
      </div>
      {gate.reasons.length > 0 && (
        <ul className="gate-reasons">
          {gate.reasons.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      )}
      {gate.override && (
        <p className="small">
          Overridden by {gate.override.by}: {gate.override.reason}
        </p>
      )}
      {gate.rollback && (
        <p className="small">
          Rollback hook:{' '}
          <Badge
            tone={
              gate.rollback.status === 'delivered'
                ? 'ok'
                : gate.rollback.status === 'failed'
                  ? 'bad'
                  : 'neutral'
            }
          >
            {gate.rollback.status}
          </Badge>{' '}
          {gate.rollback.httpStatus !== null && `HTTP ${gate.rollback.httpStatus}, `}
          {gate.rollback.attempts} attempt{gate.rollback.attempts === 1 ? '' : 's'}
          {gate.rollback.error && ` (${gate.rollback.error})`}
        </p>
      )}
      {(gate.pre || gate.post) && (
        <details className="gate-details">
          <summary>Details</summary>
          {gate.pre && (
            <table className="data-table">
              <caption className="visually-hidden">Pre-deploy checks</caption>
              <thead>
                <tr>
                  <th scope="col">Check</th>
                  <th scope="col">Subject</th>
                  <th scope="col">Verdict</th>
                  <th scope="col">Reason</th>
                </tr>
              </thead>
              <tbody>
                {gate.pre.checks.map((c) => (
                  <tr key={`${c.check}-${c.subject}-${c.reason}`}>
                    <th scope="row">{c.check}</th>
                    <td>{c.subject}</td>
                    <td>
                      <GateBadge result={c.verdict} />
                      {c.overridden && ' (overridden)'}
                    </td>
                    <td>{c.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {gate.post && (
            <>
              <p className="small">{windowsText(gate.post)}</p>
              <table className="data-table">
                <caption className="visually-hidden">Objectives</caption>
                <thead>
                  <tr>
                    <th scope="col">Objective</th>
                    <th scope="col">Verdict</th>
                    <th scope="col" className="num">
                      Value
                    </th>
                    <th scope="col" className="num">
                      Baseline
                    </th>
                    <th scope="col">Pass when</th>
                    <th scope="col">Reason</th>
                  </tr>
                </thead>
                <tbody>
                  {gate.post.objectives.map((o) => (
                    <tr key={o.name}>
                      <th scope="row">
                        {o.displayName ?? o.name}
                        {o.key && <span className="muted"> (key)</span>}
                        <div className="muted small">weight {o.weight}</div>
                      </th>
                      <td>
                        {o.verdict === 'info' ? (
                          <Badge tone="info">Info</Badge>
                        ) : (
                          <GateBadge result={o.verdict} />
                        )}
                      </td>
                      <td className="num">{o.value ?? '—'}</td>
                      <td className="num">{o.baseline ?? '—'}</td>
                      <td>{criteria(o.pass) || '—'}</td>
                      <td>{o.reason}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </details>
      )}
    </div>
  );
}
