import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { closest, DIAGNOSTIC_CODES, formatDiagnostic, formatPath } from './diagnostics.js';

describe('diagnostics', () => {
  it('documents every code in docs/catalog.md', () => {
    const doc = readFileSync('docs/catalog.md', 'utf8');
    const documented = [...doc.matchAll(/^\| `([a-z-]+)` *\|/gm)].map((m) => m[1]);
    expect(documented.filter((c) => c !== undefined && c in DIAGNOSTIC_CODES).sort()).toEqual(
      Object.keys(DIAGNOSTIC_CODES).sort(),
    );
  });

  it('formats as file:line:col path: message', () => {
    const d = {
      severity: 'error',
      code: 'invalid-value',
      file: 'a.yaml',
      line: 3,
      column: 7,
      path: 'spec.tier',
      message: 'bad',
    } as const;
    expect(formatDiagnostic(d)).toBe('a.yaml:3:7 spec.tier: bad');
    expect(formatDiagnostic({ ...d, severity: 'warning' })).toBe('a.yaml:3:7 warning: spec.tier: bad');
    expect(formatDiagnostic({ ...d, path: '' })).toBe('a.yaml:3:7 bad');
  });

  it('renders paths with indices', () => {
    expect(formatPath(['spec', 'objectives', 0, 'target'])).toBe('spec.objectives[0].target');
  });

  it('suggests only close names', () => {
    expect(closest('dependOn', ['dependsOn', 'owner'])).toBe('dependsOn');
    expect(closest('xyz', ['dependsOn', 'owner'])).toBeUndefined();
  });
});
