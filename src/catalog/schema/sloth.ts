import { z } from 'zod';
import { description, labels } from './common.js';

/*
 * Sloth (https://sloth.dev) SLO specs, in the two spellings Sloth reads: the plain
 * `version: prometheus/v1` file (snake_case) and the Kubernetes CRD
 * `sloth.slok.dev/v1` PrometheusServiceLevel (camelCase). Field names follow
 * Sloth's `pkg/prometheus/api/v1` and `pkg/kubernetes/api/sloth/v1`.
 *
 * An SLO's own required fields (name, objective, sli and the queries) are optional
 * here and required by the builder: a wrong one is then left out alone, and the
 * other SLOs of the file are still checked.
 */

export const SLOTH_VERSION = 'prometheus/v1';

/**
 * Sloth's objective is a percentage in (0, 100]; nines refuses 100, which leaves
 * no error budget (as nines/v1 does).
 */
const objective = z.number().refine((v) => v > 0 && v < 100, {
  error: (iss) => {
    const v = Number(iss.input);
    if (v === 100) return '100 leaves no error budget; objective is a percentage in (0, 100), e.g. 99.9';
    return v > 100
      ? `${v} is above 100; objective is a percentage in (0, 100), e.g. 99.9`
      : `${v} is not above 0; objective is a percentage in (0, 100), e.g. 99.9`;
  },
  params: { diagnostic: 'invalid-target' },
});

/** A Prometheus duration, as in an alerting rule's `for`. */
const promDuration = z.string().regex(/^(\d+(ms|[smhdwy]))+$/, {
  error: (iss) => `'${String(iss.input)}' is not a Prometheus duration such as 5m or 1h30m`,
});

const alert = z.strictObject({
  disable: z.boolean().optional(),
  labels: labels.optional(),
  annotations: labels.optional(),
  for: promDuration.optional(),
});

const sliPlugin = z.strictObject({ id: z.string().optional(), options: labels.optional() });

/** Sloth's SLO plugins (`slo_plugins`, `sloPlugins`, per SLO `plugins`): read, not run. */
const sloPlugins = z.record(z.string(), z.unknown());

const query = z.string().optional();

function sloSchema<S extends z.ZodType, A extends z.ZodType>(sli: S, alerting: A) {
  return z.strictObject({
    name: z.string().optional(),
    description: description.optional(),
    objective: objective.optional(),
    labels: labels.optional(),
    sli: sli.optional(),
    alerting: alerting.optional(),
    plugins: sloPlugins.optional(),
  });
}

/** `version: prometheus/v1`: the whole document is the spec. */
export const slothSpec = z.strictObject({
  version: z.literal(SLOTH_VERSION),
  service: z.string(),
  labels: labels.optional(),
  slo_plugins: sloPlugins.optional(),
  slos: z
    .array(
      sloSchema(
        z.strictObject({
          events: z.strictObject({ error_query: query, total_query: query }).optional(),
          raw: z.strictObject({ error_ratio_query: query }).optional(),
          plugin: sliPlugin.optional(),
        }),
        z.strictObject({
          name: z.string().optional(),
          labels: labels.optional(),
          annotations: labels.optional(),
          page_alert: alert.optional(),
          ticket_alert: alert.optional(),
        }),
      ),
    )
    .min(1, { error: 'a Sloth spec needs at least one SLO under slos' }),
});

/** `spec` of `apiVersion: sloth.slok.dev/v1`, `kind: PrometheusServiceLevel`. */
export const slothCrdSpec = z.strictObject({
  service: z.string(),
  labels: labels.optional(),
  sloPlugins: sloPlugins.optional(),
  slos: z
    .array(
      sloSchema(
        z.strictObject({
          events: z.strictObject({ errorQuery: query, totalQuery: query }).optional(),
          raw: z.strictObject({ errorRatioQuery: query }).optional(),
          plugin: sliPlugin.optional(),
        }),
        z.strictObject({
          name: z.string().optional(),
          labels: labels.optional(),
          annotations: labels.optional(),
          pageAlert: alert.optional(),
          ticketAlert: alert.optional(),
        }),
      ),
    )
    .min(1, { error: 'a PrometheusServiceLevel needs at least one SLO under slos' }),
});

/**
 * Kubernetes object metadata as written in a manifest. The name is a Kubernetes
 * name (dots allowed), not a nines name: the SLOs are named after the service.
 */
export const slothMetadata = z.strictObject({
  name: z.string(),
  namespace: z.string().optional(),
  labels: labels.optional(),
  annotations: labels.optional(),
});

export const SLOTH_CRD_SPECS = { PrometheusServiceLevel: slothCrdSpec } as const;

export type SlothSpec = z.infer<typeof slothSpec>;
export type SlothCrdSpec = z.infer<typeof slothCrdSpec>;
export type SlothMetadata = z.infer<typeof slothMetadata>;
export type SlothAlert = z.infer<typeof alert>;
