import type { StoreContext } from './context.js';
import type { Role } from '../domain/roles.js';

export interface SessionUser {
  userId: number;
  username: string;
  role: Role;
  csrfToken: string;
  expiresAt: number;
}

/** Sessions are keyed by the sha256 digest of the cookie value; the caller hashes. */
export function createSessionsRepo({ db }: Pick<StoreContext, 'db'>) {
  const insert = db.prepare(
    'INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
  );
  const lookup = db.prepare<[string, number], { user_id: number; username: string; role: Role; csrf_token: string; expires_at: number }>(
    `SELECT s.user_id, u.username, u.role, s.csrf_token, s.expires_at
       FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.id_hash = ? AND s.expires_at > ? AND u.disabled = 0`,
  );
  const remove = db.prepare('DELETE FROM sessions WHERE id_hash = ?');
  const removeForUser = db.prepare('DELETE FROM sessions WHERE user_id = ?');
  const purge = db.prepare('DELETE FROM sessions WHERE expires_at <= ?');

  return {
    create(input: { idHash: string; userId: number; csrfToken: string; now: number; expiresAt: number }): void {
      insert.run(input.idHash, input.userId, input.csrfToken, input.now, input.expiresAt);
    },
    find(idHash: string, now = Date.now()): SessionUser | undefined {
      const r = lookup.get(idHash, now);
      return r && { userId: r.user_id, username: r.username, role: r.role, csrfToken: r.csrf_token, expiresAt: r.expires_at };
    },
    delete(idHash: string): void {
      remove.run(idHash);
    },
    deleteForUser(userId: number): void {
      removeForUser.run(userId);
    },
    purgeExpired(now = Date.now()): number {
      return purge.run(now).changes;
    },
  };
}
export type SessionsRepo = ReturnType<typeof createSessionsRepo>;
