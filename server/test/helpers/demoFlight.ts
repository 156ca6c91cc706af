import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './shared.js';

export const DEMO_DIR = path.join(REPO_ROOT, 'samples/demo-flight');

export interface TruthTarget {
  id: string;
  kind: 'poppy' | 'decoy';
  lat: number;
  lon: number;
  radiusM: number;
  description: string;
}

export function demoFrames(): string[] {
  return fs
    .readdirSync(DEMO_DIR)
    .filter((f) => /^DJI_\d{4}\.JPG$/.test(f))
    .sort()
    .map((f) => path.join(DEMO_DIR, f));
}

export function demoTruth(): TruthTarget[] {
  const fc = JSON.parse(fs.readFileSync(path.join(DEMO_DIR, 'truth.geojson'), 'utf8'));
  return fc.features.map((f: { geometry: { coordinates: [number, number] }; properties: Omit<TruthTarget, 'lat' | 'lon'> }) => ({
    ...f.properties,
    lon: f.geometry.coordinates[0],
    lat: f.geometry.coordinates[1],
  }));
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
