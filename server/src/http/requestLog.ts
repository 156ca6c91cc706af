import type { RequestHandler } from 'express';
import type { Logger } from '../logger.js';

/**
 * One structured line per API request: changes at info, reads at debug (so a busy review session does not flood the
 * log), and anything slow or failed at info/warn. Never logs headers or bodies (credentials live there).
 */
export function requestLog(logger: Logger, slowMs = 1000): RequestHandler {
  return (req, res, next) => {
    const t0 = performance.now();
    res.on('finish', () => {
      const ms = Math.round(performance.now() - t0);
      const rec = { method: req.method, path: req.path, status: res.statusCode, ms, user: req.user?.username };
      if (res.statusCode >= 500) logger.warn(rec, 'request');
      else if (req.method !== 'GET' && req.method !== 'HEAD') logger.info(rec, 'request');
      else if (ms >= slowMs) logger.info(rec, 'slow request');
      else logger.debug(rec, 'request');
    });
    next();
  };
}
