import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';

export interface LoginLimitOptions {
  /** guesses per username from one client address before that address is locked out of the account for the window */
  maxFailuresPerUser?: number;
  /** guesses per username from all addresses together (a distributed guesser); high, so one address cannot lock anyone out */
  maxFailuresPerUserAllAddresses?: number;
  /** failed attempts per client IP (all usernames) per window */
  maxFailuresPerIp?: number;
  windowMs?: number;
}

const DEFAULTS = { maxFailuresPerUser: 5, maxFailuresPerUserAllAddresses: 100, maxFailuresPerIp: 50, windowMs: 15 * 60 * 1000 };

interface Counter {
  count: number;
  resetAt: number;
}

export type Reservation =
  | { ok: true; /** the password was right: the address's guesses at this account are forgotten */ succeeded(): void; /** not checked after all (server busy): the guess is given back */ cancel(): void }
  | { ok: false; retryAfterS: number; scope: 'address' | 'account' };

/**
 * Limits on password guessing. A guess is counted when it is RESERVED, before the password hash is checked, and
 * reservation is synchronous: however many logins arrive at once, at most `maxFailuresPerUser` guesses per
 * (username, address) and `maxFailuresPerUserAllAddresses` per username are ever checked in a window. The lockout
 * is per address, so a guesser elsewhere cannot lock the real user out. Plus a per-address limit over all
 * usernames (express-rate-limit, which also counts at arrival). State is per process, in memory.
 */
export function createLoginLimiter(opts: LoginLimitOptions = {}) {
  const o = { ...DEFAULTS, ...opts };
  const counters = new Map<string, Counter>();
  const userKey = (username: string) => `u\u0000${username.trim().normalize('NFKC').toLowerCase()}`;
  const pairKey = (username: string, ip: string) => `${userKey(username)}\u0000${ip}`;

  const live = (key: string, now: number): Counter | undefined => {
    const c = counters.get(key);
    if (c && c.resetAt <= now) {
      counters.delete(key);
      return undefined;
    }
    return c;
  };
  const bump = (key: string, now: number, by: number) => {
    const c = live(key, now);
    if (c) c.count = Math.max(0, c.count + by);
    else if (by > 0) counters.set(key, { count: by, resetAt: now + o.windowMs });
  };
  const sweep = (now: number) => {
    if (counters.size > 20_000) for (const [k, c] of counters) if (c.resetAt <= now) counters.delete(k);
  };

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
    /** Takes one guess at `username` from `ip` out of the allowance, or says how long to wait. */
    reserve(username: string, ip: string, now = Date.now()): Reservation {
      sweep(now);
      const pk = pairKey(username, ip);
      const uk = userKey(username);
      const pair = live(pk, now);
      const user = live(uk, now);
      if (pair && pair.count >= o.maxFailuresPerUser) return { ok: false, retryAfterS: Math.ceil((pair.resetAt - now) / 1000), scope: 'address' };
      if (user && user.count >= o.maxFailuresPerUserAllAddresses) return { ok: false, retryAfterS: Math.ceil((user.resetAt - now) / 1000), scope: 'account' };
      bump(pk, now, 1);
      bump(uk, now, 1);
      let settled = false;
      return {
        ok: true,
        succeeded: () => {
          if (settled) return;
          settled = true;
          counters.delete(pk);
          bump(uk, Date.now(), -1);
        },
        cancel: () => {
          if (settled) return;
          settled = true;
          bump(pk, Date.now(), -1);
          bump(uk, Date.now(), -1);
        },
      };
    },
  };
}
export type LoginLimiter = ReturnType<typeof createLoginLimiter>;
