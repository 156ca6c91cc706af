// Basemap settings: the server's default (/api/config, from POPPY_BASEMAP_URL) unless the user saved their own.
// AutoNavi/Baidu-style tiles are drawn in GCJ-02, so WGS-84 overlays are shifted to sit on them (gcj02.ts).
import type { AppConfig } from '../api/types.js';

export interface BasemapSettings {
  url: string;
  gcj02: boolean;
  attribution: string;
  /** a PMTiles archive URL (the server's offline basemap); used when `url` is empty */
  pmtiles?: string;
}

const STORAGE_KEY = 'poppywatch.basemap';

export function loadSavedBasemap(): BasemapSettings | null {
  try {
    const raw = globalThis.localStorage?.getItem(STORAGE_KEY);
    if (!raw) return null;
    const v = JSON.parse(raw) as Partial<BasemapSettings>;
    return { url: String(v.url ?? ''), gcj02: Boolean(v.gcj02), attribution: String(v.attribution ?? '') };
  } catch {
    return null;
  }
}

export function saveBasemap(settings: BasemapSettings | null): void {
  try {
    if (settings) globalThis.localStorage?.setItem(STORAGE_KEY, JSON.stringify(settings));
    else globalThis.localStorage?.removeItem(STORAGE_KEY);
  } catch {
    /* storage unavailable: the setting lasts for this page */
  }
}

export function effectiveBasemap(config: AppConfig | null, saved: BasemapSettings | null): BasemapSettings {
  if (saved) return saved;
  const b = config?.basemap;
  return { url: b?.url ?? '', gcj02: Boolean(b?.gcj02), attribution: b?.attribution ?? '', pmtiles: b?.pmtiles ?? undefined };
}

/** A tile URL template Leaflet can use: http(s) or a relative path, with {z}, {x} and {y}. */
export function isValidTileUrl(url: string): boolean {
  if (!url) return true;
  if (!/\{z\}/.test(url) || !/\{x\}/.test(url) || !/\{y\}/.test(url)) return false;
  return /^(https?:\/\/|\/)/i.test(url);
}
