import type { StoreContext } from './context.js';

/** A retrained head (table model_versions; the head itself is in the version's file). */
export interface ModelVersionRecord {
  version: string;
  kind: 'aerial';
  baseVersion: string;
  baseSha256: string;
  parentVersion: string;
  file: string;
  fileSha256: string;
  createdAt: string;
  createdBy: string | null;
  summary: unknown;
  report: unknown;
  losesRecall: boolean;
}

export interface ModelPromotion {
  id: number;
  version: string;
  previousVersion: string;
  at: string;
  userId: number | null;
  username: string | null;
  rescored: unknown;
}

interface VersionRow {
  version: string;
  kind: 'aerial';
  base_version: string;
  base_sha256: string;
  parent_version: string;
  file: string;
  file_sha256: string;
  created_at: string;
  created_by: string | null;
  summary_json: string;
  report_json: string;
  loses_recall: number;
}

interface PromotionRow {
  id: number;
  version: string;
  previous_version: string;
  at: string;
  user_id: number | null;
  username: string | null;
  rescored_json: string;
}

const toVersion = (r: VersionRow): ModelVersionRecord => ({
  version: r.version,
  kind: r.kind,
  baseVersion: r.base_version,
  baseSha256: r.base_sha256,
  parentVersion: r.parent_version,
  file: r.file,
  fileSha256: r.file_sha256,
  createdAt: r.created_at,
  createdBy: r.created_by,
  summary: JSON.parse(r.summary_json),
  report: JSON.parse(r.report_json),
  losesRecall: r.loses_recall === 1,
});

const toPromotion = (r: PromotionRow): ModelPromotion => ({
  id: r.id,
  version: r.version,
  previousVersion: r.previous_version,
  at: r.at,
  userId: r.user_id,
  username: r.username,
  rescored: JSON.parse(r.rescored_json),
});

const INSERT = `INSERT INTO model_versions (version, kind, base_version, base_sha256, parent_version, file, file_sha256,
    created_at, created_by, summary_json, report_json, loses_recall)
  VALUES (@version, 'aerial', @baseVersion, @baseSha256, @parentVersion, @file, @fileSha256, @createdAt, @createdBy, @summary, @report, @losesRecall)
  RETURNING *`;
const BY_VERSION = "SELECT * FROM model_versions WHERE kind = 'aerial' AND version = ?";
const PROMOTE = `INSERT INTO model_promotions (kind, version, previous_version, at, user_id, username, rescored_json)
  VALUES ('aerial', @version, @previousVersion, @at, @userId, @username, @rescored) RETURNING id`;

export function createModelVersionsRepo({ sql }: StoreContext) {
  return {
    async add(v: Omit<ModelVersionRecord, 'kind'>): Promise<ModelVersionRecord> {
      const row = await sql.get<VersionRow>(INSERT, {
        ...v,
        summary: JSON.stringify(v.summary),
        report: JSON.stringify(v.report),
        losesRecall: v.losesRecall ? 1 : 0,
      });
      return toVersion(row!);
    },
    async get(version: string): Promise<ModelVersionRecord | null> {
      const r = await sql.get<VersionRow>(BY_VERSION, [version]);
      return r ? toVersion(r) : null;
    },
    async list(): Promise<ModelVersionRecord[]> {
      return (await sql.all<VersionRow>("SELECT * FROM model_versions WHERE kind = 'aerial' ORDER BY created_at, version")).map(toVersion);
    },
    /**
     * The next free `<base>+local.N`: above every recorded one, and past any that `taken` names (a version file left
     * by a retraining that stopped before its row was written).
     */
    async nextLocalVersion(baseVersion: string, taken: (version: string) => boolean = () => false): Promise<string> {
      const prefix = `${baseVersion}+local.`;
      const rows = await sql.all<{ version: string }>("SELECT version FROM model_versions WHERE kind = 'aerial' AND base_version = ?", [baseVersion]);
      const numbers = rows.map((r) => (r.version.startsWith(prefix) ? Number(r.version.slice(prefix.length)) : 0)).filter(Number.isFinite);
      let n = Math.max(0, ...numbers) + 1;
      while (taken(`${prefix}${n}`)) n++;
      return `${prefix}${n}`;
    },
    async recordPromotion(p: Omit<ModelPromotion, 'id'>): Promise<ModelPromotion> {
      const { id } = (await sql.get<{ id: number }>(PROMOTE, { ...p, rescored: JSON.stringify(p.rescored) }))!;
      return { ...p, id };
    },
    /** The version that makes new detections, or null for the shipped head. */
    async activeVersion(): Promise<string | null> {
      const r = await sql.get<{ version: string }>("SELECT version FROM model_promotions WHERE kind = 'aerial' ORDER BY id DESC LIMIT 1");
      return r ? r.version : null;
    },
    async promotions(limit = 100): Promise<ModelPromotion[]> {
      return (await sql.all<PromotionRow>("SELECT * FROM model_promotions WHERE kind = 'aerial' ORDER BY id DESC LIMIT ?", [limit])).map(toPromotion);
    },
  };
}

export type ModelVersionsRepo = ReturnType<typeof createModelVersionsRepo>;
