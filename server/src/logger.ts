import pino, { type Logger } from 'pino';

export type { Logger };

/** Paths whose values never reach the log, whatever the level. */
export const REDACT_PATHS = [
  'authorization',
  'cookie',
  'password',
  'token',
  'csrfToken',
  '*.authorization',
  '*.cookie',
  '*.password',
  '*.token',
  '*.csrfToken',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'headers["set-cookie"]',
  'body.password',
  'body.token',
];

const SECRET_PARAM = /token|password|passwd|secret|session|csrf|key|auth/i;

/** A URL for the log: values of query parameters that look like credentials are replaced. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  for (const k of [...params.keys()]) if (SECRET_PARAM.test(k)) params.set(k, '[redacted]');
  return `${url.slice(0, q)}?${params.toString()}`;
}

export function createLogger(opts: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  return pino(
    {
      level: opts.level ?? process.env.POPPY_LOG_LEVEL ?? 'info',
      base: { app: 'poppywatch' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    opts.destination,
  );
}
