import type { TokensRepo } from '../store/tokens.js';
import { API_TOKEN_PREFIX, newSecret, secretDigest } from './secrets.js';

export const DEFAULT_TOKEN_TTL_DAYS = 90;

/** Issues a per-user Bearer token that expires after `ttlDays`; the plain token is returned once, only its digest is stored. */
export async function issueApiToken(
  tokens: TokensRepo,
  userId: number,
  name: string,
  ttlDays = DEFAULT_TOKEN_TTL_DAYS,
  now = new Date(),
): Promise<{ id: number; token: string; expiresAt: string }> {
  const token = newSecret(API_TOKEN_PREFIX);
  const expiresAt = new Date(now.getTime() + ttlDays * 86_400_000).toISOString();
  const id = await tokens.create({ userId, name, tokenHash: secretDigest(token), expiresAt });
  return { id, token, expiresAt };
}
