/**
 * The typed API client: openapi-fetch over the generated `paths`. The session cookie goes with
 * every request (same origin); mutating requests carry the session's CSRF token; a 401 from the
 * API sends the user to the sign-in page.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';

/** An API error with the server's code and message (`{error: {code, message}}`). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

const MUTATING = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

let csrfToken: string | null = null;

/** The CSRF token of the current session (from sign-in or `/auth/me`); null signs out. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

let onUnauthorized: () => void = () => {};

/** Where a 401 goes: set once by the app (it knows the router). */
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

const session: Middleware = {
  onRequest({ request }) {
    if (MUTATING.has(request.method) && csrfToken) request.headers.set('x-csrf-token', csrfToken);
    return request;
  },
  onResponse({ request, response }) {
    // On /auth/* a 401 is the answer itself (not signed in, wrong password).
    if (response.status === 401 && !new URL(request.url).pathname.startsWith('/auth/')) onUnauthorized();
    return response;
  },
};

export const api = createClient<paths>({
  baseUrl: globalThis.location?.origin ?? '',
  credentials: 'same-origin',
});
api.use(session);

function toApiError(response: Response, error: unknown): ApiError {
  const body = (typeof error === 'object' && error !== null ? error : {}) as {
    error?: { code?: unknown; message?: unknown };
  };
  const code = typeof body.error?.code === 'string' ? body.error.code : `HTTP_${response.status}`;
  const message =
    typeof body.error?.message === 'string'
      ? body.error.message
      : typeof error === 'string' && error.length > 0 && error.length < 300
        ? error
        : response.statusText || `HTTP ${response.status}`;
  return new ApiError(response.status, code, message);
}

type Answer<D> = { data?: D; error?: unknown; response: Response };

/**
 * The body of a successful answer; an ApiError otherwise.
 *
 * @example const { slos } = await call(api.GET('/api/v1/slos', { signal }));
 */
export async function call<D>(request: Promise<Answer<D>>): Promise<[D] extends [never] ? undefined : D> {
  const { data, error, response } = await request;
  if (error !== undefined || !response.ok) throw toApiError(response, error);
  return data as [D] extends [never] ? undefined : D;
}

/** A sentence for an error, with the role hint a 403 deserves. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 403) return `Not allowed: ${error.message} Your role cannot do this.`;
    return error.message;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}
