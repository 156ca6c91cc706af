// A promoted head reaches the frame threads: frames processed after setHead are made (and named) by the new head,
// a restarted thread keeps it, and the store records each detection with the version that made it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { defaultAerialManifestPath, loadAerialManifest, type AerialHead } from '../src/model/aerialManifest.js';
import { ThreadedFrameProcessor } from '../src/jobs/threadedProcessor.js';
import { modelVersionOf } from '../src/domain/modelVersion.js';
import { fieldJpeg } from './helpers/fieldFixtures.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

let manifestPath: string | null = null;
try {
  manifestPath = defaultAerialManifestPath();
} catch (err) {
  console.log(`learning-threads: skipped, no aerial model installed (${(err as Error).message})`);
}

describe.skipIf(!manifestPath)('frame threads take a promoted head', () => {
  let threads: ThreadedFrameProcessor;
  let frame: string;
  beforeAll(async () => {
    threads = await ThreadedFrameProcessor.start({ manifestPath: manifestPath!, ortThreads: 1, count: 1, logger: createLogger({ level: 'silent' }) });
    frame = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'poppy-head-')), 'frame.jpg');
    fs.writeFileSync(frame, await fieldJpeg(800, 600, 3));
  }, 60_000);
  afterAll(async () => {
    await threads?.close();
  });

  it('names frames by the head that made them, before and after a promotion', async () => {
    const m = loadAerialManifest(manifestPath!);
    const before = await threads.process(frame, {});
    expect(before.model.version).toBe(m.version);
    // a head that calls every cell poppy: the same frame now yields plots (and a version of its own)
    const eager: AerialHead = { version: `${m.version}+local.99`, weights: [m.head.weights[0].map(() => 0), m.head.weights[1].map(() => 0), m.head.weights[2]], bias: [20, 5, m.head.bias[2]] };
    await threads.setHead(eager);
    const after = await threads.process(frame, {});
    expect(after.model.version).toBe(eager.version);
    expect(modelVersionOf(after.model)).toBe(`${m.name}-${m.version}+local.99`);
    expect(after.detections.length).toBeGreaterThan(before.detections.length);
    expect(after.detections.every((d) => d.score > 0.99)).toBe(true);
    await threads.setHead(m.head);
    expect((await threads.process(frame, {})).model.version).toBe(m.version);
  }, 60_000);
});
