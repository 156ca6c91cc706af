import { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { requireRole } from '../../auth/middleware.js';
import { AerialModels } from '../../learning/aerialModels.js';
import { LearningError } from '../../learning/versionFiles.js';
import type { Store } from '../../store/index.js';
import type { Config } from '../../config.js';
import { HttpError, notFound } from '../errors.js';
import { parse } from '../validate.js';

const VersionParam = z.string().regex(/^[0-9A-Za-z][0-9A-Za-z.+-]{0,63}$/, 'a model version such as 1.0.0 or 1.0.0+local.2');

const actorOf = (req: Request) => (req.user ? { id: req.user.id, username: req.user.username } : null);

/** LearningErrors become answers with their status and code. */
const answer = (fn: (req: Request, res: Response) => unknown) => async (req: Request, res: Response, next: NextFunction) => {
  try {
    await fn(req, res);
  } catch (err) {
    if (err instanceof LearningError) next(new HttpError(err.status, err.code, err.message));
    else next(err);
  }
};

/**
 * GET /api/models, POST /api/models/aerial/retrain (202 + job), GET /api/models/aerial/retrain/:id (progress),
 * POST /api/models/aerial/:version/promote (promote or roll back). Admin only.
 */
export function modelsRouter(deps: { store: Store; config: Config; models?: AerialModels }): Router {
  const router = Router();
  const models = deps.models ?? new AerialModels(deps.store, { manifestPath: deps.config.aerialModelPath });

  router.get('/models', requireRole('admin'), answer(async (_req, res) => {
    const m = models.manifest();
    const active = await models.activeVersion();
    const locals = (await deps.store.modelVersions.list()).map((v) => ({ ...v, active: v.version === active, compatible: v.baseSha256 === m.sha256 }));
    res.json({
      aerial: {
        active,
        shipped: { version: m.version, name: m.name, sha256: m.sha256, createdAt: m.createdAt ?? null, thresholds: m.thresholds, active: active === m.version },
        versions: locals,
        promotions: await deps.store.modelVersions.promotions(),
        retrain: models.currentJob(),
      },
    });
  }));

  router.post('/models/aerial/retrain', requireRole('admin'), answer((req, res) => {
    const job = models.startRetrain(actorOf(req));
    res.status(202).location(`/api/models/aerial/retrain/${job.id}`).json({ job });
  }));

  router.get('/models/aerial/retrain/:id', requireRole('admin'), answer((req, res) => {
    const id = parse(z.string().uuid('a retraining id'), req.params.id, 'retraining id');
    const job = models.job(id);
    if (!job) throw notFound(`Retraining ${id}`);
    res.json({ job });
  }));

  router.post('/models/aerial/:version/promote', requireRole('admin'), answer(async (req, res) => {
    const version = parse(VersionParam, req.params.version, 'model version');
    const r = await models.promote(version, actorOf(req), req.ip);
    res.json({ active: r.promotion.version, previous: r.promotion.previousVersion, promotion: r.promotion, rescored: r.rescored });
  }));

  return router;
}
