// Issue 10, item 7: a queued snap is sent only under the officer who took it, and a sign-out made offline completes
// when the network returns (the old session does not come back).
import { beforeEach, describe, expect, it, vi } from 'vitest';

// idb-keyval over a Map: the outbox logic, not IndexedDB, is under test
const idb = vi.hoisted(() => new Map<string, unknown>());
vi.mock('idb-keyval', () => ({
  createStore: () => 'outbox',
  set: async (k: string, v: unknown) => void idb.set(k, { ...(v as object) }),
  del: async (k: string) => void idb.delete(k),
  entries: async () => [...idb.entries()],
}));

import { enqueue, flushQueue, readQueue, sendSnap, setOutboxUser } from './queue.js';
import { completePendingSignOut, markSignOutPending, signOutPending, signOutSnapPage } from './session.js';

const alice = { id: 1, username: 'alice', role: 'officer' as const };
const bob = { id: 2, username: 'bob', role: 'officer' as const };

/** A fake server: whose session the cookie is, and every request it saw. */
const server = {
  session: null as null | typeof alice,
  online: true,
  requests: [] as { method: string; path: string; csrf: string | null }[],
};

function answer(status: number, body?: unknown): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

beforeEach(() => {
  idb.clear();
  localStorage.clear();
  server.session = null;
  server.online = true;
  server.requests = [];
  setOutboxUser(null);
  vi.stubGlobal(
    'fetch',
    vi.fn(async (path: string, init: RequestInit = {}) => {
      if (!server.online) throw new TypeError('Failed to fetch');
      const method = (init.method ?? 'GET').toUpperCase();
      server.requests.push({ method, path, csrf: new Headers(init.headers).get('x-csrf-token') });
      if (path === '/api/auth/me') return server.session ? answer(200, { user: server.session, csrfToken: `csrf-${server.session.username}` }) : answer(401, { error: 'unauthenticated' });
      if (path === '/api/auth/logout') {
        if (!server.session) return answer(401, { error: 'unauthenticated' });
        server.session = null;
        return answer(204);
      }
      if (path === '/api/snaps') {
        if (!server.session) return answer(401, { error: 'unauthenticated' });
        return answer(201, { id: 9, verdict: 'uncertain', by: server.session.username });
      }
      return answer(404, { error: 'not_found' });
    }),
  );
});

const photo = () => new Blob([new Uint8Array([0xff, 0xd8, 0xff])], { type: 'image/jpeg' });
const snapPosts = () => server.requests.filter((r) => r.path === '/api/snaps');

describe('the snap outbox (item 7)', () => {
  it('stamps each snap with the officer who took it', async () => {
    setOutboxUser(alice);
    const item = await enqueue({ key: 'k1', photo: photo(), fileName: 'a.jpg', note: '', position: null });
    expect(item.owner).toEqual({ id: 1, username: 'alice' });
    setOutboxUser(null);
    await expect(enqueue({ key: 'k2', photo: photo(), fileName: 'a.jpg', note: '', position: null })).rejects.toThrow(/officer/);
  });

  it('never sends a snap under another officer\'s session; sends it when its owner is back', async () => {
    setOutboxUser(alice);
    await enqueue({ key: 'alice-snap', photo: photo(), fileName: 'a.jpg', note: '', position: null });
    // alice leaves, bob signs in on the same phone
    setOutboxUser(bob);
    server.session = bob;
    await flushQueue();
    expect(snapPosts()).toEqual([]);
    expect(await sendSnap([...idb.values()][0] as never)).toEqual({ kind: 'retry', reason: 'taken by another officer' });
    expect(snapPosts()).toEqual([]);
    const q = await readQueue();
    expect(q.pending).toEqual([]);
    expect(q.heldForOthers?.map((s) => s.key)).toEqual(['alice-snap']);

    // the page thinks it is alice, but the cookie is bob's: still nothing goes out under bob
    setOutboxUser(alice);
    await flushQueue();
    expect(snapPosts()).toEqual([]);

    server.session = alice;
    await flushQueue();
    expect(snapPosts()).toHaveLength(1);
    expect(idb.size).toBe(0);
  });

  it('an offline sign-out is completed when the network returns, before anything is sent', async () => {
    server.session = alice;
    setOutboxUser(alice);
    await enqueue({ key: 'before-sign-out', photo: photo(), fileName: 'a.jpg', note: '', position: null });
    server.online = false;
    expect(await signOutSnapPage()).toBe('pending');
    expect(signOutPending()).toBe(true);
    expect(server.session).toEqual(alice); // the server still has it

    server.online = true;
    await flushQueue(); // e.g. the 'online' event
    expect(server.session).toBeNull();
    expect(signOutPending()).toBe(false);
    const logout = server.requests.find((r) => r.path === '/api/auth/logout')!;
    expect(logout.csrf).toBe('csrf-alice'); // a CSRF token fetched for the purpose
    expect(snapPosts()).toEqual([]); // nothing went out on the way; the snap waits for alice's next sign-in
    expect(idb.has('before-sign-out')).toBe(true);
  });

  it('a sign-out whose session already ended counts as done', async () => {
    markSignOutPending();
    expect(await completePendingSignOut()).toBe('done');
    expect(signOutPending()).toBe(false);
  });
});
