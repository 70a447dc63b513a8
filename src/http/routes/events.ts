import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { type ErrorDetail, NinesError } from '../../errors.js';
import { type EventSlis, type ParseLimits, parseEvents } from '../../sources/events/parse.js';
import type { EventWriter } from '../../sources/events/writer.js';
import { presentIngestOutcome } from '../presenters.js';
import { errorResponses, responses } from '../schemas.js';

export interface EventsDeps {
  readonly slis: () => EventSlis;
  readonly writer: EventWriter;
  readonly clock: () => number;
  readonly limits: Omit<ParseLimits, 'nowMs'>;
}

// Documentation only: events are validated by parseEvents, which names each bad item and field.
const eventDoc = z
  .object({
    sli: z.string().describe('name of an SLI whose source is events'),
    timestamp: z.union([z.string(), z.number()]).describe('RFC 3339 with a zone, or epoch milliseconds'),
    good: z.number().optional().describe('good events (with total)'),
    total: z.number().optional().describe('all events (with good)'),
    ok: z.boolean().optional().describe('one outcome: succeeded or not (instead of good/total)'),
    latencyMs: z.number().optional().describe('the outcome latency; required for latency SLIs'),
  })
  .describe('counts {sli, timestamp, good, total} or an outcome {sli, timestamp, ok, latencyMs?}');

// Printable text only: control characters (NUL among them) cannot be stored everywhere.
const batchId = z.string().regex(/^\P{Cc}{1,200}$/u);

const BATCH_ID_HEADER = 'idempotency-key';

function itemsOf(body: unknown, ndjson: boolean): { items: unknown[]; batchId?: string } {
  if (typeof body === 'string') {
    if (!ndjson)
      throw new NinesError('UNSUPPORTED_MEDIA_TYPE', 'send application/json or application/x-ndjson');
    const items: unknown[] = [];
    const problems: ErrorDetail[] = [];
    for (const [n, line] of body.split('\n').entries()) {
      if (line.trim() === '') continue;
      try {
        items.push(JSON.parse(line));
      } catch {
        problems.push({ index: items.length, message: `line ${n + 1} is not valid JSON` });
        items.push(undefined);
      }
      if (problems.length >= 100) break;
    }
    if (problems.length > 0)
      throw new NinesError(
        'VALIDATION_FAILED',
        'the NDJSON body has lines that are not JSON; nothing was stored',
        problems,
      );
    return { items };
  }
  if (Array.isArray(body)) return { items: body };
  if (body !== null && typeof body === 'object' && Array.isArray((body as { events?: unknown }).events)) {
    const b = body as { events: unknown[]; batchId?: unknown };
    for (const key of Object.keys(b)) {
      if (key !== 'events' && key !== 'batchId') {
        throw new NinesError(
          'VALIDATION_FAILED',
          `unknown field '${key}'; a batch object has events and batchId`,
          [{ field: key, message: 'unknown field' }],
        );
      }
    }
    if (b.batchId !== undefined && !batchId.safeParse(b.batchId).success) {
      throw new NinesError('VALIDATION_FAILED', 'batchId must be 1 to 200 printable characters', [
        { field: 'batchId', message: 'must be 1 to 200 printable characters' },
      ]);
    }
    return b.batchId === undefined ? { items: b.events } : { items: b.events, batchId: b.batchId as string };
  }
  throw new NinesError(
    'VALIDATION_FAILED',
    'send a JSON array of events, {"batchId": …, "events": […]}, or NDJSON (one event per line)',
  );
}

/** POST /api/v1/sli/events: a batch, acknowledged (202) only once it is committed. */
export function registerEventRoutes(app: FastifyInstance, deps: EventsDeps): void {
  app.addContentTypeParser('application/x-ndjson', { parseAs: 'string' }, (_req, body, done) => {
    done(null, body);
  });
  app.post(
    '/api/v1/sli/events',
    {
      config: { role: 'responder' },
      schema: {
        summary: 'Push SLI events',
        description:
          'A JSON array of events, an object {batchId, events}, or NDJSON. The answer 202 comes only after the batch is committed. A repeated batch id (body batchId or Idempotency-Key header) is acknowledged again and not counted twice. One bad event rejects the whole batch with 400 naming each bad item and field.',
        tags: ['sli'],
        headers: z.object({ [BATCH_ID_HEADER]: batchId.optional() }).passthrough(),
        body: z.union([
          z.array(eventDoc),
          z.object({ batchId: batchId.optional(), events: z.array(eventDoc) }),
        ]),
        response: {
          202: responses.events,
          ...errorResponses(
            'VALIDATION_FAILED',
            'FORBIDDEN',
            'PAYLOAD_TOO_LARGE',
            'UNSUPPORTED_MEDIA_TYPE',
            'UNAVAILABLE',
          ),
        },
      },
      // Validation is parseEvents' job: it is faster on large batches and its errors name items.
      validatorCompiler: () => (data) => ({ value: data }),
    },
    async (request, reply) => {
      const header = request.headers[BATCH_ID_HEADER];
      const ndjson = String(request.headers['content-type'] ?? '').startsWith('application/x-ndjson');
      const { items, batchId: bodyId } = itemsOf(request.body, ndjson);
      if (header !== undefined && (typeof header !== 'string' || !batchId.safeParse(header).success)) {
        throw new NinesError(
          'VALIDATION_FAILED',
          'the Idempotency-Key header must be 1 to 200 printable characters',
        );
      }
      if (header !== undefined && bodyId !== undefined && header !== bodyId) {
        throw new NinesError(
          'VALIDATION_FAILED',
          'the Idempotency-Key header and the body batchId differ; send one',
        );
      }
      const id = bodyId ?? (header as string | undefined);
      if (items.length === 0) throw new NinesError('VALIDATION_FAILED', 'the batch has no events');
      const now = deps.clock();
      const parsed = parseEvents(items, deps.slis(), { nowMs: now, ...deps.limits });
      if (!parsed.ok) {
        const more = parsed.more > 0 ? ` (and ${parsed.more} more problems)` : '';
        throw new NinesError(
          'VALIDATION_FAILED',
          `${parsed.errors.length + parsed.more} invalid event fields${more}; nothing from this batch was stored`,
          parsed.errors,
        );
      }
      let outcome: Awaited<ReturnType<EventWriter['submit']>>;
      try {
        // Batch ids belong to the token that sent them: two clients cannot collide.
        const scoped = id === undefined ? undefined : `${request.principal?.tokenId ?? ''}/${id}`;
        outcome = await deps.writer.submit({ batchId: scoped, events: parsed.events, receivedAt: now });
      } catch (err) {
        request.log.error({ err }, 'storing a batch failed');
        throw new NinesError(
          'UNAVAILABLE',
          'the batch could not be stored; retry it (with the same batch id)',
        );
      }
      return reply.code(202).send(presentIngestOutcome(outcome, id));
    },
  );
}
