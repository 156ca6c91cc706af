// Where the pin map opens when the phone has no position and no last position: the area of the latest flight.
import { api } from '../api/client.js';
import type { FeatureCollection, Flight } from '../api/types.js';

/** The middle of the newest flight's frames (footprints or track); null when there is no flight with positions. */
export async function latestFlightArea(): Promise<{ lat: number; lon: number } | null> {
  const { flights } = await api<{ flights: Flight[] }>('/api/flights');
  for (const f of flights.slice(0, 5)) {
    const fc = await api<FeatureCollection>(`/api/flights/${encodeURIComponent(String(f.id))}/footprints`);
    const points: [number, number][] = fc.features.flatMap((ft) =>
      ft.geometry.type === 'Point' ? [ft.geometry.coordinates] : ft.geometry.type === 'LineString' ? ft.geometry.coordinates : ft.geometry.coordinates[0],
    );
    if (points.length === 0) continue;
    const lon = points.reduce((s, p) => s + p[0], 0) / points.length;
    const lat = points.reduce((s, p) => s + p[1], 0) / points.length;
    return { lat, lon };
  }
  return null;
}
