import type { StoreContext } from './context.js';
import type { Role } from '../domain/roles.js';

export interface SessionUser {
  userId: number;
  username: string;
  role: Role;
  csrfToken: string;
  expiresAt: number;
}

const LOOKUP = `SELECT s.user_id, u.username, u.role, s.csrf_token, s.expires_at
     FROM sessions s JOIN users u ON u.id = s.user_id
    WHERE s.id_hash = ? AND s.expires_at > ? AND u.disabled = 0`;

/** Sessions are keyed by the sha256 digest of the cookie value; the caller hashes. Times are epoch milliseconds. */
export function createSessionsRepo({ sql }: StoreContext) {
  const lookup = async (idHash: string, now: number, lock: string): Promise<SessionUser | undefined> => {
    const r = await sql.get<{ user_id: number; username: string; role: Role; csrf_token: string; expires_at: number }>(LOOKUP + lock, [idHash, now]);
    return r && { userId: r.user_id, username: r.username, role: r.role, csrfToken: r.csrf_token, expiresAt: r.expires_at };
  };
  return {
    async create(input: { idHash: string; userId: number; csrfToken: string; now: number; expiresAt: number }): Promise<void> {
      await sql.run('INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)', [
        input.idHash,
        input.userId,
        input.csrfToken,
        input.now,
        input.expiresAt,
      ]);
    },
    async find(idHash: string, now = Date.now()): Promise<SessionUser | undefined> {
      return lookup(idHash, now, '');
    },
    /**
     * The same, with the session row share-locked until the transaction ends (PostgreSQL): a reset or a disable, which
     * ends the user's sessions and then revokes their tokens, waits for a token being minted from this session and
     * so revokes it too. Only the session row: the reset locks the user row first, locking it here could deadlock.
     */
    async findLocked(idHash: string, now = Date.now()): Promise<SessionUser | undefined> {
      return lookup(idHash, now, sql.dialect === 'postgres' ? ' FOR SHARE OF s' : '');
    },
    async delete(idHash: string): Promise<void> {
      await sql.run('DELETE FROM sessions WHERE id_hash = ?', [idHash]);
    },
    async deleteForUser(userId: number): Promise<void> {
      await sql.run('DELETE FROM sessions WHERE user_id = ?', [userId]);
    },
    async purgeExpired(now = Date.now()): Promise<number> {
      return (await sql.run('DELETE FROM sessions WHERE expires_at <= ?', [now])).changes;
    },
  };
}
export type SessionsRepo = ReturnType<typeof createSessionsRepo>;
