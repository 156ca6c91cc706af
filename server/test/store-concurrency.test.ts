/**
 * What the synchronous store gave for free and the async one must keep: transactions that interleave (several workers
 * on PostgreSQL, several requests in one process on SQLite) never see or undo each other's half-done work.
 * Runs on both backends (the server-postgres project runs it again on PostgreSQL).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { placeDetections } from '../src/sites/placeDetections.js';
import { startSession } from '../src/auth/sessions.js';
import { secretDigest } from '../src/auth/secrets.js';
import { issueApiToken } from '../src/auth/apiTokens.js';
import { addUser, ConfusableUsernameError } from '../src/auth/accounts.js';
import fs from 'node:fs';
import { openStore } from '../src/store/index.js';
import { tempDataDir } from './helpers/server.js';
import { openTestStore, testBackend, type TestStore } from './helpers/testStore.js';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A promise and what settles it: holds a transaction at a chosen point. */
function latch(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { opened, open };
}

/** Starts `fn` in a transaction and says, 150 ms later, whether it is still waiting (for a lock held elsewhere). */
async function startAndSeeIfItWaits(store: TestStore, fn: () => Promise<void>): Promise<{ waited: boolean; done: Promise<void> }> {
  let finished = false;
  const done = store.tx(fn).then(() => void (finished = true));
  await pause(150);
  return { waited: !finished, done };
}

describe(`store under concurrency (${process.env.POPPY_TEST_BACKEND ?? 'sqlite'})`, () => {
  let store: TestStore;
  beforeEach(async () => {
    store = await openTestStore();
  });
  afterEach(async () => store.dispose());

  async function frame(flightId: number, name: string): Promise<number> {
    const { image } = await store.images.insertOrGet({ flightId, name, sha256: name.padEnd(64, '0'), sizeBytes: 1, mime: 'image/jpeg' });
    return image.id;
  }

  it('frames of one flight committed at the same time join one site, not one each', async () => {
    const flight = await store.flights.create({ name: 'race' });
    const imageIds = await Promise.all(['a', 'b', 'c', 'd'].map((n) => frame(flight.id, n)));
    const seenAt = new Date().toISOString();
    await Promise.all(
      imageIds.map((imageId) =>
        store.tx(async () => {
          const d = await store.detections.insert({
            imageId,
            flightId: flight.id,
            box: { x: 0, y: 0, w: 10, h: 10 },
            score: 0.97,
            lat: 25.0001,
            lon: 102.0001,
            errorRadiusM: 3,
            top: [],
            modelVersion: 'test-1',
            seenAt,
          });
          await pause(20); // the others insert theirs meanwhile
          await placeDetections(store, flight.id, [d], seenAt);
        }),
      ),
    );
    const sites = await store.sites.list({ flight: flight.id });
    expect(sites).toHaveLength(1);
    expect(sites[0].frames).toBe(4);
  });

  it('workers claiming at the same time never get the same job', async () => {
    const flight = await store.flights.create({ name: 'claims' });
    for (const n of ['a', 'b', 'c', 'd', 'e', 'f']) {
      const id = await frame(flight.id, n);
      await store.jobs.enqueue(id);
    }
    const claims = await Promise.all(Array.from({ length: 8 }, (_, i) => store.jobs.claim(`w${i}`, 60_000)));
    const got = claims.filter((j) => j !== null).map((j) => j!.id);
    expect(got).toHaveLength(6);
    expect(new Set(got).size).toBe(6);
    expect((await store.jobs.counts()).running).toBe(6);
  });

  it('a rolled-back transaction leaves nothing, and a query outside it never sees its uncommitted rows', async () => {
    const before = (await store.flights.list()).length;
    let seenOutside = -1;
    const failing = store.tx(async () => {
      await store.flights.create({ name: 'doomed' });
      await pause(30);
      throw new Error('stop');
    });
    // runs while the transaction is open: on SQLite it waits for the connection, on PostgreSQL it reads the last commit
    const outside = (async () => {
      await pause(5);
      seenOutside = (await store.flights.list()).length;
    })();
    await expect(failing).rejects.toThrow('stop');
    await outside;
    expect(seenOutside).toBe(before);
    expect((await store.flights.list()).length).toBe(before);
  });

  it('a nested transaction that fails rolls back to its savepoint only', async () => {
    await store.tx(async () => {
      await store.flights.create({ name: 'kept' });
      await expect(
        store.tx(async () => {
          await store.flights.create({ name: 'undone' });
          throw new Error('inner');
        }),
      ).rejects.toThrow('inner');
    });
    expect((await store.flights.list()).map((f) => f.name)).toEqual(['kept']);
  });

  // SQLite serves one process (POPPY_ROLE=api|worker need PostgreSQL); several connections in ONE process would block
  // each other's event loop in better-sqlite3's busy wait, which is not what this is about
  it.skipIf(process.env.POPPY_TEST_BACKEND !== 'postgres')('several processes starting at once on an empty database migrate it once, without tripping over each other', async () => {
    const backend = testBackend();
    const dataDir = tempDataDir();
    try {
      const stores = await Promise.all(
        Array.from({ length: 4 }, () => openStore({ dataDir, databaseUrl: backend.databaseUrl, databaseSchema: backend.databaseSchema })),
      );
      const applied = await stores[0].sql.all<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      expect(new Set(applied.map((r) => r.version)).size).toBe(applied.length);
      expect(applied.at(-1)!.version).toBe(70);
      await Promise.all(stores.map((st) => st.close()));
    } finally {
      await backend.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('a password reset that commits while a login is between its check and its new session still ends that session', async () => {
    const user = await store.users.create({ username: 'racer', passwordHash: 'old-hash', role: 'reviewer' });
    const checked = latch();
    const mayFinish = latch();
    // the login's transaction, as routes/auth.ts runs it: re-read the account, then start the session
    const login = store.tx(async () => {
      const now = await store.users.findForLoginLocked('racer');
      checked.open();
      await mayFinish.opened;
      if (now?.passwordHash !== 'old-hash') return null;
      return startSession(store.sessions, user.id);
    });
    await checked.opened;
    // the reset, as routes/users.ts runs it: new hash, then every session of the user ends
    const reset = await startAndSeeIfItWaits(store, async () => {
      await store.users.setPasswordHash(user.id, 'new-hash');
      await store.sessions.deleteForUser(user.id);
    });
    mayFinish.open();
    const session = await login;
    await reset.done;
    expect(reset.waited).toBe(true); // it must wait for the login that read the old hash
    expect(session).not.toBeNull();
    expect(await store.sessions.find(secretDigest(session!.sessionId))).toBeUndefined();
  });

  it('a token minted from a session that a reset is ending is revoked with the others', async () => {
    const user = await store.users.create({ username: 'minter', passwordHash: 'old-hash', role: 'reviewer' });
    const { sessionId } = await startSession(store.sessions, user.id);
    const checked = latch();
    const mayFinish = latch();
    // POST /api/auth/tokens: the session is checked, then the token made, in one transaction
    const mint = store.tx(async () => {
      const session = await store.sessions.findLocked(secretDigest(sessionId));
      checked.open();
      await mayFinish.opened;
      return session ? issueApiToken(store.tokens, user.id, 'script') : null;
    });
    await checked.opened;
    const reset = await startAndSeeIfItWaits(store, async () => {
      await store.users.setPasswordHash(user.id, 'new-hash');
      await store.sessions.deleteForUser(user.id);
      await store.tokens.revokeAllForUser(user.id);
    });
    mayFinish.open();
    const issued = await mint;
    await reset.done;
    expect(reset.waited).toBe(true);
    expect(issued).not.toBeNull();
    expect(await store.tokens.listForUser(user.id)).toEqual([expect.objectContaining({ id: issued!.id, revokedAt: expect.any(String) })]);
  });

  it('two look-alike user names added at the same moment: one is added, the other refused', async () => {
    // open connections first (PostgreSQL), so both additions really run at once rather than one while the other connects
    if (store.dialect === 'postgres') await Promise.all([1, 2, 3].map(() => store.sql.get('SELECT pg_sleep(0.05)')));
    for (const n of [1, 2, 3, 4, 5]) {
      // Latin "operator-N" and the same name with a Cyrillic "о" and "р"
      const results = await Promise.allSettled(
        [`operator-${n}`, `оperatоr-${n}`.replace('p', 'р')].map((username) => addUser(store.users, { username, passwordHash: 'h', role: 'operator' })),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(refused.reason).toBeInstanceOf(ConfusableUsernameError);
      expect((await store.users.list()).filter((u) => u.username.endsWith(`-${n}`))).toHaveLength(1);
    }
  });

  it('knows a first start (it made the schema) from a later one (the demo flight is loaded only on the first)', async () => {
    expect(store.created).toBe(true);
    const backend = testBackend();
    const dataDir = tempDataDir();
    try {
      const first = await openTestStore({ dataDir, backend });
      expect(first.created).toBe(true);
      await first.close();
      const second = await openTestStore({ dataDir, backend });
      expect(second.created).toBe(false);
      await second.close();
    } finally {
      await backend.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
