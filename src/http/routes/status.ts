import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { NinesError } from '../../errors.js';
import type { ChangeFeed, ChangeKind } from '../../runtime/change-feed.js';
import type { StatusPageService, StatusPageView } from '../../runtime/status-page.js';
import { errorBody } from '../errors.js';
import { iso, isoOrNull } from '../presenters.js';
import { errorResponses } from '../schemas.js';
import { type StatusPageBody, statusResponses } from '../status-schemas.js';

export interface StatusRoutesDeps {
  readonly statusPage: Pick<StatusPageService, 'read'>;
  readonly feed: Pick<ChangeFeed, 'subscribe'>;
}

/** Live-update streams open at once; one more is a 503. */
export const MAX_STREAMS = 1000;
/** Live-update streams one token or user may hold open (a few tabs); one more is a 429. */
export const MAX_STREAMS_PER_PRINCIPAL = 10;
const PING_MS = 15_000;
/** At most two events a second per stream: kinds that change faster are merged. */
const MIN_EVENT_INTERVAL_MS = 500;
/** A client this far behind is not reading: its stream is closed rather than buffered. */
const MAX_BUFFERED_BYTES = 64 * 1024;

export function presentStatusPage(v: StatusPageView): StatusPageBody {
  return {
    title: v.title,
    ...(v.description !== undefined && { description: v.description }),
    updatedAt: iso(v.computedAt),
    status: v.status,
    journeys: v.journeys.map((j) => ({
      name: j.name,
      displayName: j.displayName,
      ...(j.description !== undefined && { description: j.description }),
      status: j.status,
      uptime: {
        percent90d: j.uptime.percent,
        days: j.uptime.days.map((d) => ({
          date: iso(d.dayMs).slice(0, 10),
          status: d.status,
          uptimePercent: d.uptimePercent,
        })),
      },
    })),
    incidents: v.incidents.map((i) => ({
      number: i.number,
      title: i.title,
      status: i.status,
      impact: i.impact,
      journeys: [...i.journeys],
      startedAt: iso(i.startedAt),
      resolvedAt: isoOrNull(i.resolvedAt),
      updates: i.updates.map((u) => ({ at: iso(u.at), status: u.status, message: u.message })),
    })),
  };
}

/** The public status page, and the stream that tells the web UI what changed. */
export function registerStatusRoutes(app: FastifyInstance, deps: StatusRoutesDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/v1/status',
    {
      config: { public: true },
      schema: {
        tags: ['status'],
        summary:
          'The public status page: journeys in customer words, 90 days of bars, public incident updates',
        description: 'A 404 when the catalog has no StatusPage: publishing is opt-in.',
        security: [],
        response: { 200: statusResponses.page, 404: errorBody('NOT_FOUND'), 500: errorBody('INTERNAL') },
      },
    },
    async (_request, reply) => {
      const view = await deps.statusPage.read();
      void reply.header('cache-control', 'public, max-age=15');
      return presentStatusPage(view);
    },
  );

  const streams = new Set<PassThrough>();
  const perPrincipal = new Map<string, number>();
  let closing = false;
  // Open streams would keep the server from closing: end them first. Each answer
  // says `connection: close`, so its socket goes once the stream has ended.
  app.addHook('preClose', async () => {
    closing = true;
    for (const stream of streams) stream.end();
  });

  // Untyped: the answer is a stream, which the zod provider's string type for it does not cover.
  app.get(
    '/api/v1/stream',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['live'],
        summary: 'Server-sent events: `change` with the kinds of data that changed, for the web UI to reread',
        response: { 200: statusResponses.stream, ...errorResponses('UNAVAILABLE', 'RATE_LIMITED') },
      },
    },
    async (request, reply) => {
      if (closing) throw new NinesError('UNAVAILABLE', 'the server is stopping; reconnect in a moment');
      if (streams.size >= MAX_STREAMS)
        throw new NinesError('UNAVAILABLE', `${MAX_STREAMS} live-update streams are open; retry later`);
      // The route needs a role, so a principal is always there.
      const who = request.principal?.tokenId ?? '';
      const mine = perPrincipal.get(who) ?? 0;
      if (mine >= MAX_STREAMS_PER_PRINCIPAL)
        throw new NinesError(
          'RATE_LIMITED',
          `${MAX_STREAMS_PER_PRINCIPAL} live-update streams are open for you; close one first`,
        );
      const stream = new PassThrough();
      const send = (text: string) => {
        if (stream.writableEnded || stream.destroyed) return;
        stream.write(text);
        if (stream.writableLength > MAX_BUFFERED_BYTES) stream.destroy();
      };
      const stop = deps.feed.subscribe(
        (kinds: readonly ChangeKind[]) => send(`event: change\ndata: ${JSON.stringify({ kinds })}\n\n`),
        { minIntervalMs: MIN_EVENT_INTERVAL_MS },
      );
      const ping = setInterval(() => send(': ping\n\n'), PING_MS);
      ping.unref();
      streams.add(stream);
      perPrincipal.set(who, mine + 1);
      // Fastify destroys the stream when the client goes; ending it closes it too.
      stream.on('close', () => {
        stop();
        clearInterval(ping);
        streams.delete(stream);
        const left = (perPrincipal.get(who) ?? 1) - 1;
        if (left > 0) perPrincipal.set(who, left);
        else perPrincipal.delete(who);
      });
      // The first bytes send the headers, so the client knows at once it is connected.
      send(': connected\n\n');
      return reply
        .header('content-type', 'text/event-stream')
        .header('cache-control', 'no-cache')
        .header('connection', 'close')
        .header('x-accel-buffering', 'no')
        .send(stream);
    },
  );
}
