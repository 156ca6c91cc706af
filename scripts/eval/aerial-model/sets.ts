/**
 * Synthetic frame sets for the aerial model's calibration (val) and evaluation (test): rendered by
 * scripts/train/aerial/synth_frames.py (cached under .cache/aerial/frames/), encoded here as geotagged DJI JPEGs whose
 * metadata gives the pipeline the simulated camera's ground resolution.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { droneJpeg, FC300S, heightForGsd } from '../../lib/droneJpeg.js';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const CACHE = path.join(REPO, '.cache', 'aerial', 'frames');

export interface TruthPlot {
  kind: 'poppy' | 'decoy';
  layout: string;
  species: string;
  polygons: Array<Array<[number, number]>>;
  heads: number;
  areaM2: number;
  /** counts towards recall (poppy plots ≥ 1 m² at ≥ 15 heads/m²) */
  eval: boolean;
  centre: [number, number];
}

export interface TruthFrame {
  file: string;
  background: string;
  gsdCmPerPx: number;
  width: number;
  height: number;
  plots: TruthPlot[];
}

export interface FrameSet {
  name: string;
  gsdCmPerPx: number;
  effects: string;
  frames: Array<TruthFrame & { jpeg: Buffer }>;
}

/** Renders (once) and encodes a set. `altitudeError` scales the height written into the metadata (0.2 = 20 % high). */
export async function frameSet(opts: { split: 'val' | 'test'; gsd: number; count: number; effects?: string; altitudeError?: number }): Promise<FrameSet> {
  const effects = opts.effects ?? 'default';
  const name = `${opts.split}-g${opts.gsd}-${effects}-n${opts.count}`;
  const dir = path.join(CACHE, name);
  if (!fs.existsSync(path.join(dir, 'truth.json'))) {
    const r = spawnSync('/usr/bin/python3', [path.join(REPO, 'scripts/train/aerial/synth_frames.py'), '--split', opts.split, '--gsd', String(opts.gsd),
      '--count', String(opts.count), '--effects', effects, '--out', dir], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`synth_frames.py failed for ${name}`);
  }
  const truth = JSON.parse(fs.readFileSync(path.join(dir, 'truth.json'), 'utf8')) as { frames: TruthFrame[] };
  const frames = [];
  for (const [i, t] of truth.frames.entries()) {
    const height = heightForGsd(opts.gsd, t.width) * (1 + (opts.altitudeError ?? 0));
    const jpeg = await droneJpeg(path.join(dir, t.file), {
      ...FC300S,
      lat: 24.95 + i * 0.001,
      lon: 102.62,
      relativeAltitudeM: height,
      gimbalYawDeg: 0,
      takenAt: '2026-04-20T03:00:00Z',
    }, { quality: 95 });
    frames.push({ ...t, jpeg });
  }
  return { name: opts.altitudeError ? `${name}-alt${opts.altitudeError > 0 ? '+' : ''}${opts.altitudeError * 100}%` : name, gsdCmPerPx: opts.gsd, effects, frames };
}
