import type { FrameResult } from '../pipeline/detectFrame.js';
import type { FrameFacts } from '../store/images.js';
import { modelVersionOf } from '../domain/modelVersion.js';

/** What the store keeps about a processed frame (the pipeline's result, flattened). */
export function frameFacts(r: FrameResult): FrameFacts {
  const m = r.metadata;
  return {
    width: m.width,
    height: m.height,
    orientation: m.orientation,
    takenAt: m.takenAtUtc ?? m.takenAtLocal,
    lat: r.camera.position?.lat ?? null,
    lon: r.camera.position?.lon ?? null,
    located: r.camera.position != null,
    unlocatedReason: r.camera.unlocatedReason ?? (r.camera.position ? null : m.gpsReason),
    footprint: r.footprint ? { type: 'Polygon', coordinates: [r.footprint.map(([lon, lat]) => [lon, lat])] } : null,
    metadata: m,
    camera: r.camera,
    timings: { ...r.stats, resampleScale: r.plan.scale },
    modelVersion: modelVersionOf(r.model),
  };
}
