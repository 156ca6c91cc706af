// Whether a flight's ground resolution lets the model see a flower head, and how low to fly when it does not.

import type { Visibility, VisibilityLevel } from '../domain/contract.js';

export type { Visibility, VisibilityLevel } from '../domain/contract.js';

/** Size of the flower head the advice is about: an opium poppy flower is 5–10 cm across; 6 cm is a small one. */
export const FLOWER_DIAMETER_CM = 6;

const r1 = (v: number) => Math.round(v * 10) / 10;

/**
 * Ground resolution scales with height for a given camera, so the height that gives the model's resolution is
 * height × modelGsd / gsd. Good: at or finer than the model's resolution; marginal: up to 1.5× coarser (frames are
 * upsampled, heads blur); too coarse beyond that.
 */
export function visibilityVerdict(gsdCmPerPx: number | null, heightAboveGroundM: number | null, modelGsdCmPerPx: number): Visibility {
  const flowerCm = FLOWER_DIAMETER_CM;
  if (gsdCmPerPx == null || !(gsdCmPerPx > 0)) {
    return {
      level: 'unknown',
      gsdCmPerPx: null,
      flowerCm,
      flowerPx: null,
      modelGsdCmPerPx,
      flyBelowM: null,
      message: 'The ground resolution of this flight is unknown (no height above ground or camera size): give the flight altitude and sensor width.',
    };
  }
  const flowerPx = r1(flowerCm / gsdCmPerPx);
  const flyBelowM = heightAboveGroundM != null && heightAboveGroundM > 0 ? Math.floor((heightAboveGroundM * modelGsdCmPerPx) / gsdCmPerPx) : null;
  const level: VisibilityLevel = gsdCmPerPx <= modelGsdCmPerPx * 1.05 ? 'good' : gsdCmPerPx <= modelGsdCmPerPx * 1.5 ? 'marginal' : 'too_coarse';
  const size = `at ${r1(gsdCmPerPx)} cm/px a ${flowerCm} cm flower is ${flowerPx < 2 ? 'under 2' : `about ${flowerPx}`} px across`;
  const advice =
    level === 'good'
      ? `fine for the model (it looks at ${modelGsdCmPerPx} cm/px)`
      : flyBelowM != null
        ? `fly below ${flyBelowM} m for this camera (the model looks at ${modelGsdCmPerPx} cm/px)`
        : `fly lower: the model looks at ${modelGsdCmPerPx} cm/px`;
  return { level, gsdCmPerPx: r1(gsdCmPerPx), flowerCm, flowerPx, modelGsdCmPerPx, flyBelowM, message: `${size[0].toUpperCase()}${size.slice(1)} — ${advice}.` };
}
