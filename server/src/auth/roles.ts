import type { Role } from '../domain/roles.js';

export { ROLES, isRole, type Role } from '../domain/roles.js';

/** Who is making a request; `id` 0 is the POPPY_BOOTSTRAP_TOKEN admin, which has no user row. */
export interface AuthUser {
  id: number;
  username: string;
  role: Role;
}

export const BOOTSTRAP_USER: AuthUser = Object.freeze({ id: 0, username: 'bootstrap-token', role: 'admin' });
