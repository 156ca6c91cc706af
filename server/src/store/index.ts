import fs from 'node:fs';
import path from 'node:path';
import { migrate, openDb, type Db } from './db.js';
import type { StoreContext } from './context.js';
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
  db: Db;
  dataDir: string;
  /** originals/<sha256>, derived/ */
  paths: { db: string; originals: string; derived: string };
  /** Runs fn in one SQLite transaction (nested calls become savepoints). */
  tx<T>(fn: () => T): T;
  /** SQLite's own consistency check; "ok" when sound. */
  integrityCheck(): string;
  close(): void;
}

export const DB_FILE = 'poppywatch.db';

/** True when the data dir holds no database yet (a first start). */
export function isFreshDataDir(dataDir: string): boolean {
  return !fs.existsSync(path.join(dataDir, DB_FILE));
}

export function openStore(opts: { dataDir: string }): Store {
  const dataDir = path.resolve(opts.dataDir);
  const paths = {
    db: path.join(dataDir, DB_FILE),
    originals: path.join(dataDir, 'originals'),
    derived: path.join(dataDir, 'derived'),
  };
  fs.mkdirSync(paths.originals, { recursive: true });
  fs.mkdirSync(paths.derived, { recursive: true });
  const db = openDb(paths.db);
  migrate(db);
  const repos = createRepos({ db, dataDir });
  return {
    ...repos,
    db,
    dataDir,
    paths,
    tx: <T>(fn: () => T): T => db.transaction(fn)(),
    integrityCheck: () => String(db.pragma('integrity_check', { simple: true })),
    close: () => {
      if (db.open) db.close();
    },
  };
}
