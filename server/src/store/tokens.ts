import type { StoreContext } from './index.js';
import type { Role } from '../auth/roles.js';

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
}

/** API tokens are stored as sha256 digests; the caller hashes. */
export function createTokensRepo({ db }: Pick<StoreContext, 'db'>) {
  const insert = db.prepare('INSERT INTO api_tokens (user_id, name, token_hash) VALUES (?, ?, ?)');
  const lookup = db.prepare<[string], { id: number; user_id: number; username: string; role: Role }>(
    `SELECT t.id, t.user_id, u.username, u.role
       FROM api_tokens t JOIN users u ON u.id = t.user_id
      WHERE t.token_hash = ? AND t.revoked_at IS NULL AND u.disabled = 0`,
  );
  const list = db.prepare<[number], { id: number; name: string; created_at: string; revoked_at: string | null }>(
    'SELECT id, name, created_at, revoked_at FROM api_tokens WHERE user_id = ? ORDER BY id',
  );
  const revoke = db.prepare(
    "UPDATE api_tokens SET revoked_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ? AND user_id = ? AND revoked_at IS NULL",
  );

  return {
    create(input: { userId: number; name: string; tokenHash: string }): number {
      return Number(insert.run(input.userId, input.name, input.tokenHash).lastInsertRowid);
    },
    findOwner(tokenHash: string): TokenOwner | undefined {
      const r = lookup.get(tokenHash);
      return r && { tokenId: r.id, userId: r.user_id, username: r.username, role: r.role };
    },
    listForUser(userId: number): TokenInfo[] {
      return list.all(userId).map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at, revokedAt: r.revoked_at }));
    },
    revoke(id: number, userId: number): boolean {
      return revoke.run(id, userId).changes === 1;
    },
  };
}
export type TokensRepo = ReturnType<typeof createTokensRepo>;
