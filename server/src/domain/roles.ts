/** The four roles; store (users, sessions, tokens), auth and field rules all speak of them, so they live below all three. */
export const ROLES = ['admin', 'operator', 'officer', 'reviewer'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
