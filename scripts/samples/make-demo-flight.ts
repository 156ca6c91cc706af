/**
 * Renders the demo flight: nadir frames of a procedural farm/village with opium poppy plots at known places,
 * with real EXIF GPS and DJI-style XMP, plus truth.geojson and flight.json.
 *
 *   npm run samples [-- --out DIR] [--frames N] [--width 4000]
 *
 * Deterministic: the same seed gives the same scene, flight and pixels.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { cameraModel } from '../../server/src/pipeline/camera.js';
import { offsetToLatLon } from '../../server/src/pipeline/geodesy.js';
import type { FrameMetadata } from '../../server/src/pipeline/metadata.js';
import { buildScene } from './scene.js';
import { rasterise, sceneSvg, worldToPixelMatrix } from './render.js';

export const DEMO_SEED = 20260512;
/** Scene origin (x = 0, y = 0): farmland in the hills of central Yunnan. */
export const DEMO_ORIGIN = { lat: 24.953, lon: 102.6195 };
export const DEMO_GROUND_ELEVATION_M = 1890;
export const DEMO_ALTITUDE_AGL_M = 40;
/** DJI Phantom 3 Professional: 1/2.3" sensor 6.17 mm wide, 3.61 mm lens, 4000×3000 */
const CAMERA = { make: 'DJI', model: 'FC300X', focalMm: 3.61, focal35: 20 };

export interface DemoFramePlan {
  file: string;
  x: number;
  y: number;
  lat: number;
  lon: number;
  gimbalYawDeg: number;
  flightYawDeg: number;
  relativeAltitudeM: number;
  takenAt: string;
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

/** Two flight lines (east, then back west 40 m further north), 20 m between shots: ~60 % forward overlap, ~30 % side overlap. */
export function flightPlan(frames: number): DemoFramePlan[] {
  const perLine = Math.ceil(frames / 2);
  const plan: DemoFramePlan[] = [];
  for (let i = 0; i < frames; i++) {
    const line = i < perLine ? 0 : 1;
    const k = line === 0 ? i : i - perLine;
    const x = -30 + (line === 0 ? k * 20 : (perLine - 1 - k) * 20);
    const y = line === 0 ? 0 : 40;
    const heading = line === 0 ? 90 : 270;
    // small, realistic deviations: gimbal follows the heading within a degree, height wobbles by decimetres
    const gimbalYawDeg = heading + [0.4, -0.7, 1.1, -0.2, 0.8, -1.0, 0.3, 0.6, -0.5, 0.9][i % 10];
    const relativeAltitudeM = DEMO_ALTITUDE_AGL_M + [0.1, -0.3, 0.2, 0.4, -0.1, 0.3, -0.2, 0.0, 0.2, -0.4][i % 10];
    const { lat, lon } = offsetToLatLon(DEMO_ORIGIN, x, y);
    const t = new Date(Date.UTC(2026, 4, 12, 3, 30, 0) + i * 4000 + line * 20000);
    plan.push({
      file: `DJI_${String(i + 1).padStart(4, '0')}.JPG`,
      x,
      y,
      lat,
      lon,
      gimbalYawDeg: ((gimbalYawDeg % 360) + 360) % 360,
      flightYawDeg: (((gimbalYawDeg + 1.2) % 360) + 360) % 360,
      relativeAltitudeM,
      takenAt: t.toISOString(),
    });
  }
  return plan;
}

/** Decimal degrees → EXIF rational "d/1 m/1 s/10000". */
function dms(deg: number): string {
  const a = Math.abs(deg);
  const d = Math.floor(a);
  const m = Math.floor((a - d) * 60);
  const s = Math.round(((a - d) * 60 - m) * 60 * 1e6);
  return `${d}/1 ${m}/1 ${s}/1000000`;
}

const localTime = (utcIso: string) => new Date(Date.parse(utcIso) + 8 * 3600_000).toISOString().slice(0, 19);

const signed = (v: number, digits = 2) => `${v >= 0 ? '+' : ''}${v.toFixed(digits)}`;

function djiXmp(f: DemoFramePlan): string {
  const yaw180 = (v: number) => (v > 180 ? v - 360 : v); // DJI writes yaw in −180..180
  return (
    `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>` +
    `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">` +
    `<rdf:Description rdf:about="DJI Meta Data" xmlns:drone-dji="http://www.dji.com/drone-dji/1.0/" ` +
    `drone-dji:AbsoluteAltitude="${signed(DEMO_GROUND_ELEVATION_M + f.relativeAltitudeM)}" ` +
    `drone-dji:RelativeAltitude="${signed(f.relativeAltitudeM)}" ` +
    `drone-dji:GimbalRollDegree="+0.00" drone-dji:GimbalYawDegree="${signed(yaw180(f.gimbalYawDeg))}" ` +
    `drone-dji:GimbalPitchDegree="-90.00" drone-dji:FlightRollDegree="+0.40" ` +
    `drone-dji:FlightYawDegree="${signed(yaw180(f.flightYawDeg))}" drone-dji:FlightPitchDegree="-1.20"/>` +
    `</rdf:RDF></x:xmpmeta><?xpacket end="w"?>`
  );
}

/** The metadata the frame will carry, in the pipeline's own type, so the renderer uses the pipeline's camera. */
function frameMetadata(f: DemoFramePlan, width: number, height: number): FrameMetadata {
  return {
    width,
    height,
    orientation: 1,
    make: CAMERA.make,
    model: CAMERA.model,
    focalLengthMm: CAMERA.focalMm,
    focalLength35mm: CAMERA.focal35,
    focalPlaneSensorWidthMm: null,
    takenAtLocal: localTime(f.takenAt),
    takenAtUtc: f.takenAt.replace(/\.\d+Z$/, 'Z'),
    gps: { lat: f.lat, lon: f.lon, altitudeM: DEMO_GROUND_ELEVATION_M + f.relativeAltitudeM },
    gpsReason: null,
    relativeAltitudeM: f.relativeAltitudeM,
    absoluteAltitudeM: DEMO_GROUND_ELEVATION_M + f.relativeAltitudeM,
    gimbal: { yawDeg: f.gimbalYawDeg, pitchDeg: -90, rollDeg: 0 },
    flight: { yawDeg: f.flightYawDeg, pitchDeg: -1.2, rollDeg: 0.4 },
  };
}

async function writeFrame(out: string, f: DemoFramePlan, width: number, height: number, scene: ReturnType<typeof buildScene>, seed: number, quality: number): Promise<number> {
  const camera = cameraModel(frameMetadata(f, width, height), {});
  const matrix = worldToPixelMatrix(camera, f.x, f.y);
  const raw = await rasterise(sceneSvg(scene, matrix, width, height), width, height, seed);
  // cameras write local wall-clock time without a zone; Yunnan is UTC+8
  const exifTime = localTime(f.takenAt).replace('T', ' ').replace(/-/g, ':');
  const utc = new Date(f.takenAt);
  const file = path.join(out, f.file);
  await sharp(raw, { raw: { width, height, channels: 3 } })
    .withExif({
      IFD0: { Make: CAMERA.make, Model: CAMERA.model, Software: 'PoppyWatch demo renderer', DateTime: exifTime },
      IFD2: {
        DateTimeOriginal: exifTime,
        DateTimeDigitized: exifTime,
        FocalLength: `${Math.round(CAMERA.focalMm * 100)}/100`,
        FocalLengthIn35mmFilm: String(CAMERA.focal35),
        PixelXDimension: String(width),
        PixelYDimension: String(height),
      },
      IFD3: {
        GPSLatitudeRef: f.lat >= 0 ? 'N' : 'S',
        GPSLatitude: dms(f.lat),
        GPSLongitudeRef: f.lon >= 0 ? 'E' : 'W',
        GPSLongitude: dms(f.lon),
        GPSAltitudeRef: '0',
        GPSAltitude: `${Math.round((DEMO_GROUND_ELEVATION_M + f.relativeAltitudeM) * 1000)}/1000`,
        GPSTimeStamp: `${utc.getUTCHours()}/1 ${utc.getUTCMinutes()}/1 ${utc.getUTCSeconds()}/1`,
        GPSDateStamp: f.takenAt.slice(0, 10).replace(/-/g, ':'),
        GPSMapDatum: 'WGS-84',
      },
    })
    .withXmp(djiXmp(f))
    .jpeg({ quality, mozjpeg: false })
    .toFile(file);
  return fs.statSync(file).size;
}

function truthGeoJson(scene: ReturnType<typeof buildScene>) {
  return {
    type: 'FeatureCollection',
    properties: {
      origin: DEMO_ORIGIN,
      seed: DEMO_SEED,
      note: 'Centres and radii of the drawn poppy plots (kind "poppy") and look-alike decoys (kind "decoy"). Coordinates [lon, lat] WGS-84.',
    },
    features: scene.targets.map((t) => {
      const p = offsetToLatLon(DEMO_ORIGIN, t.x, t.y);
      return {
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [Number(p.lon.toFixed(8)), Number(p.lat.toFixed(8))] },
        properties: { id: t.id, kind: t.kind, radiusM: t.radiusM, description: t.description, headsPerM2: t.headsPerM2 ?? null, heads: t.heads ?? null, sceneXM: t.x, sceneYM: t.y },
      };
    }),
  };
}

async function main(): Promise<void> {
  const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
  const out = path.resolve(arg('--out', path.join(repo, 'samples/demo-flight')));
  const frames = Number(arg('--frames', '10'));
  const width = Number(arg('--width', '4000'));
  const height = Math.round((width * 3) / 4);
  const quality = Number(arg('--quality', '80'));
  fs.mkdirSync(out, { recursive: true });
  for (const f of fs.readdirSync(out)) if (/^DJI_\d{4}\.JPG$/.test(f)) fs.rmSync(path.join(out, f));
  const scene = buildScene(DEMO_SEED);
  const plan = flightPlan(frames);
  let total = 0;
  for (const [i, f] of plan.entries()) {
    const t0 = performance.now();
    const bytes = await writeFrame(out, f, width, height, scene, DEMO_SEED + i, quality);
    total += bytes;
    console.log(`${f.file}  ${(bytes / 1e6).toFixed(2)} MB  ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  fs.writeFileSync(path.join(out, 'truth.geojson'), `${JSON.stringify(truthGeoJson(scene), null, 2)}\n`);
  const flight = {
    name: 'Demo flight — Yunnan farmland (synthetic)',
    altitudeAglM: DEMO_ALTITUDE_AGL_M,
    groundElevationM: DEMO_GROUND_ELEVATION_M,
    camera: `${CAMERA.make} ${CAMERA.model}`,
    frameSize: [width, height],
    seed: DEMO_SEED,
    frames: plan.map((f) => ({ file: f.file, lat: f.lat, lon: f.lon, gimbalYawDeg: f.gimbalYawDeg, relativeAltitudeM: f.relativeAltitudeM })),
  };
  fs.writeFileSync(path.join(out, 'flight.json'), `${JSON.stringify(flight, null, 2)}\n`);
  console.log(`${plan.length} frames ${width}×${height}, ${(total / 1e6).toFixed(1)} MB, written to ${out}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
