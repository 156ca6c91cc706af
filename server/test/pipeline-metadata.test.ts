import fs from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { readMetadata } from '../src/pipeline/metadata.js';
import { describeWithShared, sharedPath } from './helpers/shared.js';

async function jpegWithGps(gps: Record<string, string>): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 48, channels: 3, background: '#405030' } })
    .withExif({ IFD0: { Make: 'DJI', Model: 'FC330' }, IFD2: { FocalLength: '361/100' }, IFD3: gps })
    .jpeg()
    .toBuffer();
}

describeWithShared('readMetadata on real frames', () => {
  it('reads GPS, DJI XMP altitudes and gimbal attitude from a DJI FC300S frame', async () => {
    const m = await readMetadata(sharedPath('data/aerial/brighton-beach-dji-fc300s/DJI_0018.JPG'));
    expect(m).toMatchObject({ width: 4000, height: 2250, orientation: 1, make: 'DJI', model: 'FC300S', focalLength35mm: 20 });
    expect(m.focalLengthMm).toBeCloseTo(3.61, 2);
    expect(m.gps!.lat).toBeCloseTo(46.842607, 5);
    expect(m.gps!.lon).toBeCloseTo(-91.99456, 5); // west is negative
    expect(m.gps!.altitudeM).toBeCloseTo(198.3, 1);
    expect(m.relativeAltitudeM).toBeCloseTo(39.8, 2);
    expect(m.absoluteAltitudeM).toBeCloseTo(198.31, 2);
    expect(m.gimbal).toEqual({ yawDeg: 45, pitchDeg: -89.9, rollDeg: 0 });
    expect(m.flight.yawDeg).toBe(46);
    expect(m.takenAtLocal).toBe('2016-06-23T16:31:59');
    expect(m.gpsReason).toBeNull();
  });

  it('reads a Canon SX260 frame without relative altitude or 35 mm equivalent, from a Buffer', async () => {
    const m = await readMetadata(fs.readFileSync(sharedPath('data/aerial/caliterra/IMG_9354.jpg')));
    expect(m).toMatchObject({ width: 4000, height: 3000, make: 'Canon', model: 'Canon PowerShot SX260 HS', focalLengthMm: 4.5 });
    expect(m.focalLength35mm).toBeNull();
    expect(m.relativeAltitudeM).toBeNull();
    expect(m.gimbal.pitchDeg).toBeNull();
    expect(m.gps!.lat).toBeCloseTo(30.171223, 5);
    expect(m.gps!.lon).toBeCloseTo(-98.089992, 5);
    expect(m.gps!.altitudeM).toBeCloseTo(317.3, 1);
    expect(m.takenAtUtc).toBe('2014-10-19T18:20:51Z');
    // FocalPlaneXResolution 16393.44 px/inch × 4000 px → 6.20 mm (1/2.3" sensor)
    expect(m.focalPlaneSensorWidthMm!).toBeCloseTo(6.2, 1);
  });
});

describe('readMetadata on unusable GPS', () => {
  it('treats (0, 0) as no fix, with a reason', async () => {
    const m = await readMetadata(
      await jpegWithGps({ GPSLatitudeRef: 'N', GPSLatitude: '0/1 0/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '0/1 0/1 0/1' }),
    );
    expect(m.gps).toBeNull();
    expect(m.gpsReason).toMatch(/\(0, 0\)/);
  });

  it('treats out-of-range and zero-denominator coordinates as no GPS', async () => {
    const far = await readMetadata(await jpegWithGps({ GPSLatitudeRef: 'N', GPSLatitude: '95/1 0/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '10/1 0/1 0/1' }));
    expect(far.gps).toBeNull();
    expect(far.gpsReason).toMatch(/out of range|not a number/);
    const nan = await readMetadata(await jpegWithGps({ GPSLatitudeRef: 'N', GPSLatitude: '0/0 0/0 0/0', GPSLongitudeRef: 'E', GPSLongitude: '0/0 0/0 0/0' }));
    expect(nan.gps).toBeNull();
    expect(nan.gpsReason).toBeTruthy();
  });

  it('reports a frame without any EXIF as unlocated, and rejects non-images', async () => {
    const plain = await sharp({ create: { width: 32, height: 16, channels: 3, background: '#000' } }).png().toBuffer();
    const m = await readMetadata(plain);
    expect(m).toMatchObject({ width: 32, height: 16, gps: null, gpsReason: 'no GPS position in EXIF', make: null, focalLengthMm: null });
    await expect(readMetadata(Buffer.from('not an image at all'))).rejects.toThrow();
  });
});
