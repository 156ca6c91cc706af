import { nowIso } from './db.js';
import type { StoreContext } from './context.js';
import type { JobStatus } from './types.js';

export interface Job {
  id: number;
  kind: string;
  imageId: number;
  status: JobStatus;
  attempts: number;
  leaseOwner: string | null;
  leaseUntil: number | null;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
}

interface JobRow {
  id: number;
  kind: string;
  image_id: number;
  status: JobStatus;
  attempts: number;
  lease_owner: string | null;
  lease_until: number | null;
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
}

const toJob = (r: JobRow): Job => ({
  id: r.id,
  kind: r.kind,
  imageId: r.image_id,
  status: r.status,
  attempts: r.attempts,
  leaseOwner: r.lease_owner,
  leaseUntil: r.lease_until,
  error: r.error,
  createdAt: r.created_at,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  durationMs: r.duration_ms,
});

/** A frame that took the process down this many times is failed instead of being tried again. */
export const MAX_ATTEMPTS = 3;

export function createJobsRepo({ db }: StoreContext) {
  const insert = db.prepare(`INSERT INTO jobs (kind, image_id, created_at) VALUES ('frame', ?, ?)`);
  const byId = db.prepare('SELECT * FROM jobs WHERE id = ?');
  const nextClaimable = db.prepare(`SELECT * FROM jobs
    WHERE status = 'queued' OR (status = 'running' AND lease_until < @now) ORDER BY id LIMIT 1`);
  const claimRow = db.prepare(`UPDATE jobs SET status = 'running', attempts = attempts + 1, lease_owner = @owner,
      lease_until = @leaseUntil, started_at = @startedAt, error = NULL WHERE id = @id`);
  const renew = db.prepare(`UPDATE jobs SET lease_until = @leaseUntil WHERE id = @id AND lease_owner = @owner AND status = 'running'`);
  const finish = db.prepare(`UPDATE jobs SET status = @status, error = @error, finished_at = @finishedAt, duration_ms = @durationMs,
      lease_owner = NULL, lease_until = NULL WHERE id = @id AND lease_owner = @owner AND status = 'running'`);
  const setImage = db.prepare('UPDATE images SET status = @status, error = @error WHERE id = @id');
  const orphaned = db.prepare(`SELECT * FROM jobs WHERE status = 'running'`);
  const requeue = db.prepare(`UPDATE jobs SET status = 'queued', lease_owner = NULL, lease_until = NULL WHERE id = ?`);
  const failRow = db.prepare(`UPDATE jobs SET status = 'failed', error = ?, finished_at = ?, lease_owner = NULL, lease_until = NULL WHERE id = ?`);
  const latestForImage = db.prepare('SELECT * FROM jobs WHERE image_id = ? ORDER BY id DESC LIMIT 1');
  const countByStatus = db.prepare('SELECT status, COUNT(*) AS n FROM jobs GROUP BY status');
  const hasCellFeatures = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'cell_features'`).get() !== undefined;

  return {
    /** Queues a frame job; call inside the transaction that inserts the image. */
    enqueue(imageId: number): Job {
      const r = insert.run(imageId, nowIso());
      return toJob(byId.get(Number(r.lastInsertRowid)) as JobRow);
    },
    get(id: number): Job | null {
      const r = byId.get(id) as JobRow | undefined;
      return r ? toJob(r) : null;
    },
    latestForImage(imageId: number): Job | null {
      const r = latestForImage.get(imageId) as JobRow | undefined;
      return r ? toJob(r) : null;
    },
    /**
     * Takes the oldest claimable job for `owner` with a lease, in one transaction. A job whose frame already
     * crashed the process MAX_ATTEMPTS times is failed here rather than handed out again.
     */
    claim(owner: string, leaseMs: number): Job | null {
      return db.transaction((): Job | null => {
        for (;;) {
          const now = Date.now();
          const row = nextClaimable.get({ now }) as JobRow | undefined;
          if (!row) return null;
          if (row.attempts >= MAX_ATTEMPTS) {
            const reason = `processing stopped the server ${row.attempts} times; not retried automatically`;
            failRow.run(reason, nowIso(), row.id);
            setImage.run({ id: row.image_id, status: 'failed', error: reason });
            continue;
          }
          claimRow.run({ id: row.id, owner, leaseUntil: now + leaseMs, startedAt: nowIso() });
          setImage.run({ id: row.image_id, status: 'processing', error: null });
          return toJob(byId.get(row.id) as JobRow);
        }
      }).immediate();
    },
    renewLease(id: number, owner: string, leaseMs: number): boolean {
      return renew.run({ id, owner, leaseUntil: Date.now() + leaseMs }).changes === 1;
    },
    /**
     * Marks the job done; meant to run inside the transaction that writes the job's results. Returns false when
     * the lease was lost (another worker owns the job now) so the caller can roll back.
     */
    markDone(id: number, owner: string, durationMs: number): boolean {
      return finish.run({ id, owner, status: 'done', error: null, finishedAt: nowIso(), durationMs }).changes === 1;
    },
    /** Records a per-frame failure with its reason on the job and the image. */
    markFailed(id: number, owner: string, reason: string, durationMs: number | null = null): boolean {
      return db.transaction(() => {
        const job = byId.get(id) as JobRow | undefined;
        if (!job) return false;
        const ok = finish.run({ id, owner, status: 'failed', error: reason, finishedAt: nowIso(), durationMs }).changes === 1;
        if (ok) setImage.run({ id: job.image_id, status: 'failed', error: reason });
        return ok;
      })();
    },
    /** At start: jobs left 'running' by a dead process go back to the queue. Returns how many. */
    recoverOrphans(): number {
      return db.transaction(() => {
        const rows = orphaned.all() as JobRow[];
        for (const r of rows) {
          requeue.run(r.id);
          setImage.run({ id: r.image_id, status: 'queued', error: null });
        }
        return rows.length;
      })();
    },
    /** Queues a failed frame again. Returns the new job, or null when the frame is not failed. */
    retryImage(imageId: number): Job | null {
      return db.transaction((): Job | null => {
        const img = db.prepare('SELECT status FROM images WHERE id = ?').get(imageId) as { status: string } | undefined;
        if (!img || img.status !== 'failed') return null;
        setImage.run({ id: imageId, status: 'queued', error: null });
        const r = insert.run(imageId, nowIso());
        return toJob(byId.get(Number(r.lastInsertRowid)) as JobRow);
      })();
    },
    /**
     * Processes a flight's frames again (after its altitude, ground elevation or sensor width changed), in ONE
     * transaction: every frame gets exactly one new queued job; the old detections go, with the sites nobody has
     * reviewed yet; sites a reviewer decided keep their detections as the evidence of that decision (new detections
     * nearby join them). Returns null when a frame is still waiting or being processed (it would run twice).
     */
    requeueFlight(flightId: number): { images: number; detectionsDeleted: number; sitesDeleted: number; reviewedSitesKept: number; deletedDetectionIds: number[] } | null {
      return db.transaction(() => {
        const busy = db.prepare(`SELECT COUNT(*) AS n FROM images WHERE flight_id = ? AND status IN ('queued', 'processing')`).get(flightId) as { n: number };
        if (busy.n > 0) return null;
        const unreviewed = `SELECT id FROM sites WHERE flight_id = @flightId AND status = 'pending' AND version = 0`;
        const kept = db.prepare(`SELECT COUNT(*) AS n FROM sites WHERE flight_id = ? AND NOT (status = 'pending' AND version = 0)`).get(flightId) as { n: number };
        const doomed = `FROM detections WHERE flight_id = @flightId AND (site_id IS NULL OR site_id IN (${unreviewed}))`;
        const deletedDetectionIds = (db.prepare(`SELECT id ${doomed}`).all({ flightId }) as { id: number }[]).map((r) => r.id);
        const detectionsDeleted = db.prepare(`DELETE ${doomed}`).run({ flightId }).changes;
        const sitesDeleted = db.prepare(`DELETE FROM sites WHERE id IN (${unreviewed})`).run({ flightId }).changes;
        if (hasCellFeatures) db.prepare('DELETE FROM cell_features WHERE detection_id IS NULL AND image_id IN (SELECT id FROM images WHERE flight_id = ?)').run(flightId);
        const images = db.prepare('SELECT id FROM images WHERE flight_id = ? ORDER BY id').all(flightId) as { id: number }[];
        for (const { id } of images) {
          setImage.run({ id, status: 'queued', error: null });
          insert.run(id, nowIso());
        }
        return { images: images.length, detectionsDeleted, sitesDeleted, reviewedSitesKept: kept.n, deletedDetectionIds };
      }).immediate();
    },
    /** Jobs waiting or running, for the worker's wake-up check. */
    hasClaimable(): boolean {
      return nextClaimable.get({ now: Date.now() }) !== undefined;
    },
    counts(): Record<JobStatus, number> {
      const out: Record<JobStatus, number> = { queued: 0, running: 0, done: 0, failed: 0 };
      for (const r of countByStatus.all() as { status: JobStatus; n: number }[]) out[r.status] = r.n;
      return out;
    },
  };
}

export type JobsRepo = ReturnType<typeof createJobsRepo>;
