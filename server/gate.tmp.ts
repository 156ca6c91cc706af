import fs from 'node:fs';
import path from 'node:path';
import { cameraModel } from './src/pipeline/camera.js';
import { readMetadata } from './src/pipeline/metadata.js';
import { resampleFrame } from './src/pipeline/resample.js';
import { cutTile, planTiles } from './src/pipeline/tilePlan.js';
function petal(t: Buffer): number {
  let n = 0;
  for (let i = 0; i < t.length; i += 3) {
    const r = t[i], g = t[i + 1], b = t[i + 2];
    const mx = Math.max(r, g, b), mn = Math.min(r, g, b);
    if ((r > 100 && r - g > 0.45 * r) || (b - g > 15 && r - g > 15) || (mn > 190 && mx - mn < 40)) n++;
  }
  return n;
}
const dirs = ['/work/shared/data/aerial/brighton-beach-dji-fc300s', '/work/shared/data/aerial/caliterra', '/work/main/samples/demo-flight'];
for (const d of dirs) {
  let pass = 0, total = 0;
  for (const f of fs.readdirSync(d).filter((x) => /\.jpe?g$/i.test(x))) {
    const m = await readMetadata(path.join(d, f));
    const c = cameraModel(m, /caliterra/.test(d) ? { altitudeAglM: 30 } : {});
    const p = planTiles({ width: m.width, height: m.height, frameGsdCmPerPx: c.scanGsdCmPerPx, modelGsdCmPerPx: 2, tileSize: 224, overlap: 0.25 });
    const fr = await resampleFrame(path.join(d, f), p.resampledWidth, p.resampledHeight);
    for (const t of p.tiles) { total++; if (petal(cutTile(fr.data, fr.width, fr.height, t.rect)) >= 4) pass++; }
  }
  console.log(d, pass, total, (pass / total).toFixed(2));
}
