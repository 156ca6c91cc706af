import { describe, expect, it } from 'vitest';
import { fromMapLonLat, gcj02ToWgs84, toMapLonLat, wgs84ToGcj02 } from './gcj02.js';

describe('GCJ-02, once for both maps and the map links', () => {
  it('shifts a Yunnan position by a few hundred metres and back to within a few centimetres', () => {
    const p = { lat: 25.0433, lon: 102.7106 };
    const g = wgs84ToGcj02(p);
    expect(g.lon - p.lon).toBeGreaterThan(0.001);
    expect(Math.abs(g.lat - p.lat)).toBeGreaterThan(0.0001);
    const back = gcj02ToWgs84(g);
    expect(Math.abs(back.lat - p.lat)).toBeLessThan(1e-6);
    expect(Math.abs(back.lon - p.lon)).toBeLessThan(1e-6);
  });

  it('draws WGS-84 unchanged on a WGS-84 basemap, shifted on a GCJ-02 one, and reads a picked point back', () => {
    expect(toMapLonLat(102.7106, 25.0433, false)).toEqual([102.7106, 25.0433]);
    expect(fromMapLonLat(102.7106, 25.0433, false)).toEqual([102.7106, 25.0433]);
    const [x, y] = toMapLonLat(102.7106, 25.0433, true);
    expect([x, y]).toEqual([wgs84ToGcj02({ lat: 25.0433, lon: 102.7106 }).lon, wgs84ToGcj02({ lat: 25.0433, lon: 102.7106 }).lat]);
    const [lon, lat] = fromMapLonLat(x, y, true);
    expect(lon).toBeCloseTo(102.7106, 6);
    expect(lat).toBeCloseTo(25.0433, 6);
  });
});
