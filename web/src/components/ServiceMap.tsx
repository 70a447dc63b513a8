/**
 * The service map: dagre's layout drawn as plain SVG. Nodes are buttons (click, Enter or Space
 * selects); the view pans by dragging and zooms with the wheel or the buttons, and starts
 * fitted to the screen. Nodes and edges are memoised, so a selection re-renders only what
 * changes look.
 */
import { type KeyboardEvent, memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { edgeKey, type Highlight, type NodeHealth } from '../lib/graph';
import { healthGlyph, healthLabel } from '../lib/health';
import type { Layout, PlacedEdge, PlacedNode } from '../lib/layout';

interface View {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/** What is not lit is dimmed by one class on the SVG, so a selection re-renders only what it lights. */
type NodeState = 'selected' | 'lit' | 'plain';

const MARGIN = 20;
const CHAR_WIDTH = 7.2;

/** Node sizes for the layout: wide enough for the name, within limits. */
export function nodeSize(name: string): { width: number; height: number } {
  return { width: Math.max(90, Math.min(220, Math.round(name.length * CHAR_WIDTH + 34))), height: 34 };
}

function fitView(layout: Layout): View {
  return {
    x: -MARGIN,
    y: -MARGIN,
    w: Math.max(layout.width, 200) + 2 * MARGIN,
    h: Math.max(layout.height, 120) + 2 * MARGIN,
  };
}

function edgePath(e: PlacedEdge, from: PlacedNode, to: PlacedNode): string {
  if (e.points && e.points.length > 1) {
    const [first, ...rest] = e.points;
    return `M${first?.x},${first?.y}${rest.map((p) => `L${p.x},${p.y}`).join('')}`;
  }
  const x1 = from.x + from.width / 2;
  const x2 = to.x - to.width / 2;
  const dx = Math.max(40, (x2 - x1) / 2);
  return `M${x1},${from.y}C${x1 + dx},${from.y} ${x2 - dx},${to.y} ${x2},${to.y}`;
}

function label(name: string, width: number): string {
  const max = Math.floor((width - 34) / CHAR_WIDTH);
  return name.length > max ? `${name.slice(0, Math.max(1, max - 1))}…` : name;
}

/** Up to this many services the map stays fitted whatever is selected. */
const SMALL_MAP = 60;
/** Zooming to a selection never goes closer than this many units across. */
const MIN_FOCUS_WIDTH = 900;

/** The view around some nodes, with a margin, at least MIN_FOCUS_WIDTH wide. */
function boundsOf(nodes: readonly PlacedNode[]): View | null {
  if (nodes.length === 0) return null;
  let x1 = Number.POSITIVE_INFINITY;
  let y1 = Number.POSITIVE_INFINITY;
  let x2 = Number.NEGATIVE_INFINITY;
  let y2 = Number.NEGATIVE_INFINITY;
  for (const n of nodes) {
    x1 = Math.min(x1, n.x - n.width / 2);
    y1 = Math.min(y1, n.y - n.height / 2);
    x2 = Math.max(x2, n.x + n.width / 2);
    y2 = Math.max(y2, n.y + n.height / 2);
  }
  const w = Math.max(x2 - x1 + 2 * MARGIN, MIN_FOCUS_WIDTH);
  const h = Math.max(y2 - y1 + 2 * MARGIN, MIN_FOCUS_WIDTH / 2);
  return { x: (x1 + x2) / 2 - w / 2, y: (y1 + y2) / 2 - h / 2, w, h };
}

export function healthWords(h: NodeHealth): string {
  return h === 'none' ? 'No SLO' : healthLabel(h);
}

export function ServiceMap({
  layout,
  health,
  softEdges,
  highlight,
  selected,
  focusKey,
  onSelect,
}: {
  layout: Layout;
  health: ReadonlyMap<string, NodeHealth>;
  /** edges through non-critical dependencies (drawn dashed) */
  softEdges: ReadonlySet<string>;
  highlight: Highlight | null;
  selected: string | null;
  /** changes when the user selects something else: the view then moves to it */
  focusKey: string | null;
  onSelect: (service: string) => void;
}) {
  const svg = useRef<SVGSVGElement>(null);
  const [view, setView] = useState<View>(() => fitView(layout));
  const drag = useRef<{ x: number; y: number; view: View; id: number } | null>(null);

  useEffect(() => setView(fitView(layout)), [layout]);

  const byId = useMemo(() => new Map(layout.nodes.map((n) => [n.id, n])), [layout]);
  const paths = useMemo(
    () =>
      layout.edges.flatMap((e) => {
        const from = byId.get(e.from);
        const to = byId.get(e.to);
        return from && to ? [{ key: edgeKey(e.from, e.to), d: edgePath(e, from, to) }] : [];
      }),
    [layout, byId],
  );

  const zoom = useCallback((factor: number, at?: { x: number; y: number }) => {
    setView((v) => {
      const w = Math.min(Math.max(v.w / factor, 60), 200_000);
      const f = v.w / w;
      const cx = at?.x ?? v.x + v.w / 2;
      const cy = at?.y ?? v.y + v.h / 2;
      return { x: cx - (cx - v.x) / f, y: cy - (cy - v.y) / f, w, h: v.h / f };
    });
  }, []);

  // Wheel zoom needs a non-passive listener to keep the page from scrolling.
  useEffect(() => {
    const el = svg.current;
    if (!el) return;
    const onWheel = (event: WheelEvent) => {
      event.preventDefault();
      const ctm = el.getScreenCTM();
      const at = ctm ? new DOMPoint(event.clientX, event.clientY).matrixTransform(ctm.inverse()) : undefined;
      zoom(event.deltaY < 0 ? 1.2 : 1 / 1.2, at && { x: at.x, y: at.y });
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [zoom]);

  // A new selection on a large map zooms to what it lights up; a small map stays whole.
  const highlightRef = useRef(highlight);
  highlightRef.current = highlight;
  useEffect(() => {
    const lit = highlightRef.current?.nodes;
    if (!focusKey || !lit || lit.size === 0 || layout.nodes.length <= SMALL_MAP) return;
    const box = boundsOf([...lit].flatMap((id) => byId.get(id) ?? []));
    if (box) setView(box);
  }, [focusKey, layout, byId]);

  const onPointerDown = (event: React.PointerEvent<SVGSVGElement>) => {
    if ((event.target as Element).closest('.map-node')) return;
    drag.current = { x: event.clientX, y: event.clientY, view, id: event.pointerId };
    event.currentTarget.setPointerCapture(event.pointerId);
  };
  const onPointerMove = (event: React.PointerEvent<SVGSVGElement>) => {
    const d = drag.current;
    const ctm = svg.current?.getScreenCTM();
    if (!d || !ctm || d.id !== event.pointerId) return;
    const scale = ctm.a || 1;
    setView({
      ...d.view,
      x: d.view.x - (event.clientX - d.x) / scale,
      y: d.view.y - (event.clientY - d.y) / scale,
    });
  };
  const onPointerUp = () => {
    drag.current = null;
  };

  const stateOf = (id: string): NodeState =>
    id === selected ? 'selected' : highlight?.nodes.has(id) ? 'lit' : 'plain';

  return (
    <div className="map-frame">
      <div className="map-toolbar" role="toolbar" aria-label="Map view">
        <button type="button" onClick={() => zoom(1.4)}>
          Zoom in
        </button>
        <button type="button" onClick={() => zoom(1 / 1.4)}>
          Zoom out
        </button>
        <button type="button" onClick={() => setView(fitView(layout))}>
          Fit to screen
        </button>
        <span className="muted small">Drag to pan, wheel to zoom.</span>
      </div>
      {/* biome-ignore lint/a11y/useSemanticElements: an SVG cannot be a fieldset; the group names the nodes' container */}
      <svg
        ref={svg}
        className={`map-svg${highlight ? ' has-highlight' : ''}`}
        viewBox={`${view.x} ${view.y} ${view.w} ${view.h}`}
        preserveAspectRatio="xMidYMid meet"
        role="group"
        aria-label={`Service dependency map: ${layout.nodes.length} services, dependencies drawn left to right`}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
      >
        <defs>
          <marker
            id="map-arrow"
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="7"
            markerHeight="7"
            orient="auto"
          >
            <path d="M0,0L10,5L0,10z" className="map-arrow" />
          </marker>
        </defs>
        <g className="map-edges">
          {paths.map((p) => (
            <Edge
              key={p.key}
              d={p.d}
              soft={softEdges.has(p.key)}
              state={highlight?.edges.has(p.key) ? 'lit' : 'plain'}
            />
          ))}
        </g>
        <g className="map-nodes">
          {layout.nodes.map((n) => (
            <MapNode
              key={n.id}
              node={n}
              health={health.get(n.id) ?? 'none'}
              state={stateOf(n.id)}
              onSelect={onSelect}
            />
          ))}
        </g>
      </svg>
    </div>
  );
}

const Edge = memo(function Edge({ d, soft, state }: { d: string; soft: boolean; state: 'lit' | 'plain' }) {
  return (
    <path d={d} className={`map-edge is-${state}${soft ? ' is-soft' : ''}`} markerEnd="url(#map-arrow)" />
  );
});

const MapNode = memo(function MapNode({
  node,
  health,
  state,
  onSelect,
}: {
  node: PlacedNode;
  health: NodeHealth;
  state: NodeState;
  onSelect: (service: string) => void;
}) {
  const words = healthWords(health);
  const onKeyDown = (event: KeyboardEvent<SVGGElement>) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onSelect(node.id);
    }
  };
  return (
    // biome-ignore lint/a11y/useSemanticElements: an SVG group cannot be a <button>; it has the role, focus and keys of one
    <g
      className={`map-node health-${health} is-${state}`}
      transform={`translate(${node.x - node.width / 2},${node.y - node.height / 2})`}
      role="button"
      tabIndex={0}
      aria-pressed={state === 'selected'}
      aria-label={`${node.id}: ${words}`}
      data-testid={`map-node-${node.id}`}
      onClick={() => onSelect(node.id)}
      onKeyDown={onKeyDown}
    >
      <title>{`${node.id}: ${words}`}</title>
      <rect width={node.width} height={node.height} rx="6" />
      <text x="9" y={node.height / 2} className="map-glyph">
        {health === 'none' ? '–' : healthGlyph(health)}
      </text>
      <text x="24" y={node.height / 2} className="map-label">
        {label(node.id, node.width)}
      </text>
    </g>
  );
});
