import type { RequestHandler } from 'express';
import helmet from 'helmet';
import type { Config } from '../config.js';
import { contentSecurityPolicy } from './csp.js';

const HSTS_MAX_AGE_S = 180 * 24 * 3600;

/**
 * Security headers, chosen per request by whether it arrived over TLS (directly, or through a trusted proxy that
 * says so). `upgrade-insecure-requests` and HSTS only over TLS: sent over plain HTTP on a LAN address they make the
 * browser fetch every script over https, which fails, and the page stays blank.
 */
export function securityHeaders(config: Pick<Config, 'basemap'>): RequestHandler {
  const directives = contentSecurityPolicy(config);
  const plain = helmet({
    contentSecurityPolicy: { directives: { ...directives, 'upgrade-insecure-requests': null } },
    crossOriginEmbedderPolicy: false,
    strictTransportSecurity: false,
  });
  const tls = helmet({
    contentSecurityPolicy: { directives: { ...directives, 'upgrade-insecure-requests': [] } },
    crossOriginEmbedderPolicy: false,
    strictTransportSecurity: { maxAge: HSTS_MAX_AGE_S, includeSubDomains: false },
  });
  return (req, res, next) => (req.secure ? tls : plain)(req, res, next);
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Defence in depth behind SameSite=Strict cookies and the CSRF token: a state-changing request that a browser
 * marks as coming from another site, or whose Origin is not this server, is refused. Scripts (curl, the load
 * test) send neither header and pass; Bearer-token requests are not cookie-borne and pass too.
 */
export const checkOrigin: RequestHandler = (req, res, next) => {
  if (!UNSAFE.has(req.method) || req.get('authorization')) return next();
  const site = req.get('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') {
    return void res.status(403).json({ error: 'cross_origin', message: `Refused a ${req.method} from another site (Sec-Fetch-Site: ${site}).` });
  }
  const origin = req.get('origin');
  if (origin && origin !== 'null') {
    let from: URL | null = null;
    try {
      from = new URL(origin);
    } catch {
      from = null;
    }
    // req.host honours X-Forwarded-Host only from a trusted proxy; a proxy that passes a Host without the port
    // (nginx `$host`) is matched by host name
    const expected = (req.host ?? '').toLowerCase();
    const same = from !== null && (from.host === expected || (!expected.includes(':') && from.hostname === expected));
    if (!same) {
      return void res.status(403).json({ error: 'cross_origin', message: `Refused a ${req.method} from origin ${origin.slice(0, 100)}: it is not this server.` });
    }
  } else if (origin === 'null') {
    return void res.status(403).json({ error: 'cross_origin', message: `Refused a ${req.method} from an opaque origin.` });
  }
  next();
};
