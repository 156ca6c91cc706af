import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { DEFAULT_TOKEN_TTL_DAYS, issueApiToken } from '../../auth/apiTokens.js';
import { clearSessionCookie, readCookie, SESSION_COOKIE, setSessionCookie } from '../../auth/cookies.js';
import { createLoginLimiter, type LoginLimitOptions } from '../../auth/loginLimiter.js';
import { requireRole } from '../../auth/middleware.js';
import { createHashGate, HashGateBusy, type HashGate } from '../../auth/hashGate.js';
import { dummyPasswordHash, verifyPassword } from '../../auth/passwords.js';
import { normaliseUsername } from '../../auth/usernames.js';
import type { Config } from '../../config.js';
import { endSession, startSession } from '../../auth/sessions.js';
import { secretDigest } from '../../auth/secrets.js';
import type { AuditRepo } from '../../store/audit.js';
import type { SessionsRepo } from '../../store/sessions.js';
import type { TokensRepo } from '../../store/tokens.js';
import type { UsersRepo } from '../../store/users.js';
import { cleanText } from '../text.js';
import { parse, parseId } from '../validate.js';

export interface AuthRouterDeps {
  store: { users: UsersRepo; sessions: SessionsRepo; tokens: TokensRepo; audit: AuditRepo; tx<T>(fn: () => Promise<T>): Promise<T> };
  config?: Pick<Config, 'maxConcurrentHashes' | 'tokenTtlDays'>;
  loginLimits?: LoginLimitOptions;
  /** shared with the users router so admin password resets count against the same cap */
  hashGate?: HashGate;
}

const LoginSchema = z.object({
  username: z.string().max(256).transform(normaliseUsername).pipe(z.string().min(1, 'username is required')),
  password: z.string().min(1, 'password is required').max(1024),
});

const TokenSchema = z.object({ name: z.string().transform(cleanText).pipe(z.string().min(1, 'name is required').max(100)) });

/** What the audit log keeps of a name typed into a failed login: it may be a password typed in the wrong box. */
export function maskAttemptedUsername(name: string): string {
  const first = [...name][0] ?? '';
  return `${first}…`;
}

/** POST /api/auth/login, POST /api/auth/logout, GET /api/auth/me, POST /api/auth/tokens (relative to the /api mount). */
export function authRouter({ store, loginLimits, config, hashGate }: AuthRouterDeps): Router {
  const router = Router();
  const limiter = createLoginLimiter(loginLimits);
  const gate = hashGate ?? createHashGate(config?.maxConcurrentHashes ?? 2);
  const tokenTtlDays = config?.tokenTtlDays ?? DEFAULT_TOKEN_TTL_DAYS;

  const refuse = async (req: Request, res: Response, name: string) => {
    await store.audit.append({ action: 'login_failed', username: maskAttemptedUsername(name), ip: req.ip });
    res.status(401).json({ error: 'invalid_credentials', message: 'Wrong username or password.' });
  };

  router.post('/auth/login', limiter.perIp, async (req, res) => {
    const body = parse(LoginSchema, req.body ?? {}, 'login');
    // counted before the hash is checked: parallel guesses cannot outrun the limit
    const slot = limiter.reserve(body.username, req.ip ?? '');
    if (!slot.ok) {
      await store.audit.append({ action: 'login_failed', username: maskAttemptedUsername(body.username), ip: req.ip });
      res.set('Retry-After', String(slot.retryAfterS));
      return void res.status(429).json({
        error: 'too_many_attempts',
        message: `Too many failed logins for this user${slot.scope === 'address' ? ' from this address' : ''}; try again in ${Math.ceil(slot.retryAfterS / 60)} minutes.`,
      });
    }
    const user = await store.users.findForLogin(body.username);
    let matches: boolean;
    try {
      // Verify against a dummy hash for unknown users so the answer time does not reveal which names exist.
      matches = await gate.run(async () => verifyPassword(body.password, user?.passwordHash ?? (await dummyPasswordHash())));
    } catch (err) {
      if (!(err instanceof HashGateBusy)) throw err;
      slot.cancel();
      res.set('Retry-After', '1');
      return void res.status(503).json({ error: 'busy', message: 'The server is checking many logins at once; try again in a second.' });
    }
    if (!user || !matches || user.disabled) return refuse(req, res, body.username);
    // The password may have been reset or the account disabled while the hash was checked: the session is made
    // only if the account still has the hash that was verified, in the same transaction that checks it.
    const session = await store.tx(
      async () => {
        const now = await store.users.findForLoginLocked(body.username);
        if (!now || now.disabled || now.passwordHash !== user.passwordHash) return null;
        return startSession(store.sessions, user.id);
      },
    );
    if (!session) return refuse(req, res, body.username);
    slot.succeeded();
    await store.audit.append({ action: 'login', user, ip: req.ip });
    setSessionCookie(req, res, session.sessionId);
    res.json({ user: { id: user.id, username: user.username, role: user.role }, csrfToken: session.csrfToken });
  });

  router.post('/auth/logout', requireRole(), async (req, res) => {
    const sessionId = readCookie(req, SESSION_COOKIE);
    if (req.authVia === 'session' && sessionId) await endSession(store.sessions, sessionId);
    await store.audit.append({ action: 'logout', user: req.user, ip: req.ip });
    clearSessionCookie(req, res);
    res.status(204).end();
  });

  router.get('/auth/me', requireRole(), (req, res) => {
    res.set('Cache-Control', 'no-store');
    res.json({ user: req.user, csrfToken: req.csrfToken ?? null });
  });

  router.post('/auth/tokens', requireRole(), async (req, res) => {
    const body = parse(TokenSchema, req.body ?? {}, 'token request');
    const user = req.user!;
    if (user.id === 0) {
      return void res.status(400).json({
        error: 'no_account',
        message: 'The bootstrap token has no user account to own a token; create a user (POST /api/users) first.',
      });
    }
    // a leaked token must not be able to make itself immortal by minting successors
    if (req.authVia !== 'session') {
      return void res.status(403).json({ error: 'session_required', message: 'API tokens can only be made from a logged-in browser session, not with a token.' });
    }
    // minted only while the session still exists, in one transaction with that check: a reset or disable that ends
    // the session meanwhile also revokes this token (store/sessions.ts findLocked)
    const sessionId = readCookie(req, SESSION_COOKIE) ?? '';
    const issued = await store.tx(async () =>
      (await store.sessions.findLocked(secretDigest(sessionId))) ? issueApiToken(store.tokens, user.id, body.name, tokenTtlDays) : null,
    );
    if (!issued) return void res.status(401).json({ error: 'session_expired', message: 'The session has ended; please log in again.' });
    const { id, token, expiresAt } = issued;
    await store.audit.append({ action: 'token_created', user, details: { tokenId: id, name: body.name, expiresAt }, ip: req.ip });
    res.set('Cache-Control', 'no-store');
    res.status(201).json({ id, name: body.name, token, expiresAt });
  });

  router.get('/auth/tokens', requireRole(), async (req, res) => {
    res.json({ tokens: req.user!.id === 0 ? [] : await store.tokens.listForUser(req.user!.id) });
  });

  router.delete('/auth/tokens/:id', requireRole(), async (req, res) => {
    const id = parseId(req.params.id, 'Token');
    if (!(await store.tokens.revoke(id, req.user!.id))) {
      return void res.status(404).json({ error: 'not_found', message: `You have no active token ${id}.` });
    }
    await store.audit.append({ action: 'token_revoked', user: req.user, details: { tokenId: id }, ip: req.ip });
    res.status(204).end();
  });

  return router;
}
