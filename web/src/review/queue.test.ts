import { describe, expect, it } from 'vitest';
import { site } from '../test/fixtures.js';
import { countByStatus, defaultFilters, openingIndex, orderQueue, siteQuery } from './queue.js';

describe('review queue', () => {
  const sites = [
    site(1, 0.61),
    site(2, 0.97, { status: 'confirmed' }),
    site(3, 0.88),
    site(4, 0.88, { firstSeenAt: '2026-03-01T00:00:00.000Z' }),
    site(5, 0.42, { status: 'rejected' }),
  ];

  it('orders by score, highest first, ties by first sighting then id', () => {
    expect(orderQueue(sites, 'all').map((s) => s.properties.id)).toEqual([2, 4, 3, 1, 5]);
  });

  it('keeps only the chosen status', () => {
    expect(orderQueue(sites, 'pending').map((s) => s.properties.id)).toEqual([4, 3, 1]);
    expect(orderQueue(sites, 'rejected').map((s) => s.properties.id)).toEqual([5]);
  });

  it('opens on the highest-scoring pending site even when a decided site scores higher', () => {
    const all = orderQueue(sites, 'all');
    expect(all[openingIndex(all)].properties.id).toBe(4);
    expect(openingIndex(orderQueue(sites, 'confirmed'))).toBe(0);
  });

  it('counts sites per status', () => {
    expect(countByStatus(sites)).toEqual({ all: 5, pending: 3, confirmed: 1, rejected: 1 });
  });

  it('builds the API query from the filters, leaving out defaults', () => {
    expect(siteQuery(defaultFilters)).toBe('');
    const q = new URLSearchParams(
      siteQuery({ flight: '7', status: 'confirmed', minScore: 0.5, maxScore: 0.9, from: '2026-04-01', to: '' }, { withStatus: true }),
    );
    expect(q.get('flight')).toBe('7');
    expect(q.get('status')).toBe('confirmed');
    expect(q.get('minScore')).toBe('0.5');
    expect(q.get('maxScore')).toBe('0.9');
    expect(new Date(q.get('from')!).getTime()).toBe(new Date('2026-04-01T00:00:00').getTime());
    expect(q.has('to')).toBe(false);
  });
});

import { orientBox } from './FrameWithBox.js';

describe('detection box on the upright preview', () => {
  const box = { x: 100, y: 50, w: 20, h: 10 };
  it('keeps upright frames as they are', () => {
    expect(orientBox(box, 400, 300, 1)).toEqual({ box, width: 400, height: 300 });
  });
  it('rotates with EXIF orientations 3, 6 and 8', () => {
    expect(orientBox(box, 400, 300, 3).box).toEqual({ x: 280, y: 240, w: 20, h: 10 });
    expect(orientBox(box, 400, 300, 6)).toEqual({ box: { x: 240, y: 100, w: 10, h: 20 }, width: 300, height: 400 });
    expect(orientBox(box, 400, 300, 8)).toEqual({ box: { x: 50, y: 280, w: 10, h: 20 }, width: 300, height: 400 });
  });
});
