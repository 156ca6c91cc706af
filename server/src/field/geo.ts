import gcoordModule from 'gcoord';

// gcoord is CommonJS: under NodeNext its typings put the API on .default, while Node hands the object itself over.
const gcoord = ((gcoordModule as unknown as { default?: unknown }).default ?? gcoordModule) as unknown as {
  transform(p: [number, number], from: string, to: string): [number, number];
  WGS84: string;
  GCJ02: string;
};
import { latLonToOffset } from '../pipeline/geodesy.js';

export interface LatLon {
  lat: number;
  lon: number;
}

/** WGS-84 → GCJ-02 (the "Mars" datum of AutoNavi/Amap, Tencent; Baidu's BD-09 starts from it). Unchanged outside China. */
export function toGcj02(p: LatLon): LatLon {
  const [lon, lat] = gcoord.transform([p.lon, p.lat], gcoord.WGS84, gcoord.GCJ02);
  return { lat, lon };
}

/** 25°07'24.4"N 102°42'10.1"E */
export function dms(p: LatLon): string {
  const part = (v: number, pos: string, neg: string) => {
    const a = Math.abs(v);
    let d = Math.floor(a);
    let m = Math.floor((a - d) * 60);
    let s = Math.round(((a - d) * 60 - m) * 600) / 10;
    if (s >= 60) (s -= 60), (m += 1);
    if (m >= 60) (m -= 60), (d += 1);
    return `${d}°${String(m).padStart(2, '0')}'${s.toFixed(1).padStart(4, '0')}"${v >= 0 ? pos : neg}`;
  };
  return `${part(p.lat, 'N', 'S')} ${part(p.lon, 'E', 'W')}`;
}

export const decimal = (p: LatLon) => `${p.lat.toFixed(6)}, ${p.lon.toFixed(6)}`;

const COMPASS = ['N', 'NE', 'E', 'SE', 'S', 'SW', 'W', 'NW'];
const COMPASS_ZH = ['北', '东北', '东', '东南', '南', '西南', '西', '西北'];

/** Distance (m) and bearing (degrees from north, clockwise) from `from` to `to`. */
export function distanceBearing(from: LatLon, to: LatLon): { distanceM: number; bearingDeg: number; compass: string; compassZh: string } {
  const o = latLonToOffset(from, to);
  const bearingDeg = ((Math.atan2(o.eastM, o.northM) * 180) / Math.PI + 360) % 360;
  const i = Math.round(bearingDeg / 45) % 8;
  return { distanceM: Math.hypot(o.eastM, o.northM), bearingDeg, compass: COMPASS[i], compassZh: COMPASS_ZH[i] };
}
