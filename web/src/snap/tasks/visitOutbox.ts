// A field visit from "My tasks" travels through the snap outbox (../queue.ts): written to IndexedDB first, sent
// with its idempotency key when the network is there, kept and retried when it is not. This module builds the
// queued item; tasks/visitSend.ts sends it to POST /api/sites/:id/field.
import { enqueue, flushQueue, newIdempotencyKey, type QueuedSnap } from '../queue.js';
import type { QueuedVisit } from '../outboxItem.js';

/** Puts a visit in the outbox and tries to send everything waiting. */
export async function queueVisit(visit: QueuedVisit, note: string): Promise<QueuedSnap> {
  const first = visit.photos[0];
  const item = await enqueue({
    key: newIdempotencyKey(),
    photo: first?.blob ?? new Blob([]),
    fileName: first?.name ?? '',
    note,
    position: null,
    visit,
  });
  void flushQueue();
  return item;
}
