import path from 'node:path';
import { Classifier } from './src/model/classifier.js';
import { processFrame } from './src/pipeline/processFrame.js';
import { distanceM } from './src/pipeline/geodesy.js';
import { DEMO_DIR, demoTruth } from './test/helpers/demoFlight.js';
const c = await Classifier.load();
const truth = demoTruth();
for (const name of process.argv.slice(2)) {
  const r = await processFrame(path.join(DEMO_DIR, name), {}, c, { threshold: 0.05 });
  console.log(name, r.stats.totalMs.toFixed(0), 'ms', r.detections.length, 'dets @0.05');
  for (const d of r.detections.slice(0, 12)) {
    const near = truth.map((t) => ({ id: t.id, dist: distanceM({ lat: d.lat!, lon: d.lon! }, t) })).sort((a, b) => a.dist - b.dist)[0];
    console.log(`  score ${d.score.toFixed(3)} tiles ${d.tileCount} near ${near.id} ${near.dist.toFixed(2)} m top ${d.top.map((t) => t.label + ':' + t.score.toFixed(2)).join(',')}`);
  }
}
