import type { StoreContext } from './context.js';
import type { Role } from '../domain/roles.js';

export interface TokenOwner {
  tokenId: number;
  userId: number;
  username: string;
  role: Role;
}

export interface TokenInfo {
  id: number;
  name: string;
  createdAt: string;
  revokedAt: string | null;
  expiresAt: string | null;
}

/** API tokens are stored as sha256 digests; the caller hashes. */
export function createTokensRepo({ db }: Pick<StoreContext, 'db'>) {
  const insert = db.prepare('INSERT INTO api_tokens (user_id, name, token_hash, expires_at) VALUES (?, ?, ?, ?)');
  const lookup = db.prepare<[string, string], { id: number; user_id: number; username: string; role: Role }>(
    `SELECT t.id, t.user_id, u.username, u.role
       FROM api_tokens t JOIN users u ON u.id = t.user_id
      WHERE t.token_hash = ? AND t.revoked_at IS NULL AND u.disabled = 0 AND (t.expires_at IS NULL OR t.expires_at > ?)`,
  );
  const list = db.prepare<[number], { id: number; name: string; created_at: string; revoked_at: string | null; expires_at: string | null }>(
    'SELECT id, name, created_at, revoked_at, expires_at FROM api_tokens WHERE user_id = ? ORDER BY id',
  );
  const revoke = db.prepare(
    "UPDATE api_tokens SET revoked_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ? AND user_id = ? AND revoked_at IS NULL",
  );
  const revokeAll = db.prepare(
    "UPDATE api_tokens SET revoked_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE user_id = ? AND revoked_at IS NULL",
  );

  return {
    /** `expiresAt` ISO-8601 UTC; null = never (only for tokens made by an administrator on the command line) */
    create(input: { userId: number; name: string; tokenHash: string; expiresAt: string | null }): number {
      return Number(insert.run(input.userId, input.name, input.tokenHash, input.expiresAt).lastInsertRowid);
    },
    findOwner(tokenHash: string, now = new Date()): TokenOwner | undefined {
      const r = lookup.get(tokenHash, now.toISOString());
      return r && { tokenId: r.id, userId: r.user_id, username: r.username, role: r.role };
    },
    listForUser(userId: number): TokenInfo[] {
      return list.all(userId).map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at, revokedAt: r.revoked_at, expiresAt: r.expires_at }));
    },
    revoke(id: number, userId: number): boolean {
      return revoke.run(id, userId).changes === 1;
    },
    /** every live token of the user; returns how many */
    revokeAllForUser(userId: number): number {
      return revokeAll.run(userId).changes;
    },
  };
}
export type TokensRepo = ReturnType<typeof createTokensRepo>;
