import type { SessionsRepo } from '../store/sessions.js';
import { SESSION_TTL_MS } from './cookies.js';
import { newSecret, secretDigest } from './secrets.js';

/** Starts a browser session; the raw id goes only into the cookie, the database keeps its digest. */
export async function startSession(sessions: SessionsRepo, userId: number, now = Date.now()): Promise<{ sessionId: string; csrfToken: string }> {
  const sessionId = newSecret();
  const csrfToken = newSecret();
  await sessions.purgeExpired(now);
  await sessions.create({ idHash: secretDigest(sessionId), userId, csrfToken, now, expiresAt: now + SESSION_TTL_MS });
  return { sessionId, csrfToken };
}

export async function endSession(sessions: SessionsRepo, sessionId: string): Promise<void> {
  await sessions.delete(secretDigest(sessionId));
}
