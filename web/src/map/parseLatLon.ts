/**
 * "lat, lon" as typed into the map search: decimal degrees separated by a comma (also the Chinese ，), a semicolon or
 * spaces; an optional ° and N/S/E/W (S and W negate). null when it is not a position on Earth.
 */
export function parseLatLon(text: string): { lat: number; lon: number } | null {
  const parts = text
    .trim()
    .replace(/[，；;]/g, ',')
    .split(/\s*,\s*|\s+/)
    .filter(Boolean);
  if (parts.length !== 2) return null;
  const values = parts.map((p) => {
    const m = /^([+-]?\d+(?:\.\d+)?)°?\s*([NSEW])?$/i.exec(p);
    if (!m) return null;
    const v = Number(m[1]);
    const hemi = m[2]?.toUpperCase();
    return { v: hemi === 'S' || hemi === 'W' ? -Math.abs(v) : v, hemi };
  });
  if (values.some((v) => v === null)) return null;
  let [a, b] = values as { v: number; hemi?: string }[];
  if ((a.hemi === 'E' || a.hemi === 'W') && (b.hemi === 'N' || b.hemi === 'S')) [a, b] = [b, a];
  const lat = a.v;
  const lon = b.v;
  if (!(Math.abs(lat) <= 90 && Math.abs(lon) <= 180)) return null;
  return { lat, lon };
}
