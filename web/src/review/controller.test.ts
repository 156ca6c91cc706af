import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/client.js';
import type { Id, SiteDetail, SiteFeature } from '../api/types.js';
import { site } from '../test/fixtures.js';
import { ReviewController, type ReviewBody, type ReviewDeps } from './controller.js';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function setup(sites: SiteFeature[], sendReview?: (id: Id, body: ReviewBody) => Promise<unknown>) {
  const sent: { id: Id; body: ReviewBody }[] = [];
  const preloaded: string[] = [];
  const detailCalls: Id[] = [];
  const deps: ReviewDeps = {
    fetchSites: async () => sites.map((s) => structuredClone(s)),
    fetchDetail: async (id) => {
      detailCalls.push(id);
      return {
        site: sites.find((s) => s.properties.id === id)!.properties,
        lat: 20,
        lon: 100,
        detections: [{ id: Number(id) * 10, imageId: 5, score: 0.9, box: null, imageWidth: null, imageHeight: null, top: [], modelVersion: null, capturedAt: null, imageName: null, cropUrl: `/api/detections/${Number(id) * 10}/crop`, previewUrl: '/api/images/5/preview' }],
        history: [],
        top: [],
        photoUrl: null,
        snapNote: null,
        flightName: null,
      } satisfies SiteDetail;
    },
    sendReview: async (id, body) => {
      sent.push({ id, body });
      if (sendReview) return sendReview(id, body);
      const s = sites.find((x) => x.properties.id === id)!;
      return { ...s.properties, status: body.decision, version: (body.baseVersion ?? 0) + 1 };
    },
    preloadImage: (url) => preloaded.push(url),
  };
  return { controller: new ReviewController(deps), sent, preloaded, detailCalls };
}

const three = () => [site(1, 0.5), site(2, 0.9), site(3, 0.7), site(4, 0.99, { status: 'confirmed' })];

describe('ReviewController', () => {
  it('opens on the highest-scoring pending site and walks the queue', async () => {
    const { controller } = setup(three());
    await controller.load('', 'all');
    expect(controller.getSnapshot().current?.properties.id).toBe(2);
    controller.next();
    expect(controller.getSnapshot().current?.properties.id).toBe(3);
    controller.previous();
    controller.previous();
    expect(controller.getSnapshot().current?.properties.id).toBe(4);
    controller.previous();
    expect(controller.getSnapshot().index).toBe(0);
  });

  it('applies a decision at once, moves on, and sends it in the background with the base version', async () => {
    const gate = deferred<unknown>();
    const { controller, sent } = setup(three(), () => gate.promise);
    await controller.load('', 'pending');
    controller.decide('confirmed');
    const snap = controller.getSnapshot();
    expect(snap.current?.properties.id).toBe(3);
    expect(snap.queue[0].properties).toMatchObject({ id: 2, status: 'confirmed' });
    expect(snap.counts.confirmed).toBe(2);
    expect(snap.saving).toBe(1);
    await Promise.resolve();
    expect(sent).toEqual([{ id: 2, body: { decision: 'confirmed', note: '', baseVersion: 1 } }]);
    gate.resolve({ ...site(2, 0.9).properties, status: 'confirmed', version: 2 });
    await controller.settled();
    expect(controller.getSnapshot().saving).toBe(0);
    expect(controller.getSnapshot().queue[0].properties.version).toBe(2);
  });

  it('undo restores the previous status on the server, chained after the first answer (new base version)', async () => {
    const { controller, sent } = setup(three());
    await controller.load('', 'pending');
    controller.setNote(2, 'field check');
    controller.decide('rejected');
    controller.undo();
    expect(controller.getSnapshot().current?.properties).toMatchObject({ id: 2, status: 'pending' });
    await controller.settled();
    expect(sent.map((s) => s.body)).toEqual([
      { decision: 'rejected', note: 'field check', baseVersion: 1 },
      { decision: 'pending', note: '', baseVersion: 2 },
    ]);
    expect(controller.getSnapshot().canUndo).toBe(false);
  });

  it('on 409 shows the conflict with the current state and overwrites nothing until asked', async () => {
    const current = { ...site(2, 0.9).properties, status: 'rejected' as const, version: 5, note: 'not poppy, tulips' };
    let conflictOnce = true;
    const { controller, sent } = setup(three(), async (_id, body) => {
      if (conflictOnce) {
        conflictOnce = false;
        throw new ApiError(409, 'conflict', 'stale', { error: 'conflict', current });
      }
      return { ...current, status: body.decision, version: (body.baseVersion ?? 0) + 1 };
    });
    await controller.load('', 'pending');
    controller.decide('confirmed');
    await controller.settled();
    const snap = controller.getSnapshot();
    expect(snap.conflicts).toHaveLength(1);
    expect(snap.conflicts[0]).toMatchObject({ siteId: 2, mine: 'confirmed', current: { status: 'rejected', version: 5 } });
    expect(snap.queue[0].properties).toMatchObject({ status: 'rejected', note: 'not poppy, tulips' });
    expect(snap.canUndo).toBe(false);

    // Deciding again on a conflicted site is refused until the conflict is resolved.
    controller.select(2);
    controller.decide('confirmed');
    expect(sent).toHaveLength(1);

    controller.resolveConflict(2, 'mine');
    await controller.settled();
    expect(sent[1].body).toEqual({ decision: 'confirmed', note: '', baseVersion: 5 });
    expect(controller.getSnapshot().conflicts).toHaveLength(0);
    expect(controller.getSnapshot().queue[0].properties).toMatchObject({ status: 'confirmed', version: 6 });
  });

  it('keeps a failed save visible with a retry, and reverts the optimistic change', async () => {
    let fail = true;
    const { controller } = setup(three(), async (_id, body) => {
      if (fail) throw new ApiError(500, 'internal', 'database is busy', null);
      return { ...site(2, 0.9).properties, status: body.decision, version: 2 };
    });
    await controller.load('', 'pending');
    controller.decide('confirmed');
    await controller.settled();
    expect(controller.getSnapshot().errors[0]).toMatchObject({ siteId: 2, message: 'database is busy' });
    expect(controller.getSnapshot().queue[0].properties.status).toBe('pending');
    fail = false;
    controller.retry(2);
    await controller.settled();
    expect(controller.getSnapshot().errors).toHaveLength(0);
    expect(controller.getSnapshot().queue[0].properties.status).toBe('confirmed');
  });

  it('prefetches the neighbours\' details and their crops and frame', async () => {
    const { controller, preloaded, detailCalls } = setup(three());
    await controller.load('', 'all');
    await vi.waitFor(() => expect(detailCalls.length).toBe(4));
    expect(preloaded).toContain('/api/detections/20/crop');
    expect(preloaded).toContain('/api/images/5/preview');
  });
});
