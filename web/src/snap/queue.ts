// The outbox: every snap is written to IndexedDB before it is sent and removed only once the server has answered,
// so nothing is lost offline or when the page closes mid-send. Each snap carries an idempotency key made when it
// was taken; a resend after a lost answer gets the server's stored answer instead of a second site.
import { createStore, del, entries, set, type UseStore } from 'idb-keyval';
import { api, ApiError, setCsrfToken } from '../api/client.js';
import type { SessionUser } from '../auth/useSession.js';
import { completePendingSignOut } from './session.js';
import type { SnapAnswer } from './types.js';
import type { FieldDetail, QueuedSnap, SendResult, SnapOwner } from './outboxItem.js';
import { sendVisit, visitSent } from './tasks/visitSend.js';

export type { QueuedSnap, SendResult, SnapOwner } from './outboxItem.js';

export interface RecentSnap {
  key: string;
  answer: SnapAnswer;
  sentAt: string;
}

export interface QueueState {
  /** waiting to be sent under the signed-in officer (all waiting snaps when nobody is signed in) */
  pending: QueuedSnap[];
  /** snaps other officers took on this phone: kept until they sign in again */
  heldForOthers?: QueuedSnap[];
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
let currentUser: SnapOwner | null = null;

const sameUser = (a: SnapOwner | null | undefined, b: SnapOwner | null | undefined) => !!a && !!b && String(a.id) === String(b.id);

/** Who takes snaps on this page now (the session gate sets it): new snaps are theirs. */
export function setOutboxUser(user: SnapOwner | null): void {
  currentUser = user ? { id: user.id, username: user.username } : null;
  void changed();
}

export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  // crypto.randomUUID needs a secure context; plain-http field deployments still have getRandomValues.
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

export async function readQueue(): Promise<QueueState> {
  const all = (await entries<string, QueuedSnap>(db())).map(([, v]) => v).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  const waiting = all.filter((s) => s.state === 'pending');
  const mine = (s: QueuedSnap) => currentUser === null || sameUser(s.owner, currentUser);
  return {
    pending: waiting.filter(mine),
    heldForOthers: waiting.filter((s) => !mine(s)),
    failed: all.filter((s) => s.state === 'failed' && mine(s)),
    recent: readRecent(),
    needsLogin,
  };
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

export async function enqueue(snap: Omit<QueuedSnap, 'attempts' | 'state' | 'createdAt' | 'owner'> & { owner?: SnapOwner }): Promise<QueuedSnap> {
  const owner = snap.owner ?? currentUser;
  if (!owner) throw new Error('no signed-in officer to own the snap');
  const item: QueuedSnap = { ...snap, owner, createdAt: new Date().toISOString(), attempts: 0, state: 'pending' };
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
  // never under another officer's session (the page knows who is signed in; flushQueue also asks the server)
  if (!sameUser(item.owner, currentUser)) return { kind: 'retry', reason: 'taken by another officer' };
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
 * Sends the signed-in officer's pending snaps, oldest first, one at a time; stops at the first network failure (the
 * rest would fail too). It asks the server whose session this is first, and sends only that officer's snaps: a
 * snap taken by someone who has since signed out waits for them. Nothing is sent while a sign-out made offline is
 * still to be completed. Concurrent calls share one run, so an `online` event and a timer never send the same snap
 * twice at once.
 */
export function flushQueue(onSent?: (key: string, answer: SnapAnswer) => void): Promise<void> {
  flushing ??= (async () => {
    try {
      if ((await completePendingSignOut()) === 'pending') return;
      const all = (await entries<string, QueuedSnap>(db())).map(([, v]) => v).filter((s) => s.state === 'pending');
      if (all.length === 0) return;
      // the server's word on who is signed in (and a fresh CSRF token, e.g. for a page opened offline)
      const s = await refreshSession();
      if (s.kind === 'anonymous') needsLogin = true;
      if (s.kind !== 'ok') return;
      if (!sameUser(currentUser, s.user)) return; // the page and the cookie disagree: the session gate sorts it out
      const pending = all.filter((item) => sameUser(item.owner, s.user)).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
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
