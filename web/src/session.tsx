/** The signed-in user, for every page inside the app layout. */
import { createContext, useContext } from 'react';
import type { SessionUser } from './api/auth';

export const SessionContext = createContext<SessionUser | null>(null);

/** The signed-in user; pages under the layout always have one. */
export function useUser(): SessionUser {
  const user = useContext(SessionContext);
  if (!user) throw new Error('useUser outside the signed-in layout');
  return user;
}
