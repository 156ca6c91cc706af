import express, { type Router } from 'express';
import type { AppDeps } from '../../appDeps.js';
import { BASEMAP_PMTILES_PATH } from './basemap.js';
import { loadAerialManifest } from '../../model/aerialManifest.js';

export function healthRouter({ model, config, store }: AppDeps): Router {
  const router = express.Router();
  // the aerial model's labels (what drone detections name) join the classifier's, so the web names both
  const aerialLabels = aerialLabelsOf(config.aerialModelPath);
  // anonymous callers (monitoring, load balancers) learn that it is up and which model; the work queue is for users
  router.get('/health', async (req, res) => {
    const answer = { ok: true, model: model ? { name: model.name, version: model.version } : null };
    if (!req.user) return void res.json(answer);
    const jobs = await store.jobs.counts();
    res.json({ ...answer, queue: { queued: jobs.queued, running: jobs.running, failed: jobs.failed } });
  });
  router.get('/config', (_req, res) => {
    res.json({
      basemap: {
        url: config.basemap.url,
        gcj02: config.basemap.gcj02,
        attribution: config.basemap.attribution,
        pmtiles: config.basemap.pmtiles ? BASEMAP_PMTILES_PATH : null,
      },
      map: { attributionPrefix: config.mapAttributionPrefix },
      model: model
        ? {
            name: model.name,
            version: model.version,
            labels: [...model.labels, ...aerialLabels],
            thresholds: model.thresholds,
            groundResolutionCmPerPx: model.drone.groundResolutionCmPerPx,
          }
        : null,
      limits: { maxFileMb: config.maxFileBytes / 1024 / 1024, maxFiles: config.maxFiles },
    });
  });
  return router;
}

function aerialLabelsOf(manifestPath: string | undefined) {
  try {
    return loadAerialManifest(manifestPath).labels.map((l) => ({ ...l, group: l.id.startsWith('poppy') ? ('poppy' as const) : ('other' as const), kind: 'drone' as const }));
  } catch {
    return []; // no aerial model installed: frames stay queued, and main says so
  }
}
