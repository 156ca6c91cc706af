import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { openStore, type Store } from '../src/store/index.js';
import { JobEvents } from '../src/jobs/events.js';
import { ingestPath } from '../src/jobs/ingest.js';
import { commitFrame, WorkerPool } from '../src/jobs/worker.js';
import { MAX_ATTEMPTS } from '../src/store/jobs.js';
import { fakeProcessor, waitFor } from './helpers/fakeProcessor.js';
import { makeTestJpeg, tempDataDir } from './helpers/server.js';
import path from 'node:path';

const logger = createLogger({ level: 'silent' });

async function seedFlight(store: Store, dataDir: string, n: number) {
  const flight = store.flights.create({ name: 'durable' });
  const srcDir = path.join(dataDir, 'src');
  fs.mkdirSync(srcDir, { recursive: true });
  for (let i = 0; i < n; i++) {
    const file = path.join(srcDir, `f${i}.jpg`);
    fs.writeFileSync(file, await makeTestJpeg({ lat: 34.5 + i * 0.001, lon: 69.1, seed: i }));
    const r = await ingestPath(store, null, file, { flightId: flight.id });
    expect('accepted' in r).toBe(true);
  }
  return flight;
}

describe('durable frame jobs', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  it('requeues a job left running by a dead process and processes every frame exactly once', async () => {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    let store = openStore({ dataDir });
    const flight = await seedFlight(store, dataDir, 3);
    // a "process" claims a frame and dies before committing
    const claimed = store.jobs.claim('dead-process', 60_000)!;
    expect(claimed.status).toBe('running');
    expect(store.images.get(claimed.imageId)!.status).toBe('processing');
    store.close();

    store = openStore({ dataDir });
    const events = new JobEvents();
    const fake = fakeProcessor();
    const pool = new WorkerPool({ store, events, logger, process: fake.process, concurrency: 2, idlePollMs: 50 });
    pool.start();
    await waitFor(() => store.flights.get(flight.id)!.status === 'done', 10_000, 'flight done');
    await pool.stop();

    const images = store.images.listByFlight(flight.id);
    expect(images.map((i) => i.status)).toEqual(['done', 'done', 'done']);
    expect([...fake.runs.values()]).toEqual([1, 1, 1]);
    // one detection per frame, never duplicated
    for (const i of images) expect(store.detections.listByImage(i.id)).toHaveLength(1);
    expect(store.jobs.counts()).toMatchObject({ queued: 0, running: 0, done: 3 });
    expect(store.jobs.get(claimed.id)!.attempts).toBe(2);
    expect(store.integrityCheck()).toBe('ok');
    store.close();
  });

  it('writes detections, sites, frame facts and done in one transaction: a failure inside leaves nothing', async () => {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    const store = openStore({ dataDir });
    const flight = await seedFlight(store, dataDir, 1);
    const job = store.jobs.claim('w1', 60_000)!;
    const image = store.images.get(job.imageId)!;
    const fake = fakeProcessor();
    const result = await fake.process(path.join(store.paths.originals, image.sha256), {});
    // the lease went to someone else in between: markDone fails at the end of the transaction
    store.db.prepare("UPDATE jobs SET lease_owner = 'other' WHERE id = ?").run(job.id);
    expect(() => commitFrame(store, job, 'w1', flight.id, result, 5)).toThrow(/no longer leased/);
    expect(store.detections.listByImage(image.id)).toHaveLength(0);
    expect(store.sites.list({ flight: flight.id })).toHaveLength(0);
    expect(store.images.get(image.id)!.processedAt).toBeNull();

    store.db.prepare("UPDATE jobs SET lease_owner = 'w1' WHERE id = ?").run(job.id);
    const dets = commitFrame(store, job, 'w1', flight.id, result, 5);
    expect(dets).toHaveLength(1);
    expect(dets[0].siteId).not.toBeNull();
    expect(store.jobs.get(job.id)!.status).toBe('done');
    expect(store.images.get(image.id)!.status).toBe('done');
    store.close();
  });

  it('records per-frame failures with the reason, and retries them on request', async () => {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    const store = openStore({ dataDir });
    const flight = await seedFlight(store, dataDir, 2);
    const bad = store.images.listByFlight(flight.id)[0];
    let failing = true;
    const fake = fakeProcessor({ failWhen: (sha) => (failing && sha === bad.sha256 ? 'Input buffer has corrupt header' : null) });
    const events = new JobEvents();
    const pool = new WorkerPool({ store, events, logger, process: fake.process, concurrency: 1, idlePollMs: 50 });
    pool.start();
    await waitFor(() => store.flights.get(flight.id)!.images.pending === 0, 10_000, 'frames finished');
    const failed = store.images.get(bad.id)!;
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/corrupt header/);
    expect(store.flights.get(flight.id)!.images).toMatchObject({ processed: 1, failed: 1 });

    failing = false;
    expect(store.jobs.retryImage(bad.id)).not.toBeNull();
    events.workAvailable();
    await waitFor(() => store.images.get(bad.id)!.status === 'done', 10_000, 'retry done');
    expect(store.flights.get(flight.id)!.status).toBe('done');
    expect(store.jobs.retryImage(bad.id)).toBeNull(); // only failed frames are retried
    await pool.stop();
    store.close();
  });

  it('retries failed frames over HTTP, one by one or the whole flight', async () => {
    const { startTestServer, uploadForm } = await import('./helpers/server.js');
    let failing = true;
    const s = await startTestServer({ process: fakeProcessor({ failWhen: () => (failing ? 'decoder gave up' : null) }).process, idlePollMs: 50 });
    try {
      const { id } = (await (await s.fetch('/api/flights', { method: 'POST', json: { name: 'retry' } })).json()) as { id: number };
      const frames = await Promise.all([1, 2].map((i) => makeTestJpeg({ lat: 1, lon: 1, seed: i })));
      await s.fetch(`/api/flights/${id}/images`, { method: 'POST', body: uploadForm(frames.map((d, i) => ({ name: `${i}.jpg`, data: d }))) });
      await waitFor(() => s.store.flights.get(id)!.status === 'failed', 10_000, 'all failed');
      const [a] = s.store.images.listByFlight(id);
      expect(a.error).toBe('decoder gave up');
      failing = false;
      const one = await s.fetch(`/api/images/${a.id}/retry`, { method: 'POST' });
      expect(one.status).toBe(202);
      await waitFor(() => s.store.images.get(a.id)!.status === 'done', 10_000, 'one retried');
      expect((await s.fetch(`/api/images/${a.id}/retry`, { method: 'POST' })).status).toBe(409);
      const all = await s.fetch(`/api/flights/${id}/retry`, { method: 'POST' });
      expect(all.status).toBe(202);
      expect(((await all.json()) as { retried: number[] }).retried).toHaveLength(1);
      await waitFor(() => s.store.flights.get(id)!.status === 'done', 10_000, 'flight done');
    } finally {
      await s.close();
    }
  });

  it('fails a frame that took the process down repeatedly instead of crash-looping', async () => {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    let store = openStore({ dataDir });
    const flight = await seedFlight(store, dataDir, 1);
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      expect(store.jobs.claim(`crash-${i}`, 60_000)).not.toBeNull();
      store.close();
      store = openStore({ dataDir });
      store.jobs.recoverOrphans();
    }
    expect(store.jobs.claim('next', 60_000)).toBeNull();
    const img = store.images.listByFlight(flight.id)[0];
    expect(img.status).toBe('failed');
    expect(img.error).toMatch(/stopped the server 3 times/);
    store.close();
  });

  it('groups detections of overlapping frames within a few metres into one site', async () => {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    const store = openStore({ dataDir });
    const flight = store.flights.create({ name: 'overlap' });
    const srcDir = path.join(dataDir, 'src');
    fs.mkdirSync(srcDir);
    // two frames 2 m apart; each sees the same plant (at frame centre + offset) and frame B a second plant 60 m away
    const a = await makeTestJpeg({ lat: 34.5, lon: 69.1, seed: 1 });
    const b = await makeTestJpeg({ lat: 34.5 + 2 / 111_320, lon: 69.1, seed: 2 });
    fs.writeFileSync(path.join(srcDir, 'a.jpg'), a);
    fs.writeFileSync(path.join(srcDir, 'b.jpg'), b);
    const { createHash } = await import('node:crypto');
    const sha = (x: Buffer) => createHash('sha256').update(x).digest('hex');
    const plan = new Map([
      [sha(a), [{ northM: 1, score: 0.8 }]],
      [sha(b), [{ northM: -0.5, score: 0.95 }, { northM: 60, score: 0.7 }]],
    ]);
    await ingestPath(store, null, path.join(srcDir, 'a.jpg'), { flightId: flight.id });
    await ingestPath(store, null, path.join(srcDir, 'b.jpg'), { flightId: flight.id });
    const fake = fakeProcessor({ plan });
    const pool = new WorkerPool({ store, events: new JobEvents(), logger, process: fake.process, concurrency: 1, idlePollMs: 50 });
    pool.start();
    await waitFor(() => store.flights.get(flight.id)!.status === 'done', 10_000, 'flight done');
    await pool.stop();
    const sites = store.sites.list({ flight: flight.id });
    expect(sites).toHaveLength(2);
    const shared = sites.find((s) => s.frames === 2)!;
    expect(shared.score).toBeCloseTo(0.95);
    expect(store.detections.listBySite(shared.id)).toHaveLength(2);
    expect(store.detections.get(shared.bestDetectionId!)!.score).toBeCloseTo(0.95);
    expect(sites.find((s) => s.frames === 1)!.score).toBeCloseTo(0.7);
    store.close();
  });
});
