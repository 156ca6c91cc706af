import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import { bindValues, toPostgres } from './placeholders.js';
import type { Params, RunResult, Sql } from './sql.js';

interface TxFrame {
  client: pg.PoolClient;
  depth: number;
  open: boolean;
}

// COUNT(*), SUM(integer) and BIGINT ids/milliseconds come back as numbers, as they do from SQLite (all stay < 2^53);
// NUMERIC (AVG of integers) as a float.
const INT8 = 20;
const UNIQUE_VIOLATION = '23505';
const DUPLICATE_SCHEMA = '42P06';
const NUMERIC = 1700;
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8) return (v: string) => Number(v);
    if (oid === NUMERIC) return (v: string) => Number.parseFloat(v);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/** postgres://user:secret@host/db → postgres://user:***@host/db, for messages and logs. */
export const maskPassword = (url: string): string => url.replace(/^(postgres(?:ql)?:\/\/[^:/@]*):[^@]*@/, '$1:***@');

export interface PostgresOptions {
  url: string;
  /** a schema of its own (tests, several installations in one database); created when missing */
  schema?: string;
  maxConnections?: number;
}

/** node-postgres behind the async Sql interface: a pool, and one pooled client per transaction. */
export class PostgresSql implements Sql {
  readonly dialect = 'postgres' as const;
  readonly pool: pg.Pool;
  private readonly current = new AsyncLocalStorage<TxFrame>();
  private closed = false;

  constructor(readonly options: PostgresOptions) {
    const schema = options.schema;
    if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid schema name "${schema}"`);
    this.pool = new pg.Pool({
      connectionString: options.url,
      max: options.maxConnections ?? 10,
      types,
      options: schema ? `-c search_path=${schema}` : undefined,
      application_name: 'poppywatch',
      // an unreachable host fails the start (or a query) in seconds, not after the operating system's TCP timeout
      connectionTimeoutMillis: 10_000,
    });
    // an idle client's connection dropping (server restart) must not take the process down; the next query reconnects
    this.pool.on('error', () => undefined);
  }

  /** Connects (creating the schema when one is named), so that a wrong URL fails at start with its reason. */
  static async open(options: PostgresOptions): Promise<PostgresSql> {
    const sql = new PostgresSql(options);
    try {
      if (options.schema) {
        // IF NOT EXISTS is not safe against a second process creating it at the same moment: that one then wins
        await sql.run(`CREATE SCHEMA IF NOT EXISTS ${options.schema}`).catch((err: { code?: string }) => {
          if (err.code !== UNIQUE_VIOLATION && err.code !== DUPLICATE_SCHEMA) throw err;
        });
      }
      await sql.get('SELECT 1 AS ok');
      return sql;
    } catch (err) {
      await sql.close().catch(() => undefined);
      throw new Error(`cannot use PostgreSQL at ${maskPassword(options.url)}: ${(err as Error).message}`);
    }
  }

  async all<T>(query: string, params?: Params): Promise<T[]> {
    return (await this.query(query, params)).rows as T[];
  }

  async get<T>(query: string, params?: Params): Promise<T | undefined> {
    return (await this.query(query, params)).rows[0] as T | undefined;
  }

  async run(query: string, params?: Params): Promise<RunResult> {
    return { changes: (await this.query(query, params)).rowCount ?? 0 };
  }

  async exec(script: string): Promise<void> {
    const frame = this.openFrame();
    await (frame ? frame.client.query(script) : this.pool.query(script));
  }

  async tx<T>(fn: () => Promise<T>): Promise<T> {
    const outer = this.openFrame();
    if (outer) {
      const name = `sp${++outer.depth}`;
      await outer.client.query(`SAVEPOINT ${name}`);
      try {
        const r = await fn();
        await outer.client.query(`RELEASE SAVEPOINT ${name}`);
        return r;
      } catch (err) {
        await outer.client.query(`ROLLBACK TO SAVEPOINT ${name}`);
        throw err;
      } finally {
        outer.depth--;
      }
    }
    const client = await this.pool.connect();
    const frame: TxFrame = { client, depth: 0, open: true };
    let broken = false;
    try {
      await client.query('BEGIN');
      try {
        const r = await this.current.run(frame, fn);
        await client.query('COMMIT');
        return r;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        throw err;
      }
    } finally {
      frame.open = false;
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  private openFrame(): TxFrame | undefined {
    const f = this.current.getStore();
    return f?.open ? f : undefined;
  }

  private query(query: string, params?: Params): Promise<pg.QueryResult> {
    const t = toPostgres(query);
    const values = bindValues(t, params);
    const frame = this.openFrame();
    return frame ? frame.client.query(t.text, values) : this.pool.query(t.text, values);
  }
}
