import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import type { Classifier } from '../../server/src/model/classifier.js';
import { ratesAt, wilson } from './metrics.js';

const run = promisify(execFile);

export const EVAL_GSDS_CM_PER_PX = [1, 1.5, 2, 3, 4];

export interface GsdEval {
  gsdCmPerPx: number;
  poppyTiles: number;
  recall: number;
  recallCi95: [number, number];
  otherFlowerTiles: number;
  otherFlowerFpr: number;
  backgroundTiles: number;
  backgroundFpr: number;
  meanPoppyScore: number;
}

export interface SyntheticEval {
  generator: string;
  tilesPerGsd: number;
  threshold: number;
  byGsd: GsdEval[];
  seconds: number;
}

interface SynthRow {
  png: string;
  label: string;
  group: string;
}

function readLabels(dir: string): SynthRow[] {
  const [header, ...lines] = fs.readFileSync(path.join(dir, 'labels.tsv'), 'utf8').trim().split('\n');
  const cols = header.split('\t');
  const [p, l, g] = ['png', 'label', 'group'].map((c) => cols.indexOf(c));
  if (p < 0 || l < 0 || g < 0) throw new Error(`${dir}/labels.tsv: header "${header}" lacks png, label or group`);
  return lines.map((line) => {
    const c = line.split('\t');
    return { png: c[p], label: c[l], group: c[g] };
  });
}

async function rawTile(file: string, size: number): Promise<Buffer> {
  const { data, info } = await sharp(file).toColourspace('srgb').removeAlpha().raw().toBuffer({ resolveWithObject: true });
  if (info.width !== size || info.height !== size) throw new Error(`${file} is ${info.width}×${info.height}, expected ${size}×${size}`);
  return data;
}

/**
 * Synthetic drone plots from scripts/train/synth_drone.py on the TEST split (held-out frames, test-split flowers),
 * rendered through a camera of each native ground resolution and resampled to the model's, as the pipeline does.
 */
export async function evalSynthetic(
  classifier: Classifier,
  opts: { repoRoot: string; sharedDir: string; count: number; python: string; gsds?: number[] },
): Promise<SyntheticEval> {
  const generator = path.join(opts.repoRoot, 'scripts/train/synth_drone.py');
  if (!fs.existsSync(generator)) throw new Error(`drone synthesis script ${generator} not found`);
  const cache = path.join(opts.repoRoot, '.cache/train');
  if (!fs.existsSync(path.join(cache, 'aerial.json'))) {
    throw new Error(`${cache}/aerial.json missing: run \`npx tsx scripts/train/prepare.ts\` first (the generator reads it)`);
  }
  const started = performance.now();
  const { thresholds, input } = classifier.manifest;
  const byGsd: GsdEval[] = [];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'poppy-eval-synth-'));
  try {
    for (const gsd of opts.gsds ?? EVAL_GSDS_CM_PER_PX) {
      const out = path.join(tmp, `gsd-${gsd}`);
      await run(
        opts.python,
        [generator, '--split', 'test', '--gsd', String(gsd), '--count', String(opts.count), '--out', out, '--shared', opts.sharedDir],
        { cwd: opts.repoRoot, maxBuffer: 16 << 20 },
      );
      const rows = readLabels(out);
      const tiles = await Promise.all(rows.map((r) => rawTile(path.join(out, r.png), input.size)));
      const results = await classifier.classifyPixels(tiles, { topK: 1, threshold: thresholds.droneTile });
      const scores = results.map((r) => r.poppy);
      const subset = (keep: (r: SynthRow) => boolean) => {
        const idx = rows.flatMap((r, i) => (keep(r) ? [i] : []));
        return ratesAt(
          idx.map((i) => scores[i]),
          idx.map((i) => rows[i].group === 'poppy'),
          thresholds.droneTile,
        );
      };
      const poppy = subset((r) => r.group === 'poppy');
      const others = subset((r) => r.group !== 'poppy' && r.label !== 'aerial_background');
      const background = subset((r) => r.label === 'aerial_background');
      const poppyScores = rows.flatMap((r, i) => (r.group === 'poppy' ? [scores[i]] : []));
      byGsd.push({
        gsdCmPerPx: gsd,
        poppyTiles: poppy.positives,
        recall: poppy.recall,
        recallCi95: wilson(poppy.truePositives, poppy.positives),
        otherFlowerTiles: others.negatives,
        otherFlowerFpr: others.falsePositiveRate,
        backgroundTiles: background.negatives,
        backgroundFpr: background.falsePositiveRate,
        meanPoppyScore: poppyScores.reduce((a, b) => a + b, 0) / Math.max(1, poppyScores.length),
      });
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return {
    generator: `${path.relative(opts.repoRoot, generator)} --split test --gsd <g> --count ${opts.count}`,
    tilesPerGsd: opts.count,
    threshold: thresholds.droneTile,
    byGsd,
    seconds: (performance.now() - started) / 1000,
  };
}
