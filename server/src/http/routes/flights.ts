import express, { type Router } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../../appDeps.js';
import { requireRole } from '../../auth/middleware.js';
import { frameQueue } from '../../jobs/frameQueue.js';
import type { ImageRecord } from '../../store/types.js';
import type { FrameSummary } from '../../domain/contract.js';
import { HttpError } from '../errors.js';
import { findOr404, parse } from '../validate.js';
import { sseHeaders, sseSend } from '../sse.js';
import { cleanText } from '../text.js';
import { flightCoverage, frameCoverage } from '../../coverage/frameCoverage.js';
import { visibilityVerdict } from '../../coverage/visibility.js';
import type { ModelManifest } from '../../model/manifest.js';

/** The model's ground resolution, or the training default when no model is loaded. */
export const modelGsd = (model: ModelManifest | null) => model?.drone.groundResolutionCmPerPx ?? 2;

/** Per-flight facts for the operator: what the frames could see, and the visibility verdict. */
export function flightSeeing(images: ImageRecord[], model: ModelManifest | null) {
  const coverage = flightCoverage(images.map((image) => ({ image, coverage: frameCoverage(image) })));
  return { coverage, visibility: visibilityVerdict(coverage.gsdCmPerPx, coverage.heightAboveGroundM, modelGsd(model)) };
}

/** A number, also when a form sends it as a numeric string; "" means not given. */
const optionalNumber = (schema: z.ZodNumber) =>
  z.preprocess((v) => (v === '' ? null : typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : v), schema.nullish());

/** What an operator may correct after upload; the frames are then processed again. */
const FlightCameraSchema = z
  .object({
    altitudeAglM: optionalNumber(z.number().min(2).max(1500)),
    groundElevationM: optionalNumber(z.number().min(-500).max(9_000)),
    sensorWidthMm: optionalNumber(z.number().positive().max(100)),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'send altitudeAglM, groundElevationM or sensorWidthMm' });

const NewFlightSchema = z.object({
  // NUL, control characters and direction overrides (U+202E) are dropped: names are shown to people and in exports
  name: z.string().transform(cleanText).pipe(z.string().min(1, 'a flight needs a name').max(200)),
  altitudeAglM: optionalNumber(z.number().min(2).max(1500)),
  groundElevationM: optionalNumber(z.number().min(-500).max(9_000)),
  sensorWidthMm: optionalNumber(z.number().positive().max(100)),
});

/** What the flight page lists per frame (the full record is GET /api/images/:id). */
export function frameSummary(i: ImageRecord): FrameSummary {
  return {
    id: i.id,
    flightId: i.flightId,
    name: i.name,
    sha256: i.sha256,
    sizeBytes: i.sizeBytes,
    mime: i.mime,
    status: i.status,
    error: i.error,
    uploadedAt: i.uploadedAt,
    processedAt: i.processedAt,
    takenAt: i.takenAt,
    width: i.width,
    height: i.height,
    lat: i.lat,
    lon: i.lon,
    located: i.located,
    unlocatedReason: i.unlocatedReason,
    detections: i.detections ?? 0,
    timings: i.timings,
    coverage: frameCoverage(i),
  };
}

const HEARTBEAT_MS = 15_000;
/** at most this often a progress event per stream while frames finish quickly */
const PROGRESS_THROTTLE_MS = 250;

export function flightsRouter({ store, events, sse, model, logger }: AppDeps): Router {
  const router = express.Router();
  const flightOr404 = (raw: unknown) => findOr404(raw, 'Flight', (id) => store.flights.get(id));
  const queue = frameQueue(store, events);

  router.post('/flights', requireRole('operator'), async (req, res) => {
    const body = parse(NewFlightSchema, req.body ?? {}, 'flight');
    const flight = await store.flights.create({ ...body, createdBy: req.user?.username ?? null });
    res.status(201).json(flight);
  });

  router.get('/flights', requireRole(), async (_req, res) => {
    res.json({ flights: await store.flights.list() });
  });

  router.get('/flights/:id', requireRole(), async (req, res) => {
    res.json(await flightOr404(req.params.id));
  });

  router.get('/flights/:id/images', requireRole(), async (req, res) => {
    const flight = await flightOr404(req.params.id);
    const images = await store.images.listByFlight(flight.id);
    res.json({ images: images.map(frameSummary), ...flightSeeing(images, model) });
  });

  /** corrects the flight's height, ground elevation or sensor width and processes every frame again, once */
  router.patch('/flights/:id', requireRole('operator'), async (req, res) => {
    const flight = await flightOr404(req.params.id);
    const body = parse(FlightCameraSchema, req.body ?? {}, 'flight change');
    const before = (await store.flights.overrides(flight.id))!;
    const after = { ...before, ...body } as typeof before;
    for (const k of Object.keys(after) as (keyof typeof after)[]) after[k] = after[k] ?? null;
    if (JSON.stringify(before) === JSON.stringify(after)) {
      throw new HttpError(409, 'nothing_changed', 'The flight already has these values; nothing was reprocessed.');
    }
    const requeued = await queue.reprocessFlight(flight.id, async (counts) => {
      await store.flights.setOverrides(flight.id, after);
      await store.audit.append({ action: 'flight_changed', user: req.user, flightId: flight.id, before, after, details: counts, ip: req.ip });
    });
    if (!requeued) throw new HttpError(409, 'flight_busy', 'Frames of this flight are still waiting or being processed; change it once they are done.');
    res.status(202).json({ flight: await store.flights.get(flight.id), requeued });
  });

  /** queues every failed frame of the flight again */
  router.post('/flights/:id/retry', requireRole('operator'), async (req, res) => {
    const flight = await flightOr404(req.params.id);
    const retried = await queue.retryFlight(flight.id);
    res.status(202).json({ retried, flight: await store.flights.get(flight.id) });
  });

  router.get('/flights/:id/footprints', requireRole(), async (req, res) => {
    const flight = await flightOr404(req.params.id);
    const images = await store.images.listByFlight(flight.id);
    const features: unknown[] = images
      .filter((i) => i.footprint)
      .map((i) => {
        const c = frameCoverage(i);
        return {
          type: 'Feature',
          // ring = ground under the stored pixel corners: top-left, top-right, bottom-right, bottom-left
          geometry: i.footprint,
          properties: {
            kind: 'footprint', imageId: i.id, flightId: flight.id, name: i.name, status: i.status, takenAt: i.takenAt,
            detections: i.detections ?? 0, width: i.width, height: i.height, overlayUrl: `/api/images/${i.id}/overlay`,
            offNadirDeg: c.offNadirDeg, gsdCmPerPx: c.gsdCmPerPx, heightAboveGroundM: c.heightAboveGroundM, yawDeg: c.yawDeg,
          },
        };
      });
    const track = images.filter((i) => i.lat != null && i.lon != null).map((i) => [i.lon as number, i.lat as number]);
    if (track.length > 0) {
      features.push({
        type: 'Feature',
        geometry: track.length > 1 ? { type: 'LineString', coordinates: track } : { type: 'Point', coordinates: track[0] },
        properties: { kind: 'track', flightId: flight.id, frames: track.length },
      });
    }
    res.json({ type: 'FeatureCollection', features });
  });

  router.get('/flights/:id/events', requireRole(), async (req, res) => {
    const flight = await flightOr404(req.params.id);
    sseHeaders(res);
    res.write('retry: 3000\n\n');
    let closed = false;
    const sendProgress = async () => {
      const f = await store.flights.get(flight.id);
      // the stream may have closed while the flight was read
      if (!f || closed || res.writableEnded) return;
      sseSend(res, 'progress', {
        flightId: f.id,
        status: f.status,
        total: f.images.total,
        processed: f.images.processed,
        failed: f.images.failed,
        pending: f.images.pending,
        sites: f.sites,
        etaS: f.etaS,
      });
    };
    const progress = () => {
      void sendProgress().catch((err: unknown) => logger.error({ err, flightId: flight.id }, 'flight progress event failed'));
    };
    progress();
    let timer: NodeJS.Timeout | null = null;
    let last = 0;
    const offFrame = events.onFrame((e) => {
      if (e.flightId !== flight.id) return;
      sseSend(res, 'frame', e);
      const wait = last + PROGRESS_THROTTLE_MS - Date.now();
      if (wait <= 0) {
        last = Date.now();
        progress();
      } else if (!timer) {
        timer = setTimeout(() => {
          timer = null;
          last = Date.now();
          progress();
        }, wait);
      }
    });
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), HEARTBEAT_MS);
    const offHub = sse.add(res);
    const cleanup = () => {
      closed = true;
      offFrame();
      offHub();
      clearInterval(heartbeat);
      if (timer) clearTimeout(timer);
    };
    req.on('close', cleanup);
    res.on('close', cleanup);
  });

  return router;
}
