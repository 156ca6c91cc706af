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
const BY_ID = 'SELECT * FROM flights WHERE id = ?';
const COUNTS = `SELECT COUNT(*) AS total,
    COALESCE(SUM(CASE WHEN status = 'done' THEN 1 ELSE 0 END), 0) AS done,
    COALESCE(SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END), 0) AS failed,
    COALESCE(SUM(CASE WHEN status = 'queued' THEN 1 ELSE 0 END), 0) AS queued,
    COALESCE(SUM(CASE WHEN status = 'processing' THEN 1 ELSE 0 END), 0) AS processing
  FROM images WHERE flight_id = ?`;
// recent frame times, over all flights: the worker pool is shared
const RECENT_DURATIONS = `SELECT AVG(duration_ms) AS avg FROM (SELECT duration_ms FROM jobs
  WHERE status = 'done' AND duration_ms IS NOT NULL ORDER BY id DESC LIMIT 20) AS recent`;
// frames of every flight queued before this flight's last pending frame are ahead of it in the queue
const QUEUE_AHEAD = `SELECT COUNT(*) AS n FROM jobs WHERE status IN ('queued', 'running')
    AND id <= (SELECT MAX(j.id) FROM jobs j JOIN images i ON i.id = j.image_id WHERE i.flight_id = ? AND j.status IN ('queued', 'running'))`;

type Overrides = { altitudeAglM: number | null; groundElevationM: number | null; sensorWidthMm: number | null };

export function createFlightsRepo({ sql }: StoreContext) {
  const countOf = async (q: string, params: unknown[]): Promise<number> => (await sql.get<{ n: number }>(q, params))!.n;

  async function toFlight(row: FlightRow): Promise<Flight> {
    const c = (await sql.get<Counts>(COUNTS, [row.id]))!;
    const pending = c.queued + c.processing;
    let etaS: number | null = null;
    // frames being processed right now (any process, any machine) tell how many workers share the queue
    const busy = pending > 0 ? await countOf(`SELECT COUNT(*) AS n FROM jobs WHERE status = 'running' AND lease_until >= ?`, [Date.now()]) : 0;
    const workers = Math.max(localWorkers, busy);
    if (pending > 0 && workers > 0) {
      const avgMs = (await sql.get<{ avg: number | null }>(RECENT_DURATIONS))!.avg;
      const ahead = (await countOf(QUEUE_AHEAD, [row.id])) || pending;
      etaS = Math.max(1, Math.round((ahead * (avgMs ? avgMs / 1000 : DEFAULT_FRAME_S)) / Math.max(1, workers)));
    }
    return {
      id: row.id,
      name: row.name,
      status: flightStatus(c),
      createdAt: row.created_at,
      createdBy: row.created_by,
      altitudeAglM: row.altitude_agl_m,
      groundElevationM: row.ground_elevation_m,
      sensorWidthMm: row.sensor_width_mm,
      isDemo: row.is_demo === 1,
      images: { total: c.total, processed: c.done, failed: c.failed, pending },
      sites: await countOf('SELECT COUNT(*) AS n FROM sites WHERE flight_id = ?', [row.id]),
      detections: await countOf('SELECT COUNT(*) AS n FROM detections WHERE flight_id = ?', [row.id]),
      etaS,
    };
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
      const row = await sql.get<FlightRow>(BY_ID, [id]);
      return row ? toFlight(row) : null;
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
    async list(): Promise<Flight[]> {
      const rows = await sql.all<FlightRow>('SELECT * FROM flights ORDER BY id DESC');
      const out: Flight[] = [];
      for (const r of rows) out.push(await toFlight(r));
      return out;
    },
    async count(): Promise<number> {
      return countOf('SELECT COUNT(*) AS n FROM flights', []);
    },
  };
}

export type FlightsRepo = ReturnType<typeof createFlightsRepo>;
