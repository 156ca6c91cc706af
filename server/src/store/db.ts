import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Dialect, Sql } from './sql/sql.js';
import { advisoryLock } from './sql/advisoryLock.js';

/** migrations/<dialect>/NNN_name.sql: the same numbers in both folders, each file written for its engine. */
export const MIGRATIONS_ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
export const migrationsDir = (dialect: Dialect): string => path.join(MIGRATIONS_ROOT, dialect);

const MIGRATION_NAME = /^(\d{3})_[\w-]+\.sql$/;

export interface AppliedMigration {
  version: number;
  name: string;
}

export function listMigrations(dir: string): { version: number; file: string }[] {
  const files = fs
    .readdirSync(dir)
    .filter((f) => MIGRATION_NAME.test(f))
    .sort();
  const seen = new Map<number, string>();
  return files.map((file) => {
    const version = Number(MIGRATION_NAME.exec(file)![1]);
    if (seen.has(version)) throw new Error(`two migrations share number ${version}: ${seen.get(version)} and ${file}`);
    seen.set(version, file);
    return { version, file };
  });
}

/** Applies the dialect's migrations in order, each once and in its own transaction. */
export async function migrate(sql: Sql, dir = migrationsDir(sql.dialect)): Promise<AppliedMigration[]> {
  // every step under the lock: even CREATE TABLE IF NOT EXISTS fails when two PostgreSQL sessions run it at once
  const locked = async (fn: () => Promise<void>) =>
    sql.tx(async () => {
      await advisoryLock(sql, 'migrations');
      await fn();
    });
  await locked(() =>
    sql.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      applied_at TEXT NOT NULL
    )`),
  );
  const applied: AppliedMigration[] = [];
  for (const { version, file } of listMigrations(dir)) {
    await locked(async () => {
      if (await sql.get('SELECT version FROM schema_migrations WHERE version = ?', [version])) return;
      await sql.exec(fs.readFileSync(path.join(dir, file), 'utf8'));
      await sql.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [version, file, nowIso()]);
      applied.push({ version, name: file });
    });
  }
  return applied;
}

export const nowIso = (): string => new Date().toISOString();
