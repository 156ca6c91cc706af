import fs from 'node:fs';
import path from 'node:path';
import { AsyncLocalStorage } from 'node:async_hooks';
import Database from 'better-sqlite3';
import type { Params, RunResult, Sql } from './sql.js';

interface TxFrame {
  depth: number;
  open: boolean;
}

/**
 * better-sqlite3 behind the async Sql interface. One connection per process: a transaction holds it (other queries of
 * this process wait on a queue) from BEGIN to COMMIT, so interleaved requests never run inside somebody else's
 * transaction. Other processes on the same host are kept apart by SQLite's own file lock (WAL, busy_timeout).
 */
export class SqliteSql implements Sql {
  readonly dialect = 'sqlite' as const;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly current = new AsyncLocalStorage<TxFrame>();
  private holder: TxFrame | null = null;
  private waiting: (() => void)[] = [];

  constructor(readonly db: Database.Database) {}

  static open(file: string): SqliteSql {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    // NORMAL under WAL keeps every committed transaction across a process kill; only an OS crash may lose the last ones.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    return new SqliteSql(db);
  }

  all<T>(query: string, params?: Params): Promise<T[]> {
    return this.onTurn(() => bind(this.prepare(query), params, 'all') as T[]);
  }

  get<T>(query: string, params?: Params): Promise<T | undefined> {
    return this.onTurn(() => bind(this.prepare(query), params, 'get') as T | undefined);
  }

  run(query: string, params?: Params): Promise<RunResult> {
    return this.onTurn(() => ({ changes: (bind(this.prepare(query), params, 'run') as Database.RunResult).changes }));
  }

  exec(script: string): Promise<void> {
    return this.onTurn(() => void this.db.exec(script));
  }

  async tx<T>(fn: () => Promise<T>): Promise<T> {
    const outer = this.current.getStore();
    if (outer?.open) {
      const name = `sp${++outer.depth}`;
      this.db.exec(`SAVEPOINT ${name}`);
      try {
        const r = await fn();
        this.db.exec(`RELEASE ${name}`);
        return r;
      } catch (err) {
        this.db.exec(`ROLLBACK TO ${name}; RELEASE ${name}`);
        throw err;
      } finally {
        outer.depth--;
      }
    }
    const frame: TxFrame = { depth: 0, open: true };
    await this.acquire(frame);
    try {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const r = await this.current.run(frame, fn);
        this.db.exec('COMMIT');
        return r;
      } catch (err) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw err;
      }
    } finally {
      frame.open = false;
      this.release();
    }
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  get isOpen(): boolean {
    return this.db.open;
  }

  private prepare(query: string): Database.Statement {
    let s = this.statements.get(query);
    if (!s) {
      s = this.db.prepare(query);
      this.statements.set(query, s);
    }
    return s;
  }

  /**
   * Runs op now when the connection is free or held by the caller's own transaction; otherwise once it is released.
   * The check and the statement run in the same tick, so nothing can BEGIN in between.
   */
  private onTurn<T>(op: () => T): Promise<T> {
    const mine = this.current.getStore();
    if (this.holder !== null && mine !== this.holder) {
      return new Promise<void>((resolve) => this.waiting.push(resolve)).then(() => this.onTurn(op));
    }
    try {
      return Promise.resolve(op());
    } catch (err) {
      return Promise.reject(err);
    }
  }

  private async acquire(frame: TxFrame): Promise<void> {
    while (this.holder !== null) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.holder = frame;
  }

  private release(): void {
    this.holder = null;
    const woken = this.waiting;
    this.waiting = [];
    for (const w of woken) w();
  }
}

function bind(stmt: Database.Statement, params: Params | undefined, how: 'all' | 'get' | 'run'): unknown {
  if (params === undefined) return stmt[how]();
  if (Array.isArray(params)) return stmt[how](...params);
  return stmt[how](params);
}
