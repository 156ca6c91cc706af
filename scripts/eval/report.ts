import type { AerialEval } from './aerial.js';
import type { CloseupEval } from './closeups.js';
import type { Goal } from './goals.js';
import type { ClassRow } from './metrics.js';
import type { SyntheticEval } from './synthetic.js';
import type { ThroughputEval } from './throughput.js';

export interface EvalResult {
  model: {
    name: string;
    version: string;
    sha256: string;
    createdAt: string | null;
    drone: { groundResolutionCmPerPx: number; tileSize: number; tileOverlap: number };
  };
  evaluatedAt: string;
  machine: { cpus: number; cpuModel: string; node: string };
  split: string;
  closeups: CloseupEval | null;
  aerial: AerialEval | null;
  synthetic: SyntheticEval | null;
  throughput: ThroughputEval | null;
  goals: Goal[];
  skipped: { part: string; reason: string }[];
}

const f3 = (x: number | null | undefined) => (x === null || x === undefined || Number.isNaN(x) ? '–' : x.toFixed(3));
const ci = (c: [number, number]) => `[${f3(c[0])}, ${f3(c[1])}]`;
const MAX_LISTED = 15;
function capped<T>(items: T[], show: (x: T) => string): string {
  const shown = items.slice(0, MAX_LISTED).map(show).join('; ');
  return items.length > MAX_LISTED ? `${shown}; … and ${items.length - MAX_LISTED} more (eval JSON)` : shown;
}
const verdict = (g: Goal) => (g.met === null ? 'not measured' : `${g.met ? 'MET' : 'MISSED'}${g.estimated ? ' (estimate)' : ''}`);

function pad(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}

function mdTable(header: string[], rows: string[][]): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

function classCells(r: ClassRow): string[] {
  return [r.label, r.group, String(r.support), String(r.predicted), f3(r.precision), f3(r.recall)];
}

/** Non-poppy classes whose test images were called poppy most often (from the close-up false alarms). */
function falseAlarmSources(c: CloseupEval): [string, number][] {
  const counts = new Map<string, number>();
  for (const fa of c.falseAlarms) counts.set(fa.label, (counts.get(fa.label) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1]);
}

export function textReport(r: EvalResult): string {
  const out: string[] = [];
  out.push(`PoppyWatch model evaluation — ${r.model.name} ${r.model.version} (sha256 ${r.model.sha256.slice(0, 12)}…, created ${r.model.createdAt ?? '?'})`);
  out.push(`held-out TEST split only (${r.split}); ${r.machine.cpus} CPUs (${r.machine.cpuModel}), Node ${r.machine.node}`);
  const c = r.closeups;
  if (c) {
    out.push('', `== Real close-ups: ${c.images} test images (${c.atThreshold.positives} poppy group, ${c.atThreshold.negatives} other), ${c.seconds.toFixed(1)} s`);
    if (c.failed.length) out.push(`   ${c.failed.length} unreadable: ${c.failed.map((x) => x.file).join(', ')}`);
    out.push(pad([['label', 'group', 'support', 'predicted', 'precision', 'recall'], ...c.perClass.map(classCells)]));
    out.push(`top-1 accuracy ${f3(c.top1Accuracy)}; macro precision ${f3(c.macroPrecision)}, macro recall ${f3(c.macroRecall)}`);
    out.push(`poppy vs rest ROC AUC ${f3(c.poppyRocAuc)}`);
    const a = c.atThreshold;
    out.push(`at threshold ${a.threshold}: recall ${f3(a.recall)} ${ci(a.recallCi95)} (${a.truePositives}/${a.positives}), FPR ${f3(a.falsePositiveRate)} ${ci(a.fprCi95)} (${a.falsePositives}/${a.negatives})`);
    const b = c.bestAtFpr05;
    out.push(`best recall with FPR ≤ 0.05: ${f3(b.recall)} at threshold ${f3(b.threshold)} (FPR ${f3(b.falsePositiveRate)})`);
    if (c.misses.length) out.push(`missed poppies: ${capped(c.misses, (m) => `${m.file} (${m.label}→${m.top}, ${f3(m.poppy)})`)}`);
    if (c.falseAlarms.length) out.push(`false alarms by true class: ${falseAlarmSources(c).map(([l, n]) => `${l} ${n}`).join(', ')}`);
  }
  const ae = r.aerial;
  if (ae) {
    out.push('', `== Real aerial frames (no poppies): ${ae.frames.length} frames, ${ae.tiles} tiles, tile threshold ${ae.threshold}, ${ae.seconds.toFixed(1)} s`);
    out.push(pad([
      ['frame', 'GSD cm/px', 'tiles', 'FP tiles', 'max poppy', 'top tile label'],
      ...ae.frames.map((f) => [f.file, f.frameGsdCmPerPx.toFixed(2), String(f.tiles), String(f.falsePositiveTiles), f3(f.maxPoppy), f.worst[0]?.top ?? '']),
    ]));
    out.push(`false-positive tiles per frame: ${ae.falsePositiveTilesPerFrame.toFixed(3)}`);
  }
  const s = r.synthetic;
  if (s) {
    out.push('', `== Synthetic drone tiles (${s.generator}), tile threshold ${s.threshold}, ${s.seconds.toFixed(1)} s`);
    out.push(pad([
      ['camera cm/px', 'poppy tiles', 'recall', '95 % CI', 'mean poppy', 'other-flower FPR', 'background FPR'],
      ...s.byGsd.map((g) => [String(g.gsdCmPerPx), String(g.poppyTiles), f3(g.recall), ci(g.recallCi95), f3(g.meanPoppyScore), `${f3(g.otherFlowerFpr)} (n=${g.otherFlowerTiles})`, `${f3(g.backgroundFpr)} (n=${g.backgroundTiles})`]),
    ]));
  }
  const t = r.throughput;
  if (t) {
    out.push('', `== Throughput at ${t.tileSize} px, ${t.threads} onnxruntime threads, load average ${t.loadAverage1m.toFixed(2)} when measured`);
    out.push(`batched (${t.batchSize}): ${t.tilesPerSecond.toFixed(1)} tiles/s; batch size 1: ${t.baselineBatch1TilesPerSecond.toFixed(1)} tiles/s; ratio ${t.speedup.toFixed(2)}×`);
    out.push(`CPU cost: ${t.tilesPerCpuSecond.toFixed(1)} tiles per CPU-second → about ${t.idleEstimateTilesPerSecond.toFixed(0)} tiles/s with ${t.threads} idle cores (estimate)`);
  }
  for (const sk of r.skipped) out.push('', `!! ${sk.part} skipped: ${sk.reason}`);
  out.push('', '== Goals (issue 2)');
  for (const g of r.goals) out.push(`${verdict(g).padEnd(16)} ${g.text}\n                 measured: ${g.measured}${g.margin ? `\n                 ${g.margin}` : ''}`);
  return out.join('\n');
}

/** The model card's evaluation section (between the eval markers). */
export function cardSection(r: EvalResult): string {
  const out: string[] = [];
  out.push(
    `Written by \`npm run eval\` (scripts/eval/eval.ts) on ${r.evaluatedAt.slice(0, 16).replace('T', ' ')} UTC for ${r.model.name} ${r.model.version} ` +
      `(sha256 \`${r.model.sha256.slice(0, 16)}…\`), on the held-out **test** split of \`${r.split}\` only, on ${r.machine.cpus} CPU cores. ` +
      'Full figures, per-class rows and per-frame details: `models/' + `${r.model.name}-${r.model.version}.eval.json\`.`,
    '',
  );
  out.push('### Goals', '');
  out.push(mdTable(['goal (issue 2)', 'measured', 'verdict', 'margin'], r.goals.map((g) => [g.text, g.measured, verdict(g), g.margin || '–'])));
  for (const sk of r.skipped) out.push('', `*${sk.part} not measured in this run: ${sk.reason}*`);
  const c = r.closeups;
  if (c) {
    const a = c.atThreshold;
    const b = c.bestAtFpr05;
    out.push('', '### Real close-ups', '');
    out.push(
      `${c.images} test photos (${a.positives} poppy family, ${a.negatives} other). Poppy vs rest ROC AUC **${f3(c.poppyRocAuc)}**. ` +
        `At the manifest threshold ${a.threshold}: recall **${f3(a.recall)}** (${a.truePositives}/${a.positives}, 95 % CI ${ci(a.recallCi95)}), ` +
        `false-positive rate **${f3(a.falsePositiveRate)}** (${a.falsePositives}/${a.negatives}, 95 % CI ${ci(a.fprCi95)}). ` +
        `Best recall with FPR ≤ 0.05 on this set: ${f3(b.recall)} at threshold ${f3(b.threshold)}. ` +
        `Top-1 accuracy over all labels ${f3(c.top1Accuracy)}, macro precision ${f3(c.macroPrecision)}, macro recall ${f3(c.macroRecall)}.`,
    );
    const poppyRows = c.perClass.filter((row) => row.group === 'poppy');
    const alarmLabels = new Set(falseAlarmSources(c).slice(0, 8).map(([l]) => l));
    const worstOthers = c.perClass.filter((row) => row.group === 'other' && row.support > 0 && alarmLabels.has(row.label));
    out.push('', 'Per class (top-1), poppy family and the non-poppy classes behind false alarms; the rest are in the eval JSON:', '');
    out.push(mdTable(['label', 'group', 'test images', 'predicted', 'precision', 'recall'], [...poppyRows, ...worstOthers].map(classCells)));
    if (c.misses.length) out.push('', `Missed poppy photos: ${capped(c.misses, (m) => `\`${m.file}\` (${m.label}, called ${m.top}, score ${f3(m.poppy)})`)}.`);
    if (c.falseAlarms.length) out.push('', `False alarms by true class: ${falseAlarmSources(c).map(([l, n]) => `${l} ${n}`).join(', ')}.`);
    const small = poppyRows.filter((row) => row.support > 0 && row.support < 10);
    if (small.length) out.push('', `Small test sets: ${small.map((row) => `${row.label} has ${row.support}`).join(', ')} test images, so their recall moves by ≥ 10 points per photo.`);
  }
  const ae = r.aerial;
  if (ae) {
    out.push('', '### Real aerial frames without poppies', '');
    out.push(
      `${ae.frames.length} held-out frames scanned as the pipeline does (camera model → resample to ${r.model.drone.groundResolutionCmPerPx} cm/px → ${r.model.drone.tileSize} px tiles, overlap ${r.model.drone.tileOverlap} → tile threshold ${ae.threshold}): ` +
        `${ae.tiles} tiles, **${ae.falsePositiveTiles} false-positive tiles** = ${ae.falsePositiveTilesPerFrame.toFixed(3)} per frame.`,
      '',
    );
    out.push(mdTable(
      ['frame', 'frame GSD cm/px', 'scale from', 'tiles', 'FP tiles', 'highest poppy score'],
      ae.frames.map((f) => [f.file.replace(/^data\/aerial\//, ''), f.frameGsdCmPerPx.toFixed(2), f.gsdSource, String(f.tiles), String(f.falsePositiveTiles), `${f3(f.maxPoppy)} (${f.worst[0]?.top ?? ''})`]),
    ));
    if (ae.overrides.altitudeAglM !== undefined && ae.frames.some((f) => f.gsdSource.startsWith('flightAltitudeAgl'))) {
      out.push(
        '',
        `Frames marked flightAltitudeAgl have no height above ground in their metadata; they were scanned with a flight ` +
          `height of ${ae.overrides.altitudeAglM} m, the same assumption training made (scripts/train/model.json).`,
      );
    }
  }
  const s = r.synthetic;
  if (s) {
    out.push('', '### Synthetic drone plots vs ground resolution', '');
    out.push(
      `Tiles from \`${s.generator}\`: test-split flowers on held-out frames, rendered through a camera of the given native ` +
        `ground resolution and resampled to the model's, ${s.tilesPerGsd} tiles per resolution spread over poppy plots, ` +
        `non-poppy flower plots and bare background. Tile threshold ${s.threshold}. These are synthetic: they measure ` +
        'the scale behaviour, not field performance on real opium poppy, of which no drone imagery exists here.',
      '',
    );
    out.push(mdTable(
      ['camera cm/px', 'poppy tiles', 'recall', '95 % CI', 'other-flower FPR', 'background FPR'],
      s.byGsd.map((g) => [String(g.gsdCmPerPx), String(g.poppyTiles), f3(g.recall), ci(g.recallCi95), f3(g.otherFlowerFpr), f3(g.backgroundFpr)]),
    ));
  }
  const t = r.throughput;
  if (t) {
    out.push('', '### Speed', '');
    out.push(
      `${t.tilesPerSecond.toFixed(0)} tiles/s at ${t.tileSize} px through \`classifyPixels\` (normalisation + onnxruntime + softmax), batch ${t.batchSize}, ` +
        `${t.threads} threads; batch size 1 in the same process: ${t.baselineBatch1TilesPerSecond.toFixed(0)} tiles/s (batching ×${t.speedup.toFixed(2)}). ` +
        `Load average ${t.loadAverage1m.toFixed(2)} on ${t.cpus} cores when measured (${r.machine.cpuModel}).` +
        ` CPU cost ${t.tilesPerCpuSecond.toFixed(1)} tiles per CPU-second, i.e. about ${t.idleEstimateTilesPerSecond.toFixed(0)} tiles/s with ${t.threads} cores to itself.` +
        (t.loadAverage1m > t.cpus * 0.75 ? ' Other work was running at the time, so the measured rate is a lower bound; rerun `npm run eval` on an idle machine.' : ''),
    );
  }
  return out.join('\n');
}
