import { Router } from 'express';
import { z } from 'zod';
import { issueApiToken } from '../../auth/apiTokens.js';
import { clearSessionCookie, readCookie, SESSION_COOKIE, setSessionCookie } from '../../auth/cookies.js';
import { createLoginLimiter, type LoginLimitOptions } from '../../auth/loginLimiter.js';
import { requireRole } from '../../auth/middleware.js';
import { dummyPasswordHash, verifyPassword } from '../../auth/passwords.js';
import { endSession, startSession } from '../../auth/sessions.js';
import type { AuditRepo } from '../../store/audit.js';
import type { SessionsRepo } from '../../store/sessions.js';
import type { TokensRepo } from '../../store/tokens.js';
import type { UsersRepo } from '../../store/users.js';
import { parse } from '../validate.js';

export interface AuthRouterDeps {
  store: { users: UsersRepo; sessions: SessionsRepo; tokens: TokensRepo; audit: AuditRepo };
  loginLimits?: LoginLimitOptions;
}

const LoginSchema = z.object({
  username: z.string().trim().min(1, 'username is required').max(256),
  password: z.string().min(1, 'password is required').max(1024),
});

const TokenSchema = z.object({ name: z.string().trim().min(1, 'name is required').max(100) });

/** POST /api/auth/login, POST /api/auth/logout, GET /api/auth/me, POST /api/auth/tokens (relative to the /api mount). */
export function authRouter({ store, loginLimits }: AuthRouterDeps): Router {
  const router = Router();
  const limiter = createLoginLimiter(loginLimits);

  router.post('/auth/login', limiter.perIp, async (req, res) => {
    const body = parse(LoginSchema, req.body ?? {}, 'login');
    const lockedS = limiter.lockedForS(body.username);
    if (lockedS > 0) {
      store.audit.append({ action: 'login_failed', username: body.username, details: { reason: 'locked' }, ip: req.ip });
      res.set('Retry-After', String(lockedS));
      return void res.status(429).json({
        error: 'too_many_attempts',
        message: `Too many failed logins for this user; try again in ${Math.ceil(lockedS / 60)} minutes.`,
      });
    }
    const user = store.users.findForLogin(body.username);
    // Verify against a dummy hash for unknown users so the answer time does not reveal which names exist.
    const matches = await verifyPassword(body.password, user?.passwordHash ?? (await dummyPasswordHash()));
    if (!user || !matches || user.disabled) {
      limiter.recordFailure(body.username);
      store.audit.append({
        action: 'login_failed',
        username: body.username,
        details: { reason: user ? (user.disabled ? 'disabled' : 'wrong_password') : 'unknown_user' },
        ip: req.ip,
      });
      return void res.status(401).json({ error: 'invalid_credentials', message: 'Wrong username or password.' });
    }
    limiter.recordSuccess(body.username);
    const { sessionId, csrfToken } = startSession(store.sessions, user.id);
    store.audit.append({ action: 'login', user, ip: req.ip });
    setSessionCookie(req, res, sessionId);
    res.json({ user: { id: user.id, username: user.username, role: user.role }, csrfToken });
  });

  router.post('/auth/logout', requireRole(), (req, res) => {
    const sessionId = readCookie(req, SESSION_COOKIE);
    if (req.authVia === 'session' && sessionId) endSession(store.sessions, sessionId);
    store.audit.append({ action: 'logout', user: req.user, ip: req.ip });
    clearSessionCookie(req, res);
    res.status(204).end();
  });

  router.get('/auth/me', requireRole(), (req, res) => {
    res.set('Cache-Control', 'no-store');
    res.json({ user: req.user, csrfToken: req.csrfToken ?? null });
  });

  router.post('/auth/tokens', requireRole(), (req, res) => {
    const body = parse(TokenSchema, req.body ?? {}, 'token request');
    const user = req.user!;
    if (user.id === 0) {
      return void res.status(400).json({
        error: 'no_account',
        message: 'The bootstrap token has no user account to own a token; create a user (POST /api/users) first.',
      });
    }
    const { id, token } = issueApiToken(store.tokens, user.id, body.name);
    store.audit.append({ action: 'token_created', user, details: { tokenId: id, name: body.name }, ip: req.ip });
    res.set('Cache-Control', 'no-store');
    res.status(201).json({ id, name: body.name, token });
  });

  router.get('/auth/tokens', requireRole(), (req, res) => {
    res.json({ tokens: req.user!.id === 0 ? [] : store.tokens.listForUser(req.user!.id) });
  });

  router.delete('/auth/tokens/:id', requireRole(), (req, res) => {
    const id = Number(req.params.id);
    if (!Number.isSafeInteger(id) || id <= 0) {
      return void res.status(400).json({ error: 'invalid_id', message: `Token id must be a positive integer, got "${req.params.id}".` });
    }
    if (!store.tokens.revoke(id, req.user!.id)) {
      return void res.status(404).json({ error: 'not_found', message: `You have no active token ${id}.` });
    }
    store.audit.append({ action: 'token_revoked', user: req.user, details: { tokenId: id }, ip: req.ip });
    res.status(204).end();
  });

  return router;
}
