/**
 * Issue 14's multi-process check: two API processes and two worker processes share PostgreSQL and a blob directory;
 * frames are uploaded to the first API server and one worker is killed (SIGKILL) in the middle of a frame. Every frame
 * is processed exactly once, none is lost, and the progress reaches a browser's EventSource on the SECOND API server
 * (chromium), which neither received the upload nor ran a frame.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../../web/e2e/browser.js';
import { REPO_ROOT } from './helpers/shared.js';
import { spawnServer, tempDataDir, uploadForm, type SpawnedServer } from './helpers/server.js';
import { onPostgres, testBackend, type TestBackend } from './helpers/testStore.js';
import { spawnWorker, type SpawnedWorker } from '../../scripts/lib/workerProcess.js';
import { openStore, type Store } from '../src/store/index.js';

const DEMO = path.join(REPO_ROOT, 'samples', 'demo-flight');
const FRAMES = fs.existsSync(DEMO) ? fs.readdirSync(DEMO).filter((f) => /\.jpe?g$/i.test(f)).sort() : [];
const LEASE_S = 4;

if (!onPostgres) console.warn('[skip] scale-multiprocess: runs in the server-postgres project only (PostgreSQL is the shared queue)');

describe.skipIf(!onPostgres)('two API processes and two workers on PostgreSQL', () => {
  let backend: TestBackend;
  let blobDir: string;
  let api: SpawnedServer;
  let api2: SpawnedServer;
  let workers: SpawnedWorker[] = [];
  let store: Store;

  beforeAll(async () => {
    expect(FRAMES.length, 'samples/demo-flight frames (npm run samples)').toBeGreaterThanOrEqual(6);
    backend = testBackend();
    blobDir = tempDataDir('poppy-blobs-');
    const shared = { ...backend.env, POPPY_BLOB_DIR: blobDir, POPPY_LEASE_S: String(LEASE_S) };
    [api, api2] = await Promise.all([
      spawnServer({ backend, env: { ...shared, POPPY_ROLE: 'api' } }),
      spawnServer({ backend, env: { ...shared, POPPY_ROLE: 'api', POPPY_DATA_DIR: tempDataDir('poppy-api2-') } }),
    ]);
    const workerEnv = { ...shared, POPPY_DATA_DIR: tempDataDir('poppy-worker-'), POPPY_WORKERS: '1', POPPY_ORT_THREADS: '1' };
    workers = await Promise.all([spawnWorker(workerEnv), spawnWorker({ ...workerEnv, POPPY_DATA_DIR: tempDataDir('poppy-worker-') })]);
    store = await openStore({ dataDir: tempDataDir(), databaseUrl: backend.databaseUrl, databaseSchema: backend.databaseSchema, blobDir });
  }, 180_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill('SIGTERM')));
    await Promise.all([api?.kill('SIGTERM'), api2?.kill('SIGTERM')]);
    await store?.close();
    await backend?.drop();
  });

  it('processes every frame exactly once although a worker is killed mid-frame, and the browser sees the progress', async () => {
    const created = await api.fetch('/api/flights', { method: 'POST', json: { name: 'two workers' } });
    const flight = (await created.json()) as { id: number };

    // a reviewer's browser, logged in with a cookie session on the OTHER API server, listening to the flight's progress
    const password = 'Multi-process progress 7 Yunnan!';
    expect((await api.fetch('/api/users', { method: 'POST', json: { username: 'watcher', password, role: 'reviewer' } })).status).toBe(201);
    const browser = chromiumAvailable() ? await launchChromium() : null;
    if (!browser && process.env.POPPY_REQUIRE_SHARED === '1') throw new Error('chromium is required for the browser part (apt-get install chromium)');
    const page = browser ? await browser.newPage() : null;
    if (page) {
      await page.goto(`${api2.url}/api/health`);
      await page.evaluate(
        async ({ password, flightId }) => {
          const r = await fetch('/api/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'watcher', password }) });
          if (!r.ok) throw new Error(`login ${r.status}`);
          const w = window as unknown as { seen: { event: string; data: unknown }[] };
          w.seen = [];
          const es = new EventSource(`/api/flights/${flightId}/events`);
          for (const kind of ['frame', 'progress']) es.addEventListener(kind, (e) => w.seen.push({ event: kind, data: JSON.parse((e as MessageEvent<string>).data) }));
          await new Promise((resolve) => es.addEventListener('progress', resolve, { once: true }));
        },
        { password, flightId: flight.id },
      );
    }

    // twelve frames: the six demo frames, and the same six again with one byte of trailing data (other bytes, same picture)
    const files = FRAMES.flatMap((f) => {
      const data = fs.readFileSync(path.join(DEMO, f));
      return [
        { name: f, data },
        { name: `copy-${f}`, data: Buffer.concat([data, Buffer.from([0])]) },
      ];
    });
    const up = await api.fetch(`/api/flights/${flight.id}/images`, { method: 'POST', body: uploadForm(files) });
    expect(up.status).toBe(202);

    // kill -9 the first worker while it holds a frame
    const [victim, survivor] = workers;
    const ownerOf = (pid: number) => `worker-${pid}-%`;
    const deadline = Date.now() + 120_000;
    let killedJob: number | null = null;
    while (killedJob === null && Date.now() < deadline) {
      const held = await store.sql.get<{ id: number }>(`SELECT id FROM jobs WHERE status = 'running' AND lease_owner LIKE ?`, [ownerOf(victim.pid)]);
      if (held) {
        await new Promise((r) => setTimeout(r, 300)); // well inside the frame's inference
        await victim.kill('SIGKILL');
        killedJob = held.id;
      } else await new Promise((r) => setTimeout(r, 50));
    }
    expect(killedJob, 'the victim worker claimed a frame').not.toBeNull();

    // the survivor finishes the flight, taking over the dead worker's frame once its lease runs out
    let status = '';
    while (Date.now() < deadline) {
      const f = (await (await api.fetch(`/api/flights/${flight.id}`)).json()) as { status: string; images: { processed: number; failed: number; pending: number } };
      status = f.status;
      if (f.images.pending === 0) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(status).toBe('done');

    const jobs = await store.sql.all<{ image_id: number; status: string; attempts: number; id: number }>(
      'SELECT j.id, j.image_id, j.status, j.attempts FROM jobs j JOIN images i ON i.id = j.image_id WHERE i.flight_id = ? ORDER BY j.id',
      [flight.id],
    );
    expect(jobs).toHaveLength(12);
    expect(jobs.every((j) => j.status === 'done')).toBe(true);
    expect(new Set(jobs.map((j) => j.image_id)).size).toBe(12);
    // the killed frame was claimed twice (victim, then survivor); the rest once
    expect(jobs.find((j) => j.id === killedJob)!.attempts).toBe(2);
    expect(jobs.filter((j) => j.id !== killedJob).every((j) => j.attempts === 1)).toBe(true);
    const images = await store.sql.all<{ status: string; processed_at: string | null }>('SELECT status, processed_at FROM images WHERE flight_id = ?', [flight.id]);
    expect(images.every((i) => i.status === 'done' && i.processed_at)).toBe(true);
    // results written once: no frame has two copies of a detection, and every detection belongs to a site
    const dupes = await store.sql.get<{ n: number }>(`SELECT COUNT(*) AS n FROM (SELECT image_id, box_x, box_y, box_w, box_h FROM detections
      WHERE flight_id = ? GROUP BY image_id, box_x, box_y, box_w, box_h HAVING COUNT(*) > 1) d`, [flight.id]);
    expect(dupes!.n).toBe(0);
    const perFrame = await store.sql.all<{ image_id: number; n: number }>('SELECT image_id, COUNT(*) AS n FROM detections WHERE flight_id = ? GROUP BY image_id', [flight.id]);
    expect(perFrame.length).toBeGreaterThan(0);
    // the same picture twice gives the same detections: the retried frame did not lose or double any
    const byName = new Map<string, number>();
    for (const r of await store.sql.all<{ name: string; n: number }>(
      'SELECT i.name, COUNT(d.id) AS n FROM images i LEFT JOIN detections d ON d.image_id = i.id WHERE i.flight_id = ? GROUP BY i.id, i.name',
      [flight.id],
    )) byName.set(r.name, r.n);
    for (const f of FRAMES) expect(byName.get(`copy-${f}`), f).toBe(byName.get(f));
    const unplaced = await store.sql.get<{ n: number }>('SELECT COUNT(*) AS n FROM detections WHERE flight_id = ? AND site_id IS NULL AND lat IS NOT NULL', [flight.id]);
    expect(unplaced!.n).toBe(0);
    expect(survivor.output()).toContain('"frame processed"');

    if (page && browser) {
      // progress made by the worker processes reached the browser through the second API server's stream
      await page.waitForFunction(() => {
        const seen = (window as unknown as { seen: { event: string; data: { status?: string; processed?: number } }[] }).seen;
        return seen.some((e) => e.event === 'progress' && e.data.status === 'done' && e.data.processed === 12);
      }, undefined, { timeout: 20_000 });
      const seen = await page.evaluate(() => (window as unknown as { seen: { event: string; data: { status?: string; imageId?: number } }[] }).seen);
      const doneFrames = new Set(seen.filter((e) => e.event === 'frame' && e.data.status === 'done').map((e) => e.data.imageId));
      expect(doneFrames.size).toBe(12);
      // and the upload's "queued" events, raised by the first API server
      expect(new Set(seen.filter((e) => e.event === 'frame' && e.data.status === 'queued').map((e) => e.data.imageId)).size).toBe(12);
      await browser.close();
    }
  }, 300_000);
});
