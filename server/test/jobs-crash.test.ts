/**
 * kill -9 in the middle of processing, then restart on the same data: every frame ends processed exactly once
 * (no lost frame, no duplicated detections) and the database's integrity check passes. Needs a model (trained, or
 * the test backbone from ../shared); skips with a reason otherwise. On SQLite the restarted server (the only worker)
 * requeues the cut-off frame at start; on PostgreSQL it goes back to work when its lease runs out.
 */
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from './helpers/fakeProcessor.js';
import { testManifestPath } from './helpers/model.js';
import { makeTestJpeg, spawnServer, tempDataDir, uploadForm, type SpawnedServer } from './helpers/server.js';
import { onPostgres, openTestStore, testBackend } from './helpers/testStore.js';

const manifestPath = testManifestPath();
if (!manifestPath) console.warn('[skip] jobs-crash: no model manifest and no ../shared backbone');

describe.skipIf(!manifestPath)('crash safety of the real server', () => {
  const dataDir = tempDataDir('poppy-crash-');
  const backend = testBackend();
  afterAll(async () => {
    await backend.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('loses no frame and duplicates none across a SIGKILL mid-processing', async () => {
    const env = { POPPY_MODEL: manifestPath!, POPPY_WORKERS: '1', ...(onPostgres ? { POPPY_LEASE_S: '3' } : {}) };
    // small synthetic DJI frames at 8 m AGL (≈2 cm/px, a handful of tiles each) keep the test to seconds
    const files = await Promise.all(
      Array.from({ length: 8 }, async (_, i) => ({ name: `c${i}.jpg`, data: await makeTestJpeg({ lat: 34.5 + i * 1e-4, lon: 69.1, seed: i, width: 600, height: 450 }) })),
    );

    let srv: SpawnedServer = await spawnServer({ dataDir, env, backend });
    const f = await srv.fetch('/api/flights', { method: 'POST', json: { name: 'crash', altitudeAglM: 8 } });
    const { id } = (await f.json()) as { id: number };
    expect((await srv.fetch(`/api/flights/${id}/images`, { method: 'POST', body: uploadForm(files) })).status).toBe(202);
    // kill while a frame is being processed, after at least one is committed
    const watch = await openTestStore({ dataDir, backend });
    try {
      await waitFor(
        async () => {
          const n = await watch.sql.get<{ done: number | null; running: number | null }>(
            `SELECT SUM(CASE WHEN status = 'done' THEN 1 ELSE 0 END) AS done, SUM(CASE WHEN status = 'running' THEN 1 ELSE 0 END) AS running FROM jobs`,
          );
          return (n?.done ?? 0) >= 1 && (n?.running ?? 0) >= 1;
        },
        120_000,
        'a frame done and the next one running',
      );
    } finally {
      await watch.close();
    }
    const killedAt = Date.now();
    await srv.kill('SIGKILL');

    srv = await spawnServer({ dataDir, env, backend });
    try {
      if (!onPostgres) expect(srv.output()).toMatch(/requeued frames left running/);
      await waitFor(
        async () => ((await (await srv.fetch(`/api/flights/${id}`)).json()) as { status: string }).status === 'done',
        120_000,
        'flight done after restart',
      );
      console.log(`[jobs-crash] restart + remaining frames took ${Date.now() - killedAt} ms`);
      const fl = (await (await srv.fetch(`/api/flights/${id}`)).json()) as { images: { total: number; processed: number; failed: number } };
      expect(fl.images).toMatchObject({ total: 8, processed: 8, failed: 0 });
    } finally {
      await srv.kill('SIGTERM');
    }
    const store = await openTestStore({ dataDir, backend });
    try {
      expect(await store.integrityCheck()).toBe('ok');
      const perImage = await store.sql.all<{ image_id: number; done: number }>(
        `SELECT image_id, SUM(CASE WHEN status = 'done' THEN 1 ELSE 0 END) AS done FROM jobs GROUP BY image_id`,
      );
      expect(perImage).toHaveLength(8);
      expect(perImage.every((r) => r.done === 1)).toBe(true);
      // the interrupted frame was claimed again after the kill
      const retried = await store.sql.get<{ n: number }>(`SELECT COUNT(*) AS n FROM jobs WHERE attempts > 1`);
      expect(retried!.n).toBeGreaterThanOrEqual(1);
      const dupes = await store.sql.get<{ n: number }>(
        `SELECT COUNT(*) AS n FROM (SELECT image_id, box_x, box_y, box_w, box_h, COUNT(*) AS c FROM detections
          GROUP BY image_id, box_x, box_y, box_w, box_h HAVING COUNT(*) > 1) AS d`,
      );
      expect(dupes!.n).toBe(0);
      const orphans = await store.sql.get<{ n: number }>(`SELECT COUNT(*) AS n FROM detections WHERE site_id IS NULL AND lat IS NOT NULL`);
      expect(orphans!.n).toBe(0);
    } finally {
      await store.close();
    }
  }, 300_000);
});
