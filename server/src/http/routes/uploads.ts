import fs from 'node:fs';
import path from 'node:path';
import express, { type Router } from 'express';
import type { AppDeps } from '../../appDeps.js';
import { requireRole } from '../../auth/middleware.js';
import { ingestFile, type Accepted, type Rejected, cleanFileName } from '../../jobs/ingest.js';
import { HttpError, notFound } from '../errors.js';
import { uploadMiddleware, type StreamedFile } from '../upload.js';
import { parseId } from '../validate.js';
import { flightSeeing, modelGsd } from './flights.js';
import { estimateFromFrames } from '../../coverage/estimate.js';
import { visibilityVerdict } from '../../coverage/visibility.js';

export const UPLOAD_FIELD = 'images';

/** When nothing in a request was kept, the status names the commonest reason. */
function allRejectedStatus(rejected: Rejected[]): number {
  if (rejected.every((r) => r.code === 'file_too_large')) return 413;
  if (rejected.every((r) => r.code === 'unsupported_type')) return 415;
  return 422;
}

export function uploadsRouter({ store, events, config, model }: AppDeps): Router {
  const router = express.Router();
  const upload = uploadMiddleware({
    tmpDir: path.join(store.dataDir, 'tmp'),
    maxFileBytes: config.maxFileBytes,
    maxFiles: config.maxFiles,
  });

  router.post(
    '/flights/:id/images',
    requireRole('operator'),
    async (req, _res, next) => {
      const id = parseId(req.params.id, 'Flight');
      if (!(await store.flights.get(id))) return next(notFound(`Flight ${id}`));
      if (!req.is('multipart/form-data')) {
        return next(new HttpError(415, 'multipart_expected', `Send the frames as multipart/form-data in the field "${UPLOAD_FIELD}".`));
      }
      next();
    },
    upload,
    async (req, res) => {
      const flightId = parseId(req.params.id, 'Flight');
      const files = (req.files ?? []) as (Express.Multer.File & StreamedFile)[];
      if (files.length === 0) {
        throw new HttpError(400, 'no_files', `No files received; send them in the multipart field "${UPLOAD_FIELD}".`);
      }
      const accepted: Accepted[] = [];
      const rejected: Rejected[] = [];
      for (const f of files) {
        if (f.fieldname !== UPLOAD_FIELD && f.fieldname !== `${UPLOAD_FIELD}[]`) {
          if (f.path) await fs.promises.rm(f.path, { force: true });
          rejected.push({ name: cleanFileName(f.originalname), code: 'unexpected_field', error: `Files go in the field "${UPLOAD_FIELD}", not "${f.fieldname}".` });
          continue;
        }
        const r = await ingestFile(
          store,
          events,
          { tmpPath: f.path, name: f.originalname, size: f.size, sha256: f.sha256 || undefined, head: f.head, refused: f.refused },
          { flightId, uploadedBy: req.user?.username ?? null },
        );
        if ('accepted' in r) accepted.push(r.accepted);
        else rejected.push(r.rejected);
      }
      res.locals.upload = { flightId, accepted, rejected };
      if (accepted.length === 0) {
        const reasons = rejected.map((r) => `${r.name}: ${r.error}`).join('; ');
        res.status(allRejectedStatus(rejected)).json({
          error: 'no_valid_images',
          message: `No file was accepted. ${reasons}`,
          accepted,
          rejected,
        });
        return;
      }
      // what the flight can see: from the frames processed so far, else from the metadata of the frames just sent
      const seeing = flightSeeing(await store.images.listByFlight(flightId), model);
      if (seeing.visibility.level === 'unknown') {
        const fresh = accepted.filter((a) => !a.duplicate).map((a) => a.sha256);
        const est = await estimateFromFrames(store.blobs.originals, fresh, (await store.flights.overrides(flightId)) ?? {}, modelGsd(model));
        seeing.visibility = visibilityVerdict(est.gsdCmPerPx, est.heightAboveGroundM, modelGsd(model));
      }
      res.status(202).json({ accepted, rejected, flight: await store.flights.get(flightId), ...seeing });
    },
  );

  return router;
}
