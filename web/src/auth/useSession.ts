import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, setCsrfToken } from '../api/client.js';

export type Role = 'admin' | 'operator' | 'officer' | 'reviewer';
export interface SessionUser {
  id: number | string;
  username: string;
  role: Role;
}
interface SessionAnswer {
  user: SessionUser;
  csrfToken: string;
}

export type SessionState =
  | { status: 'loading' }
  | { status: 'anonymous'; error?: string }
  | { status: 'signed-in'; user: SessionUser };

/** Roles each area needs, mirroring the server's role table (admin may do everything). */
export function hasRole(user: SessionUser, ...roles: Role[]): boolean {
  return user.role === 'admin' || roles.includes(user.role);
}

/**
 * The cookie session: GET /api/auth/me on mount (401 → anonymous), login/logout.
 * The CSRF token from the server is handed to the api client for unsafe requests.
 */
export function useSession() {
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  const accept = useCallback((answer: SessionAnswer) => {
    setCsrfToken(answer.csrfToken);
    setState({ status: 'signed-in', user: answer.user });
  }, []);

  useEffect(() => {
    let live = true;
    api<SessionAnswer>('/api/auth/me')
      .then((answer) => live && accept(answer))
      .catch((err: unknown) => {
        if (!live) return;
        setCsrfToken(null);
        const unreachable = !(err instanceof ApiError);
        setState({ status: 'anonymous', error: unreachable ? 'common.serverUnreachable' : undefined });
      });
    return () => {
      live = false;
    };
  }, [accept]);

  /** Resolves on success; throws ApiError (401 wrong password, 429 rate limited) for the form to show. */
  const login = useCallback(
    async (username: string, password: string) => {
      const answer = await api<SessionAnswer>('/api/auth/login', { method: 'POST', json: { username, password } });
      accept(answer);
    },
    [accept],
  );

  const logout = useCallback(async () => {
    try {
      await api('/api/auth/logout', { method: 'POST' });
    } finally {
      setCsrfToken(null);
      setState({ status: 'anonymous' });
    }
  }, []);

  /** The server no longer knows this session (expired, revoked): back to the login form, saying why. */
  const expire = useCallback((reasonKey: string = 'common.sessionExpired') => {
    setCsrfToken(null);
    setState({ status: 'anonymous', error: reasonKey });
  }, []);

  return { state, login, logout, expire };
}
