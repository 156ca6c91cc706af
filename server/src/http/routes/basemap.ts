import fs from 'node:fs';
import express, { type Router } from 'express';
import type { AppDeps } from '../../appDeps.js';
import { requireRole } from '../../auth/middleware.js';
import { HttpError } from '../errors.js';

/** Where the browser reads the offline basemap (POPPY_BASEMAP_PMTILES), relative to the site root. */
export const BASEMAP_PMTILES_PATH = '/api/basemap.pmtiles';

/**
 * The local PMTiles archive, whole or by byte range (the `pmtiles` reader in the browser asks for the header,
 * directories and single tiles with Range requests, so a county file is never downloaded whole).
 */
export function basemapRouter({ config }: AppDeps): Router {
  const router = express.Router();
  router.get('/basemap.pmtiles', requireRole(), (_req, res) => {
    const file = config.basemap.pmtiles;
    if (!file) throw new HttpError(404, 'no_basemap', 'No offline basemap is configured (POPPY_BASEMAP_PMTILES).');
    if (!fs.existsSync(file)) throw new HttpError(404, 'basemap_missing', 'The offline basemap file named by POPPY_BASEMAP_PMTILES is missing.');
    res.setHeader('Cache-Control', 'private, max-age=3600');
    res.type('application/vnd.pmtiles');
    res.sendFile(file, { acceptRanges: true, lastModified: true, etag: true });
  });
  return router;
}
