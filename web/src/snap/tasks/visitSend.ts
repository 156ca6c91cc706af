// Sends a queued field visit to POST /api/sites/:id/field and tells the task list when one reached the server.
import { api, ApiError } from '../../api/client.js';
import type { FieldDetail, QueuedSnap, SendResult } from '../outboxItem.js';

/** One POST /api/sites/:id/field for a queued visit; the answer says what the outbox does with it. */
export async function sendVisit(item: QueuedSnap): Promise<SendResult | { kind: 'sent'; answer: FieldDetail }> {
  const v = item.visit!;
  if (typeof navigator !== 'undefined' && navigator.onLine === false) return { kind: 'retry', reason: 'offline' };
  const form = new FormData();
  form.append('state', v.state);
  form.append('idempotencyKey', item.key);
  form.append('baseVersion', String(v.baseVersion));
  if (v.plantsCounted != null) form.append('plantsCounted', String(v.plantsCounted));
  if (v.species.trim()) form.append('species', v.species.trim());
  if (item.note.trim()) form.append('note', item.note.trim());
  for (const p of v.photos) form.append('photos', p.blob, p.name || 'photo.jpg');
  try {
    const answer = await api<FieldDetail>(`/api/sites/${v.siteId}/field`, { method: 'POST', body: form, headers: { 'Idempotency-Key': item.key } });
    return { kind: 'sent', answer };
  } catch (err) {
    if (!(err instanceof ApiError)) return { kind: 'retry', reason: (err as Error).message || 'network' };
    if (err.status === 401 || (err.status === 403 && err.code === 'csrf')) return { kind: 'auth' };
    if (err.status >= 500 || err.status === 408 || err.status === 429) return { kind: 'retry', reason: err.message };
    return { kind: 'rejected', code: err.code, message: err.message };
  }
}

const sentListeners = new Set<(siteId: number, answer: FieldDetail) => void>();

/** Called once a queued visit reached the server (the task list refreshes). */
export function onVisitSent(fn: (siteId: number, answer: FieldDetail) => void): () => void {
  sentListeners.add(fn);
  return () => sentListeners.delete(fn);
}

export function visitSent(item: QueuedSnap, answer: FieldDetail): void {
  sentListeners.forEach((fn) => fn(item.visit!.siteId, answer));
}
