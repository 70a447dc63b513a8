import { describe, expect, it } from 'vitest';
import { layoutGraph, longestPathRanks } from './layout';

describe('the map layout', () => {
  it('ranks like dagre: a service one rank before its nearest dependency, cycles ignored', () => {
    const out = new Map([
      ['a', ['b', 'c']],
      ['b', ['c']],
      ['c', ['a']],
    ]);
    const rank = longestPathRanks(['a', 'b', 'c', 'd'], out);
    expect(rank.get('c')).toBe(0);
    expect(rank.get('b')).toBe(-1);
    expect(rank.get('a')).toBe(-2);
    expect(rank.get('d')).toBe(0);
  });

  it('places every node left to right; large graphs route only neighbouring ranks', () => {
    const n = 300;
    const nodes = Array.from({ length: n }, (_, i) => ({ id: `s${i}`, width: 100, height: 30 }));
    const edges = nodes.flatMap((_, i) =>
      [i + 1, i + 7].filter((j) => j < n).map((j) => ({ from: `s${i}`, to: `s${j}` })),
    );
    const layout = layoutGraph({ nodes, edges });
    expect(layout.nodes).toHaveLength(n);
    const x = new Map(layout.nodes.map((p) => [p.id, p.x]));
    for (const e of edges) expect(x.get(e.from) as number).toBeLessThan(x.get(e.to) as number);
    expect(layout.edges.some((e) => e.points === null)).toBe(true);
    expect(layout.edges.some((e) => e.points !== null)).toBe(true);
  });

  it('routes every edge of a small graph', () => {
    const layout = layoutGraph({
      nodes: ['a', 'b', 'c'].map((id) => ({ id, width: 80, height: 30 })),
      edges: [
        { from: 'a', to: 'b' },
        { from: 'a', to: 'c' },
        { from: 'b', to: 'c' },
        { from: 'a', to: 'missing' },
      ],
    });
    expect(layout.edges).toHaveLength(3);
    expect(layout.edges.every((e) => e.points !== null)).toBe(true);
  });
});
