import type { Catalog, Journey, Service } from './model.js';

export type GraphFormat = 'text' | 'mermaid' | 'dot' | 'json';
export const GRAPH_FORMATS: readonly GraphFormat[] = ['text', 'mermaid', 'dot', 'json'];

export interface GraphJson {
  valueStreams: { name: string; objective: string; journeys: string[] }[];
  journeys: {
    name: string;
    value?: Journey['value'];
    slos: string[];
    steps: { name: string; services: string[] }[];
  }[];
  services: {
    name: string;
    owner?: string;
    tier?: number;
    external: boolean;
    slos: string[];
    dependsOn: Service['dependsOn'];
  }[];
  edges: { from: string; to: string; type: 'journey' | 'step' | 'dependsOn'; critical?: boolean }[];
}

function slosBy(catalog: Catalog): { journey: Map<string, string[]>; service: Map<string, string[]> } {
  const journey = new Map<string, string[]>();
  const service = new Map<string, string[]>();
  for (const slo of catalog.SLO.values()) {
    const [map, key] = slo.journey !== undefined ? [journey, slo.journey] : [service, slo.service ?? ''];
    map.set(key, [...(map.get(key) ?? []), slo.name]);
  }
  return { journey, service };
}

export function graphJson(catalog: Catalog): GraphJson {
  const slos = slosBy(catalog);
  const edges: GraphJson['edges'] = [];
  for (const vs of catalog.ValueStream.values())
    for (const j of vs.journeys) edges.push({ from: vs.name, to: j, type: 'journey' });
  for (const j of catalog.Journey.values())
    for (const s of new Set(j.steps.flatMap((st) => st.services)))
      edges.push({ from: j.name, to: s, type: 'step' });
  for (const s of catalog.Service.values())
    for (const d of s.dependsOn)
      edges.push({ from: s.name, to: d.service, type: 'dependsOn', critical: d.critical });
  return {
    valueStreams: [...catalog.ValueStream.values()].map((v) => ({
      name: v.name,
      objective: v.objective,
      journeys: [...v.journeys],
    })),
    journeys: [...catalog.Journey.values()].map((j) => ({
      name: j.name,
      ...(j.value && { value: j.value }),
      slos: slos.journey.get(j.name) ?? [],
      steps: j.steps.map((s) => ({ name: s.name, services: [...s.services] })),
    })),
    services: [...catalog.Service.values()].map((s) => ({
      name: s.name,
      ...(s.owner !== undefined && { owner: s.owner }),
      ...(s.tier !== undefined && { tier: s.tier }),
      external: s.external,
      slos: slos.service.get(s.name) ?? [],
      dependsOn: s.dependsOn,
    })),
    edges,
  };
}

function money(j: Journey): string {
  const v = j.value;
  if (!v) return '';
  const parts: string[] = [];
  if (v.revenuePerHour !== undefined)
    parts.push(`${v.currency} ${v.revenuePerHour.toLocaleString('en-US')}/h`);
  if (v.valuePerSuccess !== undefined) parts.push(`${v.currency} ${v.valuePerSuccess} per success`);
  return parts.join(', ');
}

function serviceLabel(s: Service | undefined, name: string): string {
  if (!s) return `${name} (not in catalog)`;
  const tags = [
    s.tier !== undefined ? `tier ${s.tier}` : '',
    s.owner ? `owner ${s.owner}` : '',
    s.external ? 'external' : '',
  ]
    .filter(Boolean)
    .join(', ');
  return tags ? `${name} [${tags}]` : name;
}

/**
 * The value stream → journey → service → dependency tree, as indented text. Within
 * one journey (and within the services in no journey) a service's dependencies are
 * printed the first time it appears; later it is marked `(see above)`, so shared
 * dependencies do not multiply the output.
 */
export function graphText(catalog: Catalog): string {
  const lines: string[] = [];
  const slos = slosBy(catalog);
  const tree = (label: string, prefix: string, last: boolean, children: (p: string) => void) => {
    lines.push(`${prefix}${last ? '└─ ' : '├─ '}${label}`);
    children(prefix + (last ? '   ' : '│  '));
  };
  const serviceTree = (
    name: string,
    prefix: string,
    last: boolean,
    path: readonly string[],
    critical: boolean,
    shown: Set<string>,
  ) => {
    const s = catalog.Service.get(name);
    const branch = `${prefix}${last ? '└─ ' : '├─ '}`;
    const label = `${serviceLabel(s, name)}${critical ? '' : ' (non-critical)'}`;
    if (path.includes(name)) {
      lines.push(`${branch}${name} (cycle)`);
      return;
    }
    if (shown.has(name)) {
      lines.push(`${branch}${label} (see above)`);
      return;
    }
    shown.add(name);
    const svcSlos = slos.service.get(name) ?? [];
    tree(`${label}${svcSlos.length ? ` — SLOs: ${svcSlos.join(', ')}` : ''}`, prefix, last, (p) => {
      const deps = s?.dependsOn ?? [];
      deps.forEach((d, i) => {
        serviceTree(d.service, p, i === deps.length - 1, [...path, name], d.critical, shown);
      });
    });
  };
  const journeyTree = (name: string, prefix: string, last: boolean) => {
    const j = catalog.Journey.get(name);
    if (!j) {
      lines.push(`${prefix}${last ? '└─ ' : '├─ '}journey ${name} (not in catalog)`);
      return;
    }
    const jSlos = slos.journey.get(name) ?? [];
    const extra = [money(j), jSlos.length ? `SLOs: ${jSlos.join(', ')}` : ''].filter(Boolean).join(' — ');
    const shown = new Set<string>();
    tree(`journey ${j.displayName ?? j.name}${extra ? ` — ${extra}` : ''}`, prefix, last, (p) => {
      j.steps.forEach((step, i) => {
        tree(`step ${step.name}`, p, i === j.steps.length - 1, (sp) => {
          step.services.forEach((svc, k) => {
            serviceTree(svc, sp, k === step.services.length - 1, [], true, shown);
          });
        });
      });
    });
  };
  const inStream = new Set<string>();
  for (const vs of catalog.ValueStream.values()) {
    lines.push(`value stream ${vs.displayName ?? vs.name}: ${vs.objective}`);
    vs.journeys.forEach((j, i) => {
      inStream.add(j);
      journeyTree(j, '', i === vs.journeys.length - 1);
    });
  }
  const loose = [...catalog.Journey.keys()].filter((j) => !inStream.has(j));
  if (loose.length) {
    lines.push('journeys in no value stream');
    loose.forEach((j, i) => {
      journeyTree(j, '', i === loose.length - 1);
    });
  }
  const used = new Set<string>();
  const mark = (n: string) => {
    if (used.has(n)) return;
    used.add(n);
    for (const d of catalog.Service.get(n)?.dependsOn ?? []) mark(d.service);
  };
  for (const j of catalog.Journey.values()) for (const st of j.steps) for (const s of st.services) mark(s);
  const orphans = [...catalog.Service.keys()].filter((s) => !used.has(s));
  if (orphans.length) {
    lines.push('services in no journey');
    const shown = new Set<string>();
    orphans.forEach((s, i) => {
      serviceTree(s, '', i === orphans.length - 1, [], true, shown);
    });
  }
  return `${lines.join('\n')}\n`;
}

const id = (prefix: string, name: string) => `${prefix}_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
const quote = (s: string) => s.replace(/"/g, '#quot;');

export function graphMermaid(catalog: Catalog): string {
  const g = graphJson(catalog);
  const lines = ['flowchart LR'];
  for (const v of g.valueStreams)
    lines.push(`  ${id('vs', v.name)}[["${quote(v.name)}: ${quote(v.objective)}"]]`);
  for (const j of g.journeys) lines.push(`  ${id('j', j.name)}(["journey ${quote(j.name)}"])`);
  for (const s of g.services)
    lines.push(`  ${id('s', s.name)}${s.external ? `{{"${quote(s.name)}"}}` : `["${quote(s.name)}"]`}`);
  for (const e of g.edges) {
    const from = id(e.type === 'journey' ? 'vs' : e.type === 'step' ? 'j' : 's', e.from);
    const to = id(e.type === 'journey' ? 'j' : 's', e.to);
    lines.push(`  ${from} ${e.critical === false ? '-.->' : '-->'} ${to}`);
  }
  return `${lines.join('\n')}\n`;
}

export function graphDot(catalog: Catalog): string {
  const g = graphJson(catalog);
  const q = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const lines = ['digraph nines {', '  rankdir=LR;', '  node [fontname="Helvetica"];'];
  for (const v of g.valueStreams)
    lines.push(`  ${q(`vs:${v.name}`)} [label=${q(`${v.name}\n${v.objective}`)}, shape=box3d];`);
  for (const j of g.journeys) lines.push(`  ${q(`journey:${j.name}`)} [label=${q(j.name)}, shape=oval];`);
  for (const s of g.services)
    lines.push(`  ${q(`service:${s.name}`)} [label=${q(s.name)}, shape=${s.external ? 'hexagon' : 'box'}];`);
  for (const e of g.edges) {
    const from =
      e.type === 'journey' ? `vs:${e.from}` : e.type === 'step' ? `journey:${e.from}` : `service:${e.from}`;
    const to = e.type === 'journey' ? `journey:${e.to}` : `service:${e.to}`;
    lines.push(`  ${q(from)} -> ${q(to)}${e.critical === false ? ' [style=dashed]' : ''};`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

export function renderGraph(catalog: Catalog, format: GraphFormat): string {
  switch (format) {
    case 'text':
      return graphText(catalog);
    case 'mermaid':
      return graphMermaid(catalog);
    case 'dot':
      return graphDot(catalog);
    case 'json':
      return `${JSON.stringify(graphJson(catalog), null, 2)}\n`;
  }
}
