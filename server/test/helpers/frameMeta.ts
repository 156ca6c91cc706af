import type { FrameMetadata } from '../../src/pipeline/metadata.js';

/** A DJI Phantom 3 (FC300X) nadir frame's metadata at 40 m over Yunnan; tests override what they are about. */
export function djiFrameMeta(over: Partial<FrameMetadata> = {}): FrameMetadata {
  return {
    width: 4000,
    height: 3000,
    orientation: 1,
    make: 'DJI',
    model: 'FC300X',
    focalLengthMm: 3.61,
    focalLength35mm: 20,
    focalPlaneSensorWidthMm: null,
    takenAtLocal: null,
    takenAtUtc: null,
    gps: { lat: 25, lon: 102, altitudeM: 1930 },
    gpsReason: null,
    relativeAltitudeM: 40,
    absoluteAltitudeM: 1930,
    gimbal: { yawDeg: 90, pitchDeg: -90, rollDeg: 0 },
    flight: { yawDeg: 91, pitchDeg: 0, rollDeg: 0 },
    ...over,
  };
}
