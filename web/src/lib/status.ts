/** Words for the public status page: customers read these, so no jargon. */

export type PublicStatus = 'operational' | 'degraded' | 'partial_outage' | 'major_outage' | 'no_data';
export type IncidentStage = 'investigating' | 'identified' | 'monitoring' | 'resolved';

export function statusLabel(s: PublicStatus): string {
  switch (s) {
    case 'operational':
      return 'Operational';
    case 'degraded':
      return 'Degraded performance';
    case 'partial_outage':
      return 'Partial outage';
    case 'major_outage':
      return 'Major outage';
    case 'no_data':
      return 'No data';
  }
}

/** The banner at the top of the page. */
export function statusHeadline(s: PublicStatus): string {
  switch (s) {
    case 'operational':
      return 'All systems operational';
    case 'degraded':
      return 'Some systems have degraded performance';
    case 'partial_outage':
      return 'Partial outage';
    case 'major_outage':
      return 'Major outage';
    case 'no_data':
      return 'Status not known yet';
  }
}

export function statusTone(s: PublicStatus): 'ok' | 'warn' | 'bad' | 'neutral' {
  switch (s) {
    case 'operational':
      return 'ok';
    case 'degraded':
      return 'warn';
    case 'partial_outage':
    case 'major_outage':
      return 'bad';
    case 'no_data':
      return 'neutral';
  }
}

export function stageLabel(s: IncidentStage): string {
  return s[0]?.toUpperCase() + s.slice(1);
}
