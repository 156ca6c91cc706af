import os from 'node:os';
import { Classifier } from '../../server/src/model/classifier.js';

export interface ThroughputEval {
  tileSize: number;
  threads: number;
  batchSize: number;
  tilesPerSecond: number;
  baselineBatch1TilesPerSecond: number;
  speedup: number;
  /** tiles per CPU-second of this process (all onnxruntime threads), measured over the batched runs */
  tilesPerCpuSecond: number;
  /** tilesPerCpuSecond × threads: what the batched path would reach with its threads to itself on an idle machine */
  idleEstimateTilesPerSecond: number;
  tilesTimed: number;
  loadAverage1m: number;
  cpus: number;
}

function randomTiles(n: number, size: number): Buffer[] {
  let s = 12345;
  return Array.from({ length: n }, () => {
    const b = Buffer.alloc(size * size * 3);
    for (let i = 0; i < b.length; i++) {
      s = (s * 1103515245 + 12345) >>> 0;
      b[i] = s >>> 24;
    }
    return b;
  });
}

/** Tiles per second through classifyPixels (normalisation + inference + softmax), for a loaded classifier. */
async function rate(
  classifier: Classifier,
  tiles: Buffer[],
  minSeconds: number,
): Promise<{ perSecond: number; count: number; cpuSeconds: number }> {
  await classifier.classifyPixels(tiles.slice(0, Math.min(tiles.length, classifier.batchSize))); // warm-up
  let count = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  while (performance.now() - start < minSeconds * 1000) {
    await classifier.classifyPixels(tiles);
    count += tiles.length;
  }
  const elapsed = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  return { perSecond: count / elapsed, count, cpuSeconds: (used.user + used.system) / 1e6 };
}

/** Batched throughput of the manifest's tile size, and the batch-size-1 baseline in the same process. */
export async function evalThroughput(manifestPath: string, threads: number | undefined, minSeconds = 6): Promise<ThroughputEval> {
  const batched = await Classifier.load({ manifestPath, threads });
  const single = await Classifier.load({ manifestPath, threads, batchSize: 1 });
  const size = batched.manifest.input.size;
  const tiles = randomTiles(Math.max(64, batched.batchSize * 4), size);
  const loadAverage1m = os.loadavg()[0];
  // Interleave the two so a change in machine load hits both alike.
  const b1 = await rate(batched, tiles, minSeconds / 2);
  const s1 = await rate(single, tiles, minSeconds / 2);
  const b2 = await rate(batched, tiles, minSeconds / 2);
  const s2 = await rate(single, tiles, minSeconds / 2);
  const perSecond = (b1.count + b2.count) / (b1.count / b1.perSecond + b2.count / b2.perSecond);
  const baseline = (s1.count + s2.count) / (s1.count / s1.perSecond + s2.count / s2.perSecond);
  const result = {
    tileSize: size,
    threads: batched.threads,
    batchSize: batched.batchSize,
    tilesPerSecond: perSecond,
    baselineBatch1TilesPerSecond: baseline,
    speedup: perSecond / baseline,
    tilesPerCpuSecond: (b1.count + b2.count) / (b1.cpuSeconds + b2.cpuSeconds),
    idleEstimateTilesPerSecond: ((b1.count + b2.count) / (b1.cpuSeconds + b2.cpuSeconds)) * Math.min(batched.threads, os.cpus().length),
    tilesTimed: b1.count + b2.count + s1.count + s2.count,
    loadAverage1m,
    cpus: os.cpus().length,
  };
  await batched.dispose();
  await single.dispose();
  return result;
}
