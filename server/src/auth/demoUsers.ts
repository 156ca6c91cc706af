import type { UsersRepo } from '../store/users.js';
import { hashPassword, randomPassword } from './passwords.js';
import { ROLES, type Role } from './roles.js';

export interface DemoUser {
  username: string;
  role: Role;
  /** null when the account already existed and keeps its old password */
  password: string | null;
  created: boolean;
}

/**
 * One demo account per role, named after the role. With an explicit password (POPPY_DEMO_PASSWORD) existing demo
 * accounts are reset to it, so what is printed is always true; with a random one only missing accounts are made.
 */
export async function ensureDemoUsers(store: { users: UsersRepo }, password?: string): Promise<DemoUser[]> {
  const pw = password ?? randomPassword();
  const hash = await hashPassword(pw);
  const out: DemoUser[] = [];
  for (const role of ROLES) {
    const existing = await store.users.findByName(role);
    if (!existing) {
      await store.users.create({ username: role, role, passwordHash: hash });
      out.push({ username: role, role, password: pw, created: true });
    } else if (password !== undefined) {
      await store.users.setPasswordHash(existing.id, hash);
      out.push({ username: existing.username, role: existing.role, password: pw, created: false });
    } else {
      out.push({ username: existing.username, role: existing.role, password: null, created: false });
    }
  }
  return out;
}

/** Lines for the console at a demo start. */
export function formatDemoUsers(users: DemoUser[]): string {
  const rows = users.map((u) => `  ${u.username.padEnd(10)} role ${u.role.padEnd(9)} password ${u.password ?? '(unchanged)'}`);
  return ['Demo users:', ...rows].join('\n');
}
