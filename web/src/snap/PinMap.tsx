import { useEffect, useRef, useState } from 'react';
import L from 'leaflet';
import { api } from '../api/client.js';
import type { AppConfig } from '../api/types.js';
import { effectiveBasemap, loadSavedBasemap, type BasemapSettings } from '../map/basemap.js';
import { basemapLayer, watchTiles } from '../map/basemapLayer.js';
import { fromMapLonLat, toMapLonLat } from '../map/gcj02.js';
import { t } from '../i18n/index.js';
import { setPlainPrefix } from '../map/attribution.js';
import { setZoomTitles } from '../map/zoomTitles.js';
import { useLang } from '../i18n/useLang.js';

interface Props {
  /** WGS-84 start point */
  start: { lat: number; lon: number };
  startZoom: number;
  /** the crosshair's WGS-84 position after every move */
  onMove: (lat: number, lon: number) => void;
  /** a position typed by the officer: the map recentres on it */
  goTo: { lat: number; lon: number; seq: number } | null;
}

/**
 * A small map with a fixed crosshair in the middle: the officer drags the map under it. Works with no tiles at
 * all (plain background, as offline) and says so; a configured basemap is used when it loads.
 */
export function PinMap({ start, startZoom, onMove, goTo }: Props) {
  const lang = useLang();
  const box = useRef<HTMLDivElement>(null);
  const map = useRef<L.Map | null>(null);
  const basemap = useRef<BasemapSettings>({ url: '', gcj02: false, attribution: '' });
  const [tilesOk, setTilesOk] = useState(false);
  const onMoveRef = useRef(onMove);
  onMoveRef.current = onMove;
  // A typed position is kept exactly: the map centre after setView is only that position to within a projection
  // round trip (1e-6°), which must not overwrite what the officer typed.
  const typedTarget = useRef<{ lat: number; lon: number; x: number; y: number } | null>(null);

  useEffect(() => {
    if (!box.current) return;
    const [x, y] = toMapLonLat(start.lon, start.lat, false);
    const m = L.map(box.current, { center: [y, x], zoom: startZoom, zoomControl: true, attributionControl: true, worldCopyJump: true });
    setPlainPrefix(m, null); // no Leaflet flag; the server's prefix once the config is in
    map.current = m;
    const report = () => {
      const c = m.getCenter();
      const target = typedTarget.current;
      if (target && Math.abs(c.lat - target.y) < 1e-5 && Math.abs(c.lng - target.x) < 1e-5) {
        onMoveRef.current(target.lat, target.lon);
        return;
      }
      typedTarget.current = null;
      const [lon, lat] = fromMapLonLat(L.Util.wrapNum(c.lng, [-180, 180], true), c.lat, basemap.current.gcj02);
      onMoveRef.current(lat, lon);
    };
    m.on('moveend', report);
    let live = true;
    api<AppConfig>('/api/config')
      .then((config) => {
        if (!live) return;
        setPlainPrefix(m, config.map?.attributionPrefix);
        const b = effectiveBasemap(config, loadSavedBasemap());
        basemap.current = b;
        const layer = basemapLayer(b);
        if (!layer) return;
        watchTiles(layer, (state) => setTilesOk(state === 'ok'));
        layer.addTo(m);
        if (b.gcj02) {
          const [gx, gy] = toMapLonLat(start.lon, start.lat, true);
          m.setView([gy, gx], m.getZoom(), { animate: false });
        }
      })
      .catch(() => undefined); // offline: plain background
    return () => {
      live = false;
      m.remove();
      map.current = null;
    };
    // The map is created once; later start values are ignored on purpose (goTo recentres).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    if (map.current) setZoomTitles(map.current);
  }, [lang]);

  useEffect(() => {
    if (!goTo || !map.current) return;
    const [x, y] = toMapLonLat(goTo.lon, goTo.lat, basemap.current.gcj02);
    typedTarget.current = { lat: goTo.lat, lon: goTo.lon, x, y };
    map.current.setView([y, x], Math.max(map.current.getZoom(), 15), { animate: false });
  }, [goTo]);

  return (
    <div className="pin-map">
      <div ref={box} className="pin-map-canvas" role="application" aria-label={t('snap.map.label')} data-testid="pin-map" />
      <div className="pin-map-crosshair" aria-hidden="true" />
      {!tilesOk && <p className="pin-map-note">{t('snap.map.basemapUnavailable')}</p>}
    </div>
  );
}
