import type { Request, RequestHandler } from 'express';

export interface RequestTimeoutOptions {
  /** the whole request (headers and body) must have arrived within this time */
  requestTimeoutMs: number;
  /** uploads may take long, but bytes must keep arriving: at most this long without any */
  uploadIdleTimeoutMs: number;
  isUpload(req: Request): boolean;
}

/**
 * Node's own `requestTimeout` is one number for every route, and large uploads need none; so the server runs with
 * it off and this middleware puts a deadline on receiving every non-upload request and an idle limit on uploads.
 * It watches the socket's byte count instead of listening for 'data', which would start the body flowing before
 * the parsers are attached. A client that misses the deadline gets a 408 and its connection is closed.
 */
export function requestTimeouts(o: RequestTimeoutOptions): RequestHandler {
  return (req, res, next) => {
    if (req.complete) return next();
    const upload = o.isUpload(req);
    const socket = req.socket;
    const started = Date.now();
    let lastBytes = socket.bytesRead;
    let lastProgress = started;
    const tick = Math.max(50, Math.min(1000, (upload ? o.uploadIdleTimeoutMs : o.requestTimeoutMs) / 4));
    const timer = setInterval(() => {
      if (req.complete || socket.destroyed) return stop();
      const now = Date.now();
      if (socket.bytesRead !== lastBytes) {
        lastBytes = socket.bytesRead;
        lastProgress = now;
      }
      const late = upload ? now - lastProgress > o.uploadIdleTimeoutMs : now - started > o.requestTimeoutMs;
      if (!late) return;
      stop();
      const message = upload
        ? `No upload data arrived for ${Math.round(o.uploadIdleTimeoutMs / 1000)} s; the upload was stopped.`
        : `The request was not complete after ${Math.round(o.requestTimeoutMs / 1000)} s.`;
      if (!res.headersSent) {
        res.setHeader('Connection', 'close');
        res.status(408).json({ error: 'request_timeout', message });
      }
      // the rest of the body will never be read: close instead of waiting for it
      setImmediate(() => socket.destroy());
    }, tick);
    timer.unref();
    const stop = () => clearInterval(timer);
    res.once('close', stop);
    next();
  };
}
