/**
 * Renders the demo flight: six real DJI Phantom 3 frames (Brighton Beach, BSD-2-Clause, held out of training) with
 * five opium-poppy plots and three look-alike plantings planted on their lawns by the aerial model's scene renderer,
 * moved to a farm in central Yunnan. Writes the frames (EXIF GPS + DJI XMP), truth.geojson and flight.json.
 *
 *   npm run samples [-- --out DIR] [--quality 88] [--seed N]
 *
 * --seed renders another flight over the same frames with the same plantings (kinds, species, sizes, densities) at
 * other lawn spots and with other flowers (npm run eval:learning uses a second flight); the default seed is the demo.
 *
 * Needs ../shared (the source frames and flower photos) and /usr/bin/python3 with PIL and numpy. Deterministic.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { cameraModel, type CameraResult } from '../../server/src/pipeline/camera.js';
import { latLonToOffset, offsetToLatLon } from '../../server/src/pipeline/geodesy.js';
import { offsetToPixel } from '../../server/src/pipeline/groundPosition.js';
import { readMetadata } from '../../server/src/pipeline/metadata.js';
import { droneJpeg } from '../lib/droneJpeg.js';
import { rng } from '../lib/rng.js';

export const DEMO_SEED = 20261203;
/** Where the demo is put: farmland in the hills of central Yunnan (the frames' own place is kept relative to it). */
export const DEMO_ORIGIN = { lat: 24.953, lon: 102.6195 };
export const DEMO_GROUND_ELEVATION_M = 1890;
const SOURCE_FRAMES = ['DJI_0024.JPG', 'DJI_0025.JPG', 'DJI_0026.JPG', 'DJI_0027.JPG', 'DJI_0028.JPG', 'DJI_0029.JPG'];
const SOURCE_DIR = 'data/aerial/brighton-beach-dji-fc300s';
/** Plots are rendered at half the frames' ground resolution, then reduced (as a camera integrates light). */
const FINE_CM_PER_PX = 0.85;

interface PlotSpec {
  id: string;
  kind: 'poppy' | 'decoy';
  layout: string;
  species: string;
  sizeM: number;
  density: number;
  seed: number;
  description: string;
  eastM: number;
  northM: number;
}

/** The planting list; positions are chosen on lawn by `lawnSpots`. */
const PLANTINGS: Array<Omit<PlotSpec, 'seed' | 'eastM' | 'northM'>> = [
  { id: 'P1', kind: 'poppy', layout: 'rows', species: 'papaver', sizeM: 4, density: 35, description: 'opium poppy in rows, white, pink and mauve' },
  { id: 'D1', kind: 'decoy', layout: 'bed', species: 'cosmos', sizeM: 4, density: 40, description: 'cosmos bed, pink and magenta (look-alike)' },
  { id: 'P2', kind: 'poppy', layout: 'bed', species: 'papaver', sizeM: 4, density: 40, description: 'opium poppy bed among vegetables' },
  { id: 'P3', kind: 'poppy', layout: 'courtyard', species: 'papaver', sizeM: 4, density: 35, description: 'opium poppy in a courtyard corner' },
  { id: 'D2', kind: 'decoy', layout: 'bed', species: 'rose', sizeM: 4, density: 25, description: 'rose bed, red and pink (look-alike)' },
  { id: 'P4', kind: 'poppy', layout: 'pots', species: 'papaver', sizeM: 4, density: 45, description: 'opium poppy in pots' },
  { id: 'P5', kind: 'poppy', layout: 'margin', species: 'papaver', sizeM: 4, density: 30, description: 'opium poppy along a field margin' },
  { id: 'D3', kind: 'decoy', layout: 'mat', species: 'chilli', sizeM: 3, density: 0, description: 'chilli drying on a tarp (look-alike)' },
];

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

interface SourceFrame {
  file: string;
  out: string;
  /** camera position in the demo's ground frame (metres east/north of the first frame) */
  eastM: number;
  northM: number;
  camera: CameraResult;
  lat: number;
  lon: number;
  relativeAltitudeM: number;
  gimbalYawDeg: number;
  takenAt: string;
}

async function sourceFrames(shared: string, out: string): Promise<SourceFrame[]> {
  const metas = await Promise.all(SOURCE_FRAMES.map((f) => readMetadata(path.join(shared, SOURCE_DIR, f))));
  const first = metas[0].gps!;
  return metas.map((m, i) => {
    const o = latLonToOffset(first, m.gps!);
    const at = offsetToLatLon(DEMO_ORIGIN, o.eastM, o.northM);
    const moved = { ...m, gps: { ...m.gps!, lat: at.lat, lon: at.lon } };
    return {
      file: path.join(shared, SOURCE_DIR, SOURCE_FRAMES[i]),
      out: path.join(out, SOURCE_FRAMES[i]),
      eastM: o.eastM,
      northM: o.northM,
      camera: cameraModel(moved, {}),
      lat: at.lat,
      lon: at.lon,
      relativeAltitudeM: m.relativeAltitudeM!,
      gimbalYawDeg: m.gimbal!.yawDeg!,
      takenAt: new Date(Date.UTC(2026, 3, 22, 3, 10, 0) + i * 5000).toISOString(),
    };
  });
}

function project(f: SourceFrame, eastM: number, northM: number) {
  return offsetToPixel(f.camera, eastM - f.eastM, northM - f.northM);
}

/** The frame that sees a ground point nearest its centre. */
function bestView(frames: SourceFrame[], eastM: number, northM: number) {
  let best: { f: SourceFrame; p: { x: number; y: number }; d: number } | null = null;
  for (const f of frames) {
    const p = project(f, eastM, northM);
    if (!p || p.x < 0 || p.y < 0 || p.x >= f.camera.width || p.y >= f.camera.height) continue;
    const d = Math.hypot(p.x - f.camera.width / 2, p.y - f.camera.height / 2);
    if (!best || d < best.d) best = { f, p, d };
  }
  return best;
}

/** Ground points (m) whose surroundings look like open lawn in the frames: light, green, smooth. */
async function lawnSpots(frames: SourceFrame[], count: number, seed: number): Promise<Array<{ eastM: number; northM: number }>> {
  const small = new Map<SourceFrame, { data: Buffer; w: number; h: number }>();
  for (const f of frames) {
    const { data, info } = await sharp(f.file).resize(500).raw().toBuffer({ resolveWithObject: true });
    small.set(f, { data, w: info.width, h: info.height });
  }
  const rand = rng(seed);
  const spots: Array<{ eastM: number; northM: number; score: number }> = [];
  const eMin = Math.min(...frames.map((f) => f.eastM)) - 25;
  const eMax = Math.max(...frames.map((f) => f.eastM)) + 25;
  const nMin = Math.min(...frames.map((f) => f.northM)) - 25;
  const nMax = Math.max(...frames.map((f) => f.northM)) + 25;
  for (let i = 0; i < 4000; i++) {
    const e = eMin + rand() * (eMax - eMin);
    const n = nMin + rand() * (nMax - nMin);
    const v = bestView(frames, e, n);
    if (!v || v.d > 0.42 * v.f.camera.width) continue;
    const img = small.get(v.f)!;
    const k = img.w / v.f.camera.width;
    const r = Math.round((3 / (v.f.camera.gsdCmPerPx! / 100)) * k); // 3 m around
    const cx = Math.round(v.p.x * k);
    const cy = Math.round(v.p.y * k);
    let g = 0;
    let lawn = 0;
    let total = 0;
    let sum = 0;
    let sq = 0;
    for (let y = cy - r; y <= cy + r; y++) {
      for (let x = cx - r; x <= cx + r; x++) {
        if (x < 0 || y < 0 || x >= img.w || y >= img.h) continue;
        const o = (y * img.w + x) * 3;
        const [R, G, B] = [img.data[o], img.data[o + 1], img.data[o + 2]];
        total++;
        if (G > R + 8 && G > B + 25 && G > 95) lawn++;
        g = R + G + B;
        sum += g;
        sq += g * g;
      }
    }
    if (total === 0) continue;
    const mean = sum / total;
    const sd = Math.sqrt(sq / total - mean * mean);
    if (lawn / total > 0.85 && sd < 70) spots.push({ eastM: e, northM: n, score: lawn / total - sd / 200 });
  }
  spots.sort((a, b) => b.score - a.score);
  const chosen: typeof spots = [];
  for (const s of spots) {
    if (chosen.every((c) => Math.hypot(c.eastM - s.eastM, c.northM - s.northM) > 8)) chosen.push(s);
    if (chosen.length === count) break;
  }
  if (chosen.length < count) throw new Error(`found lawn for ${chosen.length} of ${count} plantings`);
  return chosen;
}

async function main(): Promise<void> {
  const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
  const shared = path.resolve(process.env.POPPY_SHARED_DIR ?? path.join(repo, '../shared'));
  const out = path.resolve(arg('--out', path.join(repo, 'samples/demo-flight')));
  const quality = Number(arg('--quality', '88'));
  const seed = Number(arg('--seed', String(DEMO_SEED)));
  if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`--seed must be a non-negative integer, got "${arg('--seed', '')}"`);
  fs.mkdirSync(out, { recursive: true });
  for (const f of fs.readdirSync(out)) if (/^DJI_\d{4}\.JPG$/.test(f)) fs.rmSync(path.join(out, f));
  const frames = await sourceFrames(shared, out);
  const spots = await lawnSpots(frames, PLANTINGS.length, seed);
  const plots: PlotSpec[] = PLANTINGS.map((p, i) => ({ ...p, seed: seed + i, ...spots[i] }));

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'poppy-demo-'));
  const spec = {
    fineCmPerPx: FINE_CM_PER_PX,
    seed,
    cache: path.join(repo, '.cache/train'),
    shared,
    plots,
    frames: frames.map((f) => ({
      src: f.file,
      out: path.join(tmp, `${path.basename(f.file)}.png`),
      gsdCmPerPx: f.camera.gsdCmPerPx,
      plots: plots.flatMap((p) => {
        const p0 = project(f, p.eastM, p.northM);
        const pe = project(f, p.eastM + 1, p.northM);
        const pn = project(f, p.eastM, p.northM + 1);
        if (!p0 || !pe || !pn) return [];
        const margin = (p.sizeM * 100) / f.camera.gsdCmPerPx!;
        if (p0.x < -margin || p0.y < -margin || p0.x > f.camera.width + margin || p0.y > f.camera.height + margin) return [];
        return [{ id: p.id, p0: [p0.x, p0.y], J: [[pe.x - p0.x, pn.x - p0.x], [pe.y - p0.y, pn.y - p0.y]] }];
      }),
    })),
  };
  fs.writeFileSync(path.join(tmp, 'spec.json'), JSON.stringify(spec));
  const r = spawnSync('/usr/bin/python3', [path.join(repo, 'scripts/samples/demo_frames.py'), path.join(tmp, 'spec.json')], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`demo_frames.py failed:\n${r.stderr}`);
  const rendered = JSON.parse(r.stdout) as { plots: Array<{ id: string; heads: number; polygonsM: number[][][]; areaM2: number }> };

  let total = 0;
  for (const [i, f] of frames.entries()) {
    const bytes = await droneJpeg(spec.frames[i].out, {
      make: 'DJI', model: 'FC300S', focalMm: 3.61, lat: f.lat, lon: f.lon, relativeAltitudeM: f.relativeAltitudeM,
      gimbalYawDeg: f.gimbalYawDeg, gimbalPitchDeg: -89.9, takenAt: f.takenAt, groundElevationM: DEMO_GROUND_ELEVATION_M, utcOffsetH: 8,
    }, { quality });
    fs.writeFileSync(f.out, bytes);
    total += bytes.length;
    console.log(`${path.basename(f.out)}  ${(bytes.length / 1e6).toFixed(2)} MB  plots ${spec.frames[i].plots.map((p) => p.id).join(' ') || '–'}`);
  }
  fs.rmSync(tmp, { recursive: true, force: true });

  const origin = { lat: frames[0].lat, lon: frames[0].lon };
  const truth = {
    type: 'FeatureCollection',
    properties: {
      seed,
      note: 'Poppy plots (kind "poppy") and look-alike plantings (kind "decoy") planted into the frames. Point = plot centre, outline = the planted area, heads = flower heads drawn. Coordinates [lon, lat] WGS-84.',
    },
    features: plots.map((p) => {
      const info = rendered.plots.find((x) => x.id === p.id)!;
      const c = offsetToLatLon(origin, p.eastM, p.northM);
      const ring = info.polygonsM[0].map(([e, n]) => offsetToLatLon(origin, p.eastM + e, p.northM + n)).map((q) => [Number(q.lon.toFixed(8)), Number(q.lat.toFixed(8))]);
      ring.push(ring[0]);
      return {
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [Number(c.lon.toFixed(8)), Number(c.lat.toFixed(8))] },
        properties: {
          id: p.id, kind: p.kind, layout: p.layout, species: p.species, description: p.description,
          heads: p.kind === 'poppy' ? info.heads : 0, areaM2: Number(info.areaM2.toFixed(2)),
          radiusM: Number(Math.sqrt(info.areaM2 / Math.PI).toFixed(2)),
          outline: { type: 'Polygon', coordinates: [ring] },
          frames: spec.frames.filter((f) => f.plots.some((q) => q.id === p.id)).map((f) => path.basename(f.src)),
        },
      };
    }),
  };
  fs.writeFileSync(path.join(out, 'truth.geojson'), `${JSON.stringify(truth, null, 1)}\n`);
  const flight = {
    name: 'Demo flight — Yunnan (real DJI frames with planted plots)',
    groundElevationM: DEMO_GROUND_ELEVATION_M,
    camera: 'DJI FC300S (Phantom 3 Advanced)',
    seed,
    source: 'pierotofy/drone_dataset_brighton_beach images/DJI_0024–0029.JPG (BSD-2-Clause)',
    frames: frames.map((f) => ({ file: path.basename(f.out), lat: f.lat, lon: f.lon, gimbalYawDeg: f.gimbalYawDeg, relativeAltitudeM: f.relativeAltitudeM })),
  };
  fs.writeFileSync(path.join(out, 'flight.json'), `${JSON.stringify(flight, null, 2)}\n`);
  console.log(`${frames.length} frames, ${(total / 1e6).toFixed(1)} MB, ${plots.length} plantings, written to ${out}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
