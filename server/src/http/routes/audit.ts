import { Router } from 'express';
import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import { requireRole } from '../../auth/middleware.js';
import { AUDIT_ACTIONS, type AuditRecord, type AuditRepo } from '../../store/audit.js';
import { POSITIVE_ID } from '../text.js';
import { idParam, parse } from '../validate.js';

const ISO_DATE = /^\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)?)?$/;

const realDate = (v: string) => !Number.isNaN(Date.parse(v));

const QuerySchema = z.object({
  siteId: idParam.optional(),
  flightId: idParam.optional(),
  action: z.enum(AUDIT_ACTIONS).optional(),
  username: z.string().trim().min(1).max(200).optional(),
  // a date (YYYY-MM-DD) or an ISO date-time; a date-only `to` includes that whole day
  from: z.string().regex(ISO_DATE, 'from must be YYYY-MM-DD or an ISO date-time').refine(realDate, 'from is not a real date').transform((v) => new Date(v).toISOString()).optional(),
  to: z
    .string()
    .regex(ISO_DATE, 'to must be YYYY-MM-DD or an ISO date-time')
    .refine(realDate, 'to is not a real date')
    .transform((v) => new Date(/^\d{4}-\d\d-\d\d$/.test(v) ? Date.parse(v) + 86_400_000 : Date.parse(v)).toISOString())
    .optional(),
  limit: z.string().regex(POSITIVE_ID, 'limit must be a whole number').transform(Number).pipe(z.number().max(100_000)).optional(),
});

// A cell starting with = + - @ (or tab/CR) is run as a formula by spreadsheets; prefix it so it stays text.
const FORMULA_START = /^[=+\-@\t\r]/;
const cell = (v: unknown): string => {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return FORMULA_START.test(s) ? `'${s}` : s;
};

const CSV_COLUMNS = ['id', 'at', 'userId', 'username', 'action', 'siteId', 'flightId', 'imageId', 'before', 'after', 'details', 'ip'] as const;

/** GET /api/audit (JSON `{records}`) and GET /api/audit.csv, newest first; reviewer or admin. */
export function auditRouter({ store }: { store: { audit: AuditRepo } }): Router {
  const router = Router();

  router.get('/audit', requireRole('reviewer'), async (req, res) => {
    const q = parse(QuerySchema, req.query, 'audit filter');
    res.json({ records: await store.audit.list(q) });
  });

  router.get('/audit.csv', requireRole('reviewer'), async (req, res) => {
    const q = parse(QuerySchema, req.query, 'audit filter');
    const records: AuditRecord[] = await store.audit.list(q);
    const rows = records.map((r) => CSV_COLUMNS.map((c) => cell(r[c])));
    res.set('Content-Type', 'text/csv; charset=utf-8');
    res.set('Content-Disposition', 'attachment; filename="poppywatch-audit.csv"');
    res.send(stringify([CSV_COLUMNS as unknown as string[], ...rows]));
  });

  return router;
}
