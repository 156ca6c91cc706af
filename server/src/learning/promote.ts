/**
 * Promoting (or rolling back to) a version: one transaction records the promotion and re-scores every pending drone
 * site from its detections' stored cell features under the promoted head; detections keep the score and version
 * that made them. The caller then hands the head to the frame threads.
 */
import type { AerialHead, AerialManifest } from '../model/aerialManifest.js';
import { nowIso } from '../store/db.js';
import type { Store } from '../store/index.js';
import type { ModelPromotion } from '../store/modelVersions.js';
import { decodeCells } from './cells.js';
import { bestPresence } from './headScore.js';
import { madeByBase } from './trainingData.js';
import { activeVersion, headOf, LearningError } from './versionFiles.js';
import { modelVersionOf } from '../domain/modelVersion.js';
import { advisoryLock } from '../store/sql/advisoryLock.js';

export interface Rescored {
  /** pending drone sites given a new score */
  sites: number;
  /** of those, how many now fall below thresholds.minScore (they stay pending, at the end of the queue) */
  belowMinScore: number;
  /** pending drone sites without stored features of this network: left as they were */
  withoutFeatures: number;
}

interface Row {
  site_id: number;
  model_version: string | null;
  cells: number | null;
  channels: number | null;
  data: Buffer | null;
}

/** Re-scores pending drone sites under `head` (inside the caller's transaction). */
export async function rescorePendingSites(store: Store, manifest: AerialManifest, head: AerialHead, modelVersion: string): Promise<Rescored> {
  const rows = await store.sql.all<Row>(`SELECT s.id AS site_id, cf.model_version, cf.cells, cf.channels, cf.data
      FROM sites s LEFT JOIN detections d ON d.site_id = s.id LEFT JOIN cell_features cf ON cf.detection_id = d.id
      WHERE s.status = 'pending' AND s.source = 'drone'`);
  const best = new Map<number, number | null>();
  const ch = manifest.featureChannels;
  for (const r of rows) {
    if (!best.has(r.site_id)) best.set(r.site_id, null);
    if (!r.data || r.channels !== ch || !r.model_version || !madeByBase(r.model_version, manifest.name, manifest.version)) continue;
    const p = bestPresence(head, decodeCells(r.data, r.cells!, ch), r.cells!, ch);
    best.set(r.site_id, Math.max(best.get(r.site_id) ?? 0, p));
  }
  const out: Rescored = { sites: 0, belowMinScore: 0, withoutFeatures: 0 };
  for (const [siteId, score] of best) {
    if (score === null) {
      out.withoutFeatures++;
      continue;
    }
    await store.sql.run('UPDATE sites SET score = ?, scored_by = ? WHERE id = ?', [score, modelVersion, siteId]);
    out.sites++;
    if (score < manifest.thresholds.minScore) out.belowMinScore++;
  }
  return out;
}

export interface PromoteResult {
  promotion: ModelPromotion;
  head: AerialHead;
  rescored: Rescored;
}

export async function promoteVersion(store: Store, manifest: AerialManifest, version: string, actor: { id: number | null; username: string } | null, ip?: string | null): Promise<PromoteResult> {
  const head = await headOf(store, manifest, version);
  return store.tx(async () => {
    // one promotion at a time across processes: each records the version it really replaced
    await advisoryLock(store.sql, 'modelPromotion');
    const previous = await activeVersion(store, manifest);
    if (previous === version) throw new LearningError(409, 'model_version_active', `Model version ${version} is already the active one.`);
    const rescored = await rescorePendingSites(store, manifest, head, modelVersionOf({ name: manifest.name, version }));
    const promotion = await store.modelVersions.recordPromotion({ version, previousVersion: previous, at: nowIso(), userId: actor?.id ?? null, username: actor?.username ?? null, rescored });
    const rec = await store.modelVersions.get(version);
    const prev = await store.modelVersions.get(previous);
    // back to the shipped head, or to a version older than the one it replaces
    const rollback = !rec || (prev !== null && rec.createdAt < prev.createdAt);
    await store.audit.append({
      action: 'model_promoted',
      user: actor?.id != null ? { id: actor.id, username: actor.username } : null,
      username: actor?.username,
      before: { version: previous },
      after: { version },
      details: { rollback, rescored, losesRecall: rec?.losesRecall ?? false },
      ip: ip ?? null,
    });
    return { promotion, head, rescored };
  });
}
