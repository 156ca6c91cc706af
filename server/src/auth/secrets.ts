import { randomBytes, timingSafeEqual } from 'node:crypto';
import { sha256 } from '../util/sha256.js';

/** 256-bit random secret, URL-safe. Session ids, API tokens and CSRF tokens all come from here. */
export function newSecret(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url');
}

/** Session ids and API tokens are stored only as this digest: a stolen database does not log anyone in. */
export function secretDigest(secret: string): string {
  return sha256(secret);
}

/** Constant-time string equality (compares digests, so lengths may differ). */
export function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(Buffer.from(sha256(a), 'hex'), Buffer.from(sha256(b), 'hex'));
}

export const API_TOKEN_PREFIX = 'pwt_';
