import { describe, expect, it } from 'vitest';
import { cameraModel } from '../src/pipeline/camera.js';
import { distanceM, latLonToOffset, offsetToLatLon } from '../src/pipeline/geodesy.js';
import { errorRadiusM, frameFootprint, GPS_ERROR_M, latLonToPixel, locatePixel, pixelToOffset } from '../src/pipeline/groundPosition.js';
import type { FrameMetadata } from '../src/pipeline/metadata.js';
import { djiFrameMeta } from './helpers/frameMeta.js';
import { assignToSites, type LocatedDetection } from '../src/sites/assign.js';

function meta(yawDeg: number | null, pitchDeg: number | null = -90, over: Partial<FrameMetadata> = {}): FrameMetadata {
  return djiFrameMeta({
    gps: { lat: 24.95, lon: 102.62, altitudeM: 1930 },
    gimbal: { yawDeg, pitchDeg, rollDeg: 0 },
    flight: { yawDeg: null, pitchDeg: null, rollDeg: null },
    ...over,
  });
}

describe('geodesy', () => {
  it('round-trips metre offsets through lat/lon and measures distances', () => {
    const o = { lat: 24.95, lon: 102.62 };
    const p = offsetToLatLon(o, 123.4, -56.7);
    const back = latLonToOffset(o, p);
    expect(back.eastM).toBeCloseTo(123.4, 6);
    expect(back.northM).toBeCloseTo(-56.7, 6);
    expect(distanceM(o, offsetToLatLon(o, 30, 40))).toBeCloseTo(50, 6);
    // one degree of latitude is about 110.75 km at 25°N
    expect(distanceM(o, { lat: 25.95, lon: 102.62 })).toBeGreaterThan(110_600);
    expect(distanceM(o, { lat: 25.95, lon: 102.62 })).toBeLessThan(110_900);
  });
});

describe('ground projection', () => {
  it('puts the image top in the yaw direction and the right side 90° clockwise from it', () => {
    const east = cameraModel(meta(90));
    const gsdM = east.gsdCmPerPx! / 100;
    const top = pixelToOffset(east, 2000, 1500 - 100)!; // 100 px above the centre
    expect(top.eastM).toBeCloseTo(100 * gsdM, 6);
    expect(top.northM).toBeCloseTo(0, 6);
    const right = pixelToOffset(east, 2000 + 100, 1500)!;
    expect(right.northM).toBeCloseTo(-100 * gsdM, 6); // facing east, the right is south
    const north = cameraModel(meta(0));
    expect(pixelToOffset(north, 2100, 1500)!.eastM).toBeCloseTo(100 * gsdM, 6);
  });

  it('round-trips pixel → lat/lon → pixel for any yaw, and corrects a slightly tilted gimbal', () => {
    for (const yaw of [0, 37.5, 90, 181, 270, 359]) {
      for (const pitch of [-90, -80]) {
        const cam = cameraModel(meta(yaw, pitch));
        for (const [x, y] of [[0, 0], [4000, 3000], [1234, 2800], [2000, 1500]]) {
          const g = locatePixel(cam, x, y)!;
          expect(g.method).toBe('camera');
          const back = latLonToPixel(cam, g)!;
          expect(back.x).toBeCloseTo(x, 4);
          expect(back.y).toBeCloseTo(y, 4);
        }
      }
    }
    // pitched 10° forward (towards the yaw), the image centre lies H·tan(10°) ahead
    const tilted = cameraModel(meta(0, -80));
    expect(pixelToOffset(tilted, 2000, 1500)!.northM).toBeCloseTo(40 * Math.tan((10 * Math.PI) / 180), 6);
  });

  it('gives a footprint ring of the frame corners, about 68 × 51 m at 40 m', () => {
    const cam = cameraModel(meta(0));
    const ring = frameFootprint(cam)!;
    expect(ring).toHaveLength(5);
    expect(ring[0]).toEqual(ring[4]);
    const [a, b, c] = ring.map(([lon, lat]) => ({ lat, lon }));
    expect(distanceM(a, b)).toBeCloseTo(cam.footprintM!.width, 3);
    expect(distanceM(b, c)).toBeCloseTo(cam.footprintM!.height, 3);
    expect(frameFootprint(cameraModel(meta(0, -30)))).toBeNull();
  });

  it('grows the error radius with distance from nadir and with poorer yaw, and uses wide radii for fallbacks', () => {
    const cam = cameraModel(meta(45));
    expect(errorRadiusM(cam, 0)).toBeGreaterThanOrEqual(GPS_ERROR_M);
    expect(errorRadiusM(cam, 30)).toBeGreaterThan(errorRadiusM(cam, 5));
    expect(errorRadiusM(cam, 30)).toBeLessThan(6);
    const noYaw = cameraModel(meta(null, -90));
    expect(errorRadiusM(noYaw, 30)).toBeGreaterThan(50);
    const oblique = locatePixel(cameraModel(meta(10, -40)), 100, 100)!;
    expect(oblique.method).toBe('photoPosition');
    expect(oblique).toMatchObject({ lat: 24.95, lon: 102.62 });
    expect(oblique.errorRadiusM).toBeGreaterThan(50);
    const unscaled = locatePixel(cameraModel(meta(10, -90, { relativeAltitudeM: null })), 100, 100)!;
    expect(unscaled.method).toBe('photoPosition');
    expect(unscaled.errorRadiusM).toBeGreaterThan(30);
    expect(locatePixel(cameraModel(meta(10, -90, { gps: null, gpsReason: 'no GPS position in EXIF' })), 1, 1)).toBeNull();
  });
});

describe('assignToSites', () => {
  const origin = { lat: 24.95, lon: 102.62 };
  const det = (id: string, frameId: string, e: number, n: number, score: number, errorRadiusM = 4): LocatedDetection => ({
    id,
    frameId,
    ...offsetToLatLon(origin, e, n),
    errorRadiusM,
    score,
  });

  it('groups detections of overlapping frames within a few metres into one site and keeps far ones apart', () => {
    const { sites, assignments } = assignToSites([], [
      det('a', 'f1', 0, 0, 0.7),
      det('b', 'f2', 1.5, -1, 0.95),
      det('c', 'f3', -2, 1, 0.6),
      det('d', 'f3', 40, 0, 0.8),
    ]);
    expect(sites).toHaveLength(2);
    const main = sites.find((s) => s.detectionCount === 3)!;
    expect(main).toMatchObject({ isNew: true, score: 0.95, bestDetectionId: 'b', frameIds: ['f2', 'f1', 'f3'] });
    expect(distanceM(main, origin)).toBeLessThan(1);
    expect(new Set(assignments.map((a) => a.siteKey)).size).toBe(2);
    expect(assignments.find((a) => a.detectionId === 'd')!.siteKey).not.toBe(main.key);
  });

  it('adds to an existing site, counting each frame once, and does not let huge radii swallow an area', () => {
    const existing = { key: 'site-7', ...offsetToLatLon(origin, 0, 0), errorRadiusM: 4, score: 0.8, bestDetectionId: 'old', frameIds: ['f1'], detectionCount: 1, areaM2: null, estimatedHeads: null, outline: null };
    const { sites, assignments } = assignToSites([existing], [det('x', 'f1', 2, 0, 0.9), det('y', 'f9', 60, 0, 0.9, 300), det('z', 'f9', 100, 0, 0.5, 300)]);
    const updated = sites.find((s) => s.key === 'site-7')!;
    expect(updated).toMatchObject({ isNew: false, score: 0.9, bestDetectionId: 'x', frameIds: ['f1'], detectionCount: 2 });
    expect(assignments.find((a) => a.detectionId === 'y')!.siteKey).not.toBe('site-7');
    expect(assignments.find((a) => a.detectionId === 'z')!.siteKey).not.toBe(assignments.find((a) => a.detectionId === 'y')!.siteKey);
    expect(existing.frameIds).toEqual(['f1']); // inputs untouched
  });
});
