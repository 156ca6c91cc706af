/**
 * The shipped aerial model on the demo flight, as a fresh `npm start` processes it: the bar is at least 4 of
 * the 5 planted poppy plots as sites and at most 1 look-alike. The demo frames are real DJI frames held out of
 * training with plots planted by our renderer (samples/demo-flight/README.md); they are never trained on.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { AerialModel } from '../src/model/aerialModel.js';
import { defaultAerialManifestPath } from '../src/model/aerialManifest.js';
import { evalDemoFlight } from '../../scripts/eval/aerial-model/demoFlight.js';

function shippedModel(): string | null {
  try {
    return defaultAerialManifestPath();
  } catch {
    return null;
  }
}

const manifestPath = shippedModel();
if (!manifestPath) console.warn('[skip] "aerial model on the demo flight": no aerial model manifest in models/ (npm run train:aerial)');

describe.skipIf(!manifestPath)('aerial model on the demo flight', () => {
  let result: Awaited<ReturnType<typeof evalDemoFlight>>;

  beforeAll(async () => {
    const model = await AerialModel.load({ manifestPath: manifestPath!, threads: 2 });
    result = await evalDemoFlight(model);
    console.log('demo flight:', JSON.stringify({ ...result, plots: undefined }), '\n', result.plots.map((p) => `${p.id} ${p.kind} sites=${p.sites} heads ${p.estimatedHeads ?? '–'}/${p.truthHeads} ${p.centreErrorM?.toFixed(1) ?? '–'} m`).join('\n '));
  }, 240_000);

  it('finds at least 4 of the 5 poppy plots as sites', () => {
    expect(result.poppyPlots).toBe(5);
    expect(result.poppyPlotsFound).toBeGreaterThanOrEqual(4);
  });

  it('flags at most 1 of the look-alike plantings and makes few sites elsewhere', () => {
    expect(result.decoysFlagged).toBeLessThanOrEqual(1);
    expect(result.otherSites).toBeLessThanOrEqual(2);
  });

  it('places found plots near their truth and estimates a head count of the right order', () => {
    for (const p of result.plots.filter((x) => x.kind === 'poppy' && x.sites > 0)) {
      expect(p.centreErrorM!).toBeLessThan(6);
      expect(p.estimatedHeads!).toBeGreaterThan(p.truthHeads * 0.25);
      expect(p.estimatedHeads!).toBeLessThan(p.truthHeads * 4);
    }
  });
});
