/** Local tangent plane (east/north metres) around a point on the WGS-84 ellipsoid: exact to mm over a few km. */
const A = 6378137;
const E2 = 6.69437999014e-3;

function radii(latDeg: number): { meridional: number; normal: number } {
  const s = Math.sin((latDeg * Math.PI) / 180);
  const w = Math.sqrt(1 - E2 * s * s);
  return { meridional: (A * (1 - E2)) / (w * w * w), normal: A / w };
}

export function offsetToLatLon(origin: { lat: number; lon: number }, eastM: number, northM: number): { lat: number; lon: number } {
  const { meridional, normal } = radii(origin.lat);
  const lat = origin.lat + ((northM / meridional) * 180) / Math.PI;
  const lon = origin.lon + ((eastM / (normal * Math.cos((origin.lat * Math.PI) / 180))) * 180) / Math.PI;
  return { lat, lon: ((((lon + 180) % 360) + 360) % 360) - 180 };
}

export function latLonToOffset(origin: { lat: number; lon: number }, p: { lat: number; lon: number }): { eastM: number; northM: number } {
  const { meridional, normal } = radii(origin.lat);
  let dLon = p.lon - origin.lon;
  if (dLon > 180) dLon -= 360;
  if (dLon < -180) dLon += 360;
  return {
    eastM: ((dLon * Math.PI) / 180) * normal * Math.cos((origin.lat * Math.PI) / 180),
    northM: (((p.lat - origin.lat) * Math.PI) / 180) * meridional,
  };
}

/** Ground distance in metres between two nearby points (local plane at the first). */
export function distanceM(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const o = latLonToOffset(a, b);
  return Math.hypot(o.eastM, o.northM);
}

/** The lat/lon box ±radiusM around a point: a coarse pre-filter (SQL BETWEEN); measure the exact distance after. */
export function boxAround(p: { lat: number; lon: number }, radiusM: number): { south: number; north: number; west: number; east: number } {
  const ne = offsetToLatLon(p, radiusM, radiusM);
  const sw = offsetToLatLon(p, -radiusM, -radiusM);
  return { south: sw.lat, north: ne.lat, west: sw.lon, east: ne.lon };
}
