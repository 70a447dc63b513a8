/**
 * The cookie session over `/auth/*`: sign in, who is signed in, sign out. The CSRF token of
 * the session is handed to the API client, which sends it on every POST, PATCH and DELETE.
 * A 401 here is an answer ("not signed in", "wrong password"), not a reason to redirect.
 */

import { api, setCsrfToken } from './client';
import type { components } from './schema';

export type Session = components['schemas']['SignedIn'];
export type SessionUser = Session['user'];
export type Role = SessionUser['role'];

export type LoginResult =
  | { readonly ok: true; readonly session: Session }
  | { readonly ok: false; readonly status: number; readonly message: string };

function messageOf(error: unknown, response: Response): string {
  const body = error as { error?: { message?: unknown } } | undefined;
  return typeof body?.error?.message === 'string'
    ? body.error.message
    : response.statusText || `HTTP ${response.status}`;
}

/** `POST /auth/login`: 200 starts a session (the server sets its cookie); 401 and 429 say why not. */
export async function login(name: string, password: string): Promise<LoginResult> {
  const { data, error, response } = await api.POST('/auth/login', { body: { name, password } });
  if (!data) return { ok: false, status: response.status, message: messageOf(error, response) };
  setCsrfToken(data.csrfToken);
  return { ok: true, session: data };
}

/** `GET /auth/me`: the session, or null when there is none (401). Other failures throw. */
export async function fetchSession(signal?: AbortSignal): Promise<Session | null> {
  const { data, error, response } = await api.GET('/auth/me', signal ? { signal } : {});
  if (response.status === 401) {
    setCsrfToken(null);
    return null;
  }
  if (!data) throw new Error(messageOf(error, response));
  setCsrfToken(data.csrfToken);
  return data;
}

/** `POST /auth/logout` (204). The session ends on the server whatever happens after. */
export async function logout(): Promise<void> {
  try {
    await api.POST('/auth/logout');
  } finally {
    setCsrfToken(null);
  }
}
