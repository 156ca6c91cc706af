/**
 * npm run eval:aerial [-- --count N] — the aerial model on held-out data only (never trained on, never used for
 * thresholds): synthetic frames with test-split flowers on the held-out real frames at 1–4 cm/px, the held-out real
 * frames without poppies, the demo flight, a robustness sweep, and time per frame. Prints the figures and writes
 * models/<name>-<version>.eval.json (the model card quotes it).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AerialModel } from '../../../server/src/model/aerialModel.js';
import { detectFrame } from '../../../server/src/pipeline/detectFrame.js';
import { figures, matchFrame, type SetFigures } from './match.js';
import { heldOutRealFrames } from './realFrames.js';
import { frameSet, REPO } from './sets.js';
import { evalDemoFlight } from './demoFlight.js';

const GOALS = {
  recallFine: 0.95, // 1–2.5 cm/px
  recallCoarse: 0.8, // 3–4 cm/px
  falseSitesPerRealFrame: 1 / 20,
  decoysFlagged: 0.15,
  headsError: 0.25,
  centreErrorM: 0.5,
};

async function main() {
  const { values } = parseArgs({ options: { count: { type: 'string', default: '8' } } });
  const count = Number(values.count);
  const model = await AerialModel.load({ threads: 2 });
  const out: Record<string, unknown> = { model: `${model.manifest.name}-${model.version}`, thresholds: model.manifest.thresholds, date: new Date().toISOString() };
  const ms: number[] = [];
  const run = async (set: Awaited<ReturnType<typeof frameSet>>) => {
    const matches = [];
    for (const f of set.frames) {
      const r = await detectFrame(f.jpeg, {}, model);
      ms.push(r.stats.totalMs);
      matches.push(matchFrame(f, r.detections));
    }
    return figures(matches);
  };

  const byResolution: Record<string, SetFigures> = {};
  for (const gsd of [1, 1.5, 2, 2.5, 3, 4]) {
    byResolution[gsd] = await run(await frameSet({ split: 'test', gsd, count }));
    console.log(`test ${gsd} cm/px`, fmt(byResolution[gsd]));
  }
  out.byResolution = byResolution;

  const robustness: Record<string, SetFigures> = {};
  for (const effects of ['clean', 'blur', 'jpeg50', 'haze']) {
    robustness[effects] = await run(await frameSet({ split: 'test', gsd: 2, count, effects }));
    console.log(`robustness 2 cm/px ${effects}`, fmt(robustness[effects]));
  }
  for (const altitudeError of [0.2, -0.2]) {
    const key = `altitude ${altitudeError > 0 ? '+' : ''}${altitudeError * 100}%`;
    robustness[key] = await run(await frameSet({ split: 'test', gsd: 2, count, altitudeError }));
    console.log(`robustness 2 cm/px ${key}`, fmt(robustness[key]));
  }
  out.robustness = robustness;

  const real = heldOutRealFrames('all');
  let falseSites = 0;
  const perFrame: Record<string, number> = {};
  for (const f of real) {
    const r = await detectFrame(f.file, f.overrides, model);
    perFrame[f.name] = r.detections.length;
    falseSites += r.detections.length;
  }
  out.realFrames = { frames: real.length, falseSites, falseSitesPerFrame: falseSites / real.length, perFrame };
  console.log(`real held-out frames without poppies: ${falseSites} false sites over ${real.length} frames`);

  out.demoFlight = await evalDemoFlight(model);
  console.log('demo flight', JSON.stringify(out.demoFlight));

  const sorted = [...ms].sort((a, b) => a - b);
  out.msPerFrame = { mean: ms.reduce((a, b) => a + b, 0) / ms.length, p50: sorted[Math.floor(sorted.length / 2)], frames: ms.length, note: '1600×1200 synthetic frames, 2 onnxruntime threads, load average ' + (await import('node:os')).loadavg()[0].toFixed(2) };
  const fine = [1, 1.5, 2, 2.5].map((g) => byResolution[g]);
  const coarse = [3, 4].map((g) => byResolution[g]);
  out.goals = {
    recallFine: { goal: GOALS.recallFine, measured: Math.min(...fine.map((f) => f.recall)) },
    recallCoarse: { goal: GOALS.recallCoarse, measured: Math.min(...coarse.map((f) => f.recall)) },
    falseSitesPerRealFrame: { goal: GOALS.falseSitesPerRealFrame, measured: falseSites / real.length },
    decoysFlagged: { goal: GOALS.decoysFlagged, measured: Math.max(...Object.values(byResolution).map((f) => f.decoysFlagged)) },
    headsMedianAbsRelError: { goal: GOALS.headsError, measured: Math.max(...fine.map((f) => f.headsMedianAbsRelError ?? 1)) },
    centreMedianErrorM: { goal: GOALS.centreErrorM, measured: Math.max(...Object.values(byResolution).map((f) => f.centreMedianErrorM ?? 99)) },
  };
  console.log('goals', JSON.stringify(out.goals, null, 1));
  const file = path.join(REPO, 'models', `${model.manifest.name}-${model.manifest.version}.eval.json`);
  fs.writeFileSync(file, `${JSON.stringify(out, null, 1)}\n`);
  console.log('wrote', path.relative(REPO, file));
}

const pct = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(0)}%`);
function fmt(f: SetFigures): string {
  return `plots ${f.plots} recall ${pct(f.recall)} precision ${pct(f.precision)} look-alikes flagged ${pct(f.decoysFlagged)} of ${f.decoys} ` +
    `heads error ${pct(f.headsMedianAbsRelError)} centre ${f.centreMedianErrorM?.toFixed(2) ?? '–'} m`;
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
