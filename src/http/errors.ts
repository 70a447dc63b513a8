import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ERROR_CODES, type ErrorCode, type ErrorDetail, NinesError } from '../errors.js';

export const STATUS: Record<ErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  VALIDATION_FAILED: 400,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

const errorDetail = z.strictObject({
  index: z.number().optional().describe('position of the bad item in a batch, from 0'),
  field: z.string().optional().describe('path of the bad field, e.g. `events[3].good`'),
  message: z.string(),
});

/**
 * The body of every error answer, for one code; described by the catalogue's text.
 *
 * @example
 * errorBody('NOT_FOUND').parse({ error: { code: 'NOT_FOUND', message: "no SLO named 'x'" } });
 */
export function errorBody<C extends ErrorCode>(code: C) {
  const known = bodies.get(code);
  if (known) return known as ReturnType<typeof buildErrorBody<C>>;
  const body = buildErrorBody(code);
  bodies.set(code, body);
  // One named component per code in the OpenAPI document, referred to by every route.
  z.globalRegistry.add(body, {
    id: `Error${code.toLowerCase().replace(/(^|_)(\w)/g, (_m, _u, c: string) => c.toUpperCase())}`,
  });
  return body;
}

const bodies = new Map<ErrorCode, z.ZodType>();

function buildErrorBody<C extends ErrorCode>(code: C) {
  return z
    .strictObject({
      error: z.strictObject({
        code: z.literal(code),
        message: z.string(),
        details: z.array(errorDetail).optional().describe('each bad item and field; absent when empty'),
      }),
    })
    .describe(ERROR_CODES[code]);
}

export type ErrorBody = z.infer<ReturnType<typeof errorBody>>;

export function sendError(
  reply: FastifyReply,
  code: ErrorCode,
  message: string,
  details: readonly ErrorDetail[] = [],
) {
  const body = {
    error: { code, message, ...(details.length > 0 && { details: [...details] }) },
  } satisfies ErrorBody;
  return reply.code(STATUS[code]).send(body);
}

/** Maps Fastify's own errors (body parsing, limits, the router) onto the catalogue. */
export function fromFastify(error: FastifyError, request: FastifyRequest): NinesError | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE': {
      const limit = request.routeOptions.bodyLimit ?? request.server.initialConfig.bodyLimit;
      return new NinesError(
        'PAYLOAD_TOO_LARGE',
        `the body is larger than the limit of ${limit ?? 'the server'} bytes; send smaller batches`,
      );
    }
    case 'FST_ERR_BAD_URL':
      return new NinesError('VALIDATION_FAILED', 'the URL path is not valid: check its percent-encoding');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new NinesError('VALIDATION_FAILED', 'a path segment of the URL is too long');
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

/**
 * Answers errors the router raises before any route matches (Fastify's
 * `frameworkErrors` option), in the same format as every other error.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const mapped = fromFastify(error, request);
  if (mapped) return sendError(reply, mapped.code, mapped.message);
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return sendError(reply, 'VALIDATION_FAILED', error.message);
  }
  request.log.error({ err: error }, 'request failed');
  return sendError(reply, 'INTERNAL', 'internal error');
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
    return frameworkErrors(error, request, reply);
  });
}
