import Fastify, { type FastifyInstance } from 'fastify';
import type { Catalog } from '../catalog/model.js';

export interface ServerOptions {
  readonly catalog: Catalog;
  readonly logLevel?: string;
}

/**
 * The nines HTTP server. Health checks are the only routes that are open by
 * design; every API route added later sits behind a credential.
 */
export function buildServer(options: ServerOptions): FastifyInstance {
  const app = Fastify({
    logger:
      options.logLevel === undefined || options.logLevel === 'silent' ? false : { level: options.logLevel },
    bodyLimit: 1024 * 1024,
  });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async () => ({
    status: 'ready',
    catalog: { services: options.catalog.Service.size, slos: options.catalog.SLO.size },
  }));
  app.setNotFoundHandler((request, reply) => {
    void reply
      .code(404)
      .send({ error: { code: 'NOT_FOUND', message: `no route for ${request.method} ${request.url}` } });
  });
  app.setErrorHandler((error: { statusCode?: number; code?: string; message: string }, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
      void reply.code(500).send({ error: { code: 'INTERNAL', message: 'internal error' } });
      return;
    }
    void reply.code(status).send({ error: { code: error.code ?? 'BAD_REQUEST', message: error.message } });
  });
  return app;
}
