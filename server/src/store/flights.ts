import { nowIso } from './db.js';
import type { StoreContext } from './context.js';
import type { Flight, FlightStatus } from './types.js';

interface FlightRow {
  id: number;
  name: string;
  created_at: string;
  created_by: string | null;
  altitude_agl_m: number | null;
  ground_elevation_m: number | null;
  sensor_width_mm: number | null;
  is_demo: number;
}

interface FlightWithCounts extends FlightRow, Counts {
  sites: number;
  detections: number;
}

interface Counts {
  total: number;
  done: number;
  failed: number;
  queued: number;
  processing: number;
}

export interface NewFlight {
  name: string;
  altitudeAglM?: number | null;
  groundElevationM?: number | null;
  sensorWidthMm?: number | null;
  createdBy?: string | null;
  isDemo?: boolean;
}

/** Seconds per frame assumed for an ETA before any frame has been timed. */
const DEFAULT_FRAME_S = 2;

export function flightStatus(c: Counts): FlightStatus {
  if (c.total === 0) return 'empty';
  if (c.queued + c.processing > 0) return c.done + c.failed + c.processing > 0 ? 'processing' : 'queued';
  return c.failed === c.total ? 'failed' : 'done';
}

const INSERT = `INSERT INTO flights (name, created_at, created_by, altitude_agl_m, ground_elevation_m, sensor_width_mm, is_demo)
  VALUES (@name, @createdAt, @createdBy, @altitudeAglM, @groundElevationM, @sensorWidthMm, @isDemo) RETURNING id`;
// each flight with its frame, site and detection counts, in one query (the list polls it)
const WITH_COUNTS = `SELECT f.*, COALESCE(c.total, 0) AS total, COALESCE(c.done, 0) AS done, COALESCE(c.failed, 0) AS failed,
    COALESCE(c.queued, 0) AS queued, COALESCE(c.processing, 0) AS processing,
    (SELECT COUNT(*) FROM sites s WHERE s.flight_id = f.id) AS sites,
    (SELECT COUNT(*) FROM detections d WHERE d.flight_id = f.id) AS detections
  FROM flights f LEFT JOIN (SELECT flight_id, COUNT(*) AS total,
      SUM(CASE WHEN status = 'done' THEN 1 ELSE 0 END) AS done,
      SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END) AS failed,
      SUM(CASE WHEN status = 'queued' THEN 1 ELSE 0 END) AS queued,
      SUM(CASE WHEN status = 'processing' THEN 1 ELSE 0 END) AS processing
    FROM images WHERE @all = 1 OR flight_id = @id GROUP BY flight_id) c ON c.flight_id = f.id
  WHERE @all = 1 OR f.id = @id
  ORDER BY f.id DESC`;
const BY_ID = 'SELECT * FROM flights WHERE id = ?';
// recent frame times, over all flights: the worker pool is shared
const RECENT_DURATIONS = `SELECT AVG(duration_ms) AS avg FROM (SELECT duration_ms FROM jobs
  WHERE status = 'done' AND duration_ms IS NOT NULL ORDER BY id DESC LIMIT 20) AS recent`;
// frames of every flight queued before this flight's last pending frame are ahead of it in the queue
const QUEUE_AHEAD = `SELECT COUNT(*) AS n FROM jobs WHERE status IN ('queued', 'running')
    AND id <= (SELECT MAX(j.id) FROM jobs j JOIN images i ON i.id = j.image_id WHERE i.flight_id = ? AND j.status IN ('queued', 'running'))`;

type Overrides = { altitudeAglM: number | null; groundElevationM: number | null; sensorWidthMm: number | null };

export function createFlightsRepo({ sql }: StoreContext) {
  const countOf = async (q: string, params: unknown[]): Promise<number> => (await sql.get<{ n: number }>(q, params))!.n;

  /** Shared by every flight of one answer: how many frames run now and how long recent frames took. */
  async function queuePace(): Promise<{ workers: number; frameS: number }> {
    // frames being processed right now (any process, any machine) tell how many workers share the queue
    const busy = await countOf(`SELECT COUNT(*) AS n FROM jobs WHERE status = 'running' AND lease_until >= ?`, [Date.now()]);
    const avgMs = (await sql.get<{ avg: number | null }>(RECENT_DURATIONS))!.avg;
    return { workers: Math.max(localWorkers, busy), frameS: avgMs ? avgMs / 1000 : DEFAULT_FRAME_S };
  }

  async function withCounts(id: number | null): Promise<Flight[]> {
    const rows = await sql.all<FlightWithCounts>(WITH_COUNTS, { all: id === null ? 1 : 0, id: id ?? 0 });
    let pace: { workers: number; frameS: number } | undefined;
    const out: Flight[] = [];
    for (const row of rows) {
      const pending = row.queued + row.processing;
      let etaS: number | null = null;
      if (pending > 0) {
        pace ??= await queuePace();
        if (pace.workers > 0) {
          const ahead = (await countOf(QUEUE_AHEAD, [row.id])) || pending;
          etaS = Math.max(1, Math.round((ahead * pace.frameS) / pace.workers));
        }
      }
      out.push({
        id: row.id,
        name: row.name,
        status: flightStatus(row),
        createdAt: row.created_at,
        createdBy: row.created_by,
        altitudeAglM: row.altitude_agl_m,
        groundElevationM: row.ground_elevation_m,
        sensorWidthMm: row.sensor_width_mm,
        isDemo: row.is_demo === 1,
        images: { total: row.total, processed: row.done, failed: row.failed, pending },
        sites: row.sites,
        detections: row.detections,
        etaS,
      });
    }
    return out;
  }

  // this process's frame slots: 0 until a worker pool starts here (an API-only process counts the busy leases instead)
  let localWorkers = 0;
  return {
    /** this process's worker count, for ETAs */
    setWorkers(n: number): void {
      localWorkers = n;
    },
    async create(f: NewFlight): Promise<Flight> {
      const { id } = (await sql.get<{ id: number }>(INSERT, {
        name: f.name,
        createdAt: nowIso(),
        createdBy: f.createdBy ?? null,
        altitudeAglM: f.altitudeAglM ?? null,
        groundElevationM: f.groundElevationM ?? null,
        sensorWidthMm: f.sensorWidthMm ?? null,
        isDemo: f.isDemo ? 1 : 0,
      }))!;
      return (await this.get(id))!;
    },
    async get(id: number): Promise<Flight | null> {
      return (await withCounts(id))[0] ?? null;
    },
    /** Changes what the operator told about the flight's camera; the caller reprocesses its frames. */
    async setOverrides(id: number, o: Overrides): Promise<void> {
      await sql.run('UPDATE flights SET altitude_agl_m = ?, ground_elevation_m = ?, sensor_width_mm = ? WHERE id = ?', [
        o.altitudeAglM,
        o.groundElevationM,
        o.sensorWidthMm,
        id,
      ]);
    },
    /** the per-flight camera overrides the pipeline needs */
    async overrides(id: number): Promise<Overrides | null> {
      const row = await sql.get<FlightRow>(BY_ID, [id]);
      return row
        ? { altitudeAglM: row.altitude_agl_m, groundElevationM: row.ground_elevation_m, sensorWidthMm: row.sensor_width_mm }
        : null;
    },
    /** newest first, with counts: one query, plus the queue position of flights that have frames waiting */
    async list(): Promise<Flight[]> {
      return withCounts(null);
    },
    async count(): Promise<number> {
      return countOf('SELECT COUNT(*) AS n FROM flights', []);
    },
  };
}

export type FlightsRepo = ReturnType<typeof createFlightsRepo>;
