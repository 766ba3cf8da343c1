import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';

import { api, onUnauthenticated } from '../api/http';
import type { Me } from '../api/types';

/**
 * Who is signed in, and how to sign in and out. This module is the one place that knows how the portal
 * authenticates: local accounts through the broker, or the organisation sign-in (Keycloak) that the broker runs
 * as a backend for frontend and ends in the same cookie.
 *
 * The broker answers a sign-in with an HttpOnly, SameSite=Strict cookie; the portal never keeps the
 * token in JavaScript, it only asks "who am I" (GET /api/v1/me).
 */
export interface Auth {
  /** undefined while checking, null when signed out. */
  user: Me | null | undefined;
  /** True when the last sign-out was forced by an expired sign-in. */
  expired: boolean;
  signIn(credentials: { tenant?: string; username: string; password: string }): Promise<void>;
  signOut(): Promise<void>;
}

const AuthContext = createContext<Auth | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<Me | null | undefined>(undefined);
  const [expired, setExpired] = useState(false);

  useEffect(() => {
    let cancelled = false;
    api<Me>('GET', '/api/v1/me')
      .then((me) => !cancelled && setUser(me))
      .catch(() => !cancelled && setUser(null));
    return () => {
      cancelled = true;
    };
  }, []);

  useEffect(
    () =>
      onUnauthenticated(() => {
        setUser((current) => {
          if (current) {
            setExpired(true);
          }
          return null;
        });
      }),
    [],
  );

  const signIn = useCallback(async (c: { tenant?: string; username: string; password: string }) => {
    const tenant = c.tenant?.trim();
    await api('POST', '/api/v1/auth/login', {
      ...(tenant ? { tenant } : {}),
      username: c.username.trim(),
      password: c.password,
    });
    setExpired(false);
    setUser(await api<Me>('GET', '/api/v1/me'));
  }, []);

  const signOut = useCallback(async () => {
    try {
      await api('POST', '/api/v1/auth/logout');
    } finally {
      setExpired(false);
      setUser(null);
    }
  }, []);

  const value = useMemo(() => ({ user, expired, signIn, signOut }), [user, expired, signIn, signOut]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) {
    throw new Error('useAuth outside <AuthProvider>');
  }
  return auth;
}
