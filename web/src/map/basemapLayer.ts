// The basemap's Leaflet layer, set up once for both maps (review map, phone pin map).
import L from 'leaflet';
import type { BasemapSettings } from './basemap.js';
import { pmtilesLayer } from './pmtilesLayer.js';

/** XYZ tiles from the URL template, else the server's offline PMTiles archive; null when there is neither. */
export function basemapLayer(b: BasemapSettings): L.GridLayer | null {
  if (b.url) return L.tileLayer(b.url, { attribution: b.attribution, maxZoom: 20, crossOrigin: true });
  if (b.pmtiles) return pmtilesLayer(b.pmtiles, { attribution: b.attribution });
  return null;
}

/** 'ok' from the first tile that loads; 'unavailable' when tiles fail and none has loaded (offline, wrong URL). */
export function watchTiles(layer: L.GridLayer, onState: (state: 'ok' | 'unavailable') => void): void {
  let loaded = 0;
  layer.on('tileload', () => {
    loaded++;
    onState('ok');
  });
  layer.on('tileerror', () => {
    if (loaded === 0) onState('unavailable');
  });
}
