import type L from 'leaflet';

/** Default text in front of the map attribution when the server names none (no Leaflet flag icon). */
export const DEFAULT_ATTRIBUTION_PREFIX = 'PoppyWatch';

/** Sets the attribution prefix as plain text (configured by an administrator, never interpreted as HTML). */
export function setPlainPrefix(map: L.Map, prefix: string | null | undefined): void {
  const text = (prefix ?? DEFAULT_ATTRIBUTION_PREFIX).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  map.attributionControl?.setPrefix(text || false);
}
