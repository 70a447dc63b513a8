/** What each role may do in the UI; the server enforces the same and answers 403 otherwise. */
import type { Role } from '../api/auth';

/** Responders and admins act on incidents, overrides and gates. */
export function canRespond(role: Role): boolean {
  return role === 'responder' || role === 'admin';
}

export function isAdmin(role: Role): boolean {
  return role === 'admin';
}
