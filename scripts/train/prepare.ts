/**
 * Training data preparation (Node + sharp, so Python trains on the pixels Node serves).
 *
 *   npx tsx scripts/train/prepare.ts [--shared DIR] [--cache DIR]
 *
 * Reads ../shared/data/MANIFEST.tsv, maps every class to a label of scripts/train/labels.json, writes the seeded
 * split (models/<name>-<version>.split.tsv: names and hashes only), the close-up PNGs under .cache/train/closeups/
 * (val/test exactly as served: closeupPixels(file, 224); train: the same sharp chain at a larger size for crop
 * augmentation) with an index closeups.tsv, and aerial.json (ground resolution of every real aerial frame).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import exifr from 'exifr';
import sharp from 'sharp';
import { closeupPixels } from '../../server/src/model/preprocess.js';
import { resampleFrame } from '../../server/src/pipeline/resample.js';
import { rng } from '../lib/rng.js';

const here = path.dirname(new URL(import.meta.url).pathname);
const repo = path.resolve(here, '../..');

interface TrainLabel { id: string; en: string; zh: string; group: 'poppy' | 'other'; kind: string; sources: string[] }
interface ModelConfig {
  name: string; version: string; seed: number; inputSize: number; trainCloseupSize: number;
  aerialHoldout: { test: string[]; val: string[] }; caliterraAssumedHeightM: number;
  drone: { groundResolutionCmPerPx: number; tileSize: number; tileOverlap: number };
}
type Split = 'train' | 'val' | 'test' | 'unlabelled';
interface Item { file: string; sha256: string; label: string; split: Split; cls: string; licence: string; source: string }

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const sharedDir = path.resolve(arg('--shared', process.env.POPPY_SHARED_DIR ?? path.join(repo, '../shared')));
const cacheDir = path.resolve(arg('--cache', path.join(repo, '.cache/train')));
const labels: TrainLabel[] = JSON.parse(fs.readFileSync(path.join(here, 'labels.json'), 'utf8'));
const config: ModelConfig = JSON.parse(fs.readFileSync(path.join(here, 'model.json'), 'utf8'));

function shuffled<T>(xs: T[], rand: () => number): T[] {
  const out = xs.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/**
 * Split sizes per label. Tiny classes: one image trains (nothing to hold out); 2–6 images keep exactly one for test
 * and train on the rest (a validation image would leave too little to learn from); otherwise ~70/15/15.
 */
function splitSizes(n: number): { val: number; test: number } {
  if (n <= 1) return { val: 0, test: 0 };
  if (n <= 6) return { val: 0, test: 1 };
  return { val: Math.max(1, Math.round(n * 0.15)), test: Math.max(1, Math.round(n * 0.15)) };
}

function sha256(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function datasetOf(file: string): string {
  const parts = file.split('/'); // data/<kind>/<dataset>/...
  return `${parts[1]}/${parts[2]}`;
}

async function aerialInfo(file: string): Promise<Record<string, unknown>> {
  const abs = path.join(sharedDir, file);
  const meta = await exifr.parse(abs, { xmp: true, gps: true, tiff: true, exif: true });
  const { width = 0, height = 0 } = await sharp(abs).metadata();
  const model = String(meta?.Model ?? '');
  const focalMm = Number(meta?.FocalLength);
  let sensorWidthMm: number;
  let heightM: number;
  let heightSource: string;
  if (/FC300S/i.test(model)) {
    sensorWidthMm = 6.17;
    heightM = Number(meta?.RelativeAltitude);
    heightSource = 'DJI XMP RelativeAltitude (height above take-off)';
  } else if (/SX260/i.test(model)) {
    sensorWidthMm = 6.17;
    heightM = config.caliterraAssumedHeightM;
    heightSource =
      'assumed: EXIF has only GPS altitude above sea level, which climbs ~108 m over the set while the scene scale ' +
      'barely changes; the height is set so that the precast pipe sections and manhole in the frames have plausible ' +
      'sizes (see scripts/train/README.md)';
  } else {
    throw new Error(`${file}: unknown aerial camera ${model}`);
  }
  if (!Number.isFinite(heightM) || !Number.isFinite(focalMm)) throw new Error(`${file}: no height or focal length`);
  const gsdCmPerPx = ((heightM * sensorWidthMm) / (focalMm * width)) * 100;
  return { file, model, width, height, focalMm, sensorWidthMm, heightM, heightSource, gsdCmPerPx };
}

async function writePng(rgb: Buffer, size: number, out: string): Promise<void> {
  await sharp(rgb, { raw: { width: size, height: size, channels: 3 } }).png({ compressionLevel: 3 }).toFile(out);
}

/** The single P. somniferum photo has a detector's box and caption drawn on it: train on the inside of the box only. */
const SEEDLING_BOX = { left: 294, top: 286, width: 210, height: 223 };

async function closeupSource(item: Item): Promise<string | Buffer> {
  const abs = path.join(sharedDir, item.file);
  if (item.label !== 'papaver_somniferum_seedling') return abs;
  return sharp(abs).extract(SEEDLING_BOX).png().toBuffer();
}

async function pool<T>(items: T[], workers: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i], i);
      }
    }),
  );
}

async function main(): Promise<void> {
  const manifestTsv = fs.readFileSync(path.join(sharedDir, 'data/MANIFEST.tsv'), 'utf8').trim().split('\n');
  const header = manifestTsv[0].split('\t');
  const col = (name: string) => header.indexOf(name);
  const labelBySource = new Map<string, string>();
  for (const l of labels) for (const s of l.sources) labelBySource.set(s, l.id);

  const items: Item[] = [];
  for (const line of manifestTsv.slice(1)) {
    const f = line.split('\t');
    const file = f[col('file')];
    const cls = f[col('class')];
    const base: Omit<Item, 'label' | 'split' | 'sha256'> = {
      file, cls, licence: f[col('licence')], source: f[col('source_repo')],
    };
    if (file.startsWith('data/phone/')) {
      items.push({ ...base, label: '-', split: 'unlabelled', sha256: sha256(path.join(sharedDir, file)) });
      continue;
    }
    const label = labelBySource.get(`${datasetOf(file)}:${cls}`);
    if (!label) throw new Error(`no label for ${datasetOf(file)}:${cls} (${file}); add it to scripts/train/labels.json`);
    items.push({ ...base, label, split: 'train', sha256: sha256(path.join(sharedDir, file)) });
  }

  const rand = rng(config.seed);
  const aerial = items.filter((i) => i.label === 'aerial_background');
  for (const it of aerial) {
    const name = path.basename(it.file);
    it.split = config.aerialHoldout.test.includes(name) ? 'test' : config.aerialHoldout.val.includes(name) ? 'val' : 'train';
  }
  const byLabel = new Map<string, Item[]>();
  for (const it of items) {
    if (it.split === 'unlabelled' || it.label === 'aerial_background') continue;
    byLabel.set(it.label, [...(byLabel.get(it.label) ?? []), it]);
  }
  for (const [, group] of [...byLabel.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const order = shuffled(group.sort((a, b) => a.file.localeCompare(b.file)), rand);
    const { val, test } = splitSizes(order.length);
    order.forEach((it, i) => (it.split = i < test ? 'test' : i < test + val ? 'val' : 'train'));
  }

  const splitFile = path.join(repo, 'models', `${config.name}-${config.version}.split.tsv`);
  fs.mkdirSync(path.dirname(splitFile), { recursive: true });
  const rows = items.slice().sort((a, b) => a.file.localeCompare(b.file));
  fs.writeFileSync(
    splitFile,
    ['file\tsha256\tlabel\tsplit', ...rows.map((i) => `${i.file}\t${i.sha256}\t${i.label}\t${i.split}`)].join('\n') + '\n',
  );

  // unlabelled phone photos are prepared too (never trained on): the Node/Python agreement reference uses some
  const closeups = items.filter((i) => i.label !== 'aerial_background');
  for (const s of ['train', 'val', 'test', 'unlabelled']) fs.mkdirSync(path.join(cacheDir, 'closeups', s), { recursive: true });
  const index: string[] = [];
  const started = Date.now();
  await pool(closeups, 2, async (it, i) => {
    const size = it.split === 'train' ? config.trainCloseupSize : config.inputSize;
    const png = path.join('closeups', it.split, `${it.sha256.slice(0, 16)}_${it.label === '-' ? 'unlabelled' : it.label}.png`);
    const out = path.join(cacheDir, png);
    if (!fs.existsSync(out)) await writePng(await closeupPixels(await closeupSource(it), size), size, out);
    index[i] = `${png}\t${it.file}\t${it.label}\t${it.split}`;
  });
  fs.writeFileSync(path.join(cacheDir, 'closeups.tsv'), ['png\tfile\tlabel\tsplit', ...index].join('\n') + '\n');

  const frames = [];
  fs.mkdirSync(path.join(cacheDir, 'aerial'), { recursive: true });
  for (const it of aerial) {
    const info = await aerialInfo(it.file);
    // the frame as the pipeline sees it before tiling: resampled by the pipeline's own function to the model's resolution
    const scale = Number(info.gsdCmPerPx) / config.drone.groundResolutionCmPerPx;
    const width = Math.round(Number(info.width) * scale);
    const height = Math.round(Number(info.height) * scale);
    const resampled = path.join('aerial', `${path.basename(it.file).replace(/\.[^.]+$/, '')}.png`);
    if (!fs.existsSync(path.join(cacheDir, resampled))) {
      const frame = await resampleFrame(path.join(sharedDir, it.file), width, height);
      await sharp(frame.data, { raw: { width: frame.width, height: frame.height, channels: 3 } })
        .png({ compressionLevel: 3 })
        .toFile(path.join(cacheDir, resampled));
    }
    frames.push({ ...info, split: it.split, resampled, resampledWidth: width, resampledHeight: height });
  }
  fs.writeFileSync(path.join(cacheDir, 'aerial.json'), JSON.stringify(frames, null, 1));

  const count = (s: Split) => items.filter((i) => i.split === s).length;
  console.log(
    `prepare: ${closeups.length} close-ups, ${frames.length} aerial frames, split train ${count('train')} / val ` +
      `${count('val')} / test ${count('test')} / unlabelled ${count('unlabelled')} → ${path.relative(repo, splitFile)}; ` +
      `${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
