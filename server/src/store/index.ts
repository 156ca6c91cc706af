import fs from 'node:fs';
import path from 'node:path';
import { listMigrations, migrate, migrationsDir } from './db.js';
import type { StoreContext } from './context.js';
import type { Dialect, Sql } from './sql/sql.js';
import { SqliteSql } from './sql/sqlite.js';
import { PostgresSql } from './sql/postgres.js';
import { createFsBlobStore, type BlobStore } from './blobs.js';
import { createFlightsRepo } from './flights.js';
import { createImagesRepo } from './images.js';
import { createJobsRepo } from './jobs.js';
import { createDetectionsRepo } from './detections.js';
import { createSitesRepo } from './sites.js';
import { createReviewsRepo } from './reviews.js';
import { createSnapsRepo } from './snaps.js';
import { createUsersRepo } from './users.js';
import { createSessionsRepo } from './sessions.js';
import { createTokensRepo } from './tokens.js';
import { createAuditRepo } from './audit.js';
import { createFieldRepo } from './field.js';
import { createModelVersionsRepo } from './modelVersions.js';

export type { StoreContext } from './context.js';
export type { Sql, Dialect } from './sql/sql.js';
export type { BlobStore } from './blobs.js';

/** Every repo of the store; to add one, write store/<domain>.ts exporting a factory and add one line here. */
function createRepos(ctx: StoreContext) {
  const reviews = createReviewsRepo(ctx);
  return {
    flights: createFlightsRepo(ctx),
    images: createImagesRepo(ctx),
    jobs: createJobsRepo(ctx),
    detections: createDetectionsRepo(ctx),
    sites: createSitesRepo(ctx, reviews),
    reviews,
    snaps: createSnapsRepo(ctx),
    users: createUsersRepo(ctx),
    sessions: createSessionsRepo(ctx),
    tokens: createTokensRepo(ctx),
    audit: createAuditRepo(ctx),
    field: createFieldRepo(ctx),
    modelVersions: createModelVersionsRepo(ctx),
  };
}

export type Repos = ReturnType<typeof createRepos>;

export interface Store extends Repos {
  sql: Sql;
  dialect: Dialect;
  /** this process's own files: the SQLite database (embedded mode), temporary uploads, the TLS certificate */
  dataDir: string;
  /** originals, derived images and retrained model versions: the data dir, or a volume every machine mounts */
  blobs: BlobStore;
  /** Runs fn in one transaction; every store call made while it runs belongs to it (nested calls become savepoints). */
  tx<T>(fn: () => Promise<T>): Promise<T>;
  /** true when this open made the schema (an empty SQLite file or PostgreSQL schema): a first start */
  created: boolean;
  /** The engine's own consistency check; "ok" when sound. */
  integrityCheck(): Promise<string>;
  close(): Promise<void>;
}

export const DB_FILE = 'poppywatch.db';

export interface OpenStoreOptions {
  dataDir: string;
  /** postgres://…; without it the store is the SQLite file in dataDir */
  databaseUrl?: string | null;
  /** PostgreSQL schema (default: the connection's search_path, normally public) */
  databaseSchema?: string;
  /** where originals/derived/models live; default dataDir */
  blobDir?: string | null;
  /** PostgreSQL connections this process may open (default 10); a worker needs its frame slots + 2 */
  maxConnections?: number;
}

export async function openStore(opts: OpenStoreOptions): Promise<Store> {
  const dataDir = path.resolve(opts.dataDir);
  fs.mkdirSync(dataDir, { recursive: true });
  const blobs = createFsBlobStore(path.resolve(opts.blobDir ?? dataDir));
  const sql: Sql = opts.databaseUrl
    ? await PostgresSql.open({ url: opts.databaseUrl, schema: opts.databaseSchema, maxConnections: opts.maxConnections })
    : SqliteSql.open(path.join(dataDir, DB_FILE));
  let created: boolean;
  try {
    const applied = await migrate(sql);
    created = applied.length > 0 && applied[0].version === listMigrations(migrationsDir(sql.dialect))[0].version;
  } catch (err) {
    await sql.close();
    throw err;
  }
  const repos = createRepos({ sql });
  return {
    ...repos,
    sql,
    dialect: sql.dialect,
    created,
    dataDir,
    blobs,
    tx: (fn) => sql.tx(fn),
    integrityCheck: async () => {
      if (sql.dialect === 'postgres') return 'ok'; // PostgreSQL checks its pages itself; nothing to ask for here
      const r = await sql.get<{ integrity_check: string }>('PRAGMA integrity_check');
      return String(r?.integrity_check);
    },
    close: () => sql.close(),
  };
}
