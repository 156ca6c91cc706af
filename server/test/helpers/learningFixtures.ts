// Stores with reviewed drone sites and their stored cell features, for the retraining tests, without running the
// network: a 4-channel toy model whose shipped head rates poppy plots and look-alikes alike (both kept), so a fit on
// the reviews has something to learn. Channel 0 is high on poppy cells, channel 1 on look-alike cells.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Store } from '../../src/store/index.js';
import type { SiteStatus } from '../../src/store/types.js';

export const TOY_CHANNELS = 4;
export const TOY_NAME = 'poppywatch-aerial';
export const TOY_VERSION = '1.0.0';
export const TOY_SHA256 = 'a'.repeat(64);
/** shipped presence row: poppy cells z ≈ 1 (0.73), look-alike cells z ≈ 1 (0.73), background z ≈ −1.5 */
export const TOY_HEAD = { version: TOY_VERSION, weights: [[1, 1, 0, 0], [2, 0, 0, 0], [0, 2, 0, 0]], bias: [-1.5, 0, 0] };
export const TOY_MODEL_VERSION = `${TOY_NAME}-${TOY_VERSION}`;

/** Writes the toy manifest (the network file is never opened by the retraining code). */
export function writeToyManifest(dir: string): string {
  const file = path.join(dir, `${TOY_NAME}-${TOY_VERSION}.json`);
  fs.writeFileSync(file, JSON.stringify({
    kind: 'aerial', name: TOY_NAME, version: TOY_VERSION, file: 'toy.onnx', sha256: TOY_SHA256,
    input: { name: 'input', layout: 'NCHW', channelOrder: 'RGB', dtype: 'float32', multipleOf: 8 },
    outputs: { features: 'features', maps: 'maps', channels: ['p', 'h', 'o'] },
    groundResolutionCmPerPx: 2, stride: 8, featureChannels: TOY_CHANNELS,
    labels: [{ id: 'poppy', en: 'poppy', zh: '罂粟' }],
    head: TOY_HEAD,
    thresholds: { presence: 0.5, minHeads: 3, minScore: 0.6 },
  }));
  return file;
}

/** Deterministic noise in [−0.25, 0.25). */
function noise(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5) / 2;
  };
}

export type ToyKind = 'poppy' | 'lookalike' | 'background';

export function toyCells(kind: ToyKind, count: number, seed: number): Float32Array {
  const n = noise(seed);
  const out = new Float32Array(count * TOY_CHANNELS);
  for (let i = 0; i < count; i++) {
    const base = kind === 'poppy' ? [2, 0.5, 0, 0] : kind === 'lookalike' ? [0.5, 2, 0, 0] : [0, 0, 0, 0];
    for (let k = 0; k < TOY_CHANNELS; k++) out[i * TOY_CHANNELS + k] = base[k] + n();
  }
  return out;
}

/** The presence the toy shipped head gives a site's best cell (as the pipeline's detection score would be). */
export function toyScore(cells: Float32Array): number {
  let best = -Infinity;
  for (let i = 0; i < cells.length / TOY_CHANNELS; i++) {
    let z = TOY_HEAD.bias[0];
    for (let k = 0; k < TOY_CHANNELS; k++) z += TOY_HEAD.weights[0][k] * cells[i * TOY_CHANNELS + k];
    best = Math.max(best, z);
  }
  return 1 / (1 + Math.exp(-best));
}

let serial = 0;

/** One frame with one detection (its cells stored), a background sample, and a site reviewed as asked. */
export async function toySite(store: Store, o: { flightId: number; kind: 'poppy' | 'lookalike'; status: SiteStatus; seed: number; reviewer?: string }) {
  const sha256 = crypto.createHash('sha256').update(`toy-${o.seed}-${++serial}`).digest('hex');
  const { image } = await store.images.insertOrGet({ flightId: o.flightId, name: `DJI_${serial}.JPG`, sha256, sizeBytes: 1, mime: 'image/jpeg' });
  const cells = toyCells(o.kind, 12, o.seed);
  const score = toyScore(cells);
  const lat = 24.9 + serial * 1e-3;
  const det = await store.detections.insert({
    imageId: image.id, flightId: o.flightId, box: { x: 0, y: 0, w: 10, h: 10 }, score, lat, lon: 102.6, errorRadiusM: 2,
    top: [{ label: 'poppy_flowers', score }], modelVersion: TOY_MODEL_VERSION, seenAt: new Date().toISOString(),
  });
  await store.detections.saveFeatures({ imageId: image.id, detectionId: det.id, modelVersion: TOY_MODEL_VERSION, cells: 12, channels: TOY_CHANNELS, data: cells });
  await store.detections.saveFeatures({ imageId: image.id, detectionId: null, modelVersion: TOY_MODEL_VERSION, cells: 16, channels: TOY_CHANNELS, data: toyCells('background', 16, o.seed + 7) });
  const site = await store.sites.create({ flightId: o.flightId, source: 'drone', lat, lon: 102.6, errorRadiusM: 2, score, bestDetectionId: det.id, modelVersion: TOY_MODEL_VERSION, topLabel: 'poppy_flowers' });
  await store.detections.attachToSite(det.id, site.id);
  if (o.status !== 'pending') {
    const r = await store.sites.review(site.id, { decision: o.status, actor: { id: null, username: o.reviewer ?? 'toy-reviewer' } });
    if (r.kind !== 'ok') throw new Error('toy fixture: review failed');
  }
  return { site: (await store.sites.get(site.id))!, detection: det, score };
}

export type ToySite = Awaited<ReturnType<typeof toySite>>;

/** A flight of reviewed sites: poppy plots confirmed, look-alikes rejected, plus pending ones of both kinds. */
export async function toyFlight(store: Store, name: string, o: { poppy: number; lookalike: number; pending?: number; seed: number }) {
  const flight = await store.flights.create({ name });
  const sites: ToySite[] = [];
  for (let i = 0; i < o.poppy; i++) sites.push(await toySite(store, { flightId: flight.id, kind: 'poppy', status: 'confirmed', seed: o.seed + i }));
  for (let i = 0; i < o.lookalike; i++) sites.push(await toySite(store, { flightId: flight.id, kind: 'lookalike', status: 'rejected', seed: o.seed + 100 + i }));
  const pending: ToySite[] = [];
  for (let i = 0; i < (o.pending ?? 0); i++) {
    pending.push(await toySite(store, { flightId: flight.id, kind: 'poppy', status: 'pending', seed: o.seed + 200 + i }));
    pending.push(await toySite(store, { flightId: flight.id, kind: 'lookalike', status: 'pending', seed: o.seed + 300 + i }));
  }
  return { flight, sites, pending };
}
