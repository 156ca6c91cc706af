import { Router, type RequestHandler } from 'express';
import multer from 'multer';
import { z } from 'zod';
import type { AppDeps } from '../../appDeps.js';
import { requireRole } from '../../auth/middleware.js';
import type { Classifier } from '../../model/classifier.js';
import { isUsablePosition } from '../../domain/position.js';
import type { SentPosition } from '../../snap/location.js';
import { submitSnap } from '../../snap/submitSnap.js';
import { HttpError } from '../errors.js';
import { cleanMultiline, DECIMAL } from '../text.js';
import { parse } from '../validate.js';

export const MAX_NOTE_CHARS = 2000;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

const number = (what: string) =>
  z
    .string()
    .trim()
    .min(1, `${what} is empty`)
    .transform((s, ctx) => {
      // plain decimals only: Number() would also take "0x10", "1e3" and "Infinity"
      const n = DECIMAL.test(s) ? Number(s) : NaN;
      if (!Number.isFinite(n)) ctx.addIssue({ code: 'custom', message: `${what} must be a number (plain decimal), got "${s.slice(0, 40)}"` });
      return n;
    });

const FieldsSchema = z
  .object({
    lat: number('lat').pipe(z.number().min(-90, 'lat must be between -90 and 90').max(90, 'lat must be between -90 and 90')).optional(),
    lon: number('lon').pipe(z.number().min(-180, 'lon must be between -180 and 180').max(180, 'lon must be between -180 and 180')).optional(),
    accuracyM: number('accuracyM').pipe(z.number().min(0, 'accuracyM cannot be negative').max(100_000, 'accuracyM is over 100 km')).optional(),
    locationSource: z.enum(['device', 'manual']).optional(),
    note: z.string().max(MAX_NOTE_CHARS, `note is longer than ${MAX_NOTE_CHARS} characters`).optional(),
    idempotencyKey: z.string().regex(IDEMPOTENCY_KEY, 'idempotencyKey must be 1–200 printable ASCII characters without spaces').optional(),
  })
  .refine((f) => (f.lat === undefined) === (f.lon === undefined), { message: 'send lat and lon together, or neither' })
  .refine((f) => f.lat === undefined || isUsablePosition(f.lat, f.lon!), { message: 'lat/lon 0,0 is not a real position' });

/**
 * POST /api/snaps (officer): multipart `photo` + optional lat, lon, accuracyM, locationSource (device|manual),
 * note, idempotencyKey (or the Idempotency-Key header). 201 with the verdict; a repeated key answers 200 with
 * the original body and `Idempotent-Replayed: true`, storing nothing again.
 */
export function snapsRouter(deps: AppDeps): Router {
  const router = Router();
  const limitMb = deps.config.maxFileBytes / 1024 / 1024;
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: deps.config.maxFileBytes, files: 1, fields: 12, fieldSize: 16 * 1024, parts: 14 },
  }).single('photo');

  const receivePhoto: RequestHandler = (req, res, next) => {
    upload(req, res, (err: unknown) => {
      if (!err) return next();
      if (err instanceof multer.MulterError) {
        if (err.code === 'LIMIT_FILE_SIZE') {
          return next(
            new HttpError(413, 'photo_too_large', `The photo is larger than the limit of ${fmtMb(limitMb)} MB per photo.`, {
              limitBytes: deps.config.maxFileBytes,
            }),
          );
        }
        if (err.code === 'LIMIT_UNEXPECTED_FILE' || err.code === 'LIMIT_FILE_COUNT') {
          return next(new HttpError(400, 'unexpected_file', 'Send exactly one photo, in the multipart field "photo".'));
        }
      }
      next(err);
    });
  };

  // The app's close-up classifier, loaded once by main.ts (tests and benchmarks hand in their own).
  const getClassifier = (): Classifier => {
    if (deps.classifier) return deps.classifier;
    throw new HttpError(503, 'model_unavailable', 'No poppy model is loaded on the server; snaps cannot be judged now.');
  };

  const markArrival: RequestHandler = (_req, res, next) => {
    res.locals.snapArrivedAt = performance.now();
    next();
  };

  // A photo is held in memory (up to POPPY_MAX_FILE_MB) from arrival to verdict: cap how many at once. The phone's
  // outbox keeps the snap and sends it again on a 503.
  let inFlight = 0;
  const capConcurrent: RequestHandler = (_req, res, next) => {
    if (inFlight >= deps.config.maxConcurrentSnaps) {
      res.setHeader('Retry-After', '5');
      res.setHeader('Connection', 'close');
      return next(new HttpError(503, 'busy', `The server is judging ${inFlight} snaps already; your snap is kept on the phone and sent again shortly.`));
    }
    inFlight++;
    res.once('close', () => inFlight--);
    next();
  };

  router.post('/snaps', markArrival, requireRole('officer'), capConcurrent, receivePhoto, async (req, res) => {
    const receivedAt = performance.now();
    if (!req.file) {
      throw new HttpError(400, 'photo_missing', 'No photo: send it as multipart/form-data in the field "photo".');
    }
    const fields = parse(FieldsSchema, req.body ?? {}, 'snap fields');
    const headerKey = req.get('idempotency-key')?.trim();
    if (headerKey !== undefined && !IDEMPOTENCY_KEY.test(headerKey)) {
      throw new HttpError(400, 'invalid_request', 'The Idempotency-Key header must be 1–200 printable ASCII characters without spaces.');
    }
    if (headerKey && fields.idempotencyKey && headerKey !== fields.idempotencyKey) {
      throw new HttpError(400, 'invalid_request', 'The Idempotency-Key header and the idempotencyKey field differ; send one key.');
    }
    const position: SentPosition | null =
      fields.lat !== undefined && fields.lon !== undefined
        ? { lat: fields.lat, lon: fields.lon, accuracyM: fields.accuracyM ?? null, source: fields.locationSource ?? 'device' }
        : null;
    const note = cleanNote(fields.note);
    const user = req.user!;
    const outcome = await submitSnap(
      { store: deps.store, classifier: getClassifier() },
      {
        photo: req.file.buffer,
        fileName: req.file.originalname,
        position,
        note,
        idempotencyKey: headerKey || fields.idempotencyKey || null,
        user: { id: user.id, username: user.username },
      },
    );
    if (outcome.timings) {
      const arrived = res.locals.snapArrivedAt as number;
      const stages = { receive: receivedAt - arrived, ...outcome.timings, request: performance.now() - arrived };
      res.setHeader('Server-Timing', Object.entries(stages).map(([k, v]) => `${k};dur=${v.toFixed(1)}`).join(', '));
    }
    if (outcome.replayed) res.setHeader('Idempotent-Replayed', 'true');
    res.status(outcome.replayed ? 200 : 201).json(outcome.answer);
  });

  return router;
}

/** Control characters and direction overrides out (newlines kept), trimmed; an empty note is no note. HTML stays text: clients render it as text. */
function cleanNote(note: string | undefined): string | null {
  const s = cleanMultiline(note ?? '');
  return s ? s : null;
}

const fmtMb = (mb: number) => (Number.isInteger(mb) ? String(mb) : mb.toFixed(1));
