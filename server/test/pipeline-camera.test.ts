import { describe, expect, it } from 'vitest';
import { cameraModel, FALLBACK_FOOTPRINT_LONG_SIDE_M } from '../src/pipeline/camera.js';
import { djiFrameMeta } from './helpers/frameMeta.js';
import { readMetadata } from '../src/pipeline/metadata.js';
import { lookupSensor } from '../src/pipeline/sensors.js';
import { describeWithShared, sharedPath } from './helpers/shared.js';

const meta = djiFrameMeta;

describe('cameraModel', () => {
  it('computes GSD from the sensor table, focal length and RelativeAltitude', () => {
    const c = cameraModel(meta());
    // 6.17 mm × 40 m / (3.61 mm × 4000 px) = 1.709 cm/px
    expect(c.sensorSource).toBe('table');
    expect(c.heightSource).toBe('relativeAltitude');
    expect(c.gsdCmPerPx!).toBeCloseTo((6.17 * 40 * 100) / (3.61 * 4000), 6);
    expect(c.footprintM!.width).toBeCloseTo(68.37, 1);
    expect(c.footprintM!.height).toBeCloseTo(51.27, 1);
    expect(c).toMatchObject({ precise: true, nadir: true, yawDeg: 90, yawSource: 'gimbal', yawErrorDeg: 3, fallbackReason: null });
    expect(c.scanGsdCmPerPx).toBe(c.gsdCmPerPx);
  });

  it('knows the common drone cameras', () => {
    expect(lookupSensor('FC6310')!.widthMm).toBe(13.2);
    expect(lookupSensor('L2D-20c')!.widthMm).toBe(17.3);
    expect(lookupSensor('FC3170')!.widthMm).toBe(6.4);
    expect(lookupSensor('fc7303')!.widthMm).toBe(6.17);
    expect(lookupSensor('Unknown Cam')).toBeNull();
  });

  it('falls back to the 35 mm equivalent, then to the flight override, and lets the override win', () => {
    const by35 = cameraModel(meta({ model: 'XYZ-1', focalLength35mm: 24, focalLengthMm: 4 }));
    expect(by35.sensorSource).toBe('focalLength35mm');
    expect(by35.sensorWidthMm!).toBeCloseTo((36 * 4) / 24, 6);
    const none = cameraModel(meta({ model: 'XYZ-1', focalLength35mm: null }));
    expect(none.gsdCmPerPx).toBeNull();
    expect(none.unscaledReason).toMatch(/sensor width unknown.*sensorWidthMm/);
    expect(none.fallbackReason).toMatch(/^unscaled/);
    const override = cameraModel(meta({ model: 'XYZ-1', focalLength35mm: null }), { sensorWidthMm: 13.2 });
    expect(override.sensorSource).toBe('flightOverride');
    expect(override.precise).toBe(true);
  });

  it('takes height from GPS altitude − ground elevation, else the flight AGL, and refuses nonsense heights', () => {
    const ground = cameraModel(meta({ relativeAltitudeM: null }), { groundElevationM: 1880, altitudeAglM: 70 });
    expect(ground.heightSource).toBe('gpsAltitudeMinusGround');
    expect(ground.heightAboveGroundM).toBeCloseTo(50, 6);
    const agl = cameraModel(meta({ relativeAltitudeM: null }), { altitudeAglM: 70 });
    expect(agl).toMatchObject({ heightSource: 'flightAltitudeAgl', heightAboveGroundM: 70 });
    const none = cameraModel(meta({ relativeAltitudeM: null }));
    expect(none.heightAboveGroundM).toBeNull();
    expect(none.unscaledReason).toMatch(/altitudeAglM/);
    const onGround = cameraModel(meta({ relativeAltitudeM: 0.2 }));
    expect(onGround.unscaledReason).toMatch(/outside/);
    // unscaled frames are still scanned, at the documented default scale
    expect(none.scanGsdCmPerPx).toBeCloseTo((FALLBACK_FOOTPRINT_LONG_SIDE_M * 100) / 4000, 6);
  });

  it('flags oblique frames and frames without GPS for the fallback', () => {
    const oblique = cameraModel(meta({ gimbal: { yawDeg: 10, pitchDeg: -45, rollDeg: 0 } }));
    expect(oblique).toMatchObject({ nadir: false, precise: false });
    expect(oblique.fallbackReason).toMatch(/oblique.*-45/);
    const steep = cameraModel(meta({ gimbal: { yawDeg: 10, pitchDeg: -75, rollDeg: 0 } }));
    expect(steep.nadir).toBe(true);
    const noGps = cameraModel(meta({ gps: null, gpsReason: 'no GPS position in EXIF' }));
    expect(noGps).toMatchObject({ position: null, precise: false, unlocatedReason: 'no GPS position in EXIF' });
  });

  it('uses flight yaw without gimbal yaw, and yaw 0 with a 180° uncertainty without either', () => {
    const flight = cameraModel(meta({ gimbal: { yawDeg: null, pitchDeg: -90, rollDeg: null } }));
    expect(flight).toMatchObject({ yawDeg: 91, yawSource: 'flight', yawErrorDeg: 5 });
    const neg = cameraModel(meta({ gimbal: { yawDeg: -170, pitchDeg: -90, rollDeg: null } }));
    expect(neg.yawDeg).toBe(190);
    const none = cameraModel(meta({ gimbal: { yawDeg: null, pitchDeg: null, rollDeg: null }, flight: { yawDeg: null, pitchDeg: null, rollDeg: null } }));
    expect(none).toMatchObject({ yawDeg: 0, yawSource: 'none', yawErrorDeg: 180, nadir: true, nadirSource: 'assumed' });
  });
});

describeWithShared('cameraModel on real frames', () => {
  it('scales the DJI FC300S frame at about 1.7 cm/px from its own metadata', async () => {
    const c = cameraModel(await readMetadata(sharedPath('data/aerial/brighton-beach-dji-fc300s/DJI_0018.JPG')));
    expect(c.precise).toBe(true);
    expect(c.gsdCmPerPx!).toBeCloseTo(1.7, 2);
    expect(c.yawDeg).toBe(45);
  });

  it('needs a flight height for the Canon frames, then scales them', async () => {
    const m = await readMetadata(sharedPath('data/aerial/caliterra/IMG_9354.jpg'));
    expect(cameraModel(m).fallbackReason).toMatch(/unscaled: height above ground unknown/);
    const c = cameraModel(m, { altitudeAglM: 30 });
    expect(c.precise).toBe(true);
    expect(c.gsdCmPerPx!).toBeCloseTo((6.17 * 30 * 100) / (4.5 * 4000), 6);
    expect(c.yawSource).toBe('none');
  });
});
