/** The settings of issue 14: what several processes need, refused with the reason when it is missing or malformed. */
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { loadConfig } from '../src/config.js';
import { openStore } from '../src/store/index.js';
import { tempDataDir } from './helpers/server.js';

describe('scale-out settings', () => {
  it('defaults to one process on the embedded SQLite store', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ role: 'all', databaseUrl: null, blobDir: null, leaseMs: 60_000 });
  });

  it('separate API and worker processes need PostgreSQL', () => {
    expect(() => loadConfig({ POPPY_ROLE: 'worker' })).toThrow(/POPPY_ROLE=worker needs POPPY_DATABASE_URL/);
    expect(() => loadConfig({ POPPY_ROLE: 'api' })).toThrow(/POPPY_ROLE=api needs POPPY_DATABASE_URL/);
    const c = loadConfig({ POPPY_ROLE: 'worker', POPPY_DATABASE_URL: 'postgres://u:p@db:5432/poppy', POPPY_BLOB_DIR: '/mnt/blobs', POPPY_LEASE_S: '30' });
    expect(c).toMatchObject({ role: 'worker', databaseUrl: 'postgres://u:p@db:5432/poppy', blobDir: '/mnt/blobs', leaseMs: 30_000 });
  });

  it('names a malformed setting', () => {
    expect(() => loadConfig({ POPPY_ROLE: 'both' })).toThrow(/POPPY_ROLE/);
    expect(() => loadConfig({ POPPY_DATABASE_URL: 'mysql://x' })).toThrow(/POPPY_DATABASE_URL: must start with postgres:\/\//);
    expect(() => loadConfig({ POPPY_DATABASE_SCHEMA: 'Bad-Name' })).toThrow(/POPPY_DATABASE_SCHEMA/);
    expect(() => loadConfig({ POPPY_LEASE_S: '1' })).toThrow(/POPPY_LEASE_S/);
  });

  it('a database that cannot be reached stops the start with the reason, and without the password', async () => {
    const dataDir = tempDataDir();
    try {
      const opening = openStore({ dataDir, databaseUrl: 'postgres://poppy:s3cret-pw@127.0.0.1:1/poppy' });
      await expect(opening).rejects.toThrow(/^cannot use PostgreSQL at postgres:\/\/poppy:\*\*\*@127\.0\.0\.1:1\/poppy: .*ECONNREFUSED/);
      await expect(opening).rejects.not.toThrow(/s3cret/);
      expect(fs.readdirSync(dataDir)).not.toContain('poppywatch.db'); // no SQLite file made instead
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
