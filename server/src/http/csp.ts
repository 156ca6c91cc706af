import type { Config } from '../config.js';

/** The origin of a Leaflet tile URL template, with `{s}` subdomains as a wildcard. */
export function basemapOrigin(template: string | null): string | null {
  if (!template) return null;
  const m = /^(https?:)\/\/([^/]+)/i.exec(template);
  if (!m) return null;
  const host = m[2].replace(/\{[^}]*\}/g, '*').replace(/^\*[^.]*\./, '*.');
  return `${m[1]}//${host}`;
}

/** CSP for the review app and snap page: our own scripts only; map tiles from the configured basemap. */
export function contentSecurityPolicy(config: Pick<Config, 'basemap'>): Record<string, string[]> {
  const tiles = basemapOrigin(config.basemap.url);
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    // Leaflet positions markers and tiles with inline styles
    'style-src': ["'self'", "'unsafe-inline'"],
    // any https tile server: reviewers may switch the basemap in the app's settings; images cannot run code
    'img-src': ["'self'", 'data:', 'blob:', 'https:', ...(tiles && !tiles.startsWith('https:') ? [tiles] : [])],
    'connect-src': ["'self'"],
    'worker-src': ["'self'", 'blob:'],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'frame-ancestors': ["'none'"],
    'form-action': ["'self'"],
  };
}
