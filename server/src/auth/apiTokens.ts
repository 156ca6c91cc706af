import type { TokensRepo } from '../store/tokens.js';
import { API_TOKEN_PREFIX, newSecret, secretDigest } from './secrets.js';

/** Issues a per-user Bearer token; the plain token is returned once and only its digest is stored. */
export function issueApiToken(tokens: TokensRepo, userId: number, name: string): { id: number; token: string } {
  const token = newSecret(API_TOKEN_PREFIX);
  const id = tokens.create({ userId, name, tokenHash: secretDigest(token) });
  return { id, token };
}
