// Frame footprints (GET /api/flights/:id/footprints) → what the map draws as imagery and lists per flight.
import type { FeatureCollection, GeoFeature } from '../api/types.js';
import type { FrameOverlaySpec } from './frameOverlays.js';

interface FootprintProps {
  kind?: string;
  imageId?: number | string;
  flightId?: number | string;
  overlayUrl?: string;
  width?: number | null;
  height?: number | null;
  offNadirDeg?: number | null;
  takenAt?: string | null;
  status?: string;
}

function footprints(fc: FeatureCollection | null): { f: GeoFeature; p: FootprintProps }[] {
  return (fc?.features ?? [])
    .filter((f) => f.geometry.type === 'Polygon' && (f.properties as FootprintProps | null)?.kind === 'footprint')
    .map((f) => ({ f, p: f.properties as FootprintProps }));
}

export function imageryFrom(fc: FeatureCollection | null, flights: Set<string>): FrameOverlaySpec[] {
  const out: FrameOverlaySpec[] = [];
  for (const { f, p } of footprints(fc)) {
    if (p.flightId == null || !flights.has(String(p.flightId)) || !p.overlayUrl || !p.width || !p.height) continue;
    const ring = (f.geometry as { coordinates: [number, number][][] }).coordinates[0];
    if (!ring || ring.length < 4) continue;
    out.push({
      imageId: String(p.imageId),
      flightId: String(p.flightId),
      url: p.overlayUrl,
      corners: ring.slice(0, 4),
      aspect: p.width / p.height,
      offNadirDeg: p.offNadirDeg ?? null,
    });
  }
  return out;
}

export function firstTakenByFlight(fc: FeatureCollection | null): Map<string, string> {
  const out = new Map<string, string>();
  for (const { p } of footprints(fc)) {
    if (p.flightId == null || !p.takenAt) continue;
    const k = String(p.flightId);
    const cur = out.get(k);
    if (!cur || p.takenAt < cur) out.set(k, p.takenAt);
  }
  return out;
}

export function framesByFlight(fc: FeatureCollection | null): Map<string, number> {
  const out = new Map<string, number>();
  for (const { p } of footprints(fc)) if (p.flightId != null) out.set(String(p.flightId), (out.get(String(p.flightId)) ?? 0) + 1);
  return out;
}
