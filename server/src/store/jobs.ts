import { nowIso } from './db.js';
import type { StoreContext } from './context.js';
import { forUpdateSkipLocked } from './sql/sql.js';
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

const INSERT = `INSERT INTO jobs (kind, image_id, created_at) VALUES ('frame', ?, ?) RETURNING id`;
const BY_ID = 'SELECT * FROM jobs WHERE id = ?';
const CLAIMABLE = `status = 'queued' OR (status = 'running' AND lease_until < @now)`;
const CLAIM_ROW = `UPDATE jobs SET status = 'running', attempts = attempts + 1, lease_owner = @owner,
    lease_until = @leaseUntil, started_at = @startedAt, error = NULL WHERE id = @id`;
const RENEW = `UPDATE jobs SET lease_until = @leaseUntil WHERE id = @id AND lease_owner = @owner AND status = 'running'`;
const FINISH = `UPDATE jobs SET status = @status, error = @error, finished_at = @finishedAt, duration_ms = @durationMs,
    lease_owner = NULL, lease_until = NULL WHERE id = @id AND lease_owner = @owner AND status = 'running'`;
const SET_IMAGE = 'UPDATE images SET status = @status, error = @error WHERE id = @id';
const FAIL_ROW = `UPDATE jobs SET status = 'failed', error = ?, finished_at = ?, lease_owner = NULL, lease_until = NULL WHERE id = ?`;
const REQUEUE = `UPDATE jobs SET status = 'queued', lease_owner = NULL, lease_until = NULL WHERE id = ?`;

export function createJobsRepo({ sql }: StoreContext) {
  // PostgreSQL: workers on many machines each lock a different queued row and never wait for each other's
  const nextClaimable = `SELECT * FROM jobs WHERE ${CLAIMABLE} ORDER BY id LIMIT 1${forUpdateSkipLocked(sql)}`;
  const byId = async (id: number) => (await sql.get<JobRow>(BY_ID, [id]))!;
  const insert = async (imageId: number) => (await sql.get<{ id: number }>(INSERT, [imageId, nowIso()]))!.id;

  return {
    /** Queues a frame job; call inside the transaction that inserts the image. */
    async enqueue(imageId: number): Promise<Job> {
      return toJob(await byId(await insert(imageId)));
    },
    async get(id: number): Promise<Job | null> {
      const r = await sql.get<JobRow>(BY_ID, [id]);
      return r ? toJob(r) : null;
    },
    async latestForImage(imageId: number): Promise<Job | null> {
      const r = await sql.get<JobRow>('SELECT * FROM jobs WHERE image_id = ? ORDER BY id DESC LIMIT 1', [imageId]);
      return r ? toJob(r) : null;
    },
    /**
     * Takes the oldest claimable job for `owner` with a lease, in one transaction: a queued job, or a running one
     * whose owner stopped renewing its lease (a worker killed or cut off). A job whose frame already took a process
     * down MAX_ATTEMPTS times is failed here rather than handed out again.
     */
    async claim(owner: string, leaseMs: number): Promise<Job | null> {
      return sql.tx(
        async (): Promise<Job | null> => {
          for (;;) {
            const now = Date.now();
            const row = await sql.get<JobRow>(nextClaimable, { now });
            if (!row) return null;
            if (row.attempts >= MAX_ATTEMPTS) {
              const reason = `processing was started ${row.attempts} times and never finished (it stopped the server, or its results could not be stored); not retried automatically`;
              await sql.run(FAIL_ROW, [reason, nowIso(), row.id]);
              await sql.run(SET_IMAGE, { id: row.image_id, status: 'failed', error: reason });
              continue;
            }
            await sql.run(CLAIM_ROW, { id: row.id, owner, leaseUntil: now + leaseMs, startedAt: nowIso() });
            await sql.run(SET_IMAGE, { id: row.image_id, status: 'processing', error: null });
            return toJob(await byId(row.id));
          }
        },
      );
    },
    async renewLease(id: number, owner: string, leaseMs: number): Promise<boolean> {
      return (await sql.run(RENEW, { id, owner, leaseUntil: Date.now() + leaseMs })).changes === 1;
    },
    /**
     * Marks the job done; meant to run inside the transaction that writes the job's results. Returns false when
     * the lease was lost (another worker owns the job now) so the caller can roll back.
     */
    async markDone(id: number, owner: string, durationMs: number): Promise<boolean> {
      return (await sql.run(FINISH, { id, owner, status: 'done', error: null, finishedAt: nowIso(), durationMs })).changes === 1;
    },
    /**
     * Gives a claimed job back to the queue (its worker could not store the result: database trouble, not the
     * frame's fault). The attempt still counts, so a frame that keeps failing this way is failed after MAX_ATTEMPTS.
     */
    async release(id: number, owner: string): Promise<boolean> {
      return sql.tx(async () => {
        const job = await sql.get<JobRow>(`SELECT * FROM jobs WHERE id = ? AND lease_owner = ? AND status = 'running'`, [id, owner]);
        if (!job) return false;
        await sql.run(REQUEUE, [id]);
        await sql.run(SET_IMAGE, { id: job.image_id, status: 'queued', error: null });
        return true;
      });
    },
    /** Records a per-frame failure with its reason on the job and the image. */
    async markFailed(id: number, owner: string, reason: string, durationMs: number | null = null): Promise<boolean> {
      return sql.tx(async () => {
        const job = await sql.get<JobRow>(BY_ID, [id]);
        if (!job) return false;
        const ok = (await sql.run(FINISH, { id, owner, status: 'failed', error: reason, finishedAt: nowIso(), durationMs })).changes === 1;
        if (ok) await sql.run(SET_IMAGE, { id: job.image_id, status: 'failed', error: reason });
        return ok;
      });
    },
    /**
     * Jobs left 'running' by a dead process go back to the queue. Returns how many. Only for a process that knows it
     * is the only worker (embedded SQLite, role all); with several workers an expired lease does this instead.
     */
    async recoverOrphans(): Promise<number> {
      return sql.tx(async () => {
        const rows = await sql.all<JobRow>(`SELECT * FROM jobs WHERE status = 'running'`);
        for (const r of rows) {
          await sql.run(REQUEUE, [r.id]);
          await sql.run(SET_IMAGE, { id: r.image_id, status: 'queued', error: null });
        }
        return rows.length;
      });
    },
    /** Queues a failed frame again. Returns the new job, or null when the frame is not failed. */
    async retryImage(imageId: number): Promise<Job | null> {
      return sql.tx(async (): Promise<Job | null> => {
        const img = await sql.get<{ status: string }>('SELECT status FROM images WHERE id = ?', [imageId]);
        if (!img || img.status !== 'failed') return null;
        await sql.run(SET_IMAGE, { id: imageId, status: 'queued', error: null });
        return toJob(await byId(await insert(imageId)));
      });
    },
    /**
     * Processes a flight's frames again (after its altitude, ground elevation or sensor width changed), in ONE
     * transaction: every frame gets exactly one new queued job; the old detections go, with the sites nobody has
     * reviewed yet; sites a reviewer decided keep their detections as the evidence of that decision (new detections
     * nearby join them). Returns null when a frame is still waiting or being processed (it would run twice).
     */
    async requeueFlight(flightId: number): Promise<{ images: number; detectionsDeleted: number; sitesDeleted: number; reviewedSitesKept: number; deletedDetectionIds: number[] } | null> {
      return sql.tx(
        async () => {
          // the flight's frames are locked first on PostgreSQL, so a concurrent requeue or claim waits here
          const frames = await sql.all<{ id: number; status: string }>(
            `SELECT id, status FROM images WHERE flight_id = ? ORDER BY id${sql.dialect === 'postgres' ? ' FOR UPDATE' : ''}`,
            [flightId],
          );
          if (frames.some((f) => f.status === 'queued' || f.status === 'processing')) return null;
          const unreviewed = `SELECT id FROM sites WHERE flight_id = @flightId AND status = 'pending' AND version = 0`;
          const kept = (await sql.get<{ n: number }>(`SELECT COUNT(*) AS n FROM sites WHERE flight_id = ? AND NOT (status = 'pending' AND version = 0)`, [flightId]))!;
          const doomed = `FROM detections WHERE flight_id = @flightId AND (site_id IS NULL OR site_id IN (${unreviewed}))`;
          const deletedDetectionIds = (await sql.all<{ id: number }>(`SELECT id ${doomed}`, { flightId })).map((r) => r.id);
          const detectionsDeleted = (await sql.run(`DELETE ${doomed}`, { flightId })).changes;
          const sitesDeleted = (await sql.run(`DELETE FROM sites WHERE id IN (${unreviewed})`, { flightId })).changes;
          await sql.run('DELETE FROM cell_features WHERE detection_id IS NULL AND image_id IN (SELECT id FROM images WHERE flight_id = ?)', [flightId]);
          for (const { id } of frames) {
            await sql.run(SET_IMAGE, { id, status: 'queued', error: null });
            await insert(id);
          }
          return { images: frames.length, detectionsDeleted, sitesDeleted, reviewedSitesKept: kept.n, deletedDetectionIds };
        },
      );
    },
    /** Jobs waiting or running, for the worker's wake-up check. */
    async hasClaimable(): Promise<boolean> {
      return (await sql.get(`SELECT id FROM jobs WHERE ${CLAIMABLE} LIMIT 1`, { now: Date.now() })) !== undefined;
    },
    async counts(): Promise<Record<JobStatus, number>> {
      const out: Record<JobStatus, number> = { queued: 0, running: 0, done: 0, failed: 0 };
      for (const r of await sql.all<{ status: JobStatus; n: number }>('SELECT status, COUNT(*) AS n FROM jobs GROUP BY status')) out[r.status] = r.n;
      return out;
    },
  };
}

export type JobsRepo = ReturnType<typeof createJobsRepo>;
