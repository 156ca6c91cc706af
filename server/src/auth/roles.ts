export const ROLES = ['admin', 'operator', 'officer', 'reviewer'] as const;
export type Role = (typeof ROLES)[number];

/** Who is making a request; `id` 0 is the POPPY_BOOTSTRAP_TOKEN admin, which has no user row. */
export interface AuthUser {
  id: number;
  username: string;
  role: Role;
}

export const BOOTSTRAP_USER: AuthUser = Object.freeze({ id: 0, username: 'bootstrap-token', role: 'admin' });

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
