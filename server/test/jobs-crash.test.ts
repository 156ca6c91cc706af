/**
 * kill -9 in the middle of processing, then restart on the same data: every frame ends processed exactly once
 * (no lost frame, no duplicated detections) and SQLite's integrity check passes. Needs a model (trained, or the
 * test backbone from ../shared); skips with a reason otherwise.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from './helpers/fakeProcessor.js';
import { testManifestPath } from './helpers/model.js';
import { makeTestJpeg, spawnServer, tempDataDir, uploadForm, type SpawnedServer } from './helpers/server.js';

const manifestPath = testManifestPath();
if (!manifestPath) console.warn('[skip] jobs-crash: no model manifest and no ../shared backbone');

describe.skipIf(!manifestPath)('crash safety of the real server', () => {
  const dataDir = tempDataDir('poppy-crash-');
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('loses no frame and duplicates none across a SIGKILL mid-processing', async () => {
    const env = { POPPY_MODEL: manifestPath!, POPPY_WORKERS: '1' };
    // small synthetic DJI frames at 8 m AGL (≈2 cm/px, a handful of tiles each) keep the test to seconds
    const files = await Promise.all(
      Array.from({ length: 8 }, async (_, i) => ({ name: `c${i}.jpg`, data: await makeTestJpeg({ lat: 34.5 + i * 1e-4, lon: 69.1, seed: i, width: 600, height: 450 }) })),
    );

    let srv: SpawnedServer = await spawnServer({ dataDir, env });
    const f = await srv.fetch('/api/flights', { method: 'POST', json: { name: 'crash', altitudeAglM: 8 } });
    const { id } = (await f.json()) as { id: number };
    expect((await srv.fetch(`/api/flights/${id}/images`, { method: 'POST', body: uploadForm(files) })).status).toBe(202);
    // kill while a frame is being processed, after at least one is committed
    await waitFor(
      async () => {
        const db = new Database(path.join(dataDir, 'poppywatch.db'), { readonly: true, fileMustExist: true });
        try {
          const n = db.prepare(`SELECT SUM(status = 'done') AS done, SUM(status = 'running') AS running FROM jobs`).get() as { done: number; running: number };
          return n.done >= 1 && n.running >= 1;
        } finally {
          db.close();
        }
      },
      120_000,
      'a frame done and the next one running',
    );
    const killedAt = Date.now();
    await srv.kill('SIGKILL');

    srv = await spawnServer({ dataDir, env });
    try {
      expect(srv.output()).toMatch(/requeued frames left running/);
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
    const db = new Database(path.join(dataDir, 'poppywatch.db'), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const perImage = db.prepare(`SELECT image_id, SUM(status = 'done') AS done FROM jobs GROUP BY image_id`).all() as { done: number }[];
      expect(perImage).toHaveLength(8);
      expect(perImage.every((r) => r.done === 1)).toBe(true);
      const dupes = db.prepare(`SELECT COUNT(*) AS n FROM (SELECT image_id, box_x, box_y, box_w, box_h, COUNT(*) AS c FROM detections GROUP BY 1, 2, 3, 4, 5 HAVING c > 1)`).get() as { n: number };
      expect(dupes.n).toBe(0);
      const orphans = db.prepare(`SELECT COUNT(*) AS n FROM detections WHERE site_id IS NULL AND lat IS NOT NULL`).get() as { n: number };
      expect(orphans.n).toBe(0);
    } finally {
      db.close();
    }
  }, 300_000);
});
