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

export function createFlightsRepo({ db }: StoreContext) {
  const insert = db.prepare(`INSERT INTO flights (name, created_at, created_by, altitude_agl_m, ground_elevation_m, sensor_width_mm, is_demo)
    VALUES (@name, @createdAt, @createdBy, @altitudeAglM, @groundElevationM, @sensorWidthMm, @isDemo)`);
  const byId = db.prepare('SELECT * FROM flights WHERE id = ?');
  const all = db.prepare('SELECT * FROM flights ORDER BY id DESC');
  const counts = db.prepare(`SELECT COUNT(*) AS total,
      COALESCE(SUM(status = 'done'), 0) AS done, COALESCE(SUM(status = 'failed'), 0) AS failed,
      COALESCE(SUM(status = 'queued'), 0) AS queued, COALESCE(SUM(status = 'processing'), 0) AS processing
    FROM images WHERE flight_id = ?`);
  const siteCount = db.prepare('SELECT COUNT(*) AS n FROM sites WHERE flight_id = ?');
  const detectionCount = db.prepare('SELECT COUNT(*) AS n FROM detections WHERE flight_id = ?');
  // recent frame times, over all flights: the worker pool is shared
  const recentDurations = db.prepare(
    `SELECT AVG(duration_ms) AS avg FROM (SELECT duration_ms FROM jobs WHERE status = 'done' AND duration_ms IS NOT NULL ORDER BY id DESC LIMIT 20)`,
  );
  // frames of every flight queued before this flight's last pending frame are ahead of it in the queue
  const queueAhead = db.prepare(`SELECT COUNT(*) AS n FROM jobs WHERE status IN ('queued', 'running')
      AND id <= (SELECT MAX(j.id) FROM jobs j JOIN images i ON i.id = j.image_id WHERE i.flight_id = ? AND j.status IN ('queued', 'running'))`);

  function toFlight(row: FlightRow, workers: number): Flight {
    const c = counts.get(row.id) as Counts;
    const pending = c.queued + c.processing;
    let etaS: number | null = null;
    if (pending > 0 && workers > 0) {
      const avgMs = (recentDurations.get() as { avg: number | null }).avg;
      const ahead = (queueAhead.get(row.id) as { n: number }).n || pending;
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
      sites: (siteCount.get(row.id) as { n: number }).n,
      detections: (detectionCount.get(row.id) as { n: number }).n,
      etaS,
    };
  }

  // 0 until a worker pool starts (no model: frames wait, and no ETA can be given)
  let workers = 0;
  return {
    /** the worker count, for ETAs; 0 = nothing is processing frames */
    setWorkers(n: number): void {
      workers = n;
    },
    create(f: NewFlight): Flight {
      const r = insert.run({
        name: f.name,
        createdAt: nowIso(),
        createdBy: f.createdBy ?? null,
        altitudeAglM: f.altitudeAglM ?? null,
        groundElevationM: f.groundElevationM ?? null,
        sensorWidthMm: f.sensorWidthMm ?? null,
        isDemo: f.isDemo ? 1 : 0,
      });
      return this.get(Number(r.lastInsertRowid))!;
    },
    get(id: number): Flight | null {
      const row = byId.get(id) as FlightRow | undefined;
      return row ? toFlight(row, workers) : null;
    },
    /** Changes what the operator told about the flight's camera; the caller reprocesses its frames. */
    setOverrides(id: number, o: { altitudeAglM: number | null; groundElevationM: number | null; sensorWidthMm: number | null }): void {
      db.prepare('UPDATE flights SET altitude_agl_m = ?, ground_elevation_m = ?, sensor_width_mm = ? WHERE id = ?').run(o.altitudeAglM, o.groundElevationM, o.sensorWidthMm, id);
    },
    /** the per-flight camera overrides the pipeline needs */
    overrides(id: number): { altitudeAglM: number | null; groundElevationM: number | null; sensorWidthMm: number | null } | null {
      const row = byId.get(id) as FlightRow | undefined;
      return row
        ? { altitudeAglM: row.altitude_agl_m, groundElevationM: row.ground_elevation_m, sensorWidthMm: row.sensor_width_mm }
        : null;
    },
    list(): Flight[] {
      return (all.all() as FlightRow[]).map((r) => toFlight(r, workers));
    },
    count(): number {
      return (db.prepare('SELECT COUNT(*) AS n FROM flights').get() as { n: number }).n;
    },
  };
}

export type FlightsRepo = ReturnType<typeof createFlightsRepo>;
