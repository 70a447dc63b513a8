import type { Declared, Referrer } from './declared.js';
import type { Diagnostic } from './diagnostics.js';
import { didYouMean } from './diagnostics.js';
import type { EntityKind, Probe, Service } from './model.js';
import { isName } from './schema/common.js';

function where(d: Declared): string {
  const { line, column } = d.doc.locate(d.namePath);
  return `${d.doc.file}:${line}:${column}`;
}

/**
 * Keeps one declaration per kind and name. An OpenSLO Service that shares its
 * name with a nines Service yields to it, a Sloth service stub to either; any
 * other repeat is an error.
 */
export function dedupe(all: readonly Declared[]): { kept: Declared[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const byKey = new Map<string, Declared[]>();
  for (const d of all) {
    const key = `${d.entity.kind}/${d.entity.name}`;
    const list = byKey.get(key);
    if (list) list.push(d);
    else byKey.set(key, [d]);
  }
  const kept: Declared[] = [];
  const order = new Map(all.map((d, i) => [d, i]));
  for (const list of byKey.values()) {
    const declared = list.filter((d) => !d.stub);
    const strong = declared.filter((d) => !d.yields);
    const candidates = strong.length > 0 ? strong : declared.length > 0 ? declared : list.slice(0, 1);
    const [first, ...rest] = candidates;
    if (!first) continue;
    kept.push(first);
    for (const dup of rest) {
      diagnostics.push(
        dup.doc.diagnostic(
          'duplicate-name',
          dup.namePath,
          `${dup.entity.kind} '${dup.entity.name}' is already declared at ${where(first)}; names are unique per kind`,
        ),
      );
    }
  }
  kept.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
  return { kept, diagnostics };
}

/**
 * Every reference must name something of the right kind. `unnamed` are documents
 * whose entity was left out for an invalid name; their references count too. A
 * reference that is not a valid name was reported as such and is skipped here.
 */
export function checkReferences(kept: readonly Declared[], unnamed: readonly Referrer[] = []): Diagnostic[] {
  const names = new Map<EntityKind, Set<string>>();
  for (const d of kept) {
    const set = names.get(d.entity.kind) ?? new Set<string>();
    names.set(d.entity.kind, set);
    set.add(d.entity.name);
  }
  const diagnostics: Diagnostic[] = [];
  for (const d of [...kept, ...unnamed]) {
    for (const ref of d.refs) {
      const known = names.get(ref.kind) ?? new Set<string>();
      if (!known.has(ref.name) && isName(ref.name)) {
        diagnostics.push(
          d.doc.diagnostic(
            'dangling-reference',
            ref.path,
            `${ref.kind} '${ref.name}' is not in the catalog${didYouMean(ref.name, known)}`,
          ),
        );
      }
    }
  }
  return diagnostics;
}

/** Reports each loop in the service dependency graph once, with its path. */
export function checkCycles(kept: readonly Declared[]): Diagnostic[] {
  const services = new Map<string, Declared>();
  for (const d of kept) if (d.entity.kind === 'Service') services.set(d.entity.name, d);
  const state = new Map<string, 'active' | 'done'>();
  const stack: string[] = [];
  const reported = new Set<string>();
  const diagnostics: Diagnostic[] = [];

  const visit = (name: string): void => {
    state.set(name, 'active');
    stack.push(name);
    const decl = services.get(name);
    const deps = decl ? (decl.entity as Service).dependsOn : [];
    deps.forEach((dep, i) => {
      const s = state.get(dep.service);
      if (s === 'active') {
        const loop = stack.slice(stack.indexOf(dep.service));
        const smallest = [...loop].sort()[0] ?? '';
        const rotated = [...loop.slice(loop.indexOf(smallest)), ...loop.slice(0, loop.indexOf(smallest))];
        const key = rotated.join('>');
        if (!reported.has(key) && decl) {
          reported.add(key);
          diagnostics.push(
            decl.doc.diagnostic(
              'dependency-cycle',
              ['spec', 'dependsOn', i],
              `dependency cycle: ${[...loop, dep.service].join(' → ')}; dependsOn must not loop back, or no failure could be traced to a cause`,
            ),
          );
        }
      } else if (s === undefined && services.has(dep.service)) {
        visit(dep.service);
      }
    });
    stack.pop();
    state.set(name, 'done');
  };
  for (const name of [...services.keys()].sort()) if (!state.has(name)) visit(name);
  return diagnostics;
}

/** Checks that need more than one document and are not plain references. */
export function checkConsistency(kept: readonly Declared[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const slis = new Map<string, Declared>();
  const journeysInStreams = new Set<string>();
  const journeysWithSlos = new Set<string>();
  const probes = new Map<string, Probe>();
  const probesRead = new Set<string>();
  for (const d of kept) {
    if (d.entity.kind === 'Probe') probes.set(d.entity.name, d.entity);
    if (d.entity.kind === 'SLI' && d.entity.indicator.source.type === 'probe')
      probesRead.add(d.entity.indicator.source.probe);
    if (d.entity.kind === 'SLI') slis.set(d.entity.name, d);
    if (d.entity.kind === 'ValueStream') for (const j of d.entity.journeys) journeysInStreams.add(j);
    if (d.entity.kind === 'SLO' && d.entity.journey !== undefined) journeysWithSlos.add(d.entity.journey);
  }
  const teams = new Map(
    kept.flatMap((d) => (d.entity.kind === 'Team' ? [[d.entity.name, d.entity] as const] : [])),
  );
  for (const d of kept) {
    const e = d.entity;
    if (e.kind === 'EscalationPolicy')
      e.levels.forEach((level, i) => {
        level.targets.forEach((t, j) => {
          const team = t.type === 'team' ? teams.get(t.name) : undefined;
          if (team && team.schedule === undefined)
            diagnostics.push(
              d.doc.diagnostic(
                'invalid-value',
                ['spec', 'levels', i, 'targets', j, 'team'],
                `team '${t.name}' has no schedule, so it has nobody on call to page; set spec.schedule on the team or target a schedule or user`,
              ),
            );
        });
      });
    if (e.kind === 'SLI' && e.indicator.source.type === 'probe' && e.indicator.source.step !== undefined) {
      const { probe: name, step } = e.indicator.source;
      const probe = probes.get(name);
      const steps = probe?.check.type === 'http' ? probe.check.steps.map((s) => s.name) : [];
      if (probe && !steps.includes(step)) {
        diagnostics.push(
          d.doc.diagnostic(
            'dangling-reference',
            // An SLI inlined in an SLO is declared at spec.indicator.
            [...(d.namePath[1] === 'indicator' ? d.namePath : ['spec']), 'source', 'step'],
            steps.length > 0
              ? `probe '${name}' has no step '${step}'${didYouMean(step, steps)}; its steps are ${steps.join(', ')}`
              : `probe '${name}' is a ${probe.check.type} check without steps; leave step out`,
          ),
        );
      }
    }
    if (e.kind === 'Probe' && !probesRead.has(e.name)) {
      diagnostics.push(
        d.doc.diagnostic(
          'suspicious',
          d.namePath,
          `probe '${e.name}' feeds no SLI, so its results reach no SLO (add an SLI with source: {type: probe, probe: ${e.name}})`,
          { severity: 'warning' },
        ),
      );
    }
    if (e.kind === 'SLO') {
      const declaredSli = slis.get(e.sli);
      const sli = declaredSli?.entity;
      // An SLI inlined in the same document was checked field by field when it was read.
      if (sli?.kind !== 'SLI' || declaredSli?.doc === d.doc) continue;
      const threshold = sli.indicator.type === 'threshold';
      e.objectives.forEach((o, i) => {
        if (threshold && (o.op === undefined || o.value === undefined)) {
          diagnostics.push(
            d.doc.diagnostic(
              'missing-field',
              ['spec', 'objectives', i],
              `SLI '${sli.name}' is a thresholdMetric, so this objective needs op and value`,
            ),
          );
        }
      });
    }
    if (e.kind === 'Journey') {
      if (!journeysInStreams.has(e.name)) {
        diagnostics.push(
          d.doc.diagnostic(
            'suspicious',
            d.namePath,
            `journey '${e.name}' belongs to no value stream, so no business objective shows it`,
            { severity: 'warning' },
          ),
        );
      }
      if (!journeysWithSlos.has(e.name)) {
        diagnostics.push(
          d.doc.diagnostic(
            'suspicious',
            d.namePath,
            `journey '${e.name}' has no SLO, so its reliability is not measured`,
            {
              severity: 'warning',
            },
          ),
        );
      }
    }
  }
  diagnostics.push(...checkReleases(kept, slis), ...checkStatusPages(kept));
  return diagnostics;
}

/** One public status page per catalog: a second would leave customers guessing which one is true. */
function checkStatusPages(kept: readonly Declared[]): Diagnostic[] {
  const pages = kept.filter((d) => d.entity.kind === 'StatusPage');
  const [first, ...rest] = pages;
  if (!first) return [];
  return rest.map((d) =>
    d.doc.diagnostic(
      'invalid-value',
      d.namePath,
      `StatusPage '${first.entity.name}' is declared already at ${where(first)}; a catalog has at most one status page`,
    ),
  );
}

const LATENCY_METRICS: ReadonlySet<string> = new Set([
  'latencyP50',
  'latencyP90',
  'latencyP95',
  'latencyP99',
]);

/**
 * At most one default error-budget policy and one default release gate; latency
 * percentiles only on SLIs whose events carry latencies (pushed events, probes).
 */
function checkReleases(kept: readonly Declared[], slis: ReadonlyMap<string, Declared>): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const defaults = new Map<string, string>();
  const sloSli = new Map<string, string>();
  for (const d of kept) if (d.entity.kind === 'SLO') sloSli.set(d.entity.name, d.entity.sli);
  for (const d of kept) {
    const e = d.entity;
    if ((e.kind === 'ErrorBudgetPolicy' || e.kind === 'ReleaseGate') && e.default) {
      const first = defaults.get(e.kind);
      if (first !== undefined)
        diagnostics.push(
          d.doc.diagnostic(
            'invalid-value',
            ['spec', 'default'],
            `${e.kind} '${first}' is the default already; only one may be`,
          ),
        );
      else defaults.set(e.kind, e.name);
    }
    if (e.kind !== 'ReleaseGate') continue;
    // Objectives refused while building are not in the model, so a model index is not
    // a place in the file; each kept objective was built with one SLO or SLI reference.
    const written = d.refs.flatMap(({ path: [s, a, o, i] }) =>
      s === 'spec' && a === 'analysis' && o === 'objectives' && typeof i === 'number' ? [i] : [],
    );
    e.analysis.objectives.forEach((o, k) => {
      const i = written[k] ?? k;
      if (!LATENCY_METRICS.has(o.metric)) return;
      const sliName = o.sli ?? (o.slo === undefined ? undefined : sloSli.get(o.slo));
      const sli = sliName === undefined ? undefined : slis.get(sliName)?.entity;
      if (sli?.kind !== 'SLI') return;
      const source = sli.indicator.source.type;
      if (source !== 'events' && source !== 'probe')
        diagnostics.push(
          d.doc.diagnostic(
            'unsupported',
            ['spec', 'analysis', 'objectives', i, 'metric'],
            `${o.metric} needs latencies, which nines keeps for SLIs fed by pushed events or probes; SLI '${sli.name}' is read from ${source}`,
          ),
        );
    });
  }
  return diagnostics;
}
