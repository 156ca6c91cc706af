import type { StoreContext } from './context.js';
import type { Role } from '../domain/roles.js';
import { advisoryLock } from './sql/advisoryLock.js';

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

// Usernames are unique and matched without regard to case (PostgreSQL has no COLLATE NOCASE: compare lower()).
const BY_NAME = 'SELECT * FROM users WHERE lower(username) = lower(?)';
const BY_ID = 'SELECT * FROM users WHERE id = ?';
// ON CONFLICT without a target: the username's unique index may be on lower(username) (PostgreSQL), and a failed
// INSERT would abort a surrounding PostgreSQL transaction, so a taken name returns no row instead of an error.
const INSERT = 'INSERT INTO users (username, password_hash, role) VALUES (?, ?, ?) ON CONFLICT DO NOTHING RETURNING *';
export function createUsersRepo({ sql }: StoreContext) {
  const byName = async (username: string, lock: string): Promise<UserWithHash | undefined> => {
    const r = await sql.get<Raw>(BY_NAME + lock, [username]);
    return r ? toUser(r) : undefined;
  };
  const list = async (): Promise<UserRow[]> => (await sql.all<Raw>('SELECT * FROM users ORDER BY lower(username)')).map((r) => publicUser(toUser(r)));
  const create = async (input: { username: string; passwordHash: string; role: Role }): Promise<UserRow> => {
    const r = await sql.get<Raw>(INSERT, [input.username, input.passwordHash, input.role]);
    if (!r) throw new DuplicateUsernameError(input.username);
    return publicUser(toUser(r));
  };
  return {
    create,
    /**
     * Adds the user unless `refuse` throws on the users already there. Check and insert hold one lock (PostgreSQL;
     * SQLite writes one transaction at a time), so two look-alike names added at once cannot both pass the check.
     */
    async createUnless(refuse: (existing: UserRow[]) => void, input: { username: string; passwordHash: string; role: Role }): Promise<UserRow> {
      return sql.tx(async () => {
        await advisoryLock(sql, 'userNames');
        refuse(await list());
        return create(input);
      });
    },
    /** includes the password hash: for login only */
    async findForLogin(username: string): Promise<UserWithHash | undefined> {
      return byName(username, '');
    },
    /**
     * The same, with the row share-locked until the transaction ends (PostgreSQL): a password reset or a disable
     * (which update the row, then end its sessions) waits for a login that checked the old state, so the session
     * that login makes is ended too. SQLite runs one write transaction at a time, which gives the same order.
     */
    async findForLoginLocked(username: string): Promise<UserWithHash | undefined> {
      return byName(username, sql.dialect === 'postgres' ? ' FOR SHARE' : '');
    },
    async findByName(username: string): Promise<UserRow | undefined> {
      const u = await byName(username, '');
      return u && publicUser(u);
    },
    async get(id: number): Promise<UserRow | undefined> {
      const r = await sql.get<Raw>(BY_ID, [id]);
      return r ? publicUser(toUser(r)) : undefined;
    },
    list,
    async setPasswordHash(id: number, passwordHash: string): Promise<void> {
      await sql.run('UPDATE users SET password_hash = ? WHERE id = ?', [passwordHash, id]);
    },
    async setRole(id: number, role: Role): Promise<void> {
      await sql.run('UPDATE users SET role = ? WHERE id = ?', [role, id]);
    },
    async setDisabled(id: number, disabled: boolean): Promise<void> {
      await sql.run('UPDATE users SET disabled = ? WHERE id = ?', [disabled ? 1 : 0, id]);
    },
    async count(): Promise<number> {
      return (await sql.get<{ n: number }>('SELECT count(*) AS n FROM users'))!.n;
    },
  };
}
export type UsersRepo = ReturnType<typeof createUsersRepo>;
