/** The service graph: adjacency both ways and what a selection highlights. */
import type { Health, Journey, Service, SloSummary } from '../api/types';
import { worseHealth } from './health';

export interface ServiceGraph {
  /** service → the services it depends on */
  readonly down: ReadonlyMap<string, readonly string[]>;
  /** service → the services that depend on it */
  readonly up: ReadonlyMap<string, readonly string[]>;
}

export function buildGraph(services: readonly Pick<Service, 'name' | 'dependsOn'>[]): ServiceGraph {
  const down = new Map<string, string[]>();
  const up = new Map<string, string[]>();
  for (const s of services) {
    down.set(
      s.name,
      s.dependsOn.map((d) => d.service),
    );
    if (!up.has(s.name)) up.set(s.name, []);
  }
  for (const s of services)
    for (const d of s.dependsOn) {
      const list = up.get(d.service);
      if (list) list.push(s.name);
      else up.set(d.service, [s.name]);
    }
  return { down, up };
}

/** Every node reachable from `start` (not counting the start nodes unless reached again). */
export function reach(
  start: Iterable<string>,
  adjacency: ReadonlyMap<string, readonly string[]>,
): Set<string> {
  const seen = new Set<string>();
  const stack = [...start];
  while (stack.length > 0) {
    const v = stack.pop() as string;
    for (const w of adjacency.get(v) ?? []) {
      if (!seen.has(w)) {
        seen.add(w);
        stack.push(w);
      }
    }
  }
  return seen;
}

export type Selection =
  | { readonly kind: 'service'; readonly name: string }
  | { readonly kind: 'journey'; readonly name: string };

export interface Highlight {
  /** nodes in focus: the selection and what it is connected to */
  readonly nodes: ReadonlySet<string>;
  readonly upstream: ReadonlySet<string>;
  readonly downstream: ReadonlySet<string>;
  /** `from→to` keys of the edges in focus */
  readonly edges: ReadonlySet<string>;
}

export function edgeKey(from: string, to: string): string {
  return `${from}\u0000${to}`;
}

/**
 * What a selection lights up: a service's upstream (who depends on it) and downstream (what it
 * depends on); a journey's step services and everything they depend on.
 */
export function highlightFor(
  selection: Selection,
  graph: ServiceGraph,
  journeys: ReadonlyMap<string, Pick<Journey, 'steps'>>,
): Highlight {
  if (selection.kind === 'service') {
    const upstream = reach([selection.name], graph.up);
    const downstream = reach([selection.name], graph.down);
    upstream.delete(selection.name);
    downstream.delete(selection.name);
    const nodes = new Set([selection.name, ...upstream, ...downstream]);
    const edges = new Set<string>();
    const upSide = new Set([selection.name, ...upstream]);
    const downSide = new Set([selection.name, ...downstream]);
    for (const v of upSide)
      for (const w of graph.down.get(v) ?? []) if (upSide.has(w)) edges.add(edgeKey(v, w));
    for (const v of downSide)
      for (const w of graph.down.get(v) ?? []) if (downSide.has(w)) edges.add(edgeKey(v, w));
    return { nodes, upstream, downstream, edges };
  }
  const journey = journeys.get(selection.name);
  const direct = journey ? journey.steps.flatMap((s) => s.services) : [];
  const nodes = new Set([...direct, ...reach(direct, graph.down)]);
  const edges = new Set<string>();
  for (const v of nodes) for (const w of graph.down.get(v) ?? []) if (nodes.has(w)) edges.add(edgeKey(v, w));
  return { nodes, upstream: new Set(), downstream: nodes, edges };
}

export type NodeHealth = Health | 'none';

/** A service's health: the worst of its own SLOs'; `none` without SLOs. */
export function serviceHealth(
  services: readonly Pick<Service, 'name' | 'slos'>[],
  slos: readonly Pick<SloSummary, 'name' | 'health'>[],
): Map<string, NodeHealth> {
  const byName = new Map(slos.map((s) => [s.name, s.health]));
  const out = new Map<string, NodeHealth>();
  for (const s of services) {
    let h: NodeHealth = 'none';
    for (const name of s.slos) {
      const level = byName.get(name) ?? 'unknown';
      h = h === 'none' ? level : worseHealth(h, level);
    }
    out.set(s.name, h);
  }
  return out;
}
