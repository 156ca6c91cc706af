// What a flight will be able to see, from the metadata of frames just uploaded (before they are processed).
import path from 'node:path';
import { cameraModel, type FlightOverrides } from '../pipeline/camera.js';
import { readMetadata } from '../pipeline/metadata.js';

/** Median height above ground and ground resolution of up to `sample` frames; nulls when none can say. */
export async function estimateFromFrames(
  originalsDir: string,
  sha256s: string[],
  overrides: FlightOverrides,
  modelGsdCmPerPx: number,
  sample = 3,
): Promise<{ heightAboveGroundM: number | null; gsdCmPerPx: number | null }> {
  const heights: number[] = [];
  const gsds: number[] = [];
  for (const sha of sha256s.slice(0, sample)) {
    try {
      const camera = cameraModel(await readMetadata(path.join(originalsDir, sha)), overrides, { modelGsdCmPerPx });
      if (camera.heightAboveGroundM != null) heights.push(camera.heightAboveGroundM);
      if (camera.gsdCmPerPx != null) gsds.push(camera.gsdCmPerPx);
    } catch {
      // an unreadable frame says nothing here; processing reports it
    }
  }
  const median = (v: number[]) => (v.length ? [...v].sort((a, b) => a - b)[v.length >> 1] : null);
  return { heightAboveGroundM: median(heights), gsdCmPerPx: median(gsds) };
}
