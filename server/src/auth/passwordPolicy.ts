import { dictionary } from '@zxcvbn-ts/language-common';

export const MIN_PASSWORD_LENGTH = 12;

// ~49,000 most common passwords (leaked-password frequency lists) from @zxcvbn-ts/language-common, installed with
// the project: nothing is fetched at run time.
let common: Set<string> | null = null;
function commonPasswords(): Set<string> {
  common ??= new Set((dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()));
  return common;
}

const fold = (s: string) => s.normalize('NFKC').toLowerCase();

/**
 * Why a new password is not acceptable, or null: at least 12 characters that are not just spaces or one repeated
 * character, not on the common-password list (also with the digits or symbols at its ends removed), and neither
 * equal to nor containing the username.
 */
export function passwordProblem(password: string, username?: string): string | null {
  const chars = [...password.trim()];
  if (chars.length < MIN_PASSWORD_LENGTH) return `password must have at least ${MIN_PASSWORD_LENGTH} characters (not counting spaces at the ends)`;
  if (new Set(chars).size <= 2) return 'password must not be one or two characters repeated';
  const p = fold(password.trim());
  const list = commonPasswords();
  const core = p.replace(/^[\d\W_]+|[\d\W_]+$/gu, '');
  if (list.has(p) || (core.length >= 4 && list.has(core)) || list.has(p.replace(/\s+/g, ''))) {
    return 'password is on the list of commonly used passwords; choose another';
  }
  if (username) {
    const u = fold(username.trim());
    if (u.length > 0 && (p === u || (u.length >= 3 && p.includes(u)))) return 'password must not be or contain the username';
  }
  return null;
}
