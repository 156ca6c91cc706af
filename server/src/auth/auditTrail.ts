/**
 * Writes the audit record of an evidence-changing request just before its answer goes out, from what the handler
 * left in res.locals (so handlers stay thin and need no audit code):
 *   res.locals.upload = {flightId, accepted[], rejected[]}       → 'upload'
 *   res.locals.review = Review {siteId, before, after, note, ...} → 'review' ('note' when only the note changed)
 *   res.locals.export = {format, count, filters}                  → 'export'
 * The response is held until the record is written: a client never sees a success whose audit record is missing. If writing fails, the request answers 500 and the error is logged. Server faults (5xx) are not
 * recorded as done.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AuditInput, AuditRepo } from '../store/audit.js';
import { redactUrl, type Logger } from '../logger.js';

interface UploadLocals {
  flightId: number;
  accepted: { id: number; name: string; sha256: string; duplicate: boolean }[];
  rejected: { name: string; code?: string; error: string }[];
}
interface ReviewLocals {
  siteId: number;
  before: string;
  after: string;
  note: string | null;
  version?: number;
}
interface ExportLocals {
  format: string;
  count: number;
  filters?: unknown;
}

export function auditEntries(locals: Record<string, unknown>): Omit<AuditInput, 'user' | 'ip'>[] {
  const out: Omit<AuditInput, 'user' | 'ip'>[] = [];
  const upload = locals.upload as UploadLocals | undefined;
  if (upload) {
    out.push({
      action: 'upload',
      flightId: upload.flightId,
      details: {
        accepted: upload.accepted.map((a) => ({ imageId: a.id, name: a.name, sha256: a.sha256, duplicate: a.duplicate })),
        rejected: upload.rejected.map((r) => ({ name: r.name, code: r.code ?? null, error: r.error })),
      },
    });
  }
  const review = locals.review as ReviewLocals | undefined;
  if (review) {
    out.push({
      action: review.before === review.after && review.note ? 'note' : 'review',
      siteId: review.siteId,
      before: { status: review.before },
      after: { status: review.after, note: review.note ?? null, version: review.version ?? null },
    });
  }
  const exp = locals.export as ExportLocals | undefined;
  if (exp) out.push({ action: 'export', details: { format: exp.format, count: exp.count, filters: exp.filters ?? null } });
  return out;
}

/** What the client gets when the audit record could not be written (the same answer errorHandler gives a fault). */
const AUDIT_FAILED = JSON.stringify({ error: 'internal', message: 'Internal server error; the fault is logged.' });

export const auditTrail = ({ audit }: { audit: AuditRepo }, logger: Pick<Logger, 'error'>): RequestHandler => (req: Request, res: Response, next: NextFunction) => {
  const send = res.send.bind(res);
  let written = false;
  res.send = ((body?: unknown) => {
    // a handler that failed after filling res.locals (a 5xx) did not do what the record would say
    const entries = !written && res.statusCode < 500 ? auditEntries(res.locals) : [];
    written = true;
    if (entries.length === 0) return send(body);
    // the answer waits for its records: a client never sees a success whose audit record is missing
    void (async () => {
      try {
        for (const e of entries) await audit.append({ ...e, user: req.user ?? null, ip: req.ip ?? null });
      } catch (err) {
        logger.error({ err, method: req.method, url: redactUrl(req.originalUrl) }, 'audit record not written; request answered 500');
        res.removeHeader('Content-Disposition');
        res.status(500).type('json');
        send(AUDIT_FAILED);
        return;
      }
      send(body);
    })().catch((err: unknown) => {
      logger.error({ err, method: req.method, url: redactUrl(req.originalUrl) }, 'answer not sent after its audit record');
      if (!res.headersSent) res.status(500);
      res.end();
    });
    return res;
  }) as Response['send'];
  next();
};
