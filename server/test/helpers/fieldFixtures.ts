// Sites for field-work tests: a real JPEG frame in a flight (so crops, previews and task sheets work), a detection
// on it and a site, confirmed or not, without running the model.
import crypto from 'node:crypto';
import sharp from 'sharp';
import { createUser } from '../../src/auth/accounts.js';
import { issueApiToken } from '../../src/auth/apiTokens.js';
import type { Role } from '../../src/auth/roles.js';
import { offsetToLatLon } from '../../src/pipeline/geodesy.js';
import type { Store } from '../../src/store/index.js';
import type { Site } from '../../src/store/types.js';

/** A small JPEG: green field with a patch of red "flowers" where the detection box is. */
export async function fieldJpeg(width = 800, height = 600, seed = 1): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect width="100%" height="100%" fill="rgb(${60 + (seed % 40)},120,50)"/>
    ${Array.from({ length: 40 }, (_, i) => `<circle cx="${360 + ((i * 37) % 80)}" cy="${260 + ((i * 53) % 80)}" r="4" fill="#d0202a"/>`).join('')}
  </svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer();
}

export async function userWithToken(store: Store, username: string, role: Role): Promise<string> {
  const u = await createUser(store.users, { username, password: 'field-password-1', role });
  return (await issueApiToken(store.tokens, u.id, 'field')).token;
}

export interface FrameSiteOptions {
  flightId: number;
  lat: number;
  lon: number;
  confirm?: boolean;
  takenAt?: string;
  seed?: number;
}

/**
 * One frame (stored under originals/, with a 80 m × 60 m footprint around its position) and one site from a
 * detection in its centre; confirmed by "fixture-reviewer" unless `confirm: false`.
 */
export async function frameSite(store: Store, o: FrameSiteOptions): Promise<Site> {
  const jpeg = await fieldJpeg(800, 600, o.seed ?? 1);
  const sha256 = crypto.createHash('sha256').update(jpeg).update(String(o.seed ?? 1)).digest('hex');
  await store.blobs.keepOriginal(sha256, { bytes: jpeg });
  const { image } = await store.images.insertOrGet({ flightId: o.flightId, name: `DJI_${sha256.slice(0, 4)}.JPG`, sha256, sizeBytes: jpeg.length, mime: 'image/jpeg' });
  const corner = (e: number, n: number) => {
    const p = offsetToLatLon(o, e, n);
    return [p.lon, p.lat];
  };
  const ring = [corner(-40, -30), corner(40, -30), corner(40, 30), corner(-40, 30), corner(-40, -30)];
  await store.images.saveFacts(image.id, {
    width: 800,
    height: 600,
    orientation: 1,
    takenAt: o.takenAt ?? new Date().toISOString(),
    lat: o.lat,
    lon: o.lon,
    located: true,
    unlocatedReason: null,
    footprint: { type: 'Polygon', coordinates: [ring] },
    metadata: null,
    camera: { gsdCmPerPx: 10, yawDeg: 0, precise: true },
    timings: {},
    modelVersion: 'fixture-1',
  });
  const det = await store.detections.insert({
    imageId: image.id,
    flightId: o.flightId,
    box: { x: 350, y: 250, w: 100, h: 100 },
    score: 0.91,
    lat: o.lat,
    lon: o.lon,
    errorRadiusM: 4,
    top: [{ label: 'papaver_somniferum', score: 0.91 }],
    modelVersion: 'fixture-1',
    seenAt: o.takenAt ?? new Date().toISOString(),
  });
  const site = await store.sites.create({
    flightId: o.flightId,
    source: 'drone',
    lat: o.lat,
    lon: o.lon,
    errorRadiusM: 4,
    score: 0.91,
    bestDetectionId: det.id,
    modelVersion: 'fixture-1',
    topLabel: 'papaver_somniferum',
    firstSeenAt: o.takenAt,
  });
  await store.detections.attachToSite(det.id, site.id);
  if (o.confirm === false) return site;
  const r = await store.sites.review(site.id, { decision: 'confirmed', actor: { id: null, username: 'fixture-reviewer' } });
  if (r.kind !== 'ok') throw new Error('fixture: could not confirm');
  return r.site;
}
