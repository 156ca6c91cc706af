import express, { type Router } from 'express';
import { stringify } from 'csv-stringify/sync';
import type { AppDeps } from '../../appDeps.js';
import { requireRole } from '../../auth/middleware.js';
import { seasonCsvRows, seasonFigures } from '../../field/seasonFigures.js';
import { parseGeoFilters } from '../filters.js';

/**
 * The season's figures for the dashboard (reviewers, admins): sites found, confirmed and eradicated, plants
 * eradicated and area flown, by week and by flight. Filters `from`, `to`, `flight` as for sites.
 */
export function seasonRouter({ store }: AppDeps): Router {
  const router = express.Router();
  const figures = (query: unknown) => {
    const f = parseGeoFilters(query);
    return seasonFigures(store, { from: f.from, to: f.to, flightId: f.flight });
  };

  router.get('/stats/season', requireRole('reviewer'), async (req, res) => {
    res.json(await figures(req.query));
  });

  router.get('/stats/season.csv', requireRole('reviewer'), async (req, res) => {
    const s = await figures(req.query);
    res.locals.export = { format: 'season.csv', count: s.byWeek.length + s.byFlight.length, filters: s.filters };
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="poppywatch-season-${new Date().toISOString().slice(0, 10)}.csv"`);
    res.send(stringify(seasonCsvRows(s), { bom: true, record_delimiter: 'windows' }));
  });

  return router;
}
