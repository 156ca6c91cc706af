import express, { type Router } from 'express';
import type { AppDeps } from '../../appDeps.js';
import { requireRole } from '../../auth/middleware.js';
import { HttpError } from '../errors.js';
import { parseGeoFilters } from '../filters.js';
import { toCsv, toGeoJson, toGpx, toKml, type ExportRow } from '../exportFormats.js';
import { exportFlightName, exportLang, exportTitle, type ExportLang } from '../exportText.js';

const FORMATS = {
  geojson: { type: 'application/geo+json; charset=utf-8', render: (rows: ExportRow[]) => toGeoJson(rows) },
  kml: { type: 'application/vnd.google-earth.kml+xml; charset=utf-8', render: (rows: ExportRow[], title: string, lang: ExportLang) => toKml(rows, title, lang) },
  csv: { type: 'text/csv; charset=utf-8', render: (rows: ExportRow[]) => toCsv(rows) },
  gpx: { type: 'application/gpx+xml; charset=utf-8', render: (rows: ExportRow[], title: string, lang: ExportLang) => toGpx(rows, title, lang) },
} as const;

export function exportsRouter({ store }: AppDeps): Router {
  const router = express.Router();
  router.get('/exports/:file', requireRole('reviewer'), async (req, res) => {
    const m = /^sites\.(geojson|kml|csv|gpx)$/.exec(String(req.params.file));
    if (!m) throw new HttpError(404, 'unknown_export', 'Exports are sites.geojson, sites.kml, sites.csv and sites.gpx.');
    const format = FORMATS[m[1] as keyof typeof FORMATS];
    // `lang` picks the language of the words inside the file; it is not a filter
    const { lang: queryLang, ...query } = req.query as Record<string, unknown>;
    const lang = exportLang(queryLang, req.get('accept-language'));
    const filters = parseGeoFilters(query, { status: ['confirmed'] });
    const flightNames = new Map<number, string>();
    const rows: ExportRow[] = [];
    for (const s of await store.sites.list(filters)) {
      let flightName: string | null = null;
      if (s.flightId != null) {
        if (!flightNames.has(s.flightId)) flightNames.set(s.flightId, exportFlightName(await store.flights.get(s.flightId), lang) ?? '');
        flightName = flightNames.get(s.flightId) || null;
      }
      const officerNote = s.source === 'phone' ? ((await store.snaps.listBySite(s.id))[0]?.note ?? null) : null;
      rows.push({ ...s, flightName, officerNote });
    }
    const stamp = new Date().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
    const statusLabel = filters.status ? filters.status.join('+') : 'all';
    const title = exportTitle(statusLabel, new Date().toISOString().slice(0, 10), lang);
    res.locals.export = { format: m[1], count: rows.length, filters };
    res.setHeader('Content-Type', format.type);
    res.setHeader('Content-Disposition', `attachment; filename="poppywatch-sites-${statusLabel}-${stamp}.${m[1]}"`);
    res.setHeader('X-Export-Count', String(rows.length));
    res.send(format.render(rows, title, lang));
  });
  return router;
}
