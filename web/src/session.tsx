import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useEffect, useState } from 'react';
import { api, isSignedIn, onSessionChange, restoreSession, type Schemas, unwrap } from './api/client';
import { Loading } from './ui';

export type Me = Schemas['Me'];
const SessionContext = createContext<Me | null>(null);

/** The signed-in user (inside the signed-in part of the console). */
export function useMe(): Me {
  const me = useContext(SessionContext);
  if (!me) throw new Error('useMe outside a session');
  return me;
}

export const hasRole = (me: Me, ...roles: Me['roles']): boolean => roles.some((r) => me.roles.includes(r));

/**
 * Restores the session from the refresh cookie on load (so a reload keeps you signed in), then provides
 * the user. `signedOut` renders when there is no session.
 */
export function SessionProvider({ children, signedOut }: { children: ReactNode; signedOut: ReactNode }) {
  const [state, setState] = useState<'restoring' | 'in' | 'out'>(isSignedIn() ? 'in' : 'restoring');
  const queryClient = useQueryClient();
  useEffect(() => {
    const off = onSessionChange((signedIn) => {
      if (!signedIn) queryClient.clear();
      setState(signedIn ? 'in' : 'out');
    });
    if (!isSignedIn()) void restoreSession().then(() => setState(isSignedIn() ? 'in' : 'out'));
    return () => void off();
  }, [queryClient]);
  const me = useQuery({
    queryKey: ['me'],
    queryFn: () => unwrap(api.GET('/api/v1/auth/me', {})),
    enabled: state === 'in',
    staleTime: Infinity,
  });
  if (state === 'restoring' || (state === 'in' && me.isPending)) return <Loading what="Opening Lantern" />;
  if (state === 'out' || !me.data) return <>{signedOut}</>;
  return <SessionContext.Provider value={me.data}>{children}</SessionContext.Provider>;
}
