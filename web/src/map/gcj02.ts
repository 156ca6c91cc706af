// WGS-84 ⇄ GCJ-02, once for the whole web app. AutoNavi/Baidu-style tiles are drawn in GCJ-02 (China's offset
// datum), so WGS-84 positions are shifted to sit on them, and a point picked on such a map is shifted back; the
// 高德 and Baidu map links take GCJ-02 too. Positions are stored and sent in WGS-84 only.
import gcoord from 'gcoord';

export interface LatLon {
  lat: number;
  lon: number;
}

export function wgs84ToGcj02(p: LatLon): LatLon {
  const [lon, lat] = gcoord.transform([p.lon, p.lat], gcoord.WGS84, gcoord.GCJ02) as [number, number];
  return { lat, lon };
}

export function gcj02ToWgs84(p: LatLon): LatLon {
  const [lon, lat] = gcoord.transform([p.lon, p.lat], gcoord.GCJ02, gcoord.WGS84) as [number, number];
  return { lat, lon };
}

/** [lon, lat] WGS-84 → what to draw on the basemap. */
export function toMapLonLat(lon: number, lat: number, gcj02: boolean): [number, number] {
  if (!gcj02) return [lon, lat];
  const g = wgs84ToGcj02({ lat, lon });
  return [g.lon, g.lat];
}

/** [lon, lat] on the basemap → WGS-84. */
export function fromMapLonLat(lon: number, lat: number, gcj02: boolean): [number, number] {
  if (!gcj02) return [lon, lat];
  const w = gcj02ToWgs84({ lat, lon });
  return [w.lon, w.lat];
}
