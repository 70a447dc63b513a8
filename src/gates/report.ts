import type { PolicyStanding, PreDeployCheck } from './pre-deploy.js';
import type { GateVerdict, ObjectiveResult } from './scoring.js';

/** What a gate evaluation found: stored, returned by the API, printed by `nines gate check`. */
export interface GateReport {
  readonly id: string;
  readonly service: string;
  readonly version: string | null;
  readonly stage: 'pre' | 'post';
  readonly result: GateVerdict;
  /** Post-deploy: the total score in percent, when it could be computed. */
  readonly score?: number;
  readonly evaluatedAt: number;
  /** The ReleaseGate used; none when the service has no gate (defaults apply). */
  readonly gate?: string;
  /** The change the post-deploy analysis follows. */
  readonly change?: {
    readonly id: string;
    readonly occurredAt: number;
    readonly summary: string;
    readonly version: string | null;
  };
  readonly fix: boolean;
  readonly override?: { readonly reason: string; readonly by: string };
  /** Token name, or `nines` for the automatic post-deploy analysis. */
  readonly requestedBy: string;
  /** A post-deploy verdict reached after the evaluation window ended; stored once per change. */
  readonly final: boolean;
  /** Human sentences, most important first. */
  readonly reasons: readonly string[];
  readonly pre?: {
    readonly checks: readonly PreDeployCheck[];
    readonly policies: readonly PolicyStanding[];
  };
  readonly post?: {
    readonly baseline: { readonly from: number; readonly to: number };
    readonly evaluation: { readonly from: number; readonly to: number };
    readonly totalScore: { readonly pass: number; readonly warning: number };
    readonly minEvents: number;
    readonly objectives: readonly ObjectiveResult[];
    readonly scoreRange?: { readonly worst: number; readonly best: number };
    /** While the evaluation window runs: when to ask again. */
    readonly pendingUntil?: number;
  };
}
