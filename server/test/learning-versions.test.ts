// New model versions when several processes retrain on one store (PostgreSQL) and after a crash: every retraining
// gets its own number, file and row, and a file left without its row (a stop between the two) is never overwritten.
// Runs on both backends (the server-postgres project runs it again on PostgreSQL).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promoteVersion } from '../src/learning/promote.js';
import { retrainAerialHead } from '../src/learning/retrain.js';
import { headOf, versionsDir } from '../src/learning/versionFiles.js';
import { loadAerialManifest, type AerialManifest } from '../src/model/aerialManifest.js';
import { TOY_VERSION, toyFlight, writeToyManifest } from './helpers/learningFixtures.js';
import { tempDataDir } from './helpers/server.js';
import { openTestStore, type TestStore } from './helpers/testStore.js';

let store: TestStore;
let manifest: AerialManifest;
const dir = tempDataDir('poppy-versions-');
beforeAll(async () => {
  store = await openTestStore();
  manifest = loadAerialManifest(writeToyManifest(dir));
  await toyFlight(store, 'versions A', { poppy: 4, lookalike: 4, seed: 1 });
  await toyFlight(store, 'versions B', { poppy: 3, lookalike: 3, seed: 50 });
});
afterAll(async () => {
  await store?.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('new model versions', () => {
  it('two retrainings at once (as from two API processes) get two versions, each with its own intact file', async () => {
    const [a, b] = await Promise.all([1, 2].map(() => retrainAerialHead({ store, manifest, actor: null })));
    expect(new Set([a.version, b.version]).size).toBe(2);
    expect([a.version, b.version].sort()).toEqual([`${TOY_VERSION}+local.1`, `${TOY_VERSION}+local.2`]);
    // each file still matches the row that names it (headOf checks the sha256)
    for (const v of [a.version, b.version]) expect((await headOf(store, manifest, v)).version).toBe(v);
  });

  it('a file left without its row (a stop between the two) keeps its number; the next retraining takes the one after', async () => {
    const orphan = path.join(versionsDir(store), `${TOY_VERSION}+local.3.json`);
    fs.writeFileSync(orphan, '{"left":"by a crash"}\n');
    const rec = await retrainAerialHead({ store, manifest, actor: null });
    expect(rec.version).toBe(`${TOY_VERSION}+local.4`);
    expect(fs.readFileSync(orphan, 'utf8')).toBe('{"left":"by a crash"}\n');
    expect((await headOf(store, manifest, rec.version)).version).toBe(rec.version);
  });

  it('two promotions at once: each records the version it really replaced, so the history stays a chain', async () => {
    const versions = (await store.modelVersions.list()).map((v) => v.version);
    expect(versions.length).toBeGreaterThanOrEqual(2);
    const [x, y] = versions;
    await Promise.all([x, y].map((v) => promoteVersion(store, manifest, v, null)));
    const [last, first] = await store.modelVersions.promotions(2);
    expect(first.previousVersion).toBe(TOY_VERSION);
    expect(last.previousVersion).toBe(first.version);
    expect(new Set([first.version, last.version])).toEqual(new Set([x, y]));
    expect(await store.modelVersions.activeVersion()).toBe(last.version);
  });
});
