/**
 * Dependency closures of journeys, computed once per catalog. Catalogs are
 * immutable values, so what is derived from one is kept beside it in a WeakMap.
 * Services are numbered and closures kept as typed arrays: the benchmark
 * catalog (1,000 journeys over 5,000 services) holds 1.4 million pairs of
 * journey and service, and paths are spelled out only when someone reads them.
 */
import type { Catalog, Journey, Slo } from '../catalog/model.js';

/** One journey's closure as breadth-first nodes; a service's path follows parents. */
export interface Closure {
  readonly journey: Journey;
  /** Node → service id. */
  readonly service: Int32Array;
  /** Node → parent node, or `-1 - step index` for a step's own service. */
  readonly parent: Int32Array;
  /** The node of each service of the closure, in `dependencyPaths` order. */
  readonly found: Int32Array;
  /** Whether the path to each found service is all-critical, in `found` order. */
  readonly critical: Uint8Array;
}

/** A journey's closure in which `service` is found at `found[index]`. */
export interface Exposure {
  readonly closure: Closure;
  readonly index: number;
}

const at = (a: Int32Array, i: number) => a[i] as number;

export class ImpactIndex {
  /** Service names by id; ids of names the catalog does not declare are added on first sight. */
  readonly names: string[] = [];
  private readonly ids = new Map<string, number>();
  /** Edges of service `id` are `edgeTo[edgeStart[id]..edgeStart[id + 1]]`; ids added later have none. */
  private readonly edgeStart: Int32Array;
  private readonly edgeTo: Int32Array;
  private readonly edgeCritical: Uint8Array;
  private readonly closures = new Map<string, Closure>();
  /** Per service id, pairs of (journey ordinal, index in its closure's `found`). */
  private scratch = scratchFor(0);
  private marks = 0;
  private exposures: { readonly closures: Closure[]; readonly pairs: number[][] } | undefined;
  readonly slosByJourney = new Map<string, Slo[]>();
  readonly slosByService = new Map<string, Slo[]>();

  constructor(private readonly catalog: Catalog) {
    for (const name of catalog.Service.keys()) this.idOf(name);
    const declared = this.names.length;
    const to: number[] = [];
    const critical: number[] = [];
    this.edgeStart = new Int32Array(declared + 1);
    for (const service of catalog.Service.values()) {
      for (const dep of service.dependsOn) {
        to.push(this.idOf(dep.service));
        critical.push(dep.critical ? 1 : 0);
      }
      this.edgeStart[this.idOf(service.name) + 1] = to.length;
    }
    this.edgeTo = Int32Array.from(to);
    this.edgeCritical = Uint8Array.from(critical);
    for (const slo of catalog.SLO.values()) {
      if (slo.journey !== undefined) push(this.slosByJourney, slo.journey, slo);
      if (slo.service !== undefined) push(this.slosByService, slo.service, slo);
    }
  }

  /** The closure of a journey: cached for the catalog's own journeys, else walked afresh. */
  closure(journey: Journey): Closure {
    if (this.catalog.Journey.get(journey.name) !== journey) return this.walk(journey);
    let closure = this.closures.get(journey.name);
    if (!closure) {
      closure = this.walk(journey);
      this.closures.set(journey.name, closure);
    }
    return closure;
  }

  /** Where each journey's closure holds `service`, journeys in catalog order. */
  exposuresOf(service: string): Exposure[] {
    if (!this.exposures) {
      const closures: Closure[] = [];
      const pairs = this.names.map((): number[] => []);
      for (const journey of this.catalog.Journey.values()) {
        const closure = this.closure(journey);
        for (let i = 0; i < closure.found.length; i++) {
          pairs[at(closure.service, at(closure.found, i))]?.push(closures.length, i);
        }
        closures.push(closure);
      }
      this.exposures = { closures, pairs };
    }
    const { closures, pairs } = this.exposures;
    const id = this.ids.get(service);
    const mine = (id === undefined ? undefined : pairs[id]) ?? [];
    const out: Exposure[] = [];
    for (let k = 0; k < mine.length; k += 2) {
      out.push({ closure: closures[mine[k] as number] as Closure, index: mine[k + 1] as number });
    }
    return out;
  }

  /** The service of the `index`th found service of a closure. */
  serviceAt(closure: Closure, index: number): string {
    return this.names[at(closure.service, at(closure.found, index))] as string;
  }

  /** The step and the path (step's service first) to the `index`th found service. */
  pathAt(closure: Closure, index: number): { step: string; path: string[] } {
    const path: string[] = [];
    let node = at(closure.found, index);
    for (; node >= 0; node = at(closure.parent, node))
      path.push(this.names[at(closure.service, node)] as string);
    const step = closure.journey.steps[-1 - node]?.name ?? '';
    return { step, path: path.reverse() };
  }

  private idOf(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.names.push(name) - 1;
      this.ids.set(name, id);
    }
    return id;
  }

  private walk(journey: Journey): Closure {
    const roots = journey.steps.map((step) => step.services.map((s) => this.idOf(s)));
    const n = this.names.length;
    const declared = this.edgeStart.length - 1;
    if (this.scratch.seen.length < n) this.scratch = scratchFor(n);
    // Walks are synchronous, so one scratch space serves them all. Each pass
    // enqueues a service at most once; `seen` holds the pass's mark.
    const { service, parent, critical, seen, isFound } = this.scratch;
    const mark = ++this.marks;
    const found: number[] = [];
    let count = 0;
    // Breadth first over critical edges only, then over all edges: whatever the
    // second pass adds is reachable only through a non-critical edge. Second-pass
    // nodes have second-pass parents, so every parent chain is one BFS path.
    for (const criticalOnly of [true, false]) {
      const pass = criticalOnly ? 2 * mark : 2 * mark + 1;
      const start = count;
      for (let step = 0; step < roots.length; step++) {
        for (const id of roots[step] ?? []) {
          if (seen[id] === pass) continue;
          seen[id] = pass;
          service[count] = id;
          parent[count] = -1 - step;
          critical[count] = 1;
          count++;
        }
      }
      for (let node = start; node < count; node++) {
        const id = at(service, node);
        if (isFound[id] !== mark) {
          isFound[id] = mark;
          found.push(node);
        }
        if (id >= declared) continue;
        for (let e = at(this.edgeStart, id), end = at(this.edgeStart, id + 1); e < end; e++) {
          const to = at(this.edgeTo, e);
          const edgeCritical = this.edgeCritical[e] === 1;
          if ((criticalOnly && !edgeCritical) || seen[to] === pass) continue;
          seen[to] = pass;
          service[count] = to;
          parent[count] = node;
          critical[count] = critical[node] === 1 && edgeCritical ? 1 : 0;
          count++;
        }
      }
    }
    // A loop: TypedArray.from with a mapping function is many times slower.
    const foundCritical = new Uint8Array(found.length);
    for (let i = 0; i < found.length; i++) foundCritical[i] = critical[found[i] as number] as number;
    return {
      journey,
      service: service.slice(0, count),
      parent: parent.slice(0, count),
      found: Int32Array.from(found),
      critical: foundCritical,
    };
  }
}

function scratchFor(n: number) {
  return {
    service: new Int32Array(2 * n),
    parent: new Int32Array(2 * n),
    critical: new Uint8Array(2 * n),
    seen: new Int32Array(n),
    isFound: new Int32Array(n),
  };
}

const indexes = new WeakMap<Catalog, ImpactIndex>();

/** The impact index of a catalog, built on first use. */
export function impactIndex(catalog: Catalog): ImpactIndex {
  let index = indexes.get(catalog);
  if (!index) {
    index = new ImpactIndex(catalog);
    indexes.set(catalog, index);
  }
  return index;
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
