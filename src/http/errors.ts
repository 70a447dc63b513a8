import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { type ErrorCode, type ErrorDetail, NinesError } from '../errors.js';

export const STATUS: Record<ErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  VALIDATION_FAILED: 400,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

export function sendError(
  reply: FastifyReply,
  code: ErrorCode,
  message: string,
  details: readonly ErrorDetail[] = [],
) {
  return reply.code(STATUS[code]).send({ error: { code, message, ...(details.length > 0 && { details }) } });
}

/** Maps Fastify's own errors (body parsing, limits) onto the catalogue. */
function fromFastify(error: FastifyError): NinesError | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new NinesError(
        'PAYLOAD_TOO_LARGE',
        `the body is larger than the limit of ${error.message.match(/\d+/)?.[0] ?? '?'} bytes; send smaller batches`,
      );
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new NinesError('UNSUPPORTED_MEDIA_TYPE', 'send application/json or application/x-ndjson');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new NinesError('VALIDATION_FAILED', 'the body is empty; send a JSON document');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new NinesError('VALIDATION_FAILED', 'Content-Length does not match the body');
    default:
      if (error.statusCode === 400 && error instanceof SyntaxError) {
        return new NinesError('VALIDATION_FAILED', `the body is not valid JSON: ${error.message}`);
      }
      return undefined;
  }
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, 'NOT_FOUND', `no route for ${request.method} ${request.url.split('?')[0]}`),
  );
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof NinesError) return sendError(reply, error.code, error.message, error.details);
    if (hasZodFastifySchemaValidationErrors(error)) {
      const details = error.validation.map((v) => ({
        field: `${v.instancePath.replace(/^\//, '').replace(/\//g, '.') || (error.validationContext ?? 'request')}`,
        message: v.message ?? 'invalid',
      }));
      return sendError(
        reply,
        'VALIDATION_FAILED',
        `invalid ${error.validationContext ?? 'request'}`,
        details,
      );
    }
    const mapped = fromFastify(error);
    if (mapped) return sendError(reply, mapped.code, mapped.message);
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return sendError(reply, 'VALIDATION_FAILED', error.message);
    }
    request.log.error({ err: error }, 'request failed');
    return sendError(reply, 'INTERNAL', 'internal error');
  });
}
