// Where a task is from the phone, and links that open it in the phone's map apps. AutoNavi (高德) and Baidu take
// GCJ-02 coordinates; the geo: URI (Android, most map apps) takes WGS-84.
import { wgs84ToGcj02 as toGcj02, type LatLon } from '../../map/gcj02.js';

export { toGcj02, type LatLon };

const R = 6_371_008.8;
const rad = (d: number) => (d * Math.PI) / 180;

/** Great-circle distance (m) and initial bearing (degrees clockwise from north). */
export function distanceBearing(from: LatLon, to: LatLon): { distanceM: number; bearingDeg: number } {
  const φ1 = rad(from.lat);
  const φ2 = rad(to.lat);
  const dφ = φ2 - φ1;
  const dλ = rad(to.lon - from.lon);
  const a = Math.sin(dφ / 2) ** 2 + Math.cos(φ1) * Math.cos(φ2) * Math.sin(dλ / 2) ** 2;
  const distanceM = 2 * R * Math.asin(Math.min(1, Math.sqrt(a)));
  const y = Math.sin(dλ) * Math.cos(φ2);
  const x = Math.cos(φ1) * Math.sin(φ2) - Math.sin(φ1) * Math.cos(φ2) * Math.cos(dλ);
  return { distanceM, bearingDeg: ((Math.atan2(y, x) * 180) / Math.PI + 360) % 360 };
}

export const COMPASS_POINTS = ['N', 'NE', 'E', 'SE', 'S', 'SW', 'W', 'NW'] as const;
export const compassPoint = (bearingDeg: number) => COMPASS_POINTS[Math.round(bearingDeg / 45) % 8];

export const fixed6 = (p: LatLon) => `${p.lat.toFixed(6)}, ${p.lon.toFixed(6)}`;

/** RFC 5870 geo: URI with a label (Android shows it as a pin). */
export function geoUri(p: LatLon, label: string): string {
  const c = `${p.lat.toFixed(6)},${p.lon.toFixed(6)}`;
  return `geo:${c}?q=${c}(${encodeURIComponent(label)})`;
}

/** AutoNavi's URI API: opens the 高德 app when installed (callnative), else its web map. Takes GCJ-02. */
export function amapUri(p: LatLon, label: string): string {
  const g = toGcj02(p);
  return `https://uri.amap.com/marker?position=${g.lon.toFixed(6)},${g.lat.toFixed(6)}&name=${encodeURIComponent(label)}&src=poppywatch&coordinate=gaode&callnative=1`;
}

/** Baidu's URI API with coord_type=gcj02 (Baidu converts to its own BD-09). */
export function baiduUri(p: LatLon, label: string): string {
  const g = toGcj02(p);
  return `https://api.map.baidu.com/marker?location=${g.lat.toFixed(6)},${g.lon.toFixed(6)}&title=${encodeURIComponent(label)}&content=${encodeURIComponent(label)}&coord_type=gcj02&output=html&src=webapp.poppywatch`;
}

/** Nearest first when the phone knows where it is; else by due date (undated last), then site id. */
export function sortTasks<T extends LatLon & { dueDate: string | null; siteId: number }>(tasks: T[], here: LatLon | null): (T & { distanceM: number | null; bearingDeg: number | null })[] {
  const withDist = tasks.map((t) => {
    const d = here ? distanceBearing(here, t) : null;
    return { ...t, distanceM: d?.distanceM ?? null, bearingDeg: d?.bearingDeg ?? null };
  });
  return withDist.sort((a, b) =>
    a.distanceM != null && b.distanceM != null
      ? a.distanceM - b.distanceM
      : (a.dueDate ?? '9999').localeCompare(b.dueDate ?? '9999') || a.siteId - b.siteId,
  );
}
