import { nowIso } from './db.js';
import type { StoreContext } from './context.js';
import type { AuditRecord } from '../domain/contract.js';

export const AUDIT_ACTIONS = [
  'login',
  'login_failed',
  'logout',
  'token_created',
  'token_revoked',
  'user_changed',
  'user_created',
  'upload',
  'review',
  'note',
  'export',
  'snap',
  'retry',
  'flight_created',
  'flight_changed',
  'field',
  'model_retrained',
  'model_promoted',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditInput {
  action: AuditAction;
  user?: { id: number; username: string } | null;
  /** when there is no logged-in user, e.g. a failed login: the name that was tried */
  username?: string;
  siteId?: number | null;
  flightId?: number | null;
  imageId?: number | null;
  before?: unknown;
  after?: unknown;
  details?: unknown;
  ip?: string | null;
}

export type { AuditRecord } from '../domain/contract.js';

interface Raw {
  id: number;
  at: string;
  user_id: number | null;
  username: string | null;
  action: string;
  site_id: number | null;
  flight_id: number | null;
  image_id: number | null;
  before_json: string | null;
  after_json: string | null;
  details_json: string | null;
  ip: string | null;
}

const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));
const parse = (s: string | null): unknown => (s === null ? null : JSON.parse(s));

const toRecord = (r: Raw): AuditRecord => ({
  id: r.id,
  at: r.at,
  userId: r.user_id,
  username: r.username,
  action: r.action,
  siteId: r.site_id,
  flightId: r.flight_id,
  imageId: r.image_id,
  before: parse(r.before_json),
  after: parse(r.after_json),
  details: parse(r.details_json),
  ip: r.ip,
});

export interface AuditQuery {
  siteId?: number;
  flightId?: number;
  action?: string;
  /** exact user name */
  username?: string;
  /** ISO instants: from inclusive, to exclusive */
  from?: string;
  to?: string;
  limit?: number;
}

// `at` is set here, not by the column's default, so both engines store the same ISO-8601 text.
const INSERT = `INSERT INTO audit_log (at, user_id, username, action, site_id, flight_id, image_id, before_json, after_json,
    details_json, ip)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  RETURNING *`;

/** Append-only: there is deliberately no update or delete here, and the table's triggers refuse both. */
export function createAuditRepo({ sql }: StoreContext) {
  return {
    async append(e: AuditInput): Promise<AuditRecord> {
      const userId = e.user && e.user.id > 0 ? e.user.id : null;
      const row = await sql.get<Raw>(INSERT, [
        nowIso(),
        userId,
        e.user?.username ?? e.username ?? null,
        e.action,
        e.siteId ?? null,
        e.flightId ?? null,
        e.imageId ?? null,
        json(e.before),
        json(e.after),
        json(e.details),
        e.ip ?? null,
      ]);
      return toRecord(row!);
    },
    async list(q: AuditQuery = {}): Promise<AuditRecord[]> {
      const where: string[] = [];
      const args: (string | number)[] = [];
      if (q.siteId !== undefined) (where.push('site_id = ?'), args.push(q.siteId));
      if (q.flightId !== undefined) (where.push('flight_id = ?'), args.push(q.flightId));
      if (q.action !== undefined) (where.push('action = ?'), args.push(q.action));
      if (q.username !== undefined) (where.push('username = ?'), args.push(q.username));
      if (q.from !== undefined) (where.push('at >= ?'), args.push(q.from));
      if (q.to !== undefined) (where.push('at < ?'), args.push(q.to));
      const query = `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
      args.push(Math.min(Math.max(q.limit ?? 10_000, 1), 100_000));
      return (await sql.all<Raw>(query, args)).map(toRecord);
    },
  };
}
export type AuditRepo = ReturnType<typeof createAuditRepo>;
