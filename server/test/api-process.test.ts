/**
 * Real processing end to end: upload → durable job → processFrame with the ONNX classifier → detections, sites,
 * footprints. Uses two demo-flight frames when samples/demo-flight exists, else synthetic DJI-like frames; runs
 * against the trained model (or the test backbone manifest) and skips with a reason when no model is available.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Classifier } from '../src/model/classifier.js';
import { waitFor } from './helpers/fakeProcessor.js';
import { testManifestPath } from './helpers/model.js';
import { makeTestJpeg, spawnServer, startTestServer, tempDataDir, uploadForm, type TestServer } from './helpers/server.js';
import { REPO_ROOT } from './helpers/shared.js';

const DEMO_DIR = path.join(REPO_ROOT, 'samples', 'demo-flight');
const demoFrames = fs.existsSync(DEMO_DIR) ? fs.readdirSync(DEMO_DIR).filter((f) => /\.jpe?g$/i.test(f)).sort() : [];
const manifestPath = testManifestPath();
if (!manifestPath) console.warn('[skip] api-process: no model manifest (models/*.json) and no ../shared backbone');

describe.skipIf(!manifestPath)('processing frames with the real pipeline', () => {
  let s: TestServer;
  beforeAll(async () => {
    const classifier = await Classifier.load({ manifestPath: manifestPath!, threads: 2 });
    s = await startTestServer({ classifier });
  });
  afterAll(async () => s?.close());

  it('processes uploaded frames into located frames, footprints and stored detections', async () => {
    const files =
      demoFrames.length >= 2
        ? demoFrames.slice(0, 2).map((f) => ({ name: f, data: fs.readFileSync(path.join(DEMO_DIR, f)) }))
        : await Promise.all([0, 1].map(async (i) => ({ name: `syn${i}.jpg`, data: await makeTestJpeg({ lat: 34.5 + i * 0.0002, lon: 69.1, seed: i, width: 1000, height: 750 }) })));
    const f = await s.fetch('/api/flights', { method: 'POST', json: { name: 'real pipeline', altitudeAglM: 40 } });
    const { id } = (await f.json()) as { id: number };
    const up = await s.fetch(`/api/flights/${id}/images`, { method: 'POST', body: uploadForm(files) });
    expect(up.status).toBe(202);
    const t0 = Date.now();
    // a reviewer keeps reading while frames are processed in the same process
    const latencies: number[] = [];
    let processing = true;
    const reader = (async () => {
      while (processing) {
        const ta = performance.now();
        const r = await s.fetch('/api/sites?status=pending');
        await r.arrayBuffer();
        latencies.push(performance.now() - ta);
        await new Promise((res) => setTimeout(res, 50));
      }
    })();
    await waitFor(async () => (await s.store.flights.get(id))!.images.pending === 0, 90_000, 'frames processed');
    processing = false;
    await reader;
    latencies.sort((a, b) => a - b);
    const p95 = latencies[Math.floor(latencies.length * 0.95)];
    console.log(
      `[api-process] ${files.length} frames (${demoFrames.length >= 2 ? 'demo' : 'synthetic'}) in ${Date.now() - t0} ms; ` +
        `GET /api/sites during processing: ${latencies.length} requests, p50 ${latencies[latencies.length >> 1].toFixed(0)} ms, p95 ${p95.toFixed(0)} ms, max ${latencies.at(-1)!.toFixed(0)} ms`,
    );
    // inference runs off the event loop (onnxruntime and sharp threads): reads are not blocked for whole frames
    expect(p95).toBeLessThan(1000);
    const flight = (await s.store.flights.get(id))!;
    expect(flight).toMatchObject({ status: 'done', images: { total: 2, processed: 2, failed: 0 } });
    const images = (await (await s.fetch(`/api/flights/${id}/images`)).json()) as { images: { located: boolean; timings: Record<string, number>; lat: number }[] };
    for (const img of images.images) {
      expect(img.located).toBe(true);
      expect(img.timings.totalMs).toBeGreaterThan(0);
    }
    const fp = (await (await s.fetch(`/api/flights/${id}/footprints`)).json()) as { features: { properties: { kind: string } }[] };
    expect(fp.features.filter((x) => x.properties.kind === 'footprint')).toHaveLength(2);
    const dets = (await (await s.fetch(`/api/detections?flight=${id}&status=all`)).json()) as { features: { properties: { modelVersion: string; siteId: number } }[] };
    const manifest = (await s.store.images.listByFlight(id))[0].modelVersion;
    for (const d of dets.features) {
      expect(d.properties.modelVersion).toBe(manifest);
      expect(d.properties.siteId).not.toBeNull();
    }
    if (demoFrames.length >= 2) console.log(`[api-process] demo frames gave ${dets.features.length} detections, ${flight.sites} sites`);
  });
});

describe.skipIf(demoFrames.length === 0)('the demo start', () => {
  it('creates the demo flight from samples/demo-flight through the ingest path on an empty data dir', async () => {
    const dataDir = tempDataDir('poppy-demo-');
    const srv = await spawnServer({ dataDir, env: { POPPY_DEMO: '1', POPPY_DEMO_PASSWORD: 'demo-password-123', POPPY_WORKERS: '1' } });
    try {
      const { flights } = (await (await srv.fetch('/api/flights')).json()) as { flights: { name: string; images: { total: number } }[] };
      expect(flights).toEqual([expect.objectContaining({ name: 'Demo flight', images: expect.objectContaining({ total: demoFrames.length }) })]);
      expect(srv.output()).toMatch(/reviewer/);
    } finally {
      await srv.kill('SIGKILL');
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
