/**
 * npm run eval:cells [-- --count N] — the shipped synthetic evaluation in cell form, for the retraining report:
 * runs detectFrame (keepMaps) over held-out synthetic test frames (scripts/eval/aerial-model/sets.ts) and keeps, per
 * truth plot, the head inputs of up to 48 of its cells (poppy plots and look-alike plots, with their labels) and
 * per frame 64 background cells away from every plot. Writes models/<name>-<version>.cells.bin (little-endian
 * float32, cells × channels) and .cells.json (the index). A new head is then scored without decoding a frame
 * (server/src/learning/syntheticCells.ts). Rerun whenever the network changes (the index names its sha256).
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { AerialModel } from '../../server/src/model/aerialModel.js';
import { detectFrame } from '../../server/src/pipeline/detectFrame.js';
import type { CellMaps } from '../../server/src/pipeline/denseModel.js';
import { syntheticCellsPaths, type SyntheticIndex } from '../../server/src/learning/syntheticCells.js';
import { frameSet, type TruthFrame } from '../eval/aerial-model/sets.js';

const CELLS_PER_PLOT = 48;
const CELLS_PER_BACKGROUND = 64;
/** background cells keep this far from every plot's outline */
const BACKGROUND_MARGIN_M = 1;
const RESOLUTIONS = [1.5, 2, 3];

type Pt = [number, number];

function inside(poly: Pt[], [x, y]: Pt): boolean {
  let r = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [x1, y1] = poly[i];
    const [x2, y2] = poly[j];
    if (y1 > y !== y2 > y && x < ((x2 - x1) * (y - y1)) / (y2 - y1) + x1) r = !r;
  }
  return r;
}

/** Half the sample the cells the current head rates highest (where sites come from), half spread evenly. */
function sample(cells: number[], maps: CellMaps, n: number): number[] {
  if (cells.length <= n) return cells;
  const top = [...cells].sort((a, b) => maps.presence[b] - maps.presence[a]).slice(0, n / 2);
  const chosen = new Set(top);
  const rest = cells.filter((c) => !chosen.has(c));
  const step = rest.length / (n - top.length);
  for (let k = 0; k < n - top.length; k++) chosen.add(rest[Math.floor(k * step)]);
  return [...chosen];
}

async function main() {
  const { values } = parseArgs({ options: { count: { type: 'string', default: '6' } } });
  const count = Number(values.count);
  const model = await AerialModel.load({ threads: 2 });
  const m = model.manifest;
  const C = m.featureChannels;
  const rows: Float32Array[] = [];
  let offset = 0;
  const groups: SyntheticIndex['groups'] = [];
  const add = (set: string, frame: string, kind: 'poppy' | 'decoy' | 'background', species: string | null, evalPlot: boolean, maps: CellMaps, cells: number[]) => {
    const data = new Float32Array(cells.length * C);
    cells.forEach((cell, k) => data.set(maps.features.subarray(cell * C, (cell + 1) * C), k * C));
    rows.push(data);
    groups.push({ set, frame, kind, species, eval: evalPlot, offset, count: cells.length });
    offset += cells.length;
  };
  for (const gsd of RESOLUTIONS) {
    const set = await frameSet({ split: 'test', gsd, count });
    for (const f of set.frames) {
      const r = await detectFrame(f.jpeg, {}, model, { keepMaps: true });
      const maps = r.maps!;
      const g = r.geometry!;
      const sx = g.resampledWidth / g.storedWidth;
      const centre = (cell: number): Pt => {
        const row = Math.floor(cell / maps.cols);
        const col = cell - row * maps.cols;
        return [((col + 0.5) * maps.stride) / sx, ((row + 0.5) * maps.stride) / sx];
      };
      const scanned: number[] = [];
      for (let i = 0; i < maps.scanned.length; i++) if (maps.scanned[i]) scanned.push(i);
      for (const p of f.plots) {
        const mine = scanned.filter((c) => p.polygons.some((poly) => inside(poly, centre(c))));
        if (mine.length) add(set.name, f.file, p.kind, p.species, p.kind === 'poppy' && p.eval, maps, sample(mine, maps, CELLS_PER_PLOT));
      }
      const marginPx = (BACKGROUND_MARGIN_M * 100) / f.gsdCmPerPx;
      const boxes = f.plots.flatMap((p: TruthFrame['plots'][number]) => p.polygons.map((poly) => {
        const xs = poly.map((q) => q[0]);
        const ys = poly.map((q) => q[1]);
        return [Math.min(...xs) - marginPx, Math.min(...ys) - marginPx, Math.max(...xs) + marginPx, Math.max(...ys) + marginPx];
      }));
      const away = scanned.filter((c) => {
        const [x, y] = centre(c);
        return boxes.every(([x0, y0, x1, y1]) => x < x0 || x > x1 || y < y0 || y > y1);
      });
      if (away.length) add(set.name, f.file, 'background', null, false, maps, sample(away, maps, CELLS_PER_BACKGROUND));
      process.stderr.write(`\r${set.name} ${f.file}: ${groups.length} groups, ${offset} cells`.padEnd(90));
    }
  }
  process.stderr.write('\n');
  const bytes = Buffer.alloc(offset * C * 4);
  let o = 0;
  for (const row of rows) for (const v of row) (bytes.writeFloatLE(v, o), (o += 4));
  const p = syntheticCellsPaths(m);
  const index: SyntheticIndex = {
    model: { name: m.name, version: m.version, sha256: m.sha256 },
    channels: C,
    createdAt: new Date().toISOString(),
    source: { script: 'scripts/learning/make-eval-cells.ts', sets: RESOLUTIONS.map((gsd) => ({ split: 'test', gsd, count, effects: 'default' })), cellsPerPlot: CELLS_PER_PLOT, cellsPerBackground: CELLS_PER_BACKGROUND },
    groups,
  };
  fs.writeFileSync(p.data, bytes);
  fs.writeFileSync(p.index, `${JSON.stringify(index)}\n`);
  const kinds = (k: string) => groups.filter((g) => g.kind === k).length;
  console.log(`${p.index}: ${kinds('poppy')} poppy plots (${groups.filter((g) => g.eval).length} counted), ${kinds('decoy')} look-alike plots, ${kinds('background')} backgrounds; ${offset} cells, ${(bytes.length / 1024).toFixed(0)} KiB`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
