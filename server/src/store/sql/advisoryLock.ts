import type { Sql } from './sql.js';

/**
 * Work that must run one at a time across every process sharing a PostgreSQL database, each under its own
 * transaction-scoped advisory lock (released at commit or rollback). SQLite needs none: it runs one write
 * transaction at a time (BEGIN IMMEDIATE).
 */
const LOCKS = {
  /** schema migrations when several processes start at once */
  migrations: 7_303_2026,
  /** adding a user: the look-alike check over all names holds until the insert */
  userNames: 7_303_2027,
  /** a retrained model's version number, file and row */
  newModelVersion: 7_303_2028,
  /** promoting a model version: each records the version it replaced */
  modelPromotion: 7_303_2029,
} as const;

/** Call inside a transaction. */
export async function advisoryLock(sql: Sql, lock: keyof typeof LOCKS): Promise<void> {
  if (sql.dialect === 'postgres') await sql.get('SELECT pg_advisory_xact_lock(?)', [LOCKS[lock]]);
}
