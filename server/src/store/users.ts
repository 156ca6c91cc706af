import type { StoreContext } from './context.js';
import type { Role } from '../domain/roles.js';

export interface UserRow {
  id: number;
  username: string;
  role: Role;
  disabled: boolean;
  createdAt: string;
}

export interface UserWithHash extends UserRow {
  passwordHash: string;
}

interface Raw {
  id: number;
  username: string;
  role: Role;
  disabled: number;
  created_at: string;
  password_hash: string;
}

const toUser = (r: Raw): UserWithHash => ({
  id: r.id,
  username: r.username,
  role: r.role,
  disabled: r.disabled === 1,
  createdAt: r.created_at,
  passwordHash: r.password_hash,
});

const publicUser = ({ passwordHash: _hash, ...u }: UserWithHash): UserRow => u;

export class DuplicateUsernameError extends Error {
  constructor(username: string) {
    super(`a user named "${username}" already exists`);
  }
}

export function createUsersRepo({ db }: Pick<StoreContext, 'db'>) {
  const byName = db.prepare<[string], Raw>('SELECT * FROM users WHERE username = ?');
  const byId = db.prepare<[number], Raw>('SELECT * FROM users WHERE id = ?');
  const all = db.prepare<[], Raw>('SELECT * FROM users ORDER BY username');
  const insert = db.prepare('INSERT INTO users (username, password_hash, role) VALUES (?, ?, ?)');
  const setHash = db.prepare('UPDATE users SET password_hash = ? WHERE id = ?');
  const setRole = db.prepare('UPDATE users SET role = ? WHERE id = ?');
  const setDisabled = db.prepare('UPDATE users SET disabled = ? WHERE id = ?');
  const count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM users');

  return {
    create(input: { username: string; passwordHash: string; role: Role }): UserRow {
      try {
        const info = insert.run(input.username, input.passwordHash, input.role);
        return publicUser(toUser(byId.get(Number(info.lastInsertRowid))!));
      } catch (err) {
        if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new DuplicateUsernameError(input.username);
        throw err;
      }
    },
    /** includes the password hash: for login only */
    findForLogin(username: string): UserWithHash | undefined {
      const r = byName.get(username);
      return r ? toUser(r) : undefined;
    },
    findByName(username: string): UserRow | undefined {
      const r = byName.get(username);
      return r ? publicUser(toUser(r)) : undefined;
    },
    get(id: number): UserRow | undefined {
      const r = byId.get(id);
      return r ? publicUser(toUser(r)) : undefined;
    },
    list(): UserRow[] {
      return all.all().map((r) => publicUser(toUser(r)));
    },
    setPasswordHash(id: number, passwordHash: string): void {
      setHash.run(passwordHash, id);
    },
    setRole(id: number, role: Role): void {
      setRole.run(role, id);
    },
    setDisabled(id: number, disabled: boolean): void {
      setDisabled.run(disabled ? 1 : 0, id);
    },
    count(): number {
      return count.get()!.n;
    },
  };
}
export type UsersRepo = ReturnType<typeof createUsersRepo>;
