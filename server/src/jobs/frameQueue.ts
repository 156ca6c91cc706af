/**
 * The frame queue: the one place that puts frames into the durable queue (store.jobs) and announces it (JobEvents:
 * SSE `frame` events and idle workers waking up). Upload and demo ingest, retrying a frame or a flight and
 * reprocessing a changed flight all go through here.
 */
import type { Store } from '../store/index.js';
import type { ImageRecord } from '../store/types.js';
import type { Job } from '../store/jobs.js';
import type { NewImage } from '../store/images.js';
import { removeCrops } from '../images/derived.js';
import type { JobEvents } from './events.js';

export interface ReprocessCounts {
  images: number;
  detectionsDeleted: number;
  sitesDeleted: number;
  reviewedSitesKept: number;
}

export interface FrameQueue {
  /** Records a new frame and queues its job in one transaction; the same bytes in the same flight again are a duplicate, nothing queued. */
  enqueue(image: NewImage): Promise<{ image: ImageRecord; duplicate: boolean }>;
  /** Queues a failed frame again; null when it is not failed (or gone). */
  retryImage(imageId: number): Promise<Job | null>;
  /** Queues every failed frame of a flight again; the ids queued. */
  retryFlight(flightId: number): Promise<number[]>;
  /**
   * Processes every frame of a flight again, once (store.jobs.requeueFlight: unreviewed sites and their detections
   * go, reviewed ones stay). `alsoInTransaction` writes what belongs with it (new flight values, the audit record) in
   * the same transaction. Null when frames of the flight are still waiting or running.
   */
  reprocessFlight(flightId: number, alsoInTransaction?: (counts: ReprocessCounts) => Promise<void> | void): Promise<ReprocessCounts | null>;
}

export function frameQueue(store: Store, events: JobEvents | null): FrameQueue {
  const announce = (flightId: number | null, imageIds: number[]) => {
    if (!events || imageIds.length === 0) return;
    if (flightId != null) for (const imageId of imageIds) events.frame({ flightId, imageId, status: 'queued' });
    events.workAvailable();
  };
  return {
    async enqueue(image) {
      const r = await store.tx(async () => {
        const got = await store.images.insertOrGet(image);
        if (!got.duplicate) await store.jobs.enqueue(got.image.id);
        return got;
      });
      if (!r.duplicate) announce(r.image.flightId, [r.image.id]);
      return r;
    },
    async retryImage(imageId) {
      const job = await store.jobs.retryImage(imageId);
      if (job) announce((await store.images.get(imageId))?.flightId ?? null, [imageId]);
      return job;
    },
    async retryFlight(flightId) {
      const retried: number[] = [];
      for (const i of await store.images.listByFlight(flightId)) {
        if (i.status === 'failed' && (await store.jobs.retryImage(i.id)) !== null) retried.push(i.id);
      }
      announce(flightId, retried);
      return retried;
    },
    async reprocessFlight(flightId, alsoInTransaction) {
      const r = await store.tx(async () => {
        const requeued = await store.jobs.requeueFlight(flightId);
        if (!requeued) return null;
        const { deletedDetectionIds: _ids, ...counts } = requeued;
        await alsoInTransaction?.(counts);
        return requeued;
      });
      if (!r) return null;
      const { deletedDetectionIds, ...counts } = r;
      removeCrops(store.blobs.derived, deletedDetectionIds);
      announce(flightId, (await store.images.listByFlight(flightId)).map((i) => i.id));
      return counts;
    },
  };
}
