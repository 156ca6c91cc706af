/**
 * Writes the audit record of an evidence-changing request just before its answer goes out, from what the handler
 * left in res.locals (so handlers stay thin and need no audit code):
 *   res.locals.upload = {flightId, accepted[], rejected[]}       → 'upload'
 *   res.locals.review = Review {siteId, before, after, note, ...} → 'review' ('note' when only the note changed)
 *   res.locals.export = {format, count, filters}                  → 'export'
 * The record is written synchronously before the response is sent: a client never sees a success whose audit
 * record is missing. If writing fails, the request answers 500 and the error is logged. Server faults (5xx) are not
 * recorded as done.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AuditInput, AuditRepo } from '../store/audit.js';

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

export const auditTrail = ({ audit }: { audit: AuditRepo }): RequestHandler => (req: Request, res: Response, next: NextFunction) => {
  const send = res.send.bind(res);
  let written = false;
  res.send = ((body?: unknown) => {
    // a handler that failed after filling res.locals (a 5xx) did not do what the record would say
    if (!written && res.statusCode < 500) {
      written = true;
      const entries = auditEntries(res.locals);
      if (entries.length > 0) {
        for (const e of entries) audit.append({ ...e, user: req.user ?? null, ip: req.ip ?? null });
      }
    }
    return send(body);
  }) as Response['send'];
  next();
};
