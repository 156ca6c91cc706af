// The outbox: every snap is written to IndexedDB before it is sent and removed only once the server has answered,
// so nothing is lost offline or when the page closes mid-send. Each snap carries an idempotency key made when it
// was taken; a resend after a lost answer gets the server's stored answer instead of a second site.
import { createStore, del, entries, set, type UseStore } from 'idb-keyval';
import { api, ApiError, getCsrfToken, setCsrfToken } from '../api/client.js';
import type { SessionUser } from '../auth/useSession.js';
import type { SentPosition, SnapAnswer } from './types.js';
import { sendVisit, visitSent, type FieldDetail, type QueuedVisit } from './tasks/visitOutbox.js';

export interface QueuedSnap {
  key: string;
  photo: Blob;
  fileName: string;
  note: string;
  position: SentPosition | null;
  createdAt: string;
  attempts: number;
  state: 'pending' | 'failed';
  /** for failed snaps: the server's reason */
  error?: { code: string; message: string };
  /** a field visit from "My tasks" (tasks/visitOutbox.ts), sent to /api/sites/:id/field instead of /api/snaps */
  visit?: QueuedVisit;
}

export interface RecentSnap {
  key: string;
  answer: SnapAnswer;
  sentAt: string;
}

export type SendResult =
  | { kind: 'sent'; answer: SnapAnswer }
  | { kind: 'retry'; reason: string }
  | { kind: 'auth' }
  | { kind: 'rejected'; code: string; message: string };

export interface QueueState {
  pending: QueuedSnap[];
  failed: QueuedSnap[];
  recent: RecentSnap[];
  needsLogin: boolean;
}

const RECENT_KEY = 'poppywatch.snap.recent';
const RECENT_MAX = 20;
const SEND_TIMEOUT_MS = 90_000;

let store: UseStore | null = null;
const db = () => (store ??= createStore('poppywatch-snap', 'outbox'));

const listeners = new Set<(s: QueueState) => void>();
let needsLogin = false;

export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  // crypto.randomUUID needs a secure context; plain-http field deployments still have getRandomValues.
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

export async function readQueue(): Promise<QueueState> {
  const all = (await entries<string, QueuedSnap>(db())).map(([, v]) => v).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  return { pending: all.filter((s) => s.state === 'pending'), failed: all.filter((s) => s.state === 'failed'), recent: readRecent(), needsLogin };
}

export function subscribe(fn: (s: QueueState) => void): () => void {
  listeners.add(fn);
  void readQueue().then(fn);
  return () => listeners.delete(fn);
}

async function changed(): Promise<void> {
  const s = await readQueue();
  listeners.forEach((fn) => fn(s));
}

export async function enqueue(snap: Omit<QueuedSnap, 'attempts' | 'state' | 'createdAt'>): Promise<QueuedSnap> {
  const item: QueuedSnap = { ...snap, createdAt: new Date().toISOString(), attempts: 0, state: 'pending' };
  await set(item.key, item, db());
  await changed();
  return item;
}

export async function discard(key: string): Promise<void> {
  await del(key, db());
  await changed();
}

export function setNeedsLogin(v: boolean): void {
  needsLogin = v;
  void changed();
}

/** One POST /api/snaps; the answer classifies what to do with the queued snap. */
export async function sendSnap(item: QueuedSnap): Promise<SendResult> {
  if (typeof navigator !== 'undefined' && navigator.onLine === false) return { kind: 'retry', reason: 'offline' };
  const form = new FormData();
  form.append('idempotencyKey', item.key);
  if (item.position) {
    form.append('lat', String(item.position.lat));
    form.append('lon', String(item.position.lon));
    if (item.position.accuracyM != null) form.append('accuracyM', String(Math.round(item.position.accuracyM * 10) / 10));
    form.append('locationSource', item.position.source);
  }
  if (item.note.trim()) form.append('note', item.note.trim());
  form.append('photo', item.photo, item.fileName || 'snap.jpg');
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), SEND_TIMEOUT_MS);
  try {
    const answer = await api<SnapAnswer>('/api/snaps', {
      method: 'POST',
      body: form,
      headers: { 'Idempotency-Key': item.key },
      signal: abort.signal,
    });
    return { kind: 'sent', answer };
  } catch (err) {
    if (!(err instanceof ApiError)) return { kind: 'retry', reason: (err as Error).message || 'network' };
    if (err.status === 401 || (err.status === 403 && err.code === 'csrf')) return { kind: 'auth' };
    if (err.status >= 500 || err.status === 408 || err.status === 429) return { kind: 'retry', reason: err.message };
    return { kind: 'rejected', code: err.code, message: err.message };
  } finally {
    clearTimeout(timer);
  }
}

/** Asks the server who we are (and for a fresh CSRF token): after an offline start or an expired session. */
export async function refreshSession(): Promise<{ kind: 'ok'; user: SessionUser } | { kind: 'anonymous' } | { kind: 'unreachable' }> {
  try {
    const me = await api<{ user: SessionUser; csrfToken: string }>('/api/auth/me');
    setCsrfToken(me.csrfToken);
    return { kind: 'ok', user: me.user };
  } catch (err) {
    return err instanceof ApiError && err.status === 401 ? { kind: 'anonymous' } : { kind: 'unreachable' };
  }
}

let flushing: Promise<void> | null = null;

/**
 * Sends every pending snap, oldest first, one at a time; stops at the first network failure (the rest would fail
 * too). Concurrent calls share one run, so an `online` event and a timer never send the same snap twice at once.
 */
export function flushQueue(onSent?: (key: string, answer: SnapAnswer) => void): Promise<void> {
  flushing ??= (async () => {
    try {
      const { pending } = await readQueue();
      if (pending.length === 0) return;
      // Opened offline, the page has no CSRF token yet: get one before sending.
      if (!getCsrfToken()) {
        const s = await refreshSession();
        if (s.kind === 'anonymous') needsLogin = true;
        if (s.kind !== 'ok') return;
      }
      for (const item of pending) {
        const result = item.visit ? await sendVisit(item) : await sendSnap(item);
        if (result.kind === 'sent' && item.visit) {
          await del(item.key, db());
          visitSent(item, result.answer as FieldDetail);
        } else if (result.kind === 'sent') {
          await settle(item.key, result.answer as SnapAnswer);
          onSent?.(item.key, result.answer as SnapAnswer);
        } else if (result.kind === 'rejected') {
          await set(item.key, { ...item, attempts: item.attempts + 1, state: 'failed', error: { code: result.code, message: result.message } }, db());
        } else {
          await set(item.key, { ...item, attempts: item.attempts + 1 }, db());
          if (result.kind === 'auth') needsLogin = true;
          break;
        }
      }
    } finally {
      flushing = null;
      await changed();
    }
  })();
  return flushing;
}

/** The server has the snap: remember its answer and drop the photo from the phone. */
export async function settle(key: string, answer: SnapAnswer): Promise<void> {
  needsLogin = false;
  const recent = [{ key, answer, sentAt: new Date().toISOString() }, ...readRecent().filter((r) => r.key !== key)].slice(0, RECENT_MAX);
  try {
    localStorage.setItem(RECENT_KEY, JSON.stringify(recent));
  } catch {
    /* storage full or private mode: the answer was shown, only the history is lost */
  }
  await del(key, db());
  await changed();
}

function readRecent(): RecentSnap[] {
  try {
    const v = JSON.parse(localStorage.getItem(RECENT_KEY) ?? '[]') as unknown;
    return Array.isArray(v) ? (v as RecentSnap[]) : [];
  } catch {
    return [];
  }
}
