/**
 * The store a test runs against. POPPY_TEST_BACKEND=postgres (the server-postgres vitest project) gives each store a
 * fresh schema in POPPY_TEST_DATABASE_URL, dropped again by `dispose`; otherwise a SQLite file in a temp data dir.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openStore, type Store } from '../../src/store/index.js';

export const TEST_DATABASE_URL = process.env.POPPY_TEST_DATABASE_URL ?? 'postgres://poppy:poppy@127.0.0.1:5432/poppy';
export const onPostgres = process.env.POPPY_TEST_BACKEND === 'postgres';

/** Store settings for one test: the env a spawned server needs too (POPPY_DATABASE_URL / _SCHEMA). */
export interface TestBackend {
  databaseUrl: string | null;
  databaseSchema: string | undefined;
  env: Record<string, string>;
  /** drops the test's schema (PostgreSQL); nothing on SQLite */
  drop(): Promise<void>;
}

export function testBackend(): TestBackend {
  if (!onPostgres) return { databaseUrl: null, databaseSchema: undefined, env: {}, drop: async () => undefined };
  const schema = `t_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  return {
    databaseUrl: TEST_DATABASE_URL,
    databaseSchema: schema,
    env: { POPPY_DATABASE_URL: TEST_DATABASE_URL, POPPY_DATABASE_SCHEMA: schema },
    drop: () => dropSchema(schema),
  };
}

export async function dropSchema(schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await c.end();
  }
}

export interface TestStore extends Store {
  /** closes the store, drops its schema (PostgreSQL) and removes its data dir */
  dispose(): Promise<void>;
}

/** A fresh store on the test backend, in `dataDir` (default: a new temp dir, removed by dispose). */
export async function openTestStore(opts: { dataDir?: string; backend?: TestBackend } = {}): Promise<TestStore> {
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'poppy-store-'));
  const backend = opts.backend ?? testBackend();
  const store = await openStore({ dataDir, databaseUrl: backend.databaseUrl, databaseSchema: backend.databaseSchema });
  return Object.assign(store, {
    async dispose() {
      await store.close();
      await backend.drop();
      if (!opts.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  });
}
