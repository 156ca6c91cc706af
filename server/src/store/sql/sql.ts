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

export interface TxOptions {
  /** SQLite: take the write lock at BEGIN (BEGIN IMMEDIATE), for read-then-write transactions. PostgreSQL ignores it. */
  immediate?: boolean;
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
   * queries of this process wait while it runs.
   */
  tx<T>(fn: () => Promise<T>, opts?: TxOptions): Promise<T>;
  close(): Promise<void>;
}

/** `SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite has one writer, so plain SELECT inside BEGIN IMMEDIATE. */
export const forUpdateSkipLocked = (sql: Pick<Sql, 'dialect'>): string => (sql.dialect === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '');
