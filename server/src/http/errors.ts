import type { ErrorRequestHandler, RequestHandler } from 'express';
import multer from 'multer';
import { ZodError } from 'zod';
import { PhotoRejected } from '../images/photoRejected.js';
import { redactUrl, type Logger } from '../logger.js';

/** An error that becomes `{error: code, message, ...extra}` with its status. */
export class HttpError extends Error {
  constructor(
    public status: number,
    public code: string,
    message: string,
    public extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const notFound = (what: string): HttpError => new HttpError(404, 'not_found', `${what} does not exist.`);

export function zodMessage(err: ZodError): string {
  return err.issues
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}

const MULTER_STATUS: Record<string, [number, string]> = {
  LIMIT_FILE_SIZE: [413, 'file_too_large'],
  LIMIT_FILE_COUNT: [413, 'too_many_files'],
  LIMIT_PART_COUNT: [413, 'too_many_parts'],
  LIMIT_FIELD_COUNT: [413, 'too_many_fields'],
  LIMIT_FIELD_KEY: [400, 'field_name_too_long'],
  LIMIT_FIELD_VALUE: [413, 'field_too_large'],
  LIMIT_UNEXPECTED_FILE: [400, 'unexpected_file_field'],
  MISSING_FIELD_NAME: [400, 'missing_field_name'],
};

const PHOTO_REJECTION_STATUS: Record<PhotoRejected['code'], number> = {
  photo_missing: 400,
  unsupported_photo_type: 415,
  heic_not_supported: 415,
  photo_too_large: 413,
  unreadable_photo: 400,
  location_required: 400,
  idempotency_key_reused: 409,
};

/** Answers /api paths no router took. */
export const apiNotFound: RequestHandler = (req, res) => {
  res.status(404).json({ error: 'not_found', message: `No API endpoint ${req.method} ${req.path}.` });
};

/** The last middleware: every error becomes JSON `{error, message}`; only server faults are 500, without details. */
export function errorHandler({ logger, maxFiles }: { logger: Logger; maxFiles?: number }): ErrorRequestHandler {
  return (err, req, res, _next) => {
    let status = 500;
    let body: Record<string, unknown> = { error: 'internal', message: 'Internal server error; the fault is logged.' };
    if (err instanceof HttpError) {
      status = err.status;
      body = { error: err.code, message: err.message, ...err.extra };
    } else if (err instanceof PhotoRejected) {
      status = PHOTO_REJECTION_STATUS[err.code];
      body = { error: err.code, message: err.message };
    } else if (err instanceof ZodError) {
      status = 400;
      body = { error: 'invalid_request', message: zodMessage(err) };
    } else if (err instanceof multer.MulterError) {
      const [s, code] = MULTER_STATUS[err.code] ?? [400, 'bad_upload'];
      status = s;
      const message =
        err.code === 'LIMIT_FILE_COUNT' && maxFiles
          ? `Too many files in one request: at most ${maxFiles}. Send them in smaller batches.`
          : `${err.message}${err.field ? ` (field "${err.field}")` : ''}.`;
      body = { error: code, message };
    } else if (err instanceof Error && /^(Malformed part header|Unexpected end of (form|file)|Multipart: Boundary not found|Malformed urlencoded form)/.test(err.message)) {
      status = 400; // busboy: a broken multipart body (e.g. a NUL byte in a part header) is the client's fault
      body = { error: 'bad_multipart', message: `The multipart upload is malformed: ${err.message}.` };
    } else if (err && typeof err === 'object' && 'type' in err && (err as { type: unknown }).type === 'entity.parse.failed') {
      status = 400;
      body = { error: 'invalid_json', message: 'The request body is not valid JSON.' };
    } else if (err && typeof err === 'object') {
      const e = err as { status?: unknown; statusCode?: unknown; message?: unknown; expose?: unknown; type?: unknown };
      const s = Number(e.status ?? e.statusCode);
      if (Number.isInteger(s) && s >= 400 && s < 500) {
        status = s;
        const code = typeof e.type === 'string' ? e.type.replace(/\W+/g, '_') : `http_${s}`;
        body = { error: code, message: e.expose !== false && typeof e.message === 'string' ? e.message : 'Bad request.' };
      }
    }
    if (status >= 500) logger.error({ err, method: req.method, url: redactUrl(req.originalUrl) }, 'request failed');
    else logger.debug({ status, code: body.error, method: req.method, url: redactUrl(req.originalUrl) }, 'request refused');
    if (res.headersSent) {
      res.end();
      return;
    }
    res.status(status).json(body);
  };
}
