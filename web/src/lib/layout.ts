/**
 * Lays the service graph out left → right with dagre.
 *
 * Dagre turns every edge that spans several ranks into a chain of dummy nodes; on a catalog of
 * 1,000 services that is thousands of dummies and a minute of layout. For large graphs we rank
 * the nodes ourselves (longest path, as dagre would) and give dagre only the edges between
 * neighbouring ranks: the ranks come out the same, dagre orders and places the nodes in about a
 * second, and the longer edges are drawn as curves between the placed nodes.
 */
import dagre from '@dagrejs/dagre';

export interface LayoutInput {
  readonly nodes: readonly { readonly id: string; readonly width: number; readonly height: number }[];
  readonly edges: readonly { readonly from: string; readonly to: string }[];
}

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface PlacedNode {
  readonly id: string;
  /** centre */
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface PlacedEdge {
  readonly from: string;
  readonly to: string;
  /** dagre's route, or null: draw a curve from the source's right side to the target's left */
  readonly points: readonly Point[] | null;
}

export interface Layout {
  readonly width: number;
  readonly height: number;
  readonly nodes: readonly PlacedNode[];
  readonly edges: readonly PlacedEdge[];
}

/** Up to this many nodes dagre gets every edge (and routes each one). */
const ROUTE_ALL_UP_TO = 150;
/** Beyond this, dagre's crossing reduction sweeps are skipped to stay within a few seconds. */
const ORDER_UP_TO = 1500;

const SPACING = { nodesep: 14, ranksep: 70, marginx: 20, marginy: 20 } as const;

/**
 * Longest-path ranks, as dagre's ranker computes them: a service that depends on nothing is 0
 * (rightmost), every other one sits one rank before its nearest dependency. Edges that would
 * close a cycle are ignored.
 */
export function longestPathRanks(
  ids: readonly string[],
  out: ReadonlyMap<string, readonly string[]>,
): Map<string, number> {
  const rank = new Map<string, number>();
  const onStack = new Set<string>();
  for (const root of ids) {
    if (rank.has(root)) continue;
    const stack: { id: string; i: number }[] = [{ id: root, i: 0 }];
    onStack.add(root);
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as { id: string; i: number };
      const next = out.get(top.id) ?? [];
      if (top.i < next.length) {
        const w = next[top.i++] as string;
        if (!rank.has(w) && !onStack.has(w)) {
          onStack.add(w);
          stack.push({ id: w, i: 0 });
        }
        continue;
      }
      let r: number | null = null;
      for (const w of next) {
        const rw = rank.get(w);
        if (rw !== undefined && (r === null || rw - 1 < r)) r = rw - 1;
      }
      rank.set(top.id, r ?? 0);
      onStack.delete(top.id);
      stack.pop();
    }
  }
  return rank;
}

export function layoutGraph(input: LayoutInput): Layout {
  const ids = input.nodes.map((n) => n.id);
  const known = new Set(ids);
  const edges = input.edges.filter((e) => known.has(e.from) && known.has(e.to) && e.from !== e.to);
  const routeAll = input.nodes.length <= ROUTE_ALL_UP_TO;

  let given = edges;
  if (!routeAll) {
    const out = new Map<string, string[]>();
    for (const e of edges) {
      const list = out.get(e.from);
      if (list) list.push(e.to);
      else out.set(e.from, [e.to]);
    }
    const rank = longestPathRanks(ids, out);
    given = edges.filter((e) => (rank.get(e.to) ?? 0) === (rank.get(e.from) ?? 0) + 1);
  }

  const g = new dagre.graphlib.Graph({ multigraph: false });
  const ranker = routeAll ? 'network-simplex' : 'longest-path';
  g.setGraph({ rankdir: 'LR', ranker, ...SPACING });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of input.nodes) g.setNode(n.id, { width: n.width, height: n.height });
  for (const e of given) g.setEdge(e.from, e.to);
  dagre.layout(g, {
    rankdir: 'LR',
    ranker,
    ...SPACING,
    disableOptimalOrderHeuristic: input.nodes.length > ORDER_UP_TO,
  });

  const nodes: PlacedNode[] = input.nodes.map((n) => {
    const placed = g.node(n.id) as { x?: number; y?: number } | undefined;
    return { id: n.id, x: placed?.x ?? 0, y: placed?.y ?? 0, width: n.width, height: n.height };
  });
  const routed = new Set(given.map((e) => `${e.from}\u0000${e.to}`));
  const placedEdges: PlacedEdge[] = edges.map((e) => {
    if (!routed.has(`${e.from}\u0000${e.to}`)) return { from: e.from, to: e.to, points: null };
    const label = g.edge(e.from, e.to) as { points?: Point[] } | undefined;
    return { from: e.from, to: e.to, points: label?.points?.map((p) => ({ x: p.x, y: p.y })) ?? null };
  });
  const graph = g.graph() as { width?: number; height?: number };
  return { width: graph.width ?? 0, height: graph.height ?? 0, nodes, edges: placedEdges };
}
