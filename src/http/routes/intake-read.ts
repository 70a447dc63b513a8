import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ALERT_STATUSES } from '../../alerting/types.js';
import { SLO_ALERTS } from '../../runtime/slo-alerts.js';
import type { IntakeRepository, StoredAlert } from '../../store/intake.js';
import { type IntakeAlertBody, intakeResponses } from '../intake-schemas.js';
import { iso, isoOrNull } from '../presenters.js';
import { errorResponses } from '../schemas.js';

export interface IntakeReadDeps {
  readonly repository: Pick<IntakeRepository, 'alerts'>;
}

export function presentIntakeAlert(a: StoredAlert): IntakeAlertBody {
  const type = a.integration.type;
  return {
    id: a.id,
    service: a.service === '' ? null : a.service,
    journey: a.journey,
    integration:
      a.integration.id === SLO_ALERTS
        ? { id: SLO_ALERTS, name: 'nines SLO alerts', type: 'nines' }
        : {
            id: a.integration.id,
            name: a.integration.name,
            type: type === 'pagerduty' || type === 'alertmanager' || type === 'splunk' ? type : null,
          },
    incident: a.incident,
    suppressedBy: a.suppressedBy,
    dedupKey: a.dedupKey,
    status: a.status,
    summary: a.summary,
    severity: a.severity,
    source: a.source,
    startedAt: iso(a.startedAt),
    createdAt: iso(a.createdAt),
    lastEventAt: iso(a.lastEventAt),
    acknowledgedAt: isoOrNull(a.acknowledgedAt),
    resolvedAt: isoOrNull(a.resolvedAt),
    events: a.eventCount,
    labels: a.labels,
    details: a.details,
    links: a.links,
  };
}

/** Read API over what intake stored: alerts received from other tools, and changes. Viewer role. */
export function registerIntakeReadRoutes(app: FastifyInstance, deps: IntakeReadDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/v1/alerts/intake',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['intake'],
        summary: 'Alerts received from PagerDuty, Alertmanager and Splunk On-Call clients, newest first',
        querystring: z.object({
          service: z.string().min(1).max(253).optional(),
          status: z
            .enum([...ALERT_STATUSES, 'open'])
            .optional()
            .describe('open: triggered or acknowledged'),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
        response: { 200: intakeResponses.alerts, ...errorResponses('VALIDATION_FAILED') },
      },
    },
    async (request) => {
      const q = request.query;
      const alerts = await deps.repository.alerts({
        limit: q.limit,
        ...(q.service !== undefined && { service: q.service }),
        ...(q.status !== undefined && { status: q.status }),
      });
      return { alerts: alerts.map(presentIntakeAlert) };
    },
  );
}
