/**
 * Dependency-aware grouping: where a new alert goes. Alerts on the same subject
 * join one open incident; an alert on a service that depends (through
 * `dependsOn`, or as a journey through its steps) on an open incident's
 * suspected cause joins that incident; an alert on a service that an open
 * incident's cause depends on explains it: the service becomes the suspected
 * cause, and every open incident it explains is merged into the oldest one.
 * So the order alerts arrive in does not change the result: a payment-gateway
 * failure ends as one incident naming the gateway, whichever alert came first.
 */
import type { Catalog } from '../catalog/model.js';
import type { Subject } from './types.js';

/** Shortest dependsOn paths between subjects of one catalog. */
export class Topology {
  private readonly edges = new Map<string, readonly string[]>();
  /** Reversed edges: a service → the services that depend on it and the journeys whose steps name it. */
  private readonly up = new Map<string, string[]>();
  private readonly steps = new Map<string, readonly string[]>();
  /**
   * Per service, everything above it: node → the next node on a shortest path
   * down to it (null at the service). Journeys are nodes `journey:<name>`.
   * Kept per cause, of which there are few at a time.
   */
  private readonly above = new Map<string, ReadonlyMap<string, string | null>>();
  /** Per subject, every service below it. */
  private readonly below = new Map<string, ReadonlySet<string>>();

  constructor(catalog: Catalog) {
    const add = (from: string, to: string) => this.up.set(to, [...(this.up.get(to) ?? []), from]);
    for (const s of catalog.Service.values()) {
      this.edges.set(
        s.name,
        s.dependsOn.map((d) => d.service),
      );
      for (const d of s.dependsOn) add(s.name, d.service);
    }
    for (const j of catalog.Journey.values()) {
      const services = [...new Set(j.steps.flatMap((st) => st.services))];
      this.steps.set(j.name, services);
      for (const s of services) add(`journey:${j.name}`, s);
    }
  }

  /**
   * The shortest chain from `from` down to the service `to`, both included; a
   * journey at the head reaches its step services. Undefined when `to` is not
   * below `from`. A subject reaches itself.
   *
   * @example
   * topology.chain({ kind: 'service', name: 'payment' }, 'payment-gateway'); // ['payment', 'payment-gateway']
   */
  chain(from: Subject, to: string): readonly string[] | undefined {
    const tree = this.treeAbove(to);
    const start = from.kind === 'journey' ? `journey:${from.name}` : from.name;
    if (!tree.has(start)) return undefined;
    const path = from.kind === 'journey' ? [from.name] : [];
    for (let n = from.kind === 'journey' ? tree.get(start) : start; n != null; n = tree.get(n)) path.push(n);
    return path;
  }

  /** Whether the service `to` is below `from` (or is it). */
  reaches(from: Subject, to: string): boolean {
    const key = `${from.kind}:${from.name}`;
    let set = this.below.get(key);
    if (!set) {
      const seen = new Set<string>(from.kind === 'service' ? [from.name] : (this.steps.get(from.name) ?? []));
      for (const at of seen) for (const next of this.edges.get(at) ?? []) seen.add(next);
      set = seen;
      if (this.below.size >= 2_000) this.below.clear();
      this.below.set(key, set);
    }
    return set.has(to);
  }

  private treeAbove(to: string): ReadonlyMap<string, string | null> {
    const cached = this.above.get(to);
    if (cached) return cached;
    const next = new Map<string, string | null>([[to, null]]);
    const queue = [to];
    for (let i = 0; i < queue.length; i++) {
      const at = queue[i] as string;
      for (const parent of this.up.get(at) ?? []) {
        if (next.has(parent)) continue;
        next.set(parent, at);
        // Journeys are tops: nothing is above them.
        if (!parent.startsWith('journey:')) queue.push(parent);
      }
    }
    if (this.above.size >= 2_000) this.above.clear();
    this.above.set(to, next);
    return next;
  }
}

/** What grouping needs to know of an open incident. */
export interface GroupingCandidate {
  readonly number: number;
  readonly subject: Subject;
  /** The suspected cause; null while only a journey is known to fail. */
  readonly cause: string | null;
  readonly lastAlertAt: number;
}

export type Placement =
  /** The incident's cause explains the alert; `chain` runs from the alert's subject to that cause. */
  | { readonly kind: 'join'; readonly incident: number; readonly chain: readonly string[] }
  /**
   * The alert's service explains these incidents: it becomes the suspected cause of
   * `into` (the oldest), and the others are merged into it. `chains` runs from each
   * incident's subject down to the new cause.
   */
  | {
      readonly kind: 'explain';
      readonly into: number;
      readonly merge: readonly number[];
      readonly chains: ReadonlyMap<number, readonly string[]>;
    }
  | { readonly kind: 'open' };

const sameSubject = (a: Subject, b: Subject) => a.kind === b.kind && a.name === b.name;

/**
 * Where an alert on `subject` goes among the open incidents whose last alert is
 * within `windowMs` of `nowMs`.
 *
 * @example
 * place({ kind: 'service', name: 'payment' }, [gatewayIncident], topology, now, 3_600_000);
 * // { kind: 'join', incident: 7, chain: ['payment', 'payment-gateway'] }
 */
export function place(
  subject: Subject,
  open: readonly GroupingCandidate[],
  topology: Topology,
  nowMs: number,
  windowMs: number,
): Placement {
  const live = open.filter((c) => c.lastAlertAt >= nowMs - windowMs).sort((a, b) => a.number - b.number);
  // Explained by an incident: the same subject, or a cause below the alert's subject. Nearest cause wins.
  let best: { incident: number; chain: readonly string[] } | undefined;
  for (const c of live) {
    let chain: readonly string[] | undefined;
    if (sameSubject(c.subject, subject)) chain = [subject.name];
    else if (c.cause !== null) chain = topology.chain(subject, c.cause);
    if (chain !== undefined && (best === undefined || chain.length < best.chain.length))
      best = { incident: c.number, chain };
  }
  if (best) return { kind: 'join', ...best };
  if (subject.kind !== 'service') return { kind: 'open' };
  // Explains incidents: the alert's service is below their cause (or their journey).
  const chains = new Map<number, readonly string[]>();
  for (const c of live) {
    const from: Subject = c.cause !== null ? { kind: 'service', name: c.cause } : c.subject;
    if (!topology.reaches(from, subject.name)) continue;
    const chain = topology.chain(c.subject, subject.name);
    if (chain !== undefined) chains.set(c.number, chain);
  }
  const numbers = [...chains.keys()];
  const into = numbers[0];
  if (into === undefined) return { kind: 'open' };
  return { kind: 'explain', into, merge: numbers.slice(1), chains };
}
