import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 256-bit random secret, URL-safe. Session ids, API tokens and CSRF tokens all come from here. */
export function newSecret(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url');
}

/** Session ids and API tokens are stored only as this digest: a stolen database does not log anyone in. */
export function secretDigest(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Constant-time string equality (compares digests, so lengths may differ). */
export function safeEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a).digest();
  const db = createHash('sha256').update(b).digest();
  return timingSafeEqual(da, db);
}

export const API_TOKEN_PREFIX = 'pwt_';
