import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

export type Db = Database.Database;

export const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

const MIGRATION_NAME = /^(\d{3})_[\w-]+\.sql$/;

/** Opens (creating) the SQLite file with the settings every connection needs. */
export function openDb(file: string): Db {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // NORMAL under WAL keeps every committed transaction across a process kill; only an OS crash may lose the last ones.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  return db;
}

export interface AppliedMigration {
  version: number;
  name: string;
}

/** Applies store/migrations/NNN_name.sql in order, each once and in its own transaction. */
export function migrate(db: Db, dir = MIGRATIONS_DIR): AppliedMigration[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
  )`);
  const done = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version),
  );
  const files = fs
    .readdirSync(dir)
    .filter((f) => MIGRATION_NAME.test(f))
    .sort();
  const seen = new Map<number, string>();
  for (const f of files) {
    const v = Number(MIGRATION_NAME.exec(f)![1]);
    if (seen.has(v)) throw new Error(`two migrations share number ${v}: ${seen.get(v)} and ${f}`);
    seen.set(v, f);
  }
  const applied: AppliedMigration[] = [];
  for (const f of files) {
    const version = Number(MIGRATION_NAME.exec(f)![1]);
    if (done.has(version)) continue;
    const sql = fs.readFileSync(path.join(dir, f), 'utf8');
    db.transaction(() => {
      db.exec(sql);
      db.prepare('INSERT INTO schema_migrations (version, name) VALUES (?, ?)').run(version, f);
    })();
    applied.push({ version, name: f });
  }
  return applied;
}

export const nowIso = (): string => new Date().toISOString();
