// npm run retrain: prints progress and the report beside the active version, writes the version, --promote makes
// it active (re-scoring pending sites); a bad option is a usage error (exit 2), an empty store a clear failure.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { toyFlight, writeToyManifest } from './helpers/learningFixtures.js';
import { tempDataDir } from './helpers/server.js';
import { REPO_ROOT } from './helpers/shared.js';
import { openTestStore, testBackend } from './helpers/testStore.js';

const run = (args: string[], env: Record<string, string>) =>
  spawnSync(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'server/src/cli/retrain.ts'), ...args], { encoding: 'utf8', env: { ...process.env, ...env }, cwd: REPO_ROOT, timeout: 60_000 });

describe('npm run retrain', () => {
  it('retrains, reports and promotes', async () => {
    const dataDir = tempDataDir();
    // the CLI works on the store the test filled (the same database on PostgreSQL)
    const backend = testBackend();
    const env = { ...backend.env, POPPY_DATA_DIR: dataDir, POPPY_AERIAL_MODEL: writeToyManifest(tempDataDir('poppy-toy-model-')) };
    const store = await openTestStore({ dataDir, backend });
    await toyFlight(store, 'A', { poppy: 6, lookalike: 6, seed: 1 });
    await toyFlight(store, 'B', { poppy: 2, lookalike: 2, pending: 2, seed: 50 });
    await store.close();
    const r = run(['--promote'], env);
    expect(r.stderr).toMatch(/100 %|fitting: iteration/);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^1\.0\.0\+local\.1 against 1\.0\.0/);
    expect(r.stdout).toMatch(/gate set \(\d+ sites, flights \d+\)/);
    expect(r.stdout).toMatch(/keeps recall on both/);
    expect(r.stdout).toMatch(/promoted 1\.0\.0\+local\.1 \(was 1\.0\.0\); pending sites re-scored: 4 \(2 now below the score\)/);
    const after = await openTestStore({ dataDir, backend });
    try {
      expect(await after.modelVersions.activeVersion()).toBe('1.0.0+local.1');
    } finally {
      await after.dispose();
    }
  }, 90_000);

  it('says what is wrong', async () => {
    const backend = testBackend();
    const env = { ...backend.env, POPPY_DATA_DIR: tempDataDir(), POPPY_AERIAL_MODEL: writeToyManifest(tempDataDir('poppy-toy-model-')) };
    try {
      const bad = run(['--lambda=-1'], env);
      expect(bad.status).toBe(2);
      expect(bad.stderr).toMatch(/--lambda must be a positive number/);
      const unknown = run(['--promot'], env);
      expect(unknown.status).toBe(2);
      expect(unknown.stderr).toMatch(/Unknown option '--promot'[\s\S]*usage: npm run retrain/);
      const empty = run([], env);
      expect(empty.status).toBe(1);
      expect(empty.stderr).toMatch(/No reviewed or field-checked drone site/);
    } finally {
      await backend.drop();
    }
  }, 90_000);
});
