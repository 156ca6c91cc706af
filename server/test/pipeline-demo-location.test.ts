import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { cameraModel } from '../src/pipeline/camera.js';
import { distanceM } from '../src/pipeline/geodesy.js';
import { latLonToPixel, locatePixel } from '../src/pipeline/groundPosition.js';
import { readMetadata } from '../src/pipeline/metadata.js';
import { isPetalColour } from '../src/pipeline/colourGate.js';
import { demoFrames, demoTruth, median } from './helpers/demoFlight.js';

/** Petal colours (red, pink, mauve, purple, white) as the colour gate defines them. */
const isFlowerPixel = isPetalColour;

describe('demo flight location accuracy with exact metadata', () => {
  const frames = demoFrames();
  const truth = demoTruth();

  it('has 6 DJI frames with GPS, RelativeAltitude and gimbal yaw read back from EXIF/XMP', async () => {
    expect(frames.length).toBe(6);
    for (const f of frames) {
      const m = await readMetadata(f);
      expect(m).toMatchObject({ make: 'DJI', model: 'FC300S', width: 4000, height: 2250 });
      expect(m.gps).not.toBeNull();
      expect(m.relativeAltitudeM).toBeGreaterThan(39);
      expect(m.gimbal.pitchDeg).toBeLessThan(-89);
      expect(cameraModel(m).precise).toBe(true);
    }
  });

  it('projects truth into frames and back: median error ≤ 0.5 m, and the drawn flowers are where the camera model says', async () => {
    const roundTrip: number[] = [];
    const drawn: number[] = [];
    for (const f of frames) {
      const camera = cameraModel(await readMetadata(f));
      const gsdM = camera.gsdCmPerPx! / 100;
      for (const t of truth.filter((x) => x.kind === 'poppy')) {
        const px = latLonToPixel(camera, t)!;
        const half = Math.ceil((t.radiusM + 0.5) / gsdM);
        if (px.x - half < 0 || px.y - half < 0 || px.x + half > camera.width || px.y + half > camera.height) continue;
        const back = locatePixel(camera, px.x, px.y)!;
        roundTrip.push(distanceM(back, t));
        // centroid of flower-coloured pixels around the expected place → ground → compare with the truth
        const left = Math.round(px.x - half);
        const top = Math.round(px.y - half);
        const { data, info } = await sharp(f).extract({ left, top, width: 2 * half, height: 2 * half }).raw().toBuffer({ resolveWithObject: true });
        let sx = 0;
        let sy = 0;
        let n = 0;
        for (let y = 0; y < info.height; y++) {
          for (let x = 0; x < info.width; x++) {
            const i = (y * info.width + x) * info.channels;
            if (isFlowerPixel(data[i], data[i + 1], data[i + 2])) {
              sx += x;
              sy += y;
              n++;
            }
          }
        }
        expect(n, `${t.id} flowers visible in ${f}`).toBeGreaterThan(20);
        const found = locatePixel(camera, left + sx / n + 0.5, top + sy / n + 0.5)!;
        drawn.push(distanceM(found, t));
      }
    }
    expect(roundTrip.length).toBeGreaterThanOrEqual(8); // every plot in at least one frame, most in two or three
    console.log(`[demo location] ${drawn.length} plot sightings: median ${median(drawn).toFixed(3)} m, max ${Math.max(...drawn).toFixed(3)} m`);
    expect(median(roundTrip)).toBeLessThan(0.01);
    expect(median(drawn)).toBeLessThanOrEqual(0.5);
    // the colour centroid of an irregular plot (pots, a courtyard blob) is not its planted centre, and white stones
    // or pot rims beside a plot pull it further: the max is looser than the median
    expect(Math.max(...drawn)).toBeLessThan(2.5);
  });
});
