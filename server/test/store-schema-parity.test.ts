// The PostgreSQL migrations must build the schema the SQLite ones build: same tables, columns (order, type, NOT NULL,
// default), keys, foreign keys, CHECK lists, indexes, views and append-only triggers. Needs a PostgreSQL server
// (POPPY_TEST_DATABASE_URL); without one the suite is skipped with a printed reason, or fails when
// POPPY_REQUIRE_POSTGRES=1.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listMigrations, migrate, migrationsDir } from '../src/store/db.js';
import { PostgresSql } from '../src/store/sql/postgres.js';
import { SqliteSql } from '../src/store/sql/sqlite.js';
import type { Sql } from '../src/store/sql/sql.js';

const DATABASE_URL = process.env.POPPY_TEST_DATABASE_URL ?? 'postgres://poppy:poppy@127.0.0.1:5432/poppy';
const REQUIRE_POSTGRES = process.env.POPPY_REQUIRE_POSTGRES === '1';
const shownUrl = DATABASE_URL.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');

interface Column {
  name: string;
  type: 'integer' | 'real' | 'text' | 'blob';
  notNull: boolean;
  default: string | null;
}
interface ForeignKey {
  column: string;
  references: string;
  onDelete: string;
}
interface Table {
  columns: Column[];
  primaryKey: string[];
  unique: string[];
  foreignKeys: ForeignKey[];
  /** the string literals of the table's CHECK constraints (they are all `col IN (…)` lists) */
  checkValues: string[];
}
interface Index {
  table: string;
  unique: boolean;
  columns: string[];
  where: string | null;
}
interface Trigger {
  table: string;
  when: string;
  message: string;
}
interface Schema {
  tables: Record<string, Table>;
  views: Record<string, string[]>;
  indexes: Record<string, Index>;
  triggers: Record<string, Trigger>;
}

const byName = <T>(entries: [string, T][]): Record<string, T> => Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)));
const literals = (text: string): string[] => [...text.matchAll(/'([^']*)'/g)].map((m) => m[1]!);
const normaliseWhere = (w: string | null): string | null => (w === null ? null : w.replace(/[()]/g, '').replace(/\s+/g, ' ').trim().toLowerCase());

/** Defaults as both engines would produce them: the literal, or 'now' for the ISO-8601 UTC timestamp expressions. */
function normaliseDefault(d: string | null): string | null {
  if (d === null) return null;
  if (/^\(?\s*(strftime|to_char)\(/i.test(d)) return 'now';
  return d.replace(/::[a-z ]+$/i, '').replace(/^'(.*)'$/, '$1');
}

function sqliteType(declared: string): Column['type'] {
  const t = declared.toUpperCase();
  if (t === 'INTEGER') return 'integer';
  if (t === 'REAL') return 'real';
  if (t === 'TEXT') return 'text';
  if (t === 'BLOB') return 'blob';
  throw new Error(`unexpected SQLite column type ${declared}`);
}

function postgresType(dataType: string): Column['type'] {
  if (dataType === 'bigint' || dataType === 'integer') return 'integer';
  if (dataType === 'double precision') return 'real';
  if (dataType === 'text') return 'text';
  if (dataType === 'bytea') return 'blob';
  throw new Error(`unexpected PostgreSQL column type ${dataType}`);
}

async function sqliteSchema(sql: Sql): Promise<Schema> {
  const objects = await sql.all<{ type: string; name: string; tbl_name: string; sql: string | null }>(
    "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name",
  );
  const tables: [string, Table][] = [];
  const views: [string, string[]][] = [];
  const indexes: [string, Index][] = [];
  const triggers: [string, Trigger][] = [];
  for (const o of objects) {
    if (o.type === 'table') {
      const cols = await sql.all<{ name: string; type: string; notnull: number; dflt_value: string | null; pk: number }>(
        'SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(?) ORDER BY cid',
        [o.name],
      );
      const keyIndexes = await sql.all<{ name: string; origin: string }>(
        "SELECT name, origin FROM pragma_index_list(?) WHERE origin = 'u'",
        [o.name],
      );
      const unique: string[] = [];
      for (const k of keyIndexes) unique.push((await indexColumns(sql, k.name)).join(','));
      const fks = await sql.all<{ from: string; table: string; to: string; on_delete: string }>(
        'SELECT "from", "table", "to", on_delete FROM pragma_foreign_key_list(?) ORDER BY id',
        [o.name],
      );
      tables.push([
        o.name,
        {
          // SQLite lets a non-INTEGER PRIMARY KEY hold NULL (a legacy quirk); PostgreSQL does not: a key column counts as NOT NULL
          columns: cols.map((c) => ({ name: c.name, type: sqliteType(c.type), notNull: c.notnull === 1 || c.pk > 0, default: normaliseDefault(c.dflt_value) })),
          primaryKey: cols.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name),
          unique: unique.sort(),
          foreignKeys: fks.map((f) => ({ column: f.from, references: `${f.table}(${f.to})`, onDelete: f.on_delete })).sort((a, b) => a.column.localeCompare(b.column)),
          checkValues: [...(o.sql ?? '').matchAll(/\bCHECK\s*\(([^)]*)\)/gi)].flatMap((m) => literals(m[1]!)).sort(),
        },
      ]);
    } else if (o.type === 'view') {
      const cols = await sql.all<{ name: string }>('SELECT name FROM pragma_table_info(?) ORDER BY cid', [o.name]);
      views.push([o.name, cols.map((c) => c.name)]);
    } else if (o.type === 'index' && o.sql !== null) {
      const where = /\bWHERE\b([\s\S]*)$/i.exec(o.sql)?.[1] ?? null;
      indexes.push([o.name, { table: o.tbl_name, unique: /^CREATE\s+UNIQUE\b/i.test(o.sql), columns: await indexColumns(sql, o.name), where: normaliseWhere(where) }]);
    } else if (o.type === 'trigger' && o.sql !== null) {
      const when = /\b(BEFORE|AFTER|INSTEAD OF)\s+(INSERT|UPDATE|DELETE)\b/i.exec(o.sql);
      const message = /RAISE\s*\(\s*ABORT\s*,\s*'([^']*)'/i.exec(o.sql);
      triggers.push([o.name, { table: o.tbl_name, when: `${when?.[1]} ${when?.[2]}`.toUpperCase(), message: message?.[1] ?? `(no RAISE in ${o.sql})` }]);
    }
  }
  return { tables: byName(tables), views: byName(views), indexes: byName(indexes), triggers: byName(triggers) };
}

async function indexColumns(sql: Sql, index: string): Promise<string[]> {
  const rows = await sql.all<{ name: string }>('SELECT name FROM pragma_index_info(?) ORDER BY seqno', [index]);
  return rows.map((r) => r.name);
}

async function postgresSchema(sql: Sql): Promise<Schema> {
  const relations = await sql.all<{ table_name: string; table_type: string }>(
    'SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name',
  );
  const columns = await sql.all<{ table_name: string; column_name: string; data_type: string; is_nullable: string; column_default: string | null }>(
    `SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns
     WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`,
  );
  const constraints = await sql.all<{ table_name: string; contype: string; confdeltype: string; def: string; cols: string; ref: string | null }>(
    `SELECT t.relname AS table_name, c.contype, c.confdeltype, pg_get_constraintdef(c.oid) AS def,
            (SELECT string_agg(a.attname, ',' ORDER BY k.i) FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, i)
               JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum) AS cols,
            CASE WHEN c.contype = 'f' THEN (SELECT r.relname FROM pg_class r WHERE r.oid = c.confrelid) || '(' ||
              (SELECT string_agg(a.attname, ',' ORDER BY k.i) FROM unnest(c.confkey) WITH ORDINALITY AS k(attnum, i)
                 JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum) || ')' END AS ref
     FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE n.nspname = current_schema() ORDER BY t.relname, c.conname`,
  );
  // constraint-backed indexes (primary keys, UNIQUE) are compared as keys, like SQLite's sqlite_autoindex_* ones
  const indexes = await sql.all<{ name: string; table_name: string; is_unique: number; cols: string; predicate: string | null }>(
    `SELECT i.relname AS name, t.relname AS table_name, CASE WHEN x.indisunique THEN 1 ELSE 0 END AS is_unique,
            (SELECT string_agg(pg_get_indexdef(x.indexrelid, k, true), ',' ORDER BY k) FROM generate_series(1, x.indnkeyatts) AS k) AS cols,
            pg_get_expr(x.indpred, x.indrelid) AS predicate
     FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE n.nspname = current_schema() AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
     ORDER BY i.relname`,
  );
  // tgtype bits: 2 BEFORE, 64 INSTEAD; 4 INSERT, 8 DELETE, 16 UPDATE, 32 TRUNCATE. SQLite has no TRUNCATE, so TRUNCATE
  // guards (PostgreSQL-only protection for tables whose DELETE is refused) are not part of the comparison.
  const triggers = await sql.all<{ name: string; table_name: string; tgtype: number; body: string }>(
    `SELECT g.tgname AS name, t.relname AS table_name, g.tgtype, p.prosrc AS body
     FROM pg_trigger g JOIN pg_class t ON t.oid = g.tgrelid JOIN pg_namespace n ON n.oid = t.relnamespace
       JOIN pg_proc p ON p.oid = g.tgfoid
     WHERE n.nspname = current_schema() AND NOT g.tgisinternal AND (g.tgtype & 28) <> 0 ORDER BY g.tgname`,
  );

  const tableNames = relations.filter((r) => r.table_type === 'BASE TABLE').map((r) => r.table_name);
  const viewNames = relations.filter((r) => r.table_type === 'VIEW').map((r) => r.table_name);
  const ofTable = <T extends { table_name: string }>(rows: T[], table: string): T[] => rows.filter((r) => r.table_name === table);
  const onDelete: Record<string, string> = { a: 'NO ACTION', r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' };
  return {
    tables: byName(
      tableNames.map((name): [string, Table] => {
        const cons = ofTable(constraints, name);
        return [
          name,
          {
            columns: ofTable(columns, name).map((c) => ({
              name: c.column_name,
              type: postgresType(c.data_type),
              notNull: c.is_nullable === 'NO',
              default: normaliseDefault(c.column_default),
            })),
            primaryKey: cons.find((c) => c.contype === 'p')?.cols.split(',') ?? [],
            unique: cons.filter((c) => c.contype === 'u').map((c) => c.cols).sort(),
            foreignKeys: cons
              .filter((c) => c.contype === 'f')
              .map((c) => ({
                column: c.cols,
                references: c.ref!,
                onDelete: onDelete[c.confdeltype]!,
              }))
              .sort((a, b) => a.column.localeCompare(b.column)),
            checkValues: cons.filter((c) => c.contype === 'c').flatMap((c) => literals(c.def)).sort(),
          },
        ];
      }),
    ),
    views: byName(viewNames.map((name): [string, string[]] => [name, ofTable(columns, name).map((c) => c.column_name)])),
    indexes: byName(
      indexes.map((i): [string, Index] => [i.name, { table: i.table_name, unique: i.is_unique === 1, columns: i.cols.split(','), where: normaliseWhere(i.predicate) }]),
    ),
    triggers: byName(
      triggers.map((t): [string, Trigger] => {
        const event = t.tgtype & 4 ? 'INSERT' : t.tgtype & 8 ? 'DELETE' : 'UPDATE';
        const timing = t.tgtype & 2 ? 'BEFORE' : t.tgtype & 64 ? 'INSTEAD OF' : 'AFTER';
        const message = /RAISE\s+EXCEPTION\s+'([^']*)'/i.exec(t.body);
        return [t.name, { table: t.table_name, when: `${timing} ${event}`, message: message?.[1] ?? `(no RAISE EXCEPTION in ${t.body})` }];
      }),
    ),
  };
}

/** Why PostgreSQL cannot be used, or null when it answers. */
async function postgresUnreachable(): Promise<string | null> {
  const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (err) {
    return `${(err as Error).message || String(err)} (${shownUrl})`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const unreachable = await postgresUnreachable();
if (unreachable && !REQUIRE_POSTGRES) {
  console.warn(`[skip] store-schema-parity: PostgreSQL not reachable: ${unreachable}; set POPPY_TEST_DATABASE_URL, or POPPY_REQUIRE_POSTGRES=1 to fail instead`);
}

describe.skipIf(unreachable !== null && !REQUIRE_POSTGRES)('PostgreSQL and SQLite migrations build the same schema', () => {
  const schemaName = `parity_${process.pid}_${randomBytes(4).toString('hex')}`;
  let tmp = '';
  let lite: SqliteSql | undefined;
  let postgres: PostgresSql | undefined;
  let fromSqlite: Schema;
  let fromPostgres: Schema;

  beforeAll(async () => {
    if (unreachable) throw new Error(`POPPY_REQUIRE_POSTGRES=1 but PostgreSQL is not reachable: ${unreachable}`);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'poppy-parity-'));
    lite = SqliteSql.open(path.join(tmp, 'parity.db'));
    await migrate(lite);
    postgres = await PostgresSql.open({ url: DATABASE_URL, schema: schemaName });
    await migrate(postgres);
    fromSqlite = await sqliteSchema(lite);
    fromPostgres = await postgresSchema(postgres);
  });

  afterAll(async () => {
    await lite?.close();
    if (postgres) {
      await postgres.exec(`DROP SCHEMA IF EXISTS ${schemaName} CASCADE`);
      await postgres.close();
    }
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('has migrations up to the same version in both folders', () => {
    const highest = (dialect: 'sqlite' | 'postgres') => Math.max(...listMigrations(migrationsDir(dialect)).map((m) => m.version));
    expect(highest('postgres')).toBe(highest('sqlite'));
  });

  it('has the same tables and views', () => {
    expect(Object.keys(fromSqlite.tables).length).toBeGreaterThan(10);
    expect(Object.keys(fromPostgres.tables)).toEqual(Object.keys(fromSqlite.tables));
    expect(fromPostgres.views).toEqual(fromSqlite.views);
  });

  it('has the same columns, in order, with the same types, NOT NULL and defaults', () => {
    for (const [name, table] of Object.entries(fromSqlite.tables)) {
      expect({ table: name, columns: fromPostgres.tables[name]?.columns }).toEqual({ table: name, columns: table.columns });
    }
  });

  it('has the same primary keys, UNIQUE constraints, foreign keys (ON DELETE too) and CHECK lists', () => {
    const keys = (s: Schema) => Object.entries(s.tables).map(([name, t]) => ({ name, primaryKey: t.primaryKey, unique: t.unique, foreignKeys: t.foreignKeys, checkValues: t.checkValues }));
    expect(keys(fromPostgres)).toEqual(keys(fromSqlite));
  });

  it('has the same indexes, partial ones with the same condition', () => {
    expect(Object.keys(fromSqlite.indexes).length).toBeGreaterThan(20);
    expect(fromPostgres.indexes).toEqual(fromSqlite.indexes);
  });

  it('has the same append-only triggers, raising the same message', () => {
    expect(Object.keys(fromSqlite.triggers).length).toBeGreaterThan(0);
    expect(fromPostgres.triggers).toEqual(fromSqlite.triggers);
  });

  it('refuses UPDATE, DELETE (and on PostgreSQL TRUNCATE) of the audit log in both engines', async () => {
    for (const sql of [lite!, postgres!]) {
      await sql.run("INSERT INTO audit_log (action) VALUES ('parity')");
      await expect(sql.run("UPDATE audit_log SET action = 'changed'"), sql.dialect).rejects.toThrow(/audit_log is append-only/);
      await expect(sql.run('DELETE FROM audit_log'), sql.dialect).rejects.toThrow(/audit_log is append-only/);
      const row = await sql.get<{ at: string; n: number }>("SELECT at, COUNT(*) AS n FROM audit_log WHERE action = 'parity' GROUP BY at");
      expect(row?.n).toBe(1);
      expect(row?.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
    await expect(postgres!.exec('TRUNCATE audit_log')).rejects.toThrow(/audit_log is append-only/);
  });

  it('treats usernames case-insensitively in both engines (COLLATE NOCASE)', async () => {
    for (const sql of [lite!, postgres!]) {
      await sql.run("INSERT INTO users (username, password_hash, role) VALUES ('Parity', 'x', 'admin')");
      await expect(sql.run("INSERT INTO users (username, password_hash, role) VALUES ('PARITY', 'x', 'admin')"), sql.dialect).rejects.toThrow(/unique/i);
      expect(await sql.get('SELECT username FROM users WHERE username = ?', ['parity']), sql.dialect).toEqual({ username: 'Parity' });
    }
  });
});
