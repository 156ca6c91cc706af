import express, { type Router } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../../appDeps.js';
import { requireRole } from '../../auth/middleware.js';
import type { Store } from '../../store/index.js';
import { HttpError, notFound } from '../errors.js';
import { parseGeoFilters } from '../filters.js';
import { detectionFeature, featureCollection, siteFeature, siteProperties } from '../geojson.js';
import { cleanMultiline } from '../text.js';
import { findOr404, parse, parseId } from '../validate.js';
import type { SiteDetail, SiteDetection, SiteSnap } from '../../domain/contract.js';

const ReviewSchema = z.object({
  decision: z.enum(['confirmed', 'rejected', 'pending']),
  note: z.string().max(2000, 'note is limited to 2000 characters').nullish(),
  baseVersion: z.number().int().min(0).optional(),
});

/**
 * The site version the reviewer's decision is based on: `baseVersion` in the body or an `If-Match: "<version>"`
 * header. Required: a decision made without knowing what it replaces would silently overwrite someone else's.
 */
function baseVersionOf(bodyVersion: number | undefined, ifMatch: string | undefined): number {
  const fromHeader = ifMatch === undefined ? undefined : /^\s*(?:W\/)?"?(\d{1,15})"?\s*$/.exec(ifMatch);
  if (ifMatch !== undefined && !fromHeader) {
    throw new HttpError(400, 'invalid_request', 'If-Match must be the site version you reviewed, e.g. If-Match: "3".');
  }
  const headerVersion = fromHeader ? Number(fromHeader[1]) : undefined;
  if (bodyVersion !== undefined && headerVersion !== undefined && bodyVersion !== headerVersion) {
    throw new HttpError(400, 'invalid_request', 'baseVersion and If-Match differ; send one.');
  }
  const v = bodyVersion ?? headerVersion;
  if (v === undefined) {
    throw new HttpError(428, 'base_version_required', 'Send the site version your decision is based on: baseVersion in the body (or an If-Match header).');
  }
  return v;
}

/** A site with everything the review panel shows: each detection with its frame, and the decision history. */
export async function siteDetail(store: Store, id: number): Promise<SiteDetail | null> {
  const site = await store.sites.get(id);
  if (!site) return null;
  const detections: SiteDetection[] = [];
  for (const d of await store.detections.listBySite(id)) {
    const image = await store.images.get(d.imageId);
    detections.push({
      ...d,
      image: image ? { id: image.id, name: image.name, takenAt: image.takenAt, width: image.width, height: image.height, orientation: image.orientation, footprint: image.footprint } : null,
      // versioned: SQLite may give a reprocessed flight's new detection the id of a deleted one
      cropUrl: `/api/detections/${d.id}/crop?v=${Date.parse(d.createdAt)}`,
      previewUrl: `/api/images/${d.imageId}/preview`,
    });
  }
  const [flight, siteSnaps, history] = await Promise.all([
    site.flightId != null ? store.flights.get(site.flightId) : null,
    store.snaps.listBySite(id),
    store.reviews.listBySite(id),
  ]);
  const snaps = siteSnaps.map((sn): SiteSnap => ({
    id: sn.id,
    imageId: sn.imageId,
    verdict: sn.verdict,
    poppyScore: sn.poppyScore,
    note: sn.note,
    username: sn.username,
    location: { lat: sn.lat, lon: sn.lon, source: sn.locationSource, accuracyM: sn.accuracyM },
    takenAt: sn.takenAt,
    createdAt: sn.createdAt,
    photoUrl: sn.imageId != null ? `/api/images/${sn.imageId}/preview` : null,
  }));
  return {
    ...siteProperties(site),
    lat: site.lat,
    lon: site.lon,
    flight: flight ? { id: flight.id, name: flight.name } : null,
    detections,
    snaps,
    history,
  };
}

export function sitesRouter({ store }: AppDeps): Router {
  const router = express.Router();

  router.get('/sites', requireRole(), async (req, res) => {
    const filters = parseGeoFilters(req.query);
    const [sites, counts] = await Promise.all([store.sites.list(filters), store.sites.countByStatus(filters)]);
    res.json({ ...featureCollection(sites.map(siteFeature)), counts });
  });

  router.get('/sites/:id', requireRole(), async (req, res) => {
    res.json(await findOr404(req.params.id, 'Site', (id) => siteDetail(store, id)));
  });

  router.post('/sites/:id/review', requireRole('reviewer'), async (req, res) => {
    const id = parseId(req.params.id, 'Site');
    const body = parse(ReviewSchema, req.body ?? {}, 'review');
    const baseVersion = baseVersionOf(body.baseVersion, req.get('if-match'));
    const user = req.user!;
    const outcome = await store.sites.review(id, {
      decision: body.decision,
      note: body.note === undefined ? undefined : cleanMultiline(body.note ?? '') || null,
      baseVersion,
      actor: { id: user.id, username: user.username },
    });
    if (outcome.kind === 'not_found') throw notFound(`Site ${id}`);
    if (outcome.kind === 'conflict') {
      const c = outcome.current;
      throw new HttpError(
        409,
        'conflict',
        `Site ${id} was changed by ${c.reviewedBy ?? 'someone else'} (now ${c.status}, version ${c.version}); your decision was not saved.`,
        { current: await siteDetail(store, id) },
      );
    }
    res.locals.review = outcome.review;
    res.json(await siteDetail(store, id));
  });

  router.get('/detections', requireRole(), async (req, res) => {
    const filters = parseGeoFilters(req.query);
    res.json(featureCollection((await store.detections.list(filters)).map(detectionFeature)));
  });

  router.get('/detections/:id', requireRole(), async (req, res) => {
    const d = await findOr404(req.params.id, 'Detection', (id) => store.detections.get(id));
    res.json({ ...d, cropUrl: `/api/detections/${d.id}/crop` });
  });

  return router;
}
