import express, { type Express, type Router } from 'express';
import type { AppDeps } from './appDeps.js';
import { JobEvents } from './jobs/events.js';
import { apiNotFound, errorHandler } from './http/errors.js';
import { authenticate } from './auth/middleware.js';
import { auditTrail } from './auth/auditTrail.js';
import { healthRouter } from './http/routes/health.js';
import { flightsRouter } from './http/routes/flights.js';
import { uploadsRouter } from './http/routes/uploads.js';
import { imagesRouter } from './http/routes/images.js';
import { sitesRouter } from './http/routes/sites.js';
import { exportsRouter } from './http/routes/exports.js';
import { snapsRouter } from './http/routes/snaps.js';
import { authRouter } from './http/routes/auth.js';
import { usersRouter } from './http/routes/users.js';
import { auditRouter } from './http/routes/audit.js';
import { basemapRouter } from './http/routes/basemap.js';
import { accountRouter } from './http/routes/account.js';
import { fieldRouter } from './http/routes/field.js';
import { taskSheetsRouter } from './http/routes/taskSheets.js';
import { seasonRouter } from './http/routes/season.js';
import { modelsRouter } from './http/routes/models.js';
import { webRouter } from './http/web.js';
import { checkOrigin, securityHeaders } from './http/transportSecurity.js';
import { requestTimeouts } from './http/requestTimeouts.js';
import { SseHub } from './http/sse.js';
import { requestLog } from './http/requestLog.js';

export type { AppDeps } from './appDeps.js';

/**
 * Every API router, mounted in order after authentication. To add one: write http/routes/<name>.ts exporting
 * `(deps: AppDeps) => Router` and add one line here.
 */
const API_ROUTERS: ((deps: AppDeps) => Router)[] = [
  healthRouter,
  authRouter,
  usersRouter,
  auditRouter,
  flightsRouter,
  uploadsRouter,
  imagesRouter,
  sitesRouter,
  fieldRouter,
  // before exportsRouter, whose /exports/:file answers unknown names with 404
  taskSheetsRouter,
  exportsRouter,
  seasonRouter,
  modelsRouter,
  snapsRouter,
  basemapRouter,
  accountRouter,
];

/** Routes whose bodies may take minutes (many frames, a phone on a slow link with snap or field photos): an idle limit, no deadline. */
const UPLOAD_PATHS = /^\/api\/(flights\/[^/]+\/images|snaps|sites\/[^/]+\/field)\/?$/;

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // API answers are no-store; hashing multi-megabyte GeoJSON for an ETag only costs event-loop time
  app.set('etag', false);
  // behind nginx (POPPY_TRUST_PROXY): req.secure and req.ip come from X-Forwarded-Proto/-For, so cookies get Secure
  app.set('trust proxy', deps.config.trustProxy);
  app.set('query parser', 'simple');

  app.use(
    requestTimeouts({
      requestTimeoutMs: deps.config.requestTimeoutMs,
      uploadIdleTimeoutMs: deps.config.uploadIdleTimeoutMs,
      isUpload: (req) => req.method === 'POST' && UPLOAD_PATHS.test(req.path),
    }),
  );
  app.use(securityHeaders(deps.config));
  app.use('/api', checkOrigin);
  app.use('/api', express.json({ limit: '1mb' }));
  app.use('/api', (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  app.use('/api', authenticate({ store: deps.store, bootstrapToken: deps.config.bootstrapToken }));
  app.use('/api', requestLog(deps.logger));
  app.use('/api', auditTrail(deps.store, deps.logger));
  for (const makeRouter of API_ROUTERS) app.use('/api', makeRouter(deps));
  app.use('/api', apiNotFound);
  app.use(webRouter(deps.config));
  app.use(errorHandler({ logger: deps.logger, maxFiles: deps.config.maxFiles }));
  return app;
}
