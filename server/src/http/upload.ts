import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Request, RequestHandler } from 'express';
import multer, { type StorageEngine } from 'multer';
import { SNIFF_BYTES } from '../images/sniff.js';
import { sha256Hasher } from '../util/sha256.js';

/** What the storage engine adds to each multer file. */
export interface StreamedFile {
  path: string | null;
  size: number;
  sha256: string;
  head: Buffer;
  refused?: { code: string; reason: string };
}

/** Temp files of one request, so a client that goes away mid-upload leaves none behind (and no open handle). */
const PARTIALS = Symbol('uploadPartials');
type Partials = Set<() => void>;
const partialsOf = (req: Request): Partials => ((req as unknown as Record<symbol, Partials>)[PARTIALS] ??= new Set());

/**
 * A multer storage engine that streams each file to a temp file while hashing it. A file over the per-file limit
 * is not an error for the whole request: its bytes are drained and it comes back `refused`, the others are kept.
 */
export function hashingDiskStorage(tmpDir: string, maxFileBytes: number): StorageEngine {
  return {
    _handleFile(_req: Request, file, cb) {
      fs.mkdirSync(tmpDir, { recursive: true });
      const tmp = path.join(tmpDir, `upload-${crypto.randomUUID()}`);
      const out = fs.createWriteStream(tmp, { flags: 'wx', mode: 0o600 });
      const hash = sha256Hasher();
      const headParts: Buffer[] = [];
      let headLen = 0;
      let size = 0;
      let tooLarge = false;
      let finished = false;
      const done = (err: Error | null, info?: StreamedFile) => {
        if (finished) return;
        finished = true;
        cb(err, info as unknown as Partial<Express.Multer.File>);
      };
      // the client went away: multer would wait forever for the rest of this file, holding the handle open
      const abandon = () => {
        file.stream.unpipe(out);
        file.stream.resume();
        out.destroy();
        fs.rm(tmp, { force: true }, () => undefined);
        finished = true;
      };
      partialsOf(_req).add(abandon);
      file.stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (tooLarge) return;
        if (size > maxFileBytes) {
          tooLarge = true;
          file.stream.unpipe(out);
          file.stream.resume(); // unpipe pauses the stream: keep draining, or the request never ends
          out.destroy();
          fs.rm(tmp, { force: true }, () => undefined);
          return;
        }
        hash.update(chunk);
        if (headLen < SNIFF_BYTES) {
          headParts.push(chunk.subarray(0, SNIFF_BYTES - headLen));
          headLen += Math.min(chunk.length, SNIFF_BYTES - headLen);
        }
      });
      file.stream.on('error', (err) => {
        out.destroy();
        fs.rm(tmp, { force: true }, () => done(err));
      });
      file.stream.on('end', () => {
        if (!tooLarge) return;
        const mb = (maxFileBytes / 1024 / 1024).toFixed(maxFileBytes % (1024 * 1024) ? 1 : 0);
        done(null, {
          path: null,
          size,
          sha256: '',
          head: Buffer.alloc(0),
          refused: { code: 'file_too_large', reason: `The file is over the ${mb} MB limit per file.` },
        });
      });
      out.on('error', (err) => {
        if (!tooLarge) done(err);
      });
      out.on('finish', () => {
        if (tooLarge) return;
        done(null, { path: tmp, size, sha256: hash.digest('hex'), head: Buffer.concat(headParts) });
      });
      file.stream.pipe(out);
    },
    _removeFile(_req: Request, file, cb) {
      const p = (file as unknown as StreamedFile).path;
      if (!p) return cb(null);
      fs.rm(p, { force: true }, () => cb(null));
    },
  };
}

export function uploadMiddleware(opts: { tmpDir: string; maxFileBytes: number; maxFiles: number }): RequestHandler {
  const receive = multer({
    storage: hashingDiskStorage(opts.tmpDir, opts.maxFileBytes),
    defParamCharset: 'utf8',
    limits: { files: opts.maxFiles, fields: 100, fieldSize: 64 * 1024, parts: opts.maxFiles + 100, headerPairs: 200 },
  }).any();
  return (req, res, next) => {
    // an aborted body: every file of this request, written or half-written, is removed and its handle closed
    req.once('close', () => {
      if (req.complete) return;
      for (const abandon of partialsOf(req)) abandon();
      partialsOf(req).clear();
    });
    receive(req, res, next);
  };
}
