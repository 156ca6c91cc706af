import type { Sql } from './sql/sql.js';

/** What every repo factory gets: the database (SQLite or PostgreSQL, one interface). */
export interface StoreContext {
  sql: Sql;
}
