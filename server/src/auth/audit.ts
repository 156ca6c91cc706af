import type { Request } from 'express';
import type { AuditInput, AuditRecord, AuditRepo } from '../store/audit.js';

/**
 * Appends an audit record for the current request (user and client IP filled in). For handlers that change
 * evidence (upload, review, note, export): `recordAudit(req, {action: 'review', siteId, before, after})`.
 * Call it inside the same store.tx() as the change when there is one, so neither exists without the other.
 */
export function recordAudit(req: Request, input: Omit<AuditInput, 'user' | 'ip'>): AuditRecord {
  const store = req.app.locals.store as { audit: AuditRepo } | undefined;
  if (!store?.audit) throw new Error('auth: app.locals.store is not set');
  return store.audit.append({ ...input, user: req.user ?? null, ip: req.ip ?? null });
}
