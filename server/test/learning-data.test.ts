// What the retraining learns from: reviewed drone sites (confirmed = poppy, rejected = not), field outcomes
// (eradicated = poppy, not_poppy = not; they outrank the desk review), background cells of the frames that saw
// them; pending sites, features of another network and phone snaps are left out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatherTrainingData } from '../src/learning/trainingData.js';
import { TOY_CHANNELS, TOY_NAME, TOY_VERSION, toySite } from './helpers/learningFixtures.js';
import { openTestStore, type TestStore } from './helpers/testStore.js';

let store: TestStore;
beforeAll(async () => {
  store = await openTestStore();
});
afterAll(() => store?.dispose());

async function fieldOutcome(siteId: number, state: 'eradicated' | 'not_poppy' | 'not_found', species: string | null = null) {
  await store.sql.run(`INSERT INTO field_tasks (site_id, state, assignee, species, version, updated_at, updated_by)
    VALUES (?, ?, 'officer-1', ?, 3, '2026-05-01T08:00:00Z', 'officer-1')`, [siteId, state, species]);
}

describe('gatherTrainingData', () => {
  it('labels sites from reviews and field outcomes', async () => {
    const flight = await store.flights.create({ name: 'labels' });
    const confirmed = await toySite(store, { flightId: flight.id, kind: 'poppy', status: 'confirmed', seed: 1 });
    const rejected = await toySite(store, { flightId: flight.id, kind: 'lookalike', status: 'rejected', seed: 2 });
    const pendingSite = await toySite(store, { flightId: flight.id, kind: 'poppy', status: 'pending', seed: 3 });
    const notPoppy = await toySite(store, { flightId: flight.id, kind: 'lookalike', status: 'confirmed', seed: 4 });
    await fieldOutcome(notPoppy.site.id, 'not_poppy', 'Papaver rhoeas');
    const eradicated = await toySite(store, { flightId: flight.id, kind: 'poppy', status: 'confirmed', seed: 5 });
    await fieldOutcome(eradicated.site.id, 'eradicated');
    const notFound = await toySite(store, { flightId: flight.id, kind: 'poppy', status: 'confirmed', seed: 6 });
    await fieldOutcome(notFound.site.id, 'not_found');
    // features of another network are not used
    const other = await toySite(store, { flightId: flight.id, kind: 'poppy', status: 'confirmed', seed: 7 });
    await store.sql.run('UPDATE cell_features SET model_version = ? WHERE detection_id = ?', [`${TOY_NAME}-2.0.0`, other.detection.id]);

    const data = await gatherTrainingData(store, { name: TOY_NAME, version: TOY_VERSION, channels: TOY_CHANNELS });
    const bySite = new Map(data.sites.map((s) => [s.siteId, s]));
    expect(bySite.get(confirmed.site.id)).toMatchObject({ label: 1, source: 'review', decision: 'confirmed', decidedBy: 'toy-reviewer', count: 12 });
    expect(bySite.get(rejected.site.id)).toMatchObject({ label: 0, source: 'review', decision: 'rejected' });
    expect(bySite.get(notPoppy.site.id)).toMatchObject({ label: 0, source: 'field', decision: 'not_poppy (Papaver rhoeas)', decidedBy: 'officer-1' });
    expect(bySite.get(eradicated.site.id)).toMatchObject({ label: 1, source: 'field', decision: 'eradicated' });
    expect(bySite.get(notFound.site.id)).toMatchObject({ label: 1, source: 'review' });
    expect(bySite.has(pendingSite.site.id)).toBe(false);
    expect(bySite.has(other.site.id)).toBe(false);
    expect(data.skippedSites).toBe(1);
    // background samples of the frames of labelled sites (the pending site's frame is not among them)
    expect(data.background.map((b) => b.imageId).sort()).toEqual(
      [confirmed, rejected, notPoppy, eradicated, notFound, other].map((s) => s.detection.imageId).sort(),
    );
    expect(data.background.every((b) => b.label === 0 && b.count === 16)).toBe(true);
  });
});
