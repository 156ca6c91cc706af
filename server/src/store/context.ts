import type { Db } from './db.js';

/** What every repo factory gets: the open database and the data directory (originals, derived). */
export interface StoreContext {
  db: Db;
  dataDir: string;
}
