import fs from 'node:fs';
import { ManifestSchema } from '../../server/src/model/manifest.js';
import type { EvalResult } from './report.js';

const START = '<!-- eval:start -->';
const END = '<!-- eval:end -->';

const round = (x: number | null | undefined, digits = 4) =>
  x === null || x === undefined || Number.isNaN(x) ? null : Math.round(x * 10 ** digits) / 10 ** digits;

/** The summary kept in the manifest; the full figures live in the eval JSON. */
export function manifestMetrics(r: EvalResult): Record<string, unknown> {
  const c = r.closeups;
  const a = r.aerial;
  const s = r.synthetic;
  const t = r.throughput;
  return {
    evaluatedAt: r.evaluatedAt,
    split: 'test',
    details: `${r.model.name}-${r.model.version}.eval.json`,
    closeup: c && {
      images: c.images,
      poppyImages: c.atThreshold.positives,
      rocAuc: round(c.poppyRocAuc),
      threshold: c.atThreshold.threshold,
      recall: round(c.atThreshold.recall),
      falsePositiveRate: round(c.atThreshold.falsePositiveRate),
      top1Accuracy: round(c.top1Accuracy),
      macroPrecision: round(c.macroPrecision),
      macroRecall: round(c.macroRecall),
    },
    aerial: a && {
      frames: a.frames.length,
      tiles: a.tiles,
      falsePositiveTiles: a.falsePositiveTiles,
      falsePositiveTilesPerFrame: round(a.falsePositiveTilesPerFrame),
      threshold: a.threshold,
    },
    syntheticDroneRecallByGsd: s && Object.fromEntries(s.byGsd.map((g) => [`${g.gsdCmPerPx}cmPerPx`, round(g.recall)])),
    throughput: t && {
      tilesPerSecond: round(t.tilesPerSecond, 1),
      batchSize: t.batchSize,
      threads: t.threads,
      batch1TilesPerSecond: round(t.baselineBatch1TilesPerSecond, 1),
      tilesPerCpuSecond: round(t.tilesPerCpuSecond, 1),
      loadAverage1m: round(t.loadAverage1m, 2),
    },
    goalsMet: Object.fromEntries(r.goals.map((g) => [g.id, g.met])),
  };
}

/**
 * Rewrites only `metrics.test` of the manifest, keeping every other field and the file's indentation. Refuses when the
 * manifest now names another model than the one evaluated (training replaced it meanwhile).
 */
export function writeManifestMetrics(manifestPath: string, evaluatedSha256: string, r: EvalResult): void {
  const text = fs.readFileSync(manifestPath, 'utf8');
  const raw = JSON.parse(text);
  if (raw.sha256 !== evaluatedSha256) {
    throw new Error(`${manifestPath} changed during the evaluation (sha256 ${raw.sha256} ≠ evaluated ${evaluatedSha256}); rerun npm run eval`);
  }
  // Training keeps its validation figures in metrics too; only the test-split summary is this script's.
  const previous = raw.metrics && typeof raw.metrics === 'object' && !Array.isArray(raw.metrics) ? raw.metrics : {};
  raw.metrics = { ...previous, test: manifestMetrics(r) };
  ManifestSchema.parse(raw);
  const indent = /^\{\n([ \t]+)"/.exec(text)?.[1] ?? '  ';
  // Written beside and renamed over, so a reader (or training re-exporting) never sees half a manifest.
  const tmp = `${manifestPath}.eval-tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(raw, null, indent)}\n`);
  fs.renameSync(tmp, manifestPath);
}

/** Replaces the card's text between the eval markers; appends the marked section when the card has none. */
export function writeCardSection(cardPath: string, section: string): string {
  const block = `${START}\n${section}\n${END}`;
  if (!fs.existsSync(cardPath)) return `not written: ${cardPath} does not exist yet (the training engineer writes the card)`;
  const text = fs.readFileSync(cardPath, 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start >= 0 && end > start) {
    fs.writeFileSync(cardPath, text.slice(0, start) + block + text.slice(end + END.length));
    return `updated the section between the eval markers of ${cardPath}`;
  }
  fs.writeFileSync(cardPath, `${text.trimEnd()}\n\n## Evaluation\n\n${block}\n`);
  return `appended a marked evaluation section to ${cardPath}`;
}
