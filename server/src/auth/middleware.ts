/**
 * Authentication and roles for every /api route.
 *
 * WIRING (server/src/app.ts): the middleware takes its dependencies like the routers do:
 *   app.use(authenticate({ store, bootstrapToken: config.bootstrapToken }));  // before the API routers; sets req.user or leaves it undefined
 *   router.post('/api/flights', requireRole('operator'), handler);   // admin passes every requireRole
 *   router.get('/api/flights', requireRole(), handler);              // any authenticated user
 *
 * Credentials, in order: `Authorization: Bearer <token>` (POPPY_BOOTSTRAP_TOKEN = admin, else a per-user API
 * token; no CSRF needed), else the `pw_session` cookie (CSRF: unsafe methods must send the session's token in
 * `X-CSRF-Token`). A bad credential does not answer by itself, so public routes (login, health) still work;
 * requireRole then answers 401 (bad/expired token) or 403 (CSRF) with the reason.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { SessionsRepo } from '../store/sessions.js';
import type { TokensRepo } from '../store/tokens.js';
import { readCookie, SESSION_COOKIE } from './cookies.js';
import { BOOTSTRAP_USER, type AuthUser, type Role } from './roles.js';
import { safeEqual, secretDigest } from './secrets.js';

export interface AuthFailure {
  status: 401 | 403;
  error: string;
  message: string;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** set by `authenticate` when the request carries a valid credential */
      user?: AuthUser;
      /** how the user authenticated; 'session' requests are the ones that need CSRF */
      authVia?: 'bootstrap' | 'token' | 'session';
      /** the CSRF token of the cookie session (returned by GET /api/auth/me) */
      csrfToken?: string;
      /** why a credential that was sent was not accepted */
      authFailure?: AuthFailure;
    }
  }
}

interface AuthStore {
  sessions: SessionsRepo;
  tokens: TokensRepo;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface AuthenticateDeps {
  /** needs only sessions and tokens */
  store: AuthStore;
  /** POPPY_BOOTSTRAP_TOKEN: this Bearer token is the admin */
  bootstrapToken: string | undefined;
}

function bearerToken(req: Request): string | undefined {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m ? m[1] : '';
}

export const authenticate = ({ store, bootstrapToken }: AuthenticateDeps): RequestHandler => async (req: Request, _res: Response, next: NextFunction) => {
  const bearer = bearerToken(req);
  if (bearer !== undefined) {
    if (bearer && bootstrapToken && safeEqual(bearer, bootstrapToken)) {
      req.user = { ...BOOTSTRAP_USER };
      req.authVia = 'bootstrap';
      return next();
    }
    const owner = bearer ? await store.tokens.findOwner(secretDigest(bearer)) : undefined;
    if (owner) {
      req.user = { id: owner.userId, username: owner.username, role: owner.role };
      req.authVia = 'token';
      return next();
    }
    req.authFailure = { status: 401, error: 'invalid_token', message: 'The Bearer token is not valid or was revoked.' };
    return next();
  }

  const sessionId = readCookie(req, SESSION_COOKIE);
  if (!sessionId) return next();
  const session = await store.sessions.find(secretDigest(sessionId));
  if (!session) {
    req.authFailure = { status: 401, error: 'session_expired', message: 'The session has expired; please log in again.' };
    return next();
  }
  if (!SAFE_METHODS.has(req.method)) {
    const sent = req.get('x-csrf-token');
    if (!sent || !safeEqual(sent, session.csrfToken)) {
      req.authFailure = {
        status: 403,
        error: 'csrf',
        message: 'Missing or wrong X-CSRF-Token header (get it from GET /api/auth/me).',
      };
      return next();
    }
  }
  req.user = { id: session.userId, username: session.username, role: session.role };
  req.authVia = 'session';
  req.csrfToken = session.csrfToken;
  next();
};

/**
 * Lets the request through when `req.user` has one of `roles` (admin always passes; no roles = any
 * authenticated user). Anonymous → 401 `{error:"unauthenticated"}`, wrong role → 403 `{error:"forbidden"}`.
 */
export function requireRole(...roles: Role[]): RequestHandler {
  return (req, res, next) => {
    const user = req.user;
    if (!user) {
      const f = req.authFailure;
      if (f) return void res.status(f.status).json({ error: f.error, message: f.message });
      return void res.status(401).json({ error: 'unauthenticated', message: 'Log in or send an Authorization: Bearer token.' });
    }
    if (user.role === 'admin' || roles.length === 0 || roles.includes(user.role)) return next();
    res.status(403).json({
      error: 'forbidden',
      message: `This needs the ${roles.join(' or ')} role; you are signed in as ${user.role}.`,
    });
  };
}
