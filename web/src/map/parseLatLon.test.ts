import { describe, expect, it } from 'vitest';
import { parseLatLon } from './parseLatLon.js';

describe('parseLatLon', () => {
  it('reads the forms people type', () => {
    expect(parseLatLon('25.0412, 102.7123')).toEqual({ lat: 25.0412, lon: 102.7123 });
    expect(parseLatLon(' 25.0412 102.7123 ')).toEqual({ lat: 25.0412, lon: 102.7123 });
    expect(parseLatLon('25.0412，102.7123')).toEqual({ lat: 25.0412, lon: 102.7123 });
    expect(parseLatLon('-33.5, -70.25')).toEqual({ lat: -33.5, lon: -70.25 });
    expect(parseLatLon('25.1°N, 102.7°E')).toEqual({ lat: 25.1, lon: 102.7 });
    expect(parseLatLon('102.7E 25.1S')).toEqual({ lat: -25.1, lon: 102.7 });
  });
  it('refuses what is not a position', () => {
    for (const bad of ['', 'Kunming', '25.04', '95, 10', '10, 181', '1,2,3', '25.0a, 102']) expect(parseLatLon(bad)).toBeNull();
  });
});
