// Each processed frame drawn on the map: a downscaled image whose four stored pixel corners are pinned to the
// footprint's four ground corners with a CSS projective transform, so yaw (and any tilt) is honoured. Frames that
// look more nearly straight down are drawn on top where frames overlap.
import L from 'leaflet';
import { cssMatrix3d, homography, type Pt } from './homography.js';

export interface FrameOverlaySpec {
  imageId: string;
  flightId: string;
  url: string;
  /** [lon, lat] of the stored pixel corners: top-left, top-right, bottom-right, bottom-left (already on the basemap's datum) */
  corners: [number, number][];
  /** stored pixel aspect (width / height) */
  aspect: number;
  /** degrees off straight down; unknown counts as oblique */
  offNadirDeg: number | null;
}

/** Local CSS size of an overlay image; the transform scales it to the ground. */
const BASE_W = 1000;
export const IMAGERY_PANE = 'imagery';

/** Stacking order: straight-down frames on top, then by tilt. */
export function nadirZIndex(offNadirDeg: number | null): number {
  return 1000 - Math.round(Math.min(90, offNadirDeg ?? 90) * 10);
}

export class FrameOverlayLayer extends L.Layer {
  private images = new Map<string, { spec: FrameOverlaySpec; img: HTMLImageElement }>();
  private mapRef: L.Map | null = null;

  constructor(private specs: FrameOverlaySpec[]) {
    super();
  }

  onAdd(map: L.Map): this {
    this.mapRef = map;
    if (!map.getPane(IMAGERY_PANE)) {
      // above the basemap tiles (200), below footprints, sites and markers (400+)
      map.createPane(IMAGERY_PANE).style.zIndex = '250';
    }
    const pane = map.getPane(IMAGERY_PANE)!;
    for (const spec of this.specs) {
      const img = document.createElement('img');
      img.className = 'frame-overlay leaflet-zoom-hide';
      img.alt = '';
      img.decoding = 'async';
      img.loading = 'eager';
      img.draggable = false;
      img.dataset.imageId = spec.imageId;
      img.dataset.flightId = spec.flightId;
      img.style.width = `${BASE_W}px`;
      img.style.height = `${BASE_W / spec.aspect}px`;
      img.style.zIndex = String(nadirZIndex(spec.offNadirDeg));
      img.src = spec.url;
      pane.appendChild(img);
      this.images.set(spec.imageId, { spec, img });
    }
    map.on('zoomend viewreset', this.place, this);
    this.place();
    return this;
  }

  onRemove(map: L.Map): this {
    map.off('zoomend viewreset', this.place, this);
    for (const { img } of this.images.values()) img.remove();
    this.images.clear();
    this.mapRef = null;
    return this;
  }

  private place(): void {
    const map = this.mapRef;
    if (!map) return;
    for (const { spec, img } of this.images.values()) {
      const h = BASE_W / spec.aspect;
      const src: Pt[] = [[0, 0], [BASE_W, 0], [BASE_W, h], [0, h]];
      const dst = spec.corners.slice(0, 4).map(([lon, lat]) => {
        const p = map.latLngToLayerPoint([lat, lon]);
        return [p.x, p.y] as Pt;
      });
      const m = homography(src, dst);
      if (!m) {
        img.style.display = 'none';
        continue;
      }
      img.style.display = '';
      img.style.transform = cssMatrix3d(m);
    }
  }
}
