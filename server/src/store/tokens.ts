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

const LOOKUP = `SELECT t.id, t.user_id, u.username, u.role
     FROM api_tokens t JOIN users u ON u.id = t.user_id
    WHERE t.token_hash = ? AND t.revoked_at IS NULL AND u.disabled = 0 AND (t.expires_at IS NULL OR t.expires_at > ?)`;

interface TokenRow {
  id: number;
  name: string;
  created_at: string;
  revoked_at: string | null;
  expires_at: string | null;
}

/** API tokens are stored as sha256 digests; the caller hashes. Times are ISO-8601 UTC text. */
export function createTokensRepo({ sql }: StoreContext) {
  return {
    /** `expiresAt` ISO-8601 UTC; null = never (only for tokens made by an administrator on the command line) */
    async create(input: { userId: number; name: string; tokenHash: string; expiresAt: string | null }): Promise<number> {
      const { id } = (await sql.get<{ id: number }>(
        'INSERT INTO api_tokens (user_id, name, token_hash, expires_at) VALUES (?, ?, ?, ?) RETURNING id',
        [input.userId, input.name, input.tokenHash, input.expiresAt],
      ))!;
      return id;
    },
    async findOwner(tokenHash: string, now = new Date()): Promise<TokenOwner | undefined> {
      const r = await sql.get<{ id: number; user_id: number; username: string; role: Role }>(LOOKUP, [tokenHash, now.toISOString()]);
      return r && { tokenId: r.id, userId: r.user_id, username: r.username, role: r.role };
    },
    async listForUser(userId: number): Promise<TokenInfo[]> {
      const rows = await sql.all<TokenRow>('SELECT id, name, created_at, revoked_at, expires_at FROM api_tokens WHERE user_id = ? ORDER BY id', [
        userId,
      ]);
      return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at, revokedAt: r.revoked_at, expiresAt: r.expires_at }));
    },
    async revoke(id: number, userId: number): Promise<boolean> {
      const r = await sql.run('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL', [
        new Date().toISOString(),
        id,
        userId,
      ]);
      return r.changes === 1;
    },
    /** every live token of the user; returns how many */
    async revokeAllForUser(userId: number): Promise<number> {
      const r = await sql.run('UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL', [new Date().toISOString(), userId]);
      return r.changes;
    },
  };
}
export type TokensRepo = ReturnType<typeof createTokensRepo>;
