/**
 * Drone pipeline benchmark: frames/s of detectFrame (the aerial model) as the server runs it — in worker threads,
 * `--workers` frames at a time — ms per stage, peak RSS, and the ratio against the previous tile path (the close-up
 * classifier over 224-px tiles, processFrame) run on the same frames in the same process.
 *
 *   npm run bench [-- --workers 2] [--ort-threads 1] [--rounds 2] [--dir DIR] [--no-baseline] [--json]
 *
 * Frames: the 12 real 9 MP DJI frames of ../shared/data/aerial/brighton-beach-dji-fc300s (the goal's set) and the
 * 11 caliterra frames (run with altitudeAglM 30 m, the height the training assumed for them), else --dir.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../server/src/logger.js';
import { defaultAerialManifestPath } from '../../server/src/model/aerialManifest.js';
import { Classifier } from '../../server/src/model/classifier.js';
import { ThreadedFrameProcessor } from '../../server/src/jobs/threadedProcessor.js';
import type { FlightOverrides } from '../../server/src/pipeline/camera.js';
import type { FrameResult, FrameStats } from '../../server/src/pipeline/detectFrame.js';
import { processFrame } from '../../server/src/pipeline/processFrame.js';

const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

interface BenchFrame {
  file: string;
  set: string;
  overrides: FlightOverrides;
}

function findFrames(): BenchFrame[] {
  const explicit = arg('--dir');
  const shared = path.resolve(process.env.POPPY_SHARED_DIR ?? path.join(repo, '../shared'), 'data/aerial');
  const dirs = explicit ? [path.resolve(explicit)] : fs.existsSync(shared) ? fs.readdirSync(shared).sort().map((d) => path.join(shared, d)) : [path.join(repo, 'samples/demo-flight')];
  const frames: BenchFrame[] = [];
  for (const dir of dirs) {
    if (!fs.statSync(dir).isDirectory()) continue;
    const overrides = /caliterra/.test(dir) ? { altitudeAglM: 30 } : {};
    for (const f of fs.readdirSync(dir).sort()) if (/\.jpe?g$/i.test(f)) frames.push({ file: path.join(dir, f), set: path.basename(dir), overrides });
  }
  if (frames.length === 0) throw new Error(`no JPEG frames in ${dirs.join(', ')}`);
  return frames;
}

/** Peak RSS: the kernel's high-water mark for this process (ru_maxrss, KiB on Linux). */
const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

/** All frames through the processor, `workers` at a time; wall time and per-stage sums. */
async function dense(processor: ThreadedFrameProcessor, frames: BenchFrame[], workers: number) {
  const sums: Partial<Record<keyof FrameStats, number>> = {};
  let detections = 0;
  let next = 0;
  const start = performance.now();
  const one = async () => {
    while (next < frames.length) {
      const f = frames[next++];
      const r: FrameResult = await processor.process(f.file, f.overrides);
      for (const [k, v] of Object.entries(r.stats)) sums[k as keyof FrameStats] = (sums[k as keyof FrameStats] ?? 0) + v;
      detections += r.detections.length;
    }
  };
  await Promise.all(Array.from({ length: workers }, one));
  return { seconds: (performance.now() - start) / 1000, sums, detections };
}

async function tilePath(classifier: Classifier, frames: BenchFrame[]) {
  const start = performance.now();
  for (const f of frames) await processFrame(f.file, f.overrides, classifier);
  return { seconds: (performance.now() - start) / 1000 };
}

async function main(): Promise<void> {
  const workers = Number(arg('--workers') ?? 2);
  const ortThreads = Number(arg('--ort-threads') ?? 1);
  const rounds = Number(arg('--rounds') ?? 2);
  const all = findFrames();
  const sets = [...new Set(all.map((f) => f.set))];
  const manifestPath = defaultAerialManifestPath();
  const processor = await ThreadedFrameProcessor.start({ manifestPath, ortThreads, count: workers, logger: createLogger({ level: 'warn' }) });
  console.log(`PoppyWatch pipeline bench — ${new Date().toISOString()}`);
  console.log(`machine: ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`aerial model ${path.basename(manifestPath)}: ${workers} worker threads × ${ortThreads} onnxruntime thread(s) (POPPY_WORKERS=${workers} POPPY_ORT_THREADS=${ortThreads})`);
  await dense(processor, all.slice(0, workers), workers); // warm-up: first runs and libvips start-up

  const results: Record<string, { framesPerSecond: number; msPerFrame: Record<string, number>; detections: number; frames: number }> = {};
  for (const set of sets) {
    const frames = all.filter((f) => f.set === set);
    let seconds = 0;
    const sums: Record<string, number> = {};
    let detections = 0;
    for (let r = 0; r < rounds; r++) {
      const d = await dense(processor, frames, workers);
      seconds += d.seconds;
      detections += d.detections;
      for (const [k, v] of Object.entries(d.sums)) sums[k] = (sums[k] ?? 0) + v;
    }
    const n = frames.length * rounds;
    const ms = Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, v / n]));
    results[set] = { framesPerSecond: n / seconds, msPerFrame: ms, detections: detections / rounds, frames: frames.length };
    console.log(`\n${set}: ${frames.length} frames × ${rounds} rounds → ${(n / seconds).toFixed(2)} frames/s (${workers} at a time)`);
    console.log(`  ms per frame in its thread: metadata ${ms.metadataMs.toFixed(0)} · decode+resample ${ms.decodeResampleMs.toFixed(0)} · gate ${ms.gateMs.toFixed(0)} · model ${ms.inferMs.toFixed(0)} · blobs+locate ${ms.blobMs.toFixed(0)} · total ${ms.totalMs.toFixed(0)}; windows ${ms.windows.toFixed(1)}, gated ${ms.gatedWindows.toFixed(1)}`);
    console.log(`  detections per round: ${detections / rounds} (these frames hold no poppies)`);
  }
  const rssDense = peakRssMb();
  await processor.close();

  let ratio: number | null = null;
  const goalSet = results['brighton-beach-dji-fc300s'] ? 'brighton-beach-dji-fc300s' : sets[0];
  if (!process.argv.includes('--no-baseline')) {
    const classifier = await Classifier.load({ threads: 2 });
    const frames = all.filter((f) => f.set === goalSet);
    await tilePath(classifier, frames.slice(0, 1));
    const t = await tilePath(classifier, frames);
    const tileFps = frames.length / t.seconds;
    ratio = results[goalSet].framesPerSecond / tileFps;
    console.log(`\nprevious tile path (close-up classifier over 224-px tiles, processFrame, 2 onnxruntime threads) on ${goalSet}: ${tileFps.toFixed(2)} frames/s (${(t.seconds / frames.length).toFixed(2)} s/frame)`);
    console.log(`speed-up aerial model / tile path on the same frames: ${ratio.toFixed(2)}×`);
    await classifier.dispose();
  }
  const fps = results[goalSet].framesPerSecond;
  console.log(`\npeak RSS: ${rssDense.toFixed(0)} MB with the aerial model (process high-water mark, ${workers} worker threads); ${peakRssMb().toFixed(0)} MB after the baseline`);
  console.log(`load average at the end: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (other work on this machine slows every figure)`);
  console.log(`goals: ≥ 3 frames/s on ${goalSet} ${fps >= 3 ? 'met' : 'missed'} (${fps.toFixed(2)}); ≥ 2.5× the tile path ${ratio === null ? 'not measured' : ratio >= 2.5 ? 'met' : 'missed'} (${ratio?.toFixed(2) ?? '–'}×); peak RSS ≤ 1 GB ${rssDense <= 1024 ? 'met' : 'missed'} (${rssDense.toFixed(0)} MB)`);
  if (process.argv.includes('--json')) console.log(JSON.stringify({ workers, ortThreads, results, speedupOverTilePath: ratio, peakRssMb: rssDense }));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
