/**
 * npm run eval:phone [-- --model <manifest.json>] [--dir <folder>] [--json]
 *
 * The snap page's verdict on every real phone photo in ../shared/data/phone (field plants from the e-surveyor app,
 * none of them known to be a poppy): the share of photos answered "poppy", "uncertain" and "not poppy", decoded and
 * judged exactly as POST /api/snaps does (closeupPixels → classifier → decideVerdict). Then the same on the model's
 * held-out close-up TEST split, poppy family and other plants apart, to show what the verdict rule costs in recall.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Classifier } from '../../server/src/model/classifier.js';
import { defaultManifestPath } from '../../server/src/model/manifest.js';
import { closeupPixels } from '../../server/src/model/preprocess.js';
import { decideVerdict, type Verdict } from '../../server/src/snap/verdict.js';
import { readSplit } from './split.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    dir: { type: 'string', default: path.resolve(process.env.POPPY_SHARED_DIR ?? path.join(REPO, '../shared'), 'data/phone') },
    json: { type: 'boolean', default: false },
  },
});

const dir = values.dir!;
if (!fs.existsSync(dir)) {
  console.error(`no phone photos at ${dir} (set POPPY_SHARED_DIR or --dir)`);
  process.exit(2);
}
const files = fs.readdirSync(dir).filter((f) => /\.(jpe?g|png|webp)$/i.test(f)).sort();
const classifier = await Classifier.load({ manifestPath: values.model ?? defaultManifestPath(), threads: 2 });
const m = classifier.manifest;
const counts: Record<Verdict, number> = { poppy: 0, uncertain: 0, not_poppy: 0 };
const rows: { file: string; verdict: Verdict; poppyScore: number; top: string; reasons: string[] }[] = [];
for (const f of files) {
  const pixels = await closeupPixels(fs.readFileSync(path.join(dir, f)), m.input.size);
  const [scores] = await classifier.classifyPixels([pixels], { topK: m.labels.length, threshold: m.thresholds.closeup });
  const v = decideVerdict(scores.top, scores.poppy, m);
  counts[v.verdict]++;
  rows.push({ file: f, verdict: v.verdict, poppyScore: Math.round(v.poppyScore * 1000) / 1000, top: v.top.map((t) => `${t.label}${t.poppy ? '*' : ''}`).join(' > '), reasons: v.reasons });
}
// the held-out close-up test split: labelled photos, poppy family vs the rest
const shared = path.resolve(dir, '../..');
const manifestPath = values.model ?? defaultManifestPath();
const splitPath = manifestPath.replace(/\.json$/, '.split.tsv');
const groups = new Map(m.labels.map((l) => [l.id, l]));
const split: Record<'poppy' | 'other', Record<Verdict, number>> = { poppy: { poppy: 0, uncertain: 0, not_poppy: 0 }, other: { poppy: 0, uncertain: 0, not_poppy: 0 } };
if (fs.existsSync(splitPath)) {
  for (const r of readSplit(splitPath)) {
    const label = groups.get(r.label);
    if (r.split !== 'test' || !label || (label.kind ?? 'closeup') !== 'closeup') continue;
    const file = path.join(shared, r.file);
    if (!fs.existsSync(file)) continue;
    const pixels = await closeupPixels(fs.readFileSync(file), m.input.size);
    const [scores] = await classifier.classifyPixels([pixels], { topK: m.labels.length, threshold: m.thresholds.closeup });
    split[label.group === 'poppy' ? 'poppy' : 'other'][decideVerdict(scores.top, scores.poppy, m).verdict]++;
  }
}
await classifier.dispose();
const pct = (n: number, of = files.length) => `${((100 * n) / Math.max(1, of)).toFixed(1)} %`;
if (values.json) {
  console.log(JSON.stringify({ model: `${m.name}-${m.version}`, photos: files.length, counts, testSplit: split, rows }, null, 2));
} else {
  for (const r of rows) console.log(`${r.verdict.padEnd(9)} ${r.poppyScore.toFixed(3)}  ${r.top}  [${r.reasons.join(', ')}]  ${r.file}`);
  console.log(`\n${m.name}-${m.version}, ${files.length} real phone photos of field plants (${dir}):`);
  for (const k of ['poppy', 'uncertain', 'not_poppy'] as Verdict[]) console.log(`  ${k.padEnd(9)} ${String(counts[k]).padStart(3)}  ${pct(counts[k])}`);
  for (const g of ['poppy', 'other'] as const) {
    const n = split[g].poppy + split[g].uncertain + split[g].not_poppy;
    if (!n) continue;
    console.log(`held-out close-up test photos, ${g === 'poppy' ? 'poppy family' : 'other plants'} (${n}):`);
    for (const k of ['poppy', 'uncertain', 'not_poppy'] as Verdict[]) console.log(`  ${k.padEnd(9)} ${String(split[g][k]).padStart(3)}  ${pct(split[g][k], n)}`);
  }
}
