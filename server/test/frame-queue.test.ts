// The frame queue (issue 15): ingest, retries and reprocessing all queue frames and announce them in one place.
import { afterAll, describe, expect, it } from 'vitest';
import { JobEvents, type FrameEvent } from '../src/jobs/events.js';
import { frameQueue } from '../src/jobs/frameQueue.js';
import { openTestStore, type TestStore } from './helpers/testStore.js';

const stores: TestStore[] = [];
afterAll(async () => {
  for (const s of stores) await s.dispose();
});
/** A store of its own per test: claims take the oldest queued job of the whole store. */
async function freshStore() {
  const store = await openTestStore();
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
  it('queues a new frame with its job in one go and announces it; the same bytes again are a silent duplicate', async () => {
    const store = await freshStore();
    const events = new JobEvents();
    const heard = listen(events);
    const queue = frameQueue(store, events);
    const flight = await store.flights.create({ name: 'queue test' });
    const first = await queue.enqueue(frame(flight.id, 1));
    expect(first.duplicate).toBe(false);
    expect((await store.jobs.latestForImage(first.image.id))?.status).toBe('queued');
    expect(heard.frames).toEqual([{ flightId: flight.id, imageId: first.image.id, status: 'queued' }]);
    expect(heard.work()).toBe(1);
    const again = await queue.enqueue(frame(flight.id, 1));
    expect([again.duplicate, again.image.id, heard.frames.length, heard.work()]).toEqual([true, first.image.id, 1, 1]);
  });

  it('retries one failed frame or every failed frame of a flight, announcing each; others are left alone', async () => {
    const store = await freshStore();
    const events = new JobEvents();
    const queue = frameQueue(store, events);
    const flight = await store.flights.create({ name: 'retry test' });
    const ids: number[] = [];
    for (const n of [2, 3, 4]) ids.push((await queue.enqueue(frame(flight.id, n))).image.id);
    for (const id of ids.slice(0, 2)) {
      const job = (await store.jobs.claim('test', 60_000))!;
      expect(job.imageId).toBe(id);
      expect(await store.jobs.markFailed(job.id, 'test', 'broken')).toBe(true);
    }
    const heard = listen(events);
    expect(await queue.retryImage(ids[2])).toBeNull(); // still queued, not failed
    expect((await queue.retryImage(ids[0]))?.status).toBe('queued');
    expect(heard.frames.map((e) => e.imageId)).toEqual([ids[0]]);
    expect(await queue.retryFlight(flight.id)).toEqual([ids[1]]);
    expect(heard.frames.map((e) => e.imageId)).toEqual([ids[0], ids[1]]);
    expect(heard.work()).toBe(2);
    expect(await queue.retryFlight(flight.id)).toEqual([]);
    expect(heard.work()).toBe(2); // nothing queued, nobody woken
  });

  it('reprocesses a flight only when nothing waits, with the caller’s writes in the same transaction', async () => {
    const store = await freshStore();
    const events = new JobEvents();
    const queue = frameQueue(store, events);
    const flight = await store.flights.create({ name: 'reprocess test' });
    const id = (await queue.enqueue(frame(flight.id, 5))).image.id;
    const written: unknown[] = [];
    // what the caller writes with the requeue, inside its transaction
    const alsoWrite = async (c: unknown) => {
      written.push(c);
      await store.audit.append({ action: 'flight_changed', username: 'queue-test', flightId: flight.id, after: { note: 'reprocess' } });
    };
    expect(await queue.reprocessFlight(flight.id, alsoWrite)).toBeNull(); // its frame still waits
    expect(written).toEqual([]);
    expect(await store.audit.list({ action: 'flight_changed' })).toEqual([]);
    const job = (await store.jobs.claim('test', 60_000))!;
    expect(await store.jobs.markFailed(job.id, 'test', 'broken')).toBe(true); // a finished frame: the flight is no longer busy
    const heard = listen(events);
    const counts = await queue.reprocessFlight(flight.id, alsoWrite);
    expect(counts).toMatchObject({ images: 1, detectionsDeleted: 0, sitesDeleted: 0, reviewedSitesKept: 0 });
    expect(written).toEqual([counts]);
    expect(await store.audit.list({ action: 'flight_changed' })).toHaveLength(1);
    expect(heard.frames).toEqual([{ flightId: flight.id, imageId: id, status: 'queued' }]);
    expect((await store.jobs.latestForImage(id))?.status).toBe('queued');
  });
});
