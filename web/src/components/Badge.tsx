/** Status words with a colour and a glyph: never colour alone. */
import type { ReactNode } from 'react';
import type { GateResult, Health, IncidentStatus, Severity } from '../api/types';
import { healthGlyph, healthLabel } from '../lib/health';

export type Tone = 'bad' | 'warn' | 'ok' | 'neutral' | 'info';

const GLYPH: Record<Tone, string> = { bad: '✕', warn: '!', ok: '✓', neutral: '•', info: 'i' };

export function Badge({ tone, glyph, children }: { tone: Tone; glyph?: string; children: ReactNode }) {
  return (
    <span className={`badge tone-${tone}`}>
      <span className="badge-glyph" aria-hidden="true">
        {glyph ?? GLYPH[tone]}
      </span>
      {children}
    </span>
  );
}

export function healthTone(h: Health | 'none'): Tone {
  switch (h) {
    case 'at-risk':
      return 'bad';
    case 'degraded':
      return 'warn';
    case 'healthy':
      return 'ok';
    case 'unknown':
    case 'none':
      return 'neutral';
  }
}

export function HealthBadge({ health }: { health: Health }) {
  return (
    <Badge tone={healthTone(health)} glyph={healthGlyph(health)}>
      {healthLabel(health)}
    </Badge>
  );
}

export function IncidentStatusBadge({ status }: { status: IncidentStatus }) {
  const tone: Tone = status === 'triggered' ? 'bad' : status === 'acknowledged' ? 'warn' : 'ok';
  const label =
    status === 'triggered' ? 'Triggered' : status === 'acknowledged' ? 'Acknowledged' : 'Resolved';
  return <Badge tone={tone}>{label}</Badge>;
}

export function SeverityBadge({ severity }: { severity: Severity }) {
  const tone: Tone =
    severity === 'critical' ? 'bad' : severity === 'error' ? 'bad' : severity === 'warning' ? 'warn' : 'info';
  return <Badge tone={tone}>{severity[0]?.toUpperCase() + severity.slice(1)}</Badge>;
}

export function GateBadge({ result }: { result: GateResult['result'] }) {
  switch (result) {
    case 'pass':
      return <Badge tone="ok">Pass</Badge>;
    case 'warning':
      return <Badge tone="warn">Warning</Badge>;
    case 'fail':
      return <Badge tone="bad">Fail</Badge>;
    case 'inconclusive':
      return (
        <Badge tone="neutral" glyph="?">
          Inconclusive
        </Badge>
      );
  }
}
