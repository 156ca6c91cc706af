import type L from 'leaflet';
import { t } from '../i18n/index.js';

/** Leaflet's +/− buttons say "Zoom in"/"Zoom out" in English; this puts the UI language on them (title and label). */
export function setZoomTitles(map: L.Map): void {
  const box = map.getContainer();
  for (const [cls, key] of [['leaflet-control-zoom-in', 'common.zoomIn'], ['leaflet-control-zoom-out', 'common.zoomOut']] as const) {
    const button = box.querySelector<HTMLElement>(`.${cls}`);
    if (!button) continue;
    button.title = t(key);
    button.setAttribute('aria-label', t(key));
  }
}
