/**
 * Names for the shapes the UI reads, derived from the generated OpenAPI types (never retyped):
 * `schema.d.ts` is written by `npm run web:types`.
 *
 * openapi-fetch hands answers through its `Readable<T>`, which drops properties typed only
 * `null` (`alerts.page.tier` of a resolved alert), so an answer is not always assignable to these
 * names: helpers take `Pick<…>` of the fields they read.
 */
import type { components, paths } from './schema';

type Schemas = components['schemas'];
type Ok<P extends keyof paths, M extends 'get' | 'post' | 'patch'> = paths[P][M] extends {
  responses: infer R;
}
  ? R extends { 200: { content: { 'application/json': infer B } } }
    ? B
    : R extends { 201: { content: { 'application/json': infer B } } }
      ? B
      : never
  : never;

export type Health = Schemas['SloSummary']['health'];
export type SloSummary = Schemas['SloSummary'];
export type SloDetail = Ok<'/api/v1/slos/{name}', 'get'>;
export type SloTimeseries = Ok<'/api/v1/slos/{name}/timeseries', 'get'>;
export type AlertTransition = Schemas['AlertTransition'];
export type Journey = Schemas['Journey'];
export type ValueStream = Schemas['ValueStream'];
export type Service = Schemas['Service'];
export type Incident = Schemas['Incident'];
export type IncidentDetail = Ok<'/api/v1/incidents/{number}', 'get'>;
export type IncidentPatch = NonNullable<
  paths['/api/v1/incidents/{number}']['patch']['requestBody']
>['content']['application/json'];
export type StatusUpdateBody =
  paths['/api/v1/incidents/{number}/status-updates']['post']['requestBody']['content']['application/json'];
export type TimelineEntry = Schemas['TimelineEntry'];
export type Paging = Ok<'/api/v1/incidents/{number}/paging', 'get'>;
export type Change = Schemas['Change'];
export type GateResult = Ok<'/api/v1/gates', 'get'>['gates'][number];
export type BudgetPolicies = Ok<'/api/v1/budget-policies', 'get'>;
export type BudgetPolicy = BudgetPolicies['services'][number];
export type OnCallNow = Schemas['OnCallNow'];
export type ScheduleView = Ok<'/api/v1/schedules/{name}', 'get'>;
export type Shift = Schemas['Shift'];
export type ScheduleOverride = Schemas['ScheduleOverride'];
export type Severity = Incident['severity'];
export type Priority = NonNullable<Incident['priority']>;
export type IncidentStatus = Incident['status'];
export type StatusPageIncident = Schemas['StatusPageIncident'];
export type WebUser = Schemas['User'];
export type ApiToken = Schemas['ApiToken'];
export type CreatedToken = Ok<'/api/v1/tokens', 'post'>;
