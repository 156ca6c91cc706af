/**
 * The demo flight through the pipeline and the site grouping, as a fresh `npm start` processes it, scored against
 * samples/demo-flight/truth.geojson: how many poppy plots became sites, how many look-alikes did, and how far off.
 */
import fs from 'node:fs';
import path from 'node:path';
import { detectFrame } from '../../../server/src/pipeline/detectFrame.js';
import type { DenseModel } from '../../../server/src/pipeline/denseModel.js';
import { distanceM } from '../../../server/src/pipeline/geodesy.js';
import { assignToSites, insideRing, type LocatedDetection, type Ring } from '../../../server/src/sites/assign.js';
import { REPO } from './sets.js';

export const DEMO_DIR = path.join(REPO, 'samples', 'demo-flight');
/** A site counts for a plot when it lies inside the planted outline or this close to it (location error). */
const SITE_MARGIN_M = 3;

interface TruthPlot {
  id: string;
  kind: 'poppy' | 'decoy';
  heads: number;
  lat: number;
  lon: number;
  radiusM: number;
  outline: Ring;
}

export function demoTruthPlots(dir = DEMO_DIR): TruthPlot[] {
  const fc = JSON.parse(fs.readFileSync(path.join(dir, 'truth.geojson'), 'utf8'));
  return fc.features.map((f: { geometry: { coordinates: [number, number] }; properties: { id: string; kind: 'poppy' | 'decoy'; heads: number; radiusM: number; outline: { coordinates: Ring[] } } }) => ({
    id: f.properties.id,
    kind: f.properties.kind,
    heads: f.properties.heads,
    radiusM: f.properties.radiusM,
    lon: f.geometry.coordinates[0],
    lat: f.geometry.coordinates[1],
    outline: f.properties.outline.coordinates[0],
  }));
}

export async function evalDemoFlight(model: DenseModel, dir = DEMO_DIR) {
  const frames = fs.readdirSync(dir).filter((f) => /^DJI_\d{4}\.JPG$/.test(f)).sort();
  const detections: LocatedDetection[] = [];
  let ms = 0;
  for (const f of frames) {
    const r = await detectFrame(path.join(dir, f), {}, model);
    ms += r.stats.totalMs;
    r.detections.forEach((d, i) => {
      if (d.lat === null || d.lon === null) return;
      detections.push({ id: `${f}#${i}`, frameId: f, lat: d.lat, lon: d.lon, errorRadiusM: d.errorRadiusM!, score: d.score, areaM2: d.areaM2, estimatedHeads: d.estimatedHeads, outline: d.outline });
    });
  }
  const { sites } = assignToSites([], detections);
  const truth = demoTruthPlots(dir);
  const near = (s: { lat: number; lon: number }, p: TruthPlot) => insideRing(p.outline, s) || distanceM(s, p) <= p.radiusM + SITE_MARGIN_M;
  const plots = truth.map((p) => {
    const mine = sites.filter((s) => near(s, p));
    return { id: p.id, kind: p.kind, sites: mine.length, truthHeads: p.heads, estimatedHeads: mine.length ? Math.max(...mine.map((s) => s.estimatedHeads ?? 0)) : null, centreErrorM: mine.length ? Math.min(...mine.map((s) => distanceM(s, p))) : null };
  });
  const poppy = plots.filter((p) => p.kind === 'poppy');
  const decoys = plots.filter((p) => p.kind === 'decoy');
  return {
    frames: frames.length,
    sites: sites.length,
    poppyPlotsFound: poppy.filter((p) => p.sites > 0).length,
    poppyPlots: poppy.length,
    decoysFlagged: decoys.filter((p) => p.sites > 0).length,
    decoys: decoys.length,
    otherSites: sites.filter((s) => !truth.some((p) => near(s, p))).length,
    plots,
    msPerFrame: Math.round(ms / Math.max(1, frames.length)),
  };
}
