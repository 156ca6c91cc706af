import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';

export interface LoginLimitOptions {
  /** failed attempts per username before it is locked for the rest of the window */
  maxFailuresPerUser?: number;
  /** failed attempts per client IP (all usernames) per window */
  maxFailuresPerIp?: number;
  windowMs?: number;
}

const DEFAULTS = { maxFailuresPerUser: 5, maxFailuresPerIp: 50, windowMs: 15 * 60 * 1000 };

/**
 * Two limits on guessing: per client IP (express-rate-limit; only failed logins count) and per username
 * (so a distributed guesser cannot hammer one account). State is per process, in memory.
 */
export function createLoginLimiter(opts: LoginLimitOptions = {}) {
  const o = { ...DEFAULTS, ...opts };
  const failures = new Map<string, { count: number; resetAt: number }>();
  const key = (username: string) => username.trim().toLowerCase();

  const perIp: RequestHandler = rateLimit({
    windowMs: o.windowMs,
    limit: o.maxFailuresPerIp,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (_req, res, _next, options) => {
      res.status(429).json({
        error: 'too_many_attempts',
        message: `Too many failed logins from this address; try again in ${Math.ceil(options.windowMs / 60000)} minutes.`,
      });
    },
  });

  return {
    perIp,
    /** seconds until the username may try again, or 0 */
    lockedForS(username: string, now = Date.now()): number {
      const f = failures.get(key(username));
      if (!f || f.resetAt <= now) return 0;
      return f.count >= o.maxFailuresPerUser ? Math.ceil((f.resetAt - now) / 1000) : 0;
    },
    recordFailure(username: string, now = Date.now()): void {
      const k = key(username);
      const f = failures.get(k);
      if (!f || f.resetAt <= now) failures.set(k, { count: 1, resetAt: now + o.windowMs });
      else f.count += 1;
      if (failures.size > 10_000) for (const [name, v] of failures) if (v.resetAt <= now) failures.delete(name);
    },
    recordSuccess(username: string): void {
      failures.delete(key(username));
    },
  };
}
export type LoginLimiter = ReturnType<typeof createLoginLimiter>;
