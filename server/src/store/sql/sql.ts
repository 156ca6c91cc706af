/**
 * The one database interface every repo uses, with SQLite (embedded default) and PostgreSQL (several machines) behind
 * it. Queries are written once, in the portable subset both engines accept (see docs/scale.md, "Writing SQL"):
 * `@name` or `?` placeholders, `INSERT … RETURNING id`, `ON CONFLICT`, CASE instead of boolean arithmetic.
 */
export type Dialect = 'sqlite' | 'postgres';

/** Named (`@name`: an object) or positional (`?`: an array) parameters. Values: string, number, null, Buffer. */
export type Params = object;

export interface RunResult {
  changes: number;
}

export interface Sql {
  readonly dialect: Dialect;
  all<T = Record<string, unknown>>(query: string, params?: Params): Promise<T[]>;
  get<T = Record<string, unknown>>(query: string, params?: Params): Promise<T | undefined>;
  run(query: string, params?: Params): Promise<RunResult>;
  /** Several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
  /**
   * Runs fn in one transaction. Every query made while fn runs — through this object, from any repo, across awaits —
   * belongs to it (AsyncLocalStorage); nested calls become savepoints. Keep fn to database work: on SQLite other
   * queries of this process wait while it runs, and it takes the write lock at BEGIN (IMMEDIATE: with several
   * processes on one file a read-then-write transaction can never fail to upgrade). On PostgreSQL (READ COMMITTED) a
   * read that a later write depends on takes a row lock (`FOR UPDATE`) where two writers could race.
   */
  tx<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** `SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite has one writer, so plain SELECT inside BEGIN IMMEDIATE. */
export const forUpdateSkipLocked = (sql: Pick<Sql, 'dialect'>): string => (sql.dialect === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '');
