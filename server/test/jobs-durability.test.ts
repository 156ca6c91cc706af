import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import type { Store } from '../src/store/index.js';
import { JobEvents } from '../src/jobs/events.js';
import { ingestPath } from '../src/jobs/ingest.js';
import { commitFrame, WorkerPool } from '../src/jobs/worker.js';
import { MAX_ATTEMPTS } from '../src/store/jobs.js';
import { fakeProcessor, waitFor } from './helpers/fakeProcessor.js';
import { makeTestJpeg, tempDataDir } from './helpers/server.js';
import { openTestStore, testBackend, type TestBackend } from './helpers/testStore.js';
import path from 'node:path';

const logger = createLogger({ level: 'silent' });

async function seedFlight(store: Store, dataDir: string, n: number) {
  const flight = await store.flights.create({ name: 'durable' });
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
  const backends: TestBackend[] = [];
  afterEach(async () => {
    for (const b of backends.splice(0)) await b.drop();
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });
  /** A data dir and database of the test's own: a store reopened on them sees the same data (a restart). */
  function installation() {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    const backend = testBackend();
    backends.push(backend);
    return { dataDir, open: () => openTestStore({ dataDir, backend }) };
  }

  it('requeues a job left running by a dead process and processes every frame exactly once', async () => {
    const { dataDir, open } = installation();
    let store = await open();
    const flight = await seedFlight(store, dataDir, 3);
    // a "process" claims a frame and dies before committing
    const claimed = (await store.jobs.claim('dead-process', 60_000))!;
    expect(claimed.status).toBe('running');
    expect((await store.images.get(claimed.imageId))!.status).toBe('processing');
    await store.close();

    // the restarted process is the only worker: it requeues what the dead one left running
    store = await open();
    const events = new JobEvents();
    const fake = fakeProcessor();
    const pool = new WorkerPool({ store, events, logger, process: fake.process, concurrency: 2, idlePollMs: 50, soleWorker: true });
    await pool.start();
    await waitFor(async () => (await store.flights.get(flight.id))!.status === 'done', 10_000, 'flight done');
    await pool.stop();

    const images = await store.images.listByFlight(flight.id);
    expect(images.map((i) => i.status)).toEqual(['done', 'done', 'done']);
    expect([...fake.runs.values()]).toEqual([1, 1, 1]);
    // one detection per frame, never duplicated
    for (const i of images) expect(await store.detections.listByImage(i.id)).toHaveLength(1);
    expect(await store.jobs.counts()).toMatchObject({ queued: 0, running: 0, done: 3 });
    expect((await store.jobs.get(claimed.id))!.attempts).toBe(2);
    expect(await store.integrityCheck()).toBe('ok');
    await store.close();
  });

  it('writes detections, sites, frame facts and done in one transaction: a failure inside leaves nothing', async () => {
    const { dataDir, open } = installation();
    const store = await open();
    const flight = await seedFlight(store, dataDir, 1);
    const job = (await store.jobs.claim('w1', 60_000))!;
    const image = (await store.images.get(job.imageId))!;
    const fake = fakeProcessor();
    const result = await fake.process(store.blobs.originalPath(image.sha256), {});
    // the lease went to someone else in between: markDone fails at the end of the transaction
    await store.sql.run("UPDATE jobs SET lease_owner = 'other' WHERE id = ?", [job.id]);
    await expect(commitFrame(store, job, 'w1', flight.id, result, 5)).rejects.toThrow(/no longer leased/);
    expect(await store.detections.listByImage(image.id)).toHaveLength(0);
    expect(await store.sites.list({ flight: flight.id })).toHaveLength(0);
    expect((await store.images.get(image.id))!.processedAt).toBeNull();

    await store.sql.run("UPDATE jobs SET lease_owner = 'w1' WHERE id = ?", [job.id]);
    const dets = await commitFrame(store, job, 'w1', flight.id, result, 5);
    expect(dets).toHaveLength(1);
    expect(dets[0].siteId).not.toBeNull();
    expect((await store.jobs.get(job.id))!.status).toBe('done');
    expect((await store.images.get(image.id))!.status).toBe('done');
    await store.close();
  });

  it('records per-frame failures with the reason, and retries them on request', async () => {
    const { dataDir, open } = installation();
    const store = await open();
    const flight = await seedFlight(store, dataDir, 2);
    const bad = (await store.images.listByFlight(flight.id))[0];
    let failing = true;
    const fake = fakeProcessor({ failWhen: (sha) => (failing && sha === bad.sha256 ? 'Input buffer has corrupt header' : null) });
    const events = new JobEvents();
    const pool = new WorkerPool({ store, events, logger, process: fake.process, concurrency: 1, idlePollMs: 50 });
    await pool.start();
    await waitFor(async () => (await store.flights.get(flight.id))!.images.pending === 0, 10_000, 'frames finished');
    const failed = (await store.images.get(bad.id))!;
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/corrupt header/);
    expect((await store.flights.get(flight.id))!.images).toMatchObject({ processed: 1, failed: 1 });

    failing = false;
    expect(await store.jobs.retryImage(bad.id)).not.toBeNull();
    events.workAvailable();
    await waitFor(async () => (await store.images.get(bad.id))!.status === 'done', 10_000, 'retry done');
    expect((await store.flights.get(flight.id))!.status).toBe('done');
    expect(await store.jobs.retryImage(bad.id)).toBeNull(); // only failed frames are retried
    await pool.stop();
    await store.close();
  });

  it("a database failure while storing a frame's results is not the frame's failure: the job goes back to the queue", async () => {
    const { dataDir, open } = installation();
    const store = await open();
    const flight = await seedFlight(store, dataDir, 2);
    const saveFacts = store.images.saveFacts.bind(store.images);
    let outages = 1;
    store.images.saveFacts = async (...args) => {
      if (outages-- > 0) throw new Error('connect EHOSTUNREACH 10.0.0.2:5432');
      return saveFacts(...args);
    };
    const pool = new WorkerPool({ store, events: new JobEvents(), logger, process: fakeProcessor().process, concurrency: 1, idlePollMs: 50 });
    await pool.start();
    await waitFor(async () => (await store.flights.get(flight.id))!.images.pending === 0, 10_000, 'frames finished');
    await pool.stop();
    const images = await store.images.listByFlight(flight.id);
    expect(images.map((i) => i.status)).toEqual(['done', 'done']);
    expect(images.every((i) => i.error === null)).toBe(true);
    const attempts = await Promise.all(images.map(async (i) => (await store.jobs.latestForImage(i.id))!.attempts));
    expect(attempts.sort()).toEqual([1, 2]); // the frame whose results could not be stored was simply run again
    expect((await store.detections.list({ flight: flight.id })).length).toBeGreaterThan(0);
    await store.close();
  });

  it('retries failed frames over HTTP, one by one or the whole flight', async () => {
    const { startTestServer, uploadForm } = await import('./helpers/server.js');
    let failing = true;
    const s = await startTestServer({ process: fakeProcessor({ failWhen: () => (failing ? 'decoder gave up' : null) }).process, idlePollMs: 50 });
    try {
      const { id } = (await (await s.fetch('/api/flights', { method: 'POST', json: { name: 'retry' } })).json()) as { id: number };
      const frames = await Promise.all([1, 2].map((i) => makeTestJpeg({ lat: 1, lon: 1, seed: i })));
      await s.fetch(`/api/flights/${id}/images`, { method: 'POST', body: uploadForm(frames.map((d, i) => ({ name: `${i}.jpg`, data: d }))) });
      await waitFor(async () => (await s.store.flights.get(id))!.status === 'failed', 10_000, 'all failed');
      const [a] = await s.store.images.listByFlight(id);
      expect(a.error).toBe('decoder gave up');
      failing = false;
      const one = await s.fetch(`/api/images/${a.id}/retry`, { method: 'POST' });
      expect(one.status).toBe(202);
      await waitFor(async () => (await s.store.images.get(a.id))!.status === 'done', 10_000, 'one retried');
      expect((await s.fetch(`/api/images/${a.id}/retry`, { method: 'POST' })).status).toBe(409);
      const all = await s.fetch(`/api/flights/${id}/retry`, { method: 'POST' });
      expect(all.status).toBe(202);
      expect(((await all.json()) as { retried: number[] }).retried).toHaveLength(1);
      await waitFor(async () => (await s.store.flights.get(id))!.status === 'done', 10_000, 'flight done');
    } finally {
      await s.close();
    }
  });

  it('fails a frame that took the process down repeatedly instead of crash-looping', async () => {
    const { dataDir, open } = installation();
    let store = await open();
    const flight = await seedFlight(store, dataDir, 1);
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      expect(await store.jobs.claim(`crash-${i}`, 60_000)).not.toBeNull();
      await store.close();
      store = await open();
      expect(await store.jobs.recoverOrphans()).toBe(1);
    }
    expect(await store.jobs.claim('next', 60_000)).toBeNull();
    const img = (await store.images.listByFlight(flight.id))[0];
    expect(img.status).toBe('failed');
    expect(img.error).toMatch(/started 3 times and never finished \(it stopped the server/);
    await store.close();
  });

  it('groups detections of overlapping frames within a few metres into one site', async () => {
    const { dataDir, open } = installation();
    const store = await open();
    const flight = await store.flights.create({ name: 'overlap' });
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
    await pool.start();
    await waitFor(async () => (await store.flights.get(flight.id))!.status === 'done', 10_000, 'flight done');
    await pool.stop();
    const sites = await store.sites.list({ flight: flight.id });
    expect(sites).toHaveLength(2);
    const shared = sites.find((s) => s.frames === 2)!;
    expect(shared.score).toBeCloseTo(0.95);
    expect(await store.detections.listBySite(shared.id)).toHaveLength(2);
    expect((await store.detections.get(shared.bestDetectionId!))!.score).toBeCloseTo(0.95);
    expect(sites.find((s) => s.frames === 1)!.score).toBeCloseTo(0.7);
    await store.close();
  });
});
