/**
 * The one rule for a usable WGS-84 position, for frames' EXIF, snaps' EXIF and positions a phone sends: finite, in
 * range, and not (0,0). Cameras and phones write (0,0) (or a few ten-thousandths of a second from it) before their
 * receiver has a fix; nobody flies or walks for poppies in the Gulf of Guinea, so a position within NO_FIX_DEG of
 * (0,0) in both coordinates is treated as no position at all. A point on the equator or the prime meridian alone
 * (Quito, Accra) is a real place and stays usable.
 */
export const NO_FIX_DEG = 1e-6;

/** Why a position is not usable, or null when it is. */
export function positionProblem(lat: number, lon: number): string | null {
  if (!Number.isFinite(lat) || !Number.isFinite(lon)) return 'GPS position is incomplete or not a number';
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180) return `GPS position out of range (${lat}, ${lon})`;
  if (Math.abs(lat) < NO_FIX_DEG && Math.abs(lon) < NO_FIX_DEG) return 'GPS position is (0, 0): no fix when the photo was taken';
  return null;
}

export const isUsablePosition = (lat: number, lon: number): boolean => positionProblem(lat, lon) === null;
