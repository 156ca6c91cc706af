import fs from 'node:fs';
import express, { type Response, type Router } from 'express';
import type { AppDeps } from '../../appDeps.js';
import { requireRole } from '../../auth/middleware.js';
import { frameQueue } from '../../jobs/frameQueue.js';
import { HttpError, notFound } from '../errors.js';
import { findOr404, parseId } from '../validate.js';
import { derivedImage, detectionCrop, overlayImage, type DerivedKind } from '../../images/derived.js';
import { frameSummary } from './flights.js';

const EXTENSIONS: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/tiff': 'tif', 'image/webp': 'webp' };

/** Derived images never change for a given original (content-addressed), so clients may keep them. */
function sendCachedJpeg(res: Response, file: string): void {
  res.setHeader('Cache-Control', 'private, max-age=86400, immutable');
  res.type('image/jpeg');
  res.sendFile(file);
}

export function imagesRouter({ store, events }: AppDeps): Router {
  const router = express.Router();
  const imageOr404 = (raw: unknown) => findOr404(raw, 'Image', (id) => store.images.get(id));
  const originalPath = (sha256: string) => {
    const p = store.blobs.originalPath(sha256);
    if (!fs.existsSync(p)) throw new HttpError(410, 'original_missing', 'The original file of this image is missing from the data directory.');
    return p;
  };

  router.get('/images/:id', requireRole(), async (req, res) => {
    const image = await imageOr404(req.params.id);
    res.json({ ...frameSummary(image), metadata: image.metadata, camera: image.camera, footprint: image.footprint, detectionList: await store.detections.listByImage(image.id) });
  });

  router.get('/images/:id/original', requireRole(), async (req, res) => {
    const image = await imageOr404(req.params.id);
    const file = originalPath(image.sha256);
    const base = image.name.replace(/\.[^.]*$/, '') || `image-${image.id}`;
    res.setHeader('Cache-Control', 'private, max-age=86400, immutable');
    res.setHeader('ETag', `"${image.sha256}"`);
    res.setHeader('X-Content-SHA256', image.sha256);
    res.type(image.mime);
    res.attachment(`${base}.${EXTENSIONS[image.mime] ?? 'bin'}`);
    res.setHeader('Content-Disposition', res.getHeader('Content-Disposition')!.toString().replace(/^attachment/, 'inline'));
    res.sendFile(file);
  });

  for (const kind of ['thumb', 'preview'] as DerivedKind[]) {
    router.get(`/images/:id/${kind}`, requireRole(), async (req, res) => {
      const image = await imageOr404(req.params.id);
      originalPath(image.sha256);
      try {
        sendCachedJpeg(res, await derivedImage(store.blobs.derived, store.blobs.originals, image.sha256, kind));
      } catch (err) {
        throw new HttpError(422, 'undecodable_image', `This image cannot be decoded: ${(err as Error).message.split('\n')[0]}`);
      }
    });
  }

  /** the map overlay: downscaled, stored pixel orientation (placed by the footprint's four corners) */
  router.get('/images/:id/overlay', requireRole(), async (req, res) => {
    const image = await imageOr404(req.params.id);
    originalPath(image.sha256);
    try {
      sendCachedJpeg(res, await overlayImage(store.blobs.derived, store.blobs.originals, image.sha256));
    } catch (err) {
      throw new HttpError(422, 'undecodable_image', `This image cannot be decoded: ${(err as Error).message.split('\n')[0]}`);
    }
  });

  router.post('/images/:id/retry', requireRole('operator'), async (req, res) => {
    const image = await imageOr404(req.params.id);
    if (image.status !== 'failed') {
      throw new HttpError(409, 'not_failed', `Only failed frames can be retried; this one is ${image.status}.`);
    }
    const job = await frameQueue(store, events).retryImage(image.id);
    if (!job) throw new HttpError(409, 'not_failed', 'The frame is no longer failed.');
    res.status(202).json({ image: frameSummary((await store.images.get(image.id))!), jobId: job.id });
  });

  const sendCrop = async (res: Response, id: number) => {
    const det = await store.detections.get(id);
    if (!det) throw notFound(`Detection ${id}`);
    const image = await store.images.get(det.imageId);
    if (!image) throw notFound(`The frame of detection ${id}`);
    originalPath(image.sha256);
    try {
      sendCachedJpeg(res, await detectionCrop(store.blobs.derived, store.blobs.originals, image.sha256, det.id, det.box));
    } catch (err) {
      throw new HttpError(422, 'undecodable_image', `The crop cannot be made: ${(err as Error).message.split('\n')[0]}`);
    }
  };

  router.get('/detections/:id/crop', requireRole(), async (req, res) => {
    await sendCrop(res, parseId(req.params.id, 'Detection'));
  });

  /** the site's best crop (its highest-scoring detection), for queue thumbnails */
  router.get('/sites/:id/crop', requireRole(), async (req, res) => {
    const site = await findOr404(req.params.id, 'Site', (id) => store.sites.get(id));
    if (site.bestDetectionId == null) throw new HttpError(404, 'no_crop', `Site ${site.id} has no detection to crop.`);
    await sendCrop(res, site.bestDetectionId);
  });

  return router;
}
