// The offline basemap: raster tiles read from a local PMTiles archive (served by our server with byte ranges).
// Tiles are decoded into canvases, so no blob: URLs are needed.
import L from 'leaflet';
import { PMTiles } from 'pmtiles';

class PmtilesLayer extends L.GridLayer {
  constructor(
    private archive: PMTiles,
    options: L.GridLayerOptions,
  ) {
    super(options);
  }

  protected createTile(coords: L.Coords, done: L.DoneCallback): HTMLElement {
    const canvas = document.createElement('canvas');
    canvas.width = 256;
    canvas.height = 256;
    (async () => {
      // past the archive's deepest zoom, draw the enlarged part of the deepest tile
      const { maxZoom } = await this.archive.getHeader();
      const z = Math.min(coords.z, maxZoom);
      const shift = coords.z - z;
      const tile = await this.archive.getZxy(z, coords.x >> shift, coords.y >> shift);
      if (!tile) {
        done(undefined, canvas); // outside the archive: an empty tile, not an error
        return;
      }
      const bitmap = await createImageBitmap(new Blob([tile.data]));
      const ctx = canvas.getContext('2d')!;
      const n = 1 << shift;
      const size = 256 / n;
      ctx.imageSmoothingEnabled = shift === 0;
      ctx.drawImage(bitmap, (coords.x % n) * size, (coords.y % n) * size, size, size, 0, 0, 256, 256);
      bitmap.close();
      done(undefined, canvas);
    })().catch((err: unknown) => done(err instanceof Error ? err : new Error(String(err)), canvas));
    return canvas;
  }
}

export function pmtilesLayer(url: string, options: L.GridLayerOptions = {}): L.GridLayer {
  return new PmtilesLayer(new PMTiles(url), { tileSize: 256, maxZoom: 20, ...options });
}
