import fs from 'node:fs';
import path from 'node:path';
import express, { type Router } from 'express';
import type { Config } from '../config.js';

/** The built web app: static assets, /snap → snap.html, every other GET page → index.html (SPA routing). */
export function webRouter(config: Pick<Config, 'webDist'>): Router {
  const router = express.Router();
  const dist = config.webDist;
  router.use(express.static(dist, { index: false, maxAge: '1h', fallthrough: true }));
  const page = (file: string): express.RequestHandler => (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const p = path.join(dist, file);
    if (!fs.existsSync(p)) {
      res
        .status(503)
        .type('text/plain')
        .send('The web app is not built. Run `npm run build` (npm start builds it when needed).');
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(p);
  };
  router.get(['/snap', '/snap/', '/snap.html'], page('snap.html'));
  router.use((req, res, next) => {
    if (path.extname(req.path)) return next(); // a missing asset is a 404, not the app
    page('index.html')(req, res, next);
  });
  router.use((req, res) => {
    res.status(404).type('text/plain').send(`Not found: ${req.path}`);
  });
  return router;
}
