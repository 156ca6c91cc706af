import express, { type Router } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../../appDeps.js';
import { requireRole } from '../../auth/middleware.js';
import { findCjkFont, renderTaskSheets } from '../../field/taskSheet.js';
import { FIELD_STATES } from '../../store/field.js';
import type { Site } from '../../store/types.js';
import { HttpError } from '../errors.js';
import { parseGeoFilters } from '../filters.js';
import { parse } from '../validate.js';

export const MAX_SHEETS = 200;
const OPEN = ['none', 'assigned', 'visited'] as const;

const SheetQuery = z.object({
  state: z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(z.enum(['open', 'all', 'none', ...FIELD_STATES], { error: `state must be open, all, none or ${FIELD_STATES.join(', ')}` })))
    .optional(),
  assignee: z.string().max(100).optional(),
  sites: z
    .string()
    .regex(/^\d{1,15}(,\d{1,15})*$/, 'sites must be a comma list of site ids')
    .transform((s) => s.split(',').map(Number))
    .optional(),
});

/**
 * GET /api/exports/tasks.pdf (reviewers, admins): printable task sheets, one page per confirmed site. Filters as
 * for sites (flight, from, to, bbox, minScore, source) plus `state` (field state list; default open = not yet
 * assigned, assigned, visited; `all`), `assignee` and `sites` (ids).
 */
export function taskSheetsRouter({ store, config }: AppDeps): Router {
  const router = express.Router();
  router.get('/exports/tasks.pdf', requireRole('reviewer'), async (req, res) => {
    const { state, assignee, sites: ids, ...geoQuery } = (req.query ?? {}) as Record<string, unknown>;
    const q = parse(SheetQuery, { state, assignee, sites: ids }, 'task sheet filter');
    const filters = parseGeoFilters(geoQuery, { status: ['confirmed'] });
    filters.status = ['confirmed'];
    const wanted = new Set<string>(!q.state || q.state.includes('open') ? OPEN : q.state.includes('all') ? ['none', ...FIELD_STATES] : q.state);
    const idSet = q.sites ? new Set(q.sites) : null;
    const sites: Site[] = [];
    for (const s of await store.sites.list(filters)) {
      if (idSet && !idSet.has(s.id)) continue;
      const task = await store.field.get(s.id);
      if (!wanted.has(task?.state ?? 'none')) continue;
      if (!q.assignee || task?.assignee?.toLowerCase() === q.assignee.toLowerCase()) sites.push(s);
    }
    if (sites.length === 0) throw new HttpError(404, 'no_sites', 'No confirmed site matches these filters; nothing to print.');
    if (sites.length > MAX_SHEETS) {
      throw new HttpError(413, 'too_many_sites', `${sites.length} sites match; print at most ${MAX_SHEETS} at a time (narrow by flight, area or state).`);
    }
    const font = findCjkFont(config.cjkFont);
    if (!font) {
      throw new HttpError(503, 'cjk_font_missing', 'No Chinese font is installed for task sheets: install Debian fonts-wqy-microhei or set POPPY_CJK_FONT to a .ttf file (file.ttc#PostScriptName for a collection).');
    }
    const pdf = await renderTaskSheets(store, sites, font);
    res.locals.export = { format: 'tasks.pdf', count: sites.length, filters: { ...filters, state: [...wanted], assignee: q.assignee ?? null, sites: q.sites ?? null } };
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('Content-Disposition', `attachment; filename="poppywatch-tasks-${new Date().toISOString().slice(0, 10)}.pdf"`);
    res.setHeader('X-Export-Count', String(sites.length));
    res.send(pdf);
  });
  return router;
}
