// The frame queue (issue 15): ingest, retries and reprocessing all queue frames and announce them in one place.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JobEvents, type FrameEvent } from '../src/jobs/events.js';
import { frameQueue } from '../src/jobs/frameQueue.js';
import { openStore } from '../src/store/index.js';

const dirs: string[] = [];
const stores: ReturnType<typeof openStore>[] = [];
afterAll(() => {
  stores.forEach((s) => s.close());
  dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
});
/** A store of its own per test: claims take the oldest queued job of the whole store. */
function freshStore() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-queue-'));
  dirs.push(dir);
  const store = openStore({ dataDir: dir });
  stores.push(store);
  return store;
}

function listen(events: JobEvents) {
  const frames: FrameEvent[] = [];
  let work = 0;
  events.onFrame((e) => frames.push(e));
  events.onWork(() => work++);
  return { frames, work: () => work };
}

const frame = (flightId: number, n: number) => ({ flightId, name: `f${n}.jpg`, sha256: String(n).padStart(64, '0'), sizeBytes: 10, mime: 'image/jpeg' });

describe('frameQueue', () => {
  it('queues a new frame with its job in one go and announces it; the same bytes again are a silent duplicate', () => {
    const store = freshStore();
    const events = new JobEvents();
    const heard = listen(events);
    const queue = frameQueue(store, events);
    const flight = store.flights.create({ name: 'queue test' });
    const first = queue.enqueue(frame(flight.id, 1));
    expect(first.duplicate).toBe(false);
    expect(store.jobs.latestForImage(first.image.id)?.status).toBe('queued');
    expect(heard.frames).toEqual([{ flightId: flight.id, imageId: first.image.id, status: 'queued' }]);
    expect(heard.work()).toBe(1);
    const again = queue.enqueue(frame(flight.id, 1));
    expect([again.duplicate, again.image.id, heard.frames.length, heard.work()]).toEqual([true, first.image.id, 1, 1]);
  });

  it('retries one failed frame or every failed frame of a flight, announcing each; others are left alone', () => {
    const store = freshStore();
    const events = new JobEvents();
    const queue = frameQueue(store, events);
    const flight = store.flights.create({ name: 'retry test' });
    const ids = [2, 3, 4].map((n) => queue.enqueue(frame(flight.id, n)).image.id);
    for (const id of ids.slice(0, 2)) {
      const job = store.jobs.claim('test', 60_000)!;
      expect(job.imageId).toBe(id);
      store.jobs.markFailed(job.id, 'test', 'broken');
    }
    const heard = listen(events);
    expect(queue.retryImage(ids[2])).toBeNull(); // still queued, not failed
    expect(queue.retryImage(ids[0])?.status).toBe('queued');
    expect(heard.frames.map((e) => e.imageId)).toEqual([ids[0]]);
    expect(queue.retryFlight(flight.id)).toEqual([ids[1]]);
    expect(heard.frames.map((e) => e.imageId)).toEqual([ids[0], ids[1]]);
    expect(heard.work()).toBe(2);
    expect(queue.retryFlight(flight.id)).toEqual([]);
    expect(heard.work()).toBe(2); // nothing queued, nobody woken
  });

  it('reprocesses a flight only when nothing waits, with the caller’s writes in the same transaction', () => {
    const store = freshStore();
    const events = new JobEvents();
    const queue = frameQueue(store, events);
    const flight = store.flights.create({ name: 'reprocess test' });
    const id = queue.enqueue(frame(flight.id, 5)).image.id;
    const written: unknown[] = [];
    expect(queue.reprocessFlight(flight.id, (c) => written.push(c))).toBeNull(); // its frame still waits
    expect(written).toEqual([]);
    const job = store.jobs.claim('test', 60_000)!;
    store.jobs.markFailed(job.id, 'test', 'broken'); // a finished frame: the flight is no longer busy
    const heard = listen(events);
    const counts = queue.reprocessFlight(flight.id, (c) => written.push(c));
    expect(counts).toMatchObject({ images: 1, detectionsDeleted: 0, sitesDeleted: 0, reviewedSitesKept: 0 });
    expect(written).toEqual([counts]);
    expect(heard.frames).toEqual([{ flightId: flight.id, imageId: id, status: 'queued' }]);
    expect(store.jobs.latestForImage(id)?.status).toBe('queued');
  });
});
